//! CAMARA purposes and OAuth scopes.
//!
//! CAMARA API access and user consent: a 3-legged token request carries
//! `scope=openid dpv:<Purpose> <api scope> …`, where the purpose is a W3C Data Privacy Vocabulary
//! term. The operator pages (Orange France, Orange Spain) write `opendid`; the working value in their
//! own examples is `openid`, which is what the builder emits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod purpose;

pub use purpose::PurposeError;

/// Generates a string enum with known variants and a catch-all that keeps unknown values.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, prefix = $prefix:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know, kept as received (prefix included).
            Other(String),
        }

        impl $name {
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => concat!($prefix, $text), )*
                    Self::Other(other) => other,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            /// Never fails: unknown values become `Other`, so that what an operator sends
            /// round-trips.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $( concat!($prefix, $text) => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                let Ok(value) = text.parse();
                Ok(value)
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// Why the data is processed: a W3C DPV purpose, as CAMARA requires in every 3-legged scope.
    ///
    /// `FromStr` keeps any value (unknown ones as `Other`) for what arrives on the wire; input from
    /// a user goes through [`Purpose::parse_known`], and an operator-defined purpose through
    /// [`Purpose::custom`].
    Purpose, prefix = "dpv:" {
        /// `dpv:FraudPreventionAndDetection`, the purpose of all three operator pages.
        FraudPreventionAndDetection => "FraudPreventionAndDetection",
        /// `dpv:IdentityVerification`.
        IdentityVerification => "IdentityVerification",
        /// `dpv:IdentityAuthentication`.
        IdentityAuthentication => "IdentityAuthentication",
        /// `dpv:RequestedServiceProvision`.
        RequestedServiceProvision => "RequestedServiceProvision",
        /// `dpv:ServiceProvision`.
        ServiceProvision => "ServiceProvision",
        /// `dpv:AccountManagement`.
        AccountManagement => "AccountManagement",
        /// `dpv:CommunicationForCustomerCare`.
        CommunicationForCustomerCare => "CommunicationForCustomerCare",
    }
}

string_enum! {
    /// The scope of one API operation, as named in the CAMARA specifications.
    ApiScope, prefix = "" {
        /// KYC Match `POST /match`.
        KycMatchMatch => "kyc-match:match",
        /// SIM Swap, every operation (the Orange Spain page's scope).
        SimSwap => "sim-swap",
        /// SIM Swap `POST /check`.
        SimSwapCheck => "sim-swap:check",
        /// SIM Swap `POST /retrieve-date`.
        SimSwapRetrieveDate => "sim-swap:retrieve-date",
        /// Number Verification `POST /verify`.
        NumberVerificationVerify => "number-verification:verify",
        /// Number Verification `GET /device-phone-number`.
        NumberVerificationDevicePhoneNumberRead => "number-verification:device-phone-number:read",
        /// Device Swap, every operation (Device Swap 1.0.0 accepts it beside the per-operation ones).
        DeviceSwap => "device-swap",
        /// Device Swap `POST /check`.
        DeviceSwapCheck => "device-swap:check",
        /// Device Swap `POST /retrieve-date`.
        DeviceSwapRetrieveDate => "device-swap:retrieve-date",
        /// Number Recycling `POST /check`.
        NumberRecyclingCheck => "number-recycling:check",
        /// KYC Tenure `POST /check-tenure`.
        KycTenureCheckTenure => "kyc-tenure:check-tenure",
        /// KYC Age Verification `POST /verify`.
        KycAgeVerificationVerify => "kyc-age-verification:verify",
        /// KYC Fill-in `POST /fill-in`, every attribute (`kyc-fill-in:set-all`); one attribute's
        /// scope is `kyc-fill-in:<attribute>`, kept as [`ApiScope::Other`].
        KycFillInSetAll => "kyc-fill-in:set-all",
        /// Call Forwarding Signal `POST /unconditional-call-forwardings`.
        CallForwardingSignalUnconditionalRead =>
            "call-forwarding-signal:unconditional-call-forwardings:read",
        /// Call Forwarding Signal `POST /call-forwardings`.
        CallForwardingSignalCallForwardingsRead => "call-forwarding-signal:call-forwardings:read",
        /// Consent Info `POST /retrieve`.
        ConsentInfoRetrieve => "consent-info:retrieve",
    }
}

/// Why a scope string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// A character outside the RFC 6749 `scope-token` set (printable ASCII except space, `"` and `\`).
    #[error("scope token has a character RFC 6749 does not allow at byte {position}")]
    InvalidCharacter {
        /// Byte offset in the input.
        position: usize,
    },
}

/// An OAuth scope: an ordered set of scope tokens, rendered space-separated.
///
/// Order is kept as built or received (first occurrence wins) so that requests are reproducible.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Scope {
    tokens: Vec<String>,
}

impl Scope {
    /// Starts a CAMARA scope for `purpose`: `openid dpv:<Purpose>`, then the API scopes added.
    pub fn builder(purpose: Purpose) -> ScopeBuilder {
        ScopeBuilder {
            openid: true,
            purpose,
            apis: Vec::new(),
        }
    }

    /// Whether the scope holds `token`.
    pub fn contains(&self, token: &str) -> bool {
        self.tokens.iter().any(|t| t == token)
    }

    /// Whether every token of `other` is in `self`.
    pub fn contains_all(&self, other: &Scope) -> bool {
        other.iter().all(|token| self.contains(token))
    }

    /// The tokens, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(String::as_str)
    }

    /// Whether no token is present.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The purpose the scope carries, if any.
    pub fn purpose(&self) -> Option<Purpose> {
        self.iter()
            .find(|t| t.starts_with("dpv:"))
            .and_then(|t| t.parse().ok())
    }

    /// The space-separated form.
    pub fn as_string(&self) -> String {
        self.tokens.join(" ")
    }

    fn push(&mut self, token: &str) {
        if !self.contains(token) {
            self.tokens.push(token.to_owned());
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    /// Splits on spaces (runs of spaces tolerated), keeps first occurrences, checks RFC 6749 characters.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(position) = s
            .bytes()
            .position(|b| !(b == b' ' || (0x21..=0x7e).contains(&b)) || b == b'"' || b == b'\\')
        {
            return Err(ScopeError::InvalidCharacter { position });
        }
        let mut scope = Scope::default();
        for token in s.split(' ').filter(|t| !t.is_empty()) {
            scope.push(token);
        }
        Ok(scope)
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_string())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Builds a CAMARA scope; see [`Scope::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ScopeBuilder {
    openid: bool,
    purpose: Purpose,
    apis: Vec<ApiScope>,
}

impl ScopeBuilder {
    /// Adds an API scope (duplicates are dropped).
    pub fn api(mut self, api: ApiScope) -> Self {
        self.apis.push(api);
        self
    }

    /// Adds several API scopes.
    pub fn apis(mut self, apis: impl IntoIterator<Item = ApiScope>) -> Self {
        self.apis.extend(apis);
        self
    }

    /// Leaves out `openid`, for the JWT-bearer grant of CAMARA 2.1 and non-OIDC token requests.
    pub fn without_openid(mut self) -> Self {
        self.openid = false;
        self
    }

    /// The scope: `openid`, the purpose, then the API scopes in the order added.
    pub fn build(self) -> Scope {
        let mut scope = Scope::default();
        if self.openid {
            scope.push("openid");
        }
        scope.push(self.purpose.as_str());
        for api in &self.apis {
            scope.push(api.as_str());
        }
        scope
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_scopes_of_the_operator_pages() {
        let check = |builder: ScopeBuilder, expected: &str| assert_eq!(builder.build().to_string(), expected);
        let fraud = || Scope::builder(Purpose::FraudPreventionAndDetection);
        check(
            fraud().api(ApiScope::KycMatchMatch),
            "openid dpv:FraudPreventionAndDetection kyc-match:match",
        );
        check(
            fraud().api(ApiScope::SimSwap),
            "openid dpv:FraudPreventionAndDetection sim-swap",
        );
        check(
            fraud().apis([
                ApiScope::SimSwapCheck,
                ApiScope::SimSwapRetrieveDate,
                ApiScope::SimSwapCheck,
            ]),
            "openid dpv:FraudPreventionAndDetection sim-swap:check sim-swap:retrieve-date",
        );
        check(
            fraud()
                .api(ApiScope::NumberVerificationDevicePhoneNumberRead)
                .without_openid(),
            "dpv:FraudPreventionAndDetection number-verification:device-phone-number:read",
        );
        check(
            Scope::builder(Purpose::Other("dpv:Marketing".into())).api(ApiScope::Other("x:y".into())),
            "openid dpv:Marketing x:y",
        );
    }

    #[test]
    fn parses_scope_strings() {
        let scope: Scope = "openid  dpv:FraudPreventionAndDetection sim-swap openid"
            .parse()
            .unwrap();
        assert_eq!(
            scope.iter().collect::<Vec<_>>(),
            ["openid", "dpv:FraudPreventionAndDetection", "sim-swap"]
        );
        assert_eq!(scope.purpose(), Some(Purpose::FraudPreventionAndDetection));
        assert!(scope.contains("sim-swap"));
        assert!(!scope.contains("sim-swap:check"));
        assert!(scope.contains_all(&"sim-swap openid".parse().unwrap()));
        assert_eq!(
            "a\"b".parse::<Scope>(),
            Err(ScopeError::InvalidCharacter { position: 1 })
        );
        assert_eq!(
            "a\tb".parse::<Scope>(),
            Err(ScopeError::InvalidCharacter { position: 1 })
        );
        assert_eq!(
            "dpv:Foo".parse::<Purpose>().unwrap(),
            Purpose::Other("dpv:Foo".into())
        );
        assert_eq!(ApiScope::SimSwapRetrieveDate.as_str(), "sim-swap:retrieve-date");
    }
}
