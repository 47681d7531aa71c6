//! CAMARA Call Forwarding Signal: is a call forwarding service active on a number, and which.
//!
//! - [`v0_4`]: Call Forwarding Signal 0.4.0 (`{apiRoot}/call-forwarding-signal/v0.4`):
//!   `POST /unconditional-call-forwardings` (→ `active`) and `POST /call-forwardings` (→ the list of
//!   active services, [`CallForwardingService`]). A two-legged token names the number in the body; a
//!   three-legged one must not (`422 UNNECESSARY_IDENTIFIER`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub mod v0_4;

/// One state of a number's call forwarding service, as `POST /call-forwardings` lists them.
///
/// Unknown values decode into a hidden catch-all and round-trip (an operator's newer state).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CallForwardingService {
    /// `inactive`: no call forwarding service is active.
    Inactive,
    /// `unconditional`: every call is forwarded, whatever the device's state.
    Unconditional,
    /// `conditional_busy`: calls are forwarded while the device is on a call.
    ConditionalBusy,
    /// `conditional_not_reachable`: calls are forwarded while the device is not reachable.
    ConditionalNotReachable,
    /// `conditional_no_answer`: calls are forwarded when the device does not answer.
    ConditionalNoAnswer,
    /// A value the 0.4.0 spec does not define, kept as received.
    #[doc(hidden)]
    Other(String),
}

impl CallForwardingService {
    /// Every state 0.4.0 defines.
    pub const KNOWN: [Self; 5] = [
        Self::Inactive,
        Self::Unconditional,
        Self::ConditionalBusy,
        Self::ConditionalNotReachable,
        Self::ConditionalNoAnswer,
    ];

    /// The value as the spec writes it (`conditional_busy`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Inactive => "inactive",
            Self::Unconditional => "unconditional",
            Self::ConditionalBusy => "conditional_busy",
            Self::ConditionalNotReachable => "conditional_not_reachable",
            Self::ConditionalNoAnswer => "conditional_no_answer",
            Self::Other(other) => other,
        }
    }

    /// The state written `text`; unknown values become the catch-all.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|known| known.as_str() == text)
            .unwrap_or_else(|| Self::Other(text.to_owned()))
    }

    /// Whether the spec version defines this value.
    #[must_use]
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

impl fmt::Display for CallForwardingService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CallForwardingService {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CallForwardingService {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::parse(&text))
    }
}

/// Writes one Call Forwarding Signal operation: both have the same request body (an optional
/// `phoneNumber`) and differ in path, name and answer.
macro_rules! operation {
    ($module:ident, $name:literal, $path:literal, $doc:literal, $response:path, $normalize:path) => {
        #[doc = $doc]
        pub mod $module {
            use netid_core::phone::PhoneNumber;
            use netid_transport::{HttpRequest, HttpResponse};
            use serde::Serialize;

            use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
            use crate::error::{CamaraError, InvalidRequest};
            use crate::profile::{Api, SpecVersion, Tolerance};
            use $normalize as normalize;
            pub use $response as Response;

            /// The request: the number with a two-legged token, nothing with a three-legged one.
            #[derive(Debug, Clone, PartialEq, Eq, Default)]
            #[non_exhaustive]
            pub struct Request {
                /// The number; `None` with a three-legged token, which already names it.
                pub phone_number: Option<PhoneNumber>,
            }

            impl Request {
                /// A request for the number of the three-legged token.
                #[must_use]
                pub fn new() -> Self {
                    Self::default()
                }

                /// Names the number in the body (two-legged use).
                #[must_use]
                pub fn with_phone_number(mut self, phone_number: PhoneNumber) -> Self {
                    self.phone_number = Some(phone_number);
                    self
                }
            }

            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Wire<'a> {
                #[serde(skip_serializing_if = "Option::is_none")]
                phone_number: Option<&'a str>,
            }

            impl Endpoint for Request {
                const METADATA: Metadata = Metadata {
                    api: Api::CallForwardingSignal,
                    versions: &[SpecVersion::CallForwardingSignal0_4_0],
                    name: $name,
                    method: http::Method::POST,
                    path: $path,
                };
                type Response = Response;

                fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
                    let wire = Wire {
                        phone_number: self
                            .phone_number
                            .as_ref()
                            .map(|number| target.phone(number)),
                    };
                    endpoint::build_request(&Self::METADATA, target, Some(&wire))
                }

                fn from_http_response(
                    response: &HttpResponse,
                    tolerance: Tolerance,
                ) -> Result<Decoded<Response>, CamaraError> {
                    endpoint::decode_response(response, tolerance, normalize)
                }
            }
        }
    };
}

pub(crate) use operation;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_round_trip_including_unknown_ones() {
        for known in CallForwardingService::KNOWN {
            assert_eq!(CallForwardingService::parse(known.as_str()), known);
            assert!(known.is_known());
        }
        let other = CallForwardingService::parse("conditional_roaming");
        assert_eq!(other, CallForwardingService::Other("conditional_roaming".into()));
        assert!(!other.is_known());
        let json = serde_json::to_string(&[CallForwardingService::ConditionalBusy, other]).unwrap();
        assert_eq!(json, r#"["conditional_busy","conditional_roaming"]"#);
    }
}
