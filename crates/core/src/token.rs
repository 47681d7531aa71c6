//! OAuth tokens shared by the protocol crates (which obtain them) and the API clients (which send them).

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::secret::Secret;

macro_rules! token_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(Secret<String>);

        impl $name {
            /// Wraps a raw token value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(Secret::new(value.into()))
            }

            /// Returns the raw token.
            ///
            /// # Security
            ///
            /// A bearer token grants access to its holder: never log it or put it in an error.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        /// Constant-time comparison.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.ct_eq(other.expose_secret())
            }
        }

        impl Eq for $name {}

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::new)
            }
        }
    };
}

token_type! {
    /// An OAuth 2.0 access token (bearer): the credential the CAMARA APIs take.
    AccessToken
}

token_type! {
    /// An OAuth 2.0 refresh token.
    RefreshToken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print() {
        let token = AccessToken::new("eyJhbGciOi.secret");
        assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
        assert_eq!(
            format!("{:?}", RefreshToken::new("r")),
            "RefreshToken([redacted])"
        );
        assert_eq!(token, AccessToken::new("eyJhbGciOi.secret"));
        assert_ne!(token, AccessToken::new("eyJhbGciOi.secreT"));
        let decoded: AccessToken = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(decoded.expose_secret(), "abc");
    }
}
