//! CAMARA SIM Swap: did the SIM card of a number change recently, and when.
//!
//! - [`v1`]: SIM Swap 1.0.0 (`{apiRoot}/sim-swap/v1`), served by Orange Spain
//!   ([`OperatorProfile::orange_spain_sim_swap_v1`](crate::profile::OperatorProfile::orange_spain_sim_swap_v1)).
//! - [`v2`]: SIM Swap 2.1.0 (`{apiRoot}/sim-swap/v2`): `monitoredPeriod` in retrieve-date answers,
//!   422 `UNNECESSARY_IDENTIFIER` when a 3-legged token already names the number.
//!
//! Both versions: `POST /check` (`maxAge` hours, 1 to 2400, default 240 → `swapped`) and
//! `POST /retrieve-date` (→ `latestSimChange`, an RFC 3339 timestamp or `null`).

use std::fmt;

use serde::Serialize;

pub mod v1;
pub mod v2;

/// The `maxAge` of a check: hours to look back, 1 to 2400 (default 240).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MaxAge(u16);

/// A `maxAge` outside 1 to 2400 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("maxAge must be between 1 and 2400 hours, got {0}")]
pub struct MaxAgeError(pub u32);

impl MaxAge {
    /// The spec's default, 240 hours.
    pub const DEFAULT: Self = Self(240);
    /// The smallest value, 1 hour.
    pub const MIN: Self = Self(1);
    /// The largest value, 2400 hours.
    pub const MAX: Self = Self(2400);

    /// `hours`, if within 1 to 2400.
    ///
    /// # Errors
    ///
    /// [`MaxAgeError`] outside that range.
    pub fn new(hours: u32) -> Result<Self, MaxAgeError> {
        match u16::try_from(hours) {
            Ok(value) if (1..=2400).contains(&value) => Ok(Self(value)),
            _ => Err(MaxAgeError(hours)),
        }
    }

    /// The number of hours.
    #[must_use]
    pub fn hours(self) -> u16 {
        self.0
    }
}

impl Default for MaxAge {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for MaxAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}h", self.0)
    }
}

/// Writes the `check` operation of one SIM Swap version: identical bodies in 1.0.0 and 2.1.0.
macro_rules! check_operation {
    ($version:expr, $spec_link:literal) => {
        /// `POST /check`: was the SIM swapped within the last `maxAge` hours?
        ///
        #[doc = concat!("Spec: ", $spec_link)]
        pub mod check {
            use netid_core::phone::PhoneNumber;
            use netid_transport::{HttpRequest, HttpResponse};
            use serde::{Deserialize, Serialize};

            use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
            use crate::error::{CamaraError, DecodeError, InvalidRequest};
            use crate::profile::{Api, Tolerance};
            use crate::sim_swap::MaxAge;
            use crate::wire::Normalizer;

            /// The check request.
            #[derive(Debug, Clone, PartialEq, Eq, Default)]
            #[non_exhaustive]
            pub struct Request {
                /// The number to check; `None` with a 3-legged token, which already names it.
                pub phone_number: Option<PhoneNumber>,
                /// Hours to look back.
                pub max_age: MaxAge,
            }

            impl Request {
                /// A check over `max_age` for the number of the 3-legged token.
                #[must_use]
                pub fn new(max_age: MaxAge) -> Self {
                    Self {
                        phone_number: None,
                        max_age,
                    }
                }

                /// Names the number in the body (2-legged use, or operators that ask for it).
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
                max_age: MaxAge,
            }

            /// The check answer.
            #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
            #[non_exhaustive]
            pub struct Response {
                /// Whether the SIM was swapped within the period.
                pub swapped: bool,
            }

            fn normalize(
                value: &mut serde_json::Value,
                normalizer: &mut Normalizer<'_>,
            ) -> Result<(), DecodeError> {
                let map = normalizer.object(value)?;
                normalizer.boolean(map, "swapped")?;
                normalizer.known_fields(map, &["swapped"])
            }

            impl Endpoint for Request {
                const METADATA: Metadata = Metadata {
                    api: Api::SimSwap,
                    versions: &[$version],
                    name: "check",
                    method: http::Method::POST,
                    path: "/check",
                };
                type Response = Response;

                fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
                    let wire = Wire {
                        phone_number: self
                            .phone_number
                            .as_ref()
                            .map(|number| target.phone(number)),
                        max_age: self.max_age,
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

pub(crate) use check_operation;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_range() {
        for (hours, ok) in [
            (0, false),
            (1, true),
            (240, true),
            (2400, true),
            (2401, false),
            (70_000, false),
        ] {
            assert_eq!(MaxAge::new(hours).is_ok(), ok, "{hours}");
        }
        assert_eq!(MaxAge::default().hours(), 240);
        assert_eq!(
            MaxAgeError(0).to_string(),
            "maxAge must be between 1 and 2400 hours, got 0"
        );
    }
}
