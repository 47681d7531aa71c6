//! The typed values of a KYC Match request: the spec's string enums (kept open to unknown values),
//! country codes and email addresses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::KycValueError;

/// A raw value outside a spec enum, kept verbatim so that it round-trips. Not constructible outside
/// this crate: match on the known variants and treat the rest as unknown.
#[doc(hidden)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PrivOwnedStr(Box<str>);

impl fmt::Debug for PrivOwnedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The unknown value may be personal (a gender an operator invented): only its size is shown.
        write!(f, "[{} bytes]", self.0.len())
    }
}

/// Declares a spec string enum with a hidden catch-all, read without regard to ASCII case.
macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$doc:meta])* $variant:ident => $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$doc])* $variant, )*
            /// A value outside the spec's enum, kept verbatim.
            #[doc(hidden)]
            _Custom(PrivOwnedStr),
        }

        impl $name {
            /// The wire form: the spec's spelling, or the unknown value as received.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::_Custom(raw) => &raw.0,
                }
            }
        }

        /// Never fails: an unknown value becomes the hidden catch-all.
        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $( if s.eq_ignore_ascii_case($wire) { return Ok($name::$variant); } )*
                Ok($name::_Custom(PrivOwnedStr(s.into())))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s.parse() {
                    Ok(value) => value,
                    Err(never) => match never {},
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(&*text))
            }
        }
    };
}

spec_enum! {
    /// `idDocumentType` (0.4.0): the kind of identity document.
    pub enum IdDocumentType {
        /// `passport`.
        Passport => "passport",
        /// `national_id_card`.
        NationalIdCard => "national_id_card",
        /// `residence_permit`.
        ResidencePermit => "residence_permit",
        /// `diplomatic_id`.
        DiplomaticId => "diplomatic_id",
        /// `driver_licence`.
        DriverLicence => "driver_licence",
        /// `social_security_id`.
        SocialSecurityId => "social_security_id",
        /// `other`: a document type the spec does not list.
        Other => "other",
    }
}

spec_enum! {
    /// `gender`: `MALE`, `FEMALE` or `OTHER`.
    ///
    /// Read without regard to case: the Orange France page's table writes `Male/Female/Other` while its
    /// example and the spec send `FEMALE`. Always written in the spec's upper case.
    pub enum Gender {
        /// `MALE`.
        Male => "MALE",
        /// `FEMALE`.
        Female => "FEMALE",
        /// `OTHER`.
        Other => "OTHER",
    }
}

/// An ISO 3166-1 alpha-2 country code (`FR`), stored in upper case.
///
/// Any two ASCII letters are accepted: whether a code is currently assigned is the operator's
/// business, and the spec's schema checks nothing more.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryAlpha2([u8; 2]);

impl CountryAlpha2 {
    /// The code in upper case (`FR`).
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters (checked in `from_str`), so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryAlpha2 {
    type Err = KycValueError;

    /// Accepts two ASCII letters in either case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(KycValueError::Country),
        }
    }
}

impl fmt::Debug for CountryAlpha2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CountryAlpha2").field(&self.as_str()).finish()
    }
}

impl fmt::Display for CountryAlpha2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryAlpha2 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryAlpha2 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Longest address SMTP carries (RFC 5321 §4.5.3.1.3 path limit, less the angle brackets).
const MAX_EMAIL_LEN: usize = 254;
/// Longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL_LEN: usize = 64;

/// An email address of the form `local-part@domain`.
///
/// The check is structural (RFC 5321 lengths; a non-empty local part; a domain of non-empty
/// dot-separated labels; no white space or control character), not a full RFC 5322 grammar: operators
/// compare addresses, they do not deliver mail to them. Internationalised addresses are accepted.
///
/// # Security
///
/// Personal data: `Debug` prints `Email([redacted])`; the address is reachable through
/// [`Email::expose_pii`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Returns the address as given.
    ///
    /// # Security
    ///
    /// The address is personal data: do not log it or put it in an error message.
    pub fn expose_pii(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = KycValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (local, domain) = s.rsplit_once('@').ok_or(KycValueError::Email)?;
        let well_formed = s.len() <= MAX_EMAIL_LEN
            && !local.is_empty()
            && local.len() <= MAX_LOCAL_LEN
            && !domain.is_empty()
            && domain.split('.').all(|label| !label.is_empty())
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err(KycValueError::Email)
        }
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email([redacted])")
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
