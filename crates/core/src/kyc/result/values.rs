//! The values of one field's result: the tri-state [`Match`], the [`MatchScore`] and the pair of
//! them, [`FieldMatch`].

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::kyc::KycValueError;

/// The outcome of matching one field (`MatchResult`): `"true"`, `"false"` or `"not_available"`.
///
/// Decodes from those strings and, because operators send them, from the JSON booleans `true` and
/// `false`; always encodes as the spec's strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// `"true"`: the claimed value equals the operator's (a score of 100).
    Matched,
    /// `"false"`: the claimed value differs from the operator's.
    Mismatched,
    /// `"not_available"`: the operator has no value to compare with.
    NotAvailable,
}

impl Match {
    /// The spec's string (`"true"`, `"false"`, `"not_available"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Match::Matched => "true",
            Match::Mismatched => "false",
            Match::NotAvailable => "not_available",
        }
    }
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Match {
    type Err = KycValueError;

    /// Reads the spec's strings exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "true" => Ok(Match::Matched),
            "false" => Ok(Match::Mismatched),
            "not_available" => Ok(Match::NotAvailable),
            _ => Err(KycValueError::Match),
        }
    }
}

impl Serialize for Match {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads the spec's strings and the JSON booleans.
impl<'de> Deserialize<'de> for Match {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MatchVisitor;

        impl Visitor<'_> for MatchVisitor {
            type Value = Match;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"true\", \"false\", \"not_available\" or a boolean")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Match, E> {
                Ok(if value { Match::Matched } else { Match::Mismatched })
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Match, E> {
                value.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_any(MatchVisitor)
    }
}

/// A similarity score (`MatchScoreResult`): 0 to 99 in 0.4.0, 0 to 100 in 0.2.1.
///
/// 100 is accepted because 0.2.1 allows it; decoding a 0.4.0 body
/// ([`KycMatchResult::from_json_slice_strict`](super::KycMatchResult::from_json_slice_strict) with
/// [`KycVersion::V0_4`](crate::kyc::KycVersion::V0_4)) refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatchScore(u8);

impl MatchScore {
    /// Score 0: nothing in common.
    pub const ZERO: MatchScore = MatchScore(0);
    /// Score 100: equal values (0.2.1 only; 0.4.0 says `"true"` instead).
    pub const PERFECT: MatchScore = MatchScore(100);
    /// The highest score 0.4.0 allows (a mismatch can at best be close).
    pub const MAX_MISMATCH: MatchScore = MatchScore(99);

    /// A score from 0 to 100.
    ///
    /// # Errors
    ///
    /// [`KycValueError::Score`] above 100.
    pub const fn new(value: u8) -> Result<Self, KycValueError> {
        if value <= 100 {
            Ok(Self(value))
        } else {
            Err(KycValueError::Score)
        }
    }

    /// The score, 0 to 100.
    pub const fn value(self) -> u8 {
        self.0
    }
}

impl fmt::Display for MatchScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u8> for MatchScore {
    type Error = KycValueError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<u64> for MatchScore {
    type Error = KycValueError;

    fn try_from(value: u64) -> Result<Self, Self::Error> {
        u8::try_from(value)
            .map_err(|_| KycValueError::Score)
            .and_then(Self::new)
    }
}

impl Serialize for MatchScore {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for MatchScore {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u64::deserialize(deserializer)?;
        Self::try_from(value).map_err(de::Error::custom)
    }
}

/// The result of one field: the tri-state and, for a mismatch, an optional score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FieldMatch {
    /// `true`, `false` or `not_available`.
    pub result: Match,
    /// The `*MatchScore` property, if the operator sent one.
    pub score: Option<MatchScore>,
}

impl FieldMatch {
    /// A result with an optional score.
    pub const fn new(result: Match, score: Option<MatchScore>) -> Self {
        Self { result, score }
    }

    /// `"true"`, no score.
    pub const fn matched() -> Self {
        Self::new(Match::Matched, None)
    }

    /// `"false"` with an optional score.
    pub const fn mismatched(score: Option<MatchScore>) -> Self {
        Self::new(Match::Mismatched, score)
    }

    /// `"not_available"`, no score.
    pub const fn not_available() -> Self {
        Self::new(Match::NotAvailable, None)
    }
}
