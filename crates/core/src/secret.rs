//! Wrappers that keep secrets and personal data out of `Debug`, `Display` and logs.
//!
//! [`Secret`] holds key material and tokens: zeroized on drop, compared in constant time, never
//! serialised. [`Pii`] holds personal data (names, addresses, birth dates): redacted when printed,
//! serialised transparently because it has to travel in request bodies.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// A secret value (token, key, assertion): redacted in `Debug`, zeroized on drop.
///
/// There is deliberately no `Display`, no `Serialize` and no `Deref`: the raw value is reachable only
/// through [`Secret::expose_secret`].
pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Returns the raw secret.
    ///
    /// # Security
    ///
    /// The returned value is the secret itself: do not log it, print it or put it in an error.
    pub fn expose_secret(&self) -> &T {
        &self.0
    }
}

impl Secret<String> {
    /// Compares the secret with `other` in time independent of where they differ (the length may leak).
    pub fn ct_eq(&self, other: &str) -> bool {
        self.0.as_bytes().ct_eq(other.as_bytes()).into()
    }
}

/// Constant-time equality (the length may leak).
impl<T: Zeroize + AsRef<[u8]>> PartialEq for Secret<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_ref().ct_eq(other.0.as_ref()).into()
    }
}

impl<T: Zeroize + AsRef<[u8]>> Eq for Secret<T> {}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl<'de, T: Zeroize + Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

/// Personal data (a name, an address, a birth date): redacted in `Debug`, serialised transparently.
///
/// `Pii` has no `Display`; the value is reachable through [`Pii::expose_pii`] or
/// [`Pii::into_inner`].
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Pii<T>(T);

impl<T> Pii<T> {
    /// Wraps a personal value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Returns the personal value.
    ///
    /// # Security
    ///
    /// The returned value is personal data: do not log it or put it in an error message.
    pub fn expose_pii(&self) -> &T {
        &self.0
    }

    /// Unwraps the personal value.
    ///
    /// # Security
    ///
    /// As for [`Pii::expose_pii`].
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Pii<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Pii<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Serialize> Serialize for Pii<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Pii<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted_and_comparison_works() {
        let secret = Secret::new(String::from("s3cr3t"));
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert!(secret.ct_eq("s3cr3t"));
        assert!(!secret.ct_eq("s3cr3T"));
        assert!(!secret.ct_eq("s3cr3"));
        assert_eq!(secret.clone().expose_secret(), "s3cr3t");
    }

    #[test]
    fn pii_is_redacted_but_serialises_transparently() {
        let name = Pii::new(String::from("Clara"));
        assert_eq!(format!("{name:?}"), "[redacted]");
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"Clara\"");
        let back: Pii<String> = serde_json::from_str("\"Clara\"").unwrap();
        assert_eq!(back, name);
        assert_eq!(back.into_inner(), "Clara");
    }
}
