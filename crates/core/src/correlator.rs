//! The `x-correlator` header value that CAMARA APIs echo back.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ports::{RandomError, SecureRandom};

/// The header name, as CAMARA's common definitions spell it (HTTP header names are
/// case-insensitive; this is the lowercase form HTTP/2 requires).
pub const X_CORRELATOR: &str = "x-correlator";

/// Longest correlator the CAMARA pattern allows.
const MAX_LEN: usize = 256;

/// Why a correlator was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XCorrelatorError {
    /// Longer than 256 characters.
    #[error("x-correlator is longer than {MAX_LEN} characters")]
    TooLong,
    /// A character outside `[a-zA-Z0-9-_:;./<>{}]`.
    #[error("x-correlator has a character outside [a-zA-Z0-9-_:;./<>{{}}] at byte {position}")]
    InvalidCharacter {
        /// Byte offset in the input.
        position: usize,
    },
}

/// A correlation id, valid against CAMARA's `^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XCorrelator(String);

impl XCorrelator {
    /// A fresh UUID v4 from `rng`.
    ///
    /// # Errors
    ///
    /// [`RandomError`] when the random source fails.
    pub fn generate(rng: &dyn SecureRandom) -> Result<Self, RandomError> {
        let mut bytes = [0u8; 16];
        rng.fill(&mut bytes)?;
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        Ok(Self(uuid.hyphenated().to_string()))
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for XCorrelator {
    type Err = XCorrelatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > MAX_LEN {
            return Err(XCorrelatorError::TooLong);
        }
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-_:;./<>{}".contains(&b);
        if let Some(position) = s.bytes().position(|b| !allowed(b)) {
            return Err(XCorrelatorError::InvalidCharacter { position });
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for XCorrelator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for XCorrelator {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for XCorrelator {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::SeededRandom;

    #[test]
    fn validates_the_camara_pattern() {
        let check = |input: &str, expected: Result<(), XCorrelatorError>| {
            assert_eq!(input.parse::<XCorrelator>().map(|_| ()), expected, "{input:?}");
        };
        check("b4333c46-49c0-4f62-80d7-f0ef930f1c46", Ok(()));
        check("", Ok(()));
        check("a_b:c;d.e/f<g>{h}", Ok(()));
        check(
            "with space",
            Err(XCorrelatorError::InvalidCharacter { position: 4 }),
        );
        check("é", Err(XCorrelatorError::InvalidCharacter { position: 0 }));
        check(&"a".repeat(256), Ok(()));
        check(&"a".repeat(257), Err(XCorrelatorError::TooLong));
    }

    #[test]
    fn generates_uuid_v4_deterministically_from_the_injected_rng() {
        let a = XCorrelator::generate(&SeededRandom::new(7)).unwrap();
        let b = XCorrelator::generate(&SeededRandom::new(7)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str().len(), 36);
        assert_eq!(&a.as_str()[14..15], "4", "version nibble");
        assert!(a.as_str().parse::<XCorrelator>().is_ok());
        assert_ne!(a, XCorrelator::generate(&SeededRandom::new(8)).unwrap());
    }
}
