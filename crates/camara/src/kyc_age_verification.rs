//! CAMARA KYC Age Verification: is the subscriber at least a given age, how sure is the operator,
//! and does the line have a content lock or parental control?
//!
//! - [`v0_2`]: KYC Age Verification 0.2.1 (`{apiRoot}/kyc-age-verification/v0.2`), `POST /verify`.
//!
//! The request carries an [`AgeThreshold`] and, optionally, identity fields to check against the
//! operator's record (a subset of KYC Match's, so they travel as [`KycClaims`]: see
//! [`IDENTITY_FIELDS`]); the answer is an [`AgeVerification`].

use std::fmt;
use std::str::FromStr;

use netid_core::kyc::{KycClaims, KycField, MatchScore};
use serde::{Deserialize, Deserializer, Serialize};

pub mod v0_2;

/// The identity fields a verify request may carry besides the threshold (`idDocument`, `name`,
/// `givenName`, `familyName`, `middleNames`, `familyNameAtBirth`, `birthdate`, `email`).
pub const IDENTITY_FIELDS: [KycField; 8] = [
    KycField::IdDocument,
    KycField::Name,
    KycField::GivenName,
    KycField::FamilyName,
    KycField::MiddleNames,
    KycField::FamilyNameAtBirth,
    KycField::Birthdate,
    KycField::Email,
];

/// The `ageThreshold` of a request: whole years, 0 to 120 (an operator may allow less, per local
/// regulation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AgeThreshold(u8);

/// An `ageThreshold` outside 0 to 120 years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("ageThreshold must be between 0 and 120 years, got {0}")]
pub struct AgeThresholdError(pub u32);

impl AgeThreshold {
    /// The largest threshold the spec allows, 120 years.
    pub const MAX: Self = Self(120);

    /// `years`, if within 0 to 120.
    ///
    /// # Errors
    ///
    /// [`AgeThresholdError`] above 120.
    pub fn new(years: u32) -> Result<Self, AgeThresholdError> {
        match u8::try_from(years) {
            Ok(value) if value <= Self::MAX.0 => Ok(Self(value)),
            _ => Err(AgeThresholdError(years)),
        }
    }

    /// The threshold in years.
    #[must_use]
    pub fn years(self) -> u8 {
        self.0
    }
}

impl fmt::Display for AgeThreshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} years", self.0)
    }
}

/// Writes a spec string enum of `"true"`, `"false"` and `"not_available"` with named states.
macro_rules! tri_state {
    ($(#[$meta:meta])* $name:ident { $(#[$yes_meta:meta])* $yes:ident, $(#[$no_meta:meta])* $no:ident $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[$yes_meta])*
            $yes,
            $(#[$no_meta])*
            $no,
            /// `"not_available"`: the operator cannot tell.
            NotAvailable,
        }

        impl $name {
            /// Every value, in the spec's order.
            pub const ALL: [Self; 3] = [Self::$yes, Self::$no, Self::NotAvailable];

            /// The spec's string (`"true"`, `"false"`, `"not_available"`).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    Self::$yes => "true",
                    Self::$no => "false",
                    Self::NotAvailable => "not_available",
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            /// Reads the spec's strings exactly.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|value| value.as_str() == s)
                    .ok_or(UnknownValue)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(|_| {
                    serde::de::Error::unknown_variant(&text, &["true", "false", "not_available"])
                })
            }
        }
    };
}

tri_state! {
    /// `ageCheck`: is the subscriber at least the threshold's age?
    AgeCheck {
        /// `"true"`: the subscriber's age is the threshold or more.
        AtLeast,
        /// `"false"`: the subscriber is younger than the threshold.
        Below,
    }
}

tri_state! {
    /// `contentLock` or `parentalControl`: is the line's restriction on?
    Restriction {
        /// `"true"`: the restriction is on.
        Active,
        /// `"false"`: the restriction is off.
        Inactive,
    }
}

/// A string that is not `"true"`, `"false"` or `"not_available"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected \"true\", \"false\" or \"not_available\"")]
pub struct UnknownValue;

/// What to ask besides the age: the threshold, identity fields to check, and the optional
/// indicators. The same in every version.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct AgeQuery {
    /// `ageThreshold`.
    pub age_threshold: AgeThreshold,
    /// Identity fields to check against the operator's record (only [`IDENTITY_FIELDS`]; its
    /// phone number is never sent, the subject comes from the bearer). Redacted in `Debug`.
    pub identity: KycClaims,
    /// `includeContentLock`: ask for `contentLock`.
    pub include_content_lock: bool,
    /// `includeParentalControl`: ask for `parentalControl`.
    pub include_parental_control: bool,
}

impl AgeQuery {
    /// A query for `age_threshold` alone.
    #[must_use]
    pub fn new(age_threshold: AgeThreshold) -> Self {
        Self {
            age_threshold,
            identity: KycClaims::new(),
            include_content_lock: false,
            include_parental_control: false,
        }
    }

    /// Adds identity fields to check.
    #[must_use]
    pub fn with_identity(mut self, identity: KycClaims) -> Self {
        self.identity = identity;
        self
    }

    /// Asks for `contentLock`.
    #[must_use]
    pub fn with_content_lock(mut self) -> Self {
        self.include_content_lock = true;
        self
    }

    /// Asks for `parentalControl`.
    #[must_use]
    pub fn with_parental_control(mut self) -> Self {
        self.include_parental_control = true;
        self
    }
}

/// The answer of an age verification, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AgeVerification {
    /// `ageCheck`.
    pub age_check: AgeCheck,
    /// `verifiedStatus`: whether the operator's data was checked against an official document
    /// (or the country's equivalent); `None` when not sent.
    pub verified_status: Option<bool>,
    /// `identityMatchScore` (0 to 100): how sure the operator is that the answer is about the
    /// person asked about; `None` when not sent.
    pub identity_match_score: Option<MatchScore>,
    /// `contentLock`, when asked for and implemented.
    pub content_lock: Option<Restriction>,
    /// `parentalControl`, when asked for and implemented.
    pub parental_control: Option<Restriction>,
}

impl AgeVerification {
    /// An answer with `age_check` alone.
    #[must_use]
    pub fn new(age_check: AgeCheck) -> Self {
        Self {
            age_check,
            verified_status: None,
            identity_match_score: None,
            content_lock: None,
            parental_control: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_threshold_range() {
        for (years, ok) in [(0, true), (18, true), (120, true), (121, false), (70_000, false)] {
            assert_eq!(AgeThreshold::new(years).is_ok(), ok, "{years}");
        }
        assert_eq!(
            AgeThresholdError(121).to_string(),
            "ageThreshold must be between 0 and 120 years, got 121"
        );
    }

    #[test]
    fn tri_states_read_the_spec_strings_only() {
        fn check(text: &str, age: Result<AgeCheck, UnknownValue>, lock: Result<Restriction, UnknownValue>) {
            assert_eq!(text.parse::<AgeCheck>(), age, "{text}");
            assert_eq!(text.parse::<Restriction>(), lock, "{text}");
        }
        check("true", Ok(AgeCheck::AtLeast), Ok(Restriction::Active));
        check("false", Ok(AgeCheck::Below), Ok(Restriction::Inactive));
        check(
            "not_available",
            Ok(AgeCheck::NotAvailable),
            Ok(Restriction::NotAvailable),
        );
        check("TRUE", Err(UnknownValue), Err(UnknownValue));
        check("", Err(UnknownValue), Err(UnknownValue));
        for value in AgeCheck::ALL {
            assert_eq!(value.to_string().parse::<AgeCheck>(), Ok(value));
        }
    }
}
