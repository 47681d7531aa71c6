//! Number Verification's `hashedPhoneNumber`: the SHA-256 of an E.164 number, and how a
//! [`PhoneNumber`] makes it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::PhoneNumber;

impl PhoneNumber {
    /// The Number Verification hashed form: lowercase hex SHA-256 of the `+`-prefixed number.
    pub fn hashed(&self) -> HashedPhoneNumber {
        HashedPhoneNumber(hex::encode(Sha256::digest(self.expose_e164().as_bytes())))
    }
}

/// Why a hashed phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HashedPhoneNumberError {
    /// Not 64 hexadecimal characters.
    #[error("hashed phone number must be 64 hexadecimal characters (SHA-256)")]
    Format,
}

/// The SHA-256 of an E.164 number (`+` included), in lowercase hex: Number Verification's
/// `hashedPhoneNumber`.
///
/// A hash of a phone number can be reversed by trying every number, so it is personal data too:
/// `Debug` is redacted.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HashedPhoneNumber(String);

impl HashedPhoneNumber {
    /// The 64 lowercase hex characters.
    ///
    /// # Security
    ///
    /// Reversible by enumeration: treat it as the phone number it hashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for HashedPhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashedPhoneNumber([redacted])")
    }
}

impl FromStr for HashedPhoneNumber {
    type Err = HashedPhoneNumberError;

    /// Accepts upper- or lowercase hex, keeps lowercase.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(s.to_ascii_lowercase()))
        } else {
            Err(HashedPhoneNumberError::Format)
        }
    }
}

impl Serialize for HashedPhoneNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HashedPhoneNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
