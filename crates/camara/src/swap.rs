//! The operations SIM Swap and Device Swap share: both specs define `POST /check` (`maxAge` hours →
//! `swapped`) and `POST /retrieve-date` (→ the latest change and, since Commonalities 0.6, a
//! `monitoredPeriod`) with the same bodies, only the API, the version and the name of the date field
//! differ. Each version module instantiates these macros, so the two APIs stay one implementation.

/// Writes the `check` operation of one SIM Swap or Device Swap version: `maxAge` → `swapped`.
///
/// `$api` and `$version` are the metadata; `$what` (`SIM`, `device`) only words the docs.
macro_rules! check_operation {
    ($api:expr, $version:expr, $spec_link:literal, $what:literal) => {
        #[doc = concat!("`POST /check`: was the ", $what, " swapped within the last `maxAge` hours?")]
        ///
        #[doc = concat!("Spec: ", $spec_link)]
        pub mod check {
            use netid_core::phone::PhoneNumber;
            use netid_transport::{HttpRequest, HttpResponse};
            use serde::{Deserialize, Serialize};

            use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
            use crate::error::{CamaraError, DecodeError, InvalidRequest};
            use crate::profile::Tolerance;
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
                #[doc = concat!("Whether the ", $what, " was swapped within the period.")]
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
                    api: $api,
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

/// Writes the `retrieve-date` operation of a Commonalities 0.6 swap API: the latest change under
/// `$field` (`$json` on the wire, nullable) and the optional `monitoredPeriod` in days.
macro_rules! retrieve_date_operation {
    ($api:expr, $version:expr, $spec_link:literal, $what:literal, $field:ident, $json:literal) => {
        #[doc = concat!("`POST /retrieve-date`: when did the ", $what, " last change?")]
        ///
        #[doc = concat!("Spec: ", $spec_link)]
        pub mod retrieve_date {
            use netid_core::phone::PhoneNumber;
            use netid_transport::{HttpRequest, HttpResponse};
            use serde::{Deserialize, Serialize};
            use time::OffsetDateTime;

            use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
            use crate::error::{CamaraError, DecodeError, InvalidRequest};
            use crate::profile::Tolerance;
            use crate::wire::Normalizer;

            /// The retrieve-date request.
            #[derive(Debug, Clone, PartialEq, Eq, Default)]
            #[non_exhaustive]
            pub struct Request {
                /// The number; `None` with a 3-legged token, which already names it.
                pub phone_number: Option<PhoneNumber>,
            }

            impl Request {
                /// A request for the number of the 3-legged token.
                #[must_use]
                pub fn new() -> Self {
                    Self::default()
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
            }

            /// The retrieve-date answer.
            #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
            #[non_exhaustive]
            pub struct Response {
                #[doc = concat!("The last ", $what, " change (`", $json, "`), with the operator's offset and")]
                /// fraction (down to nanoseconds); `None` when the operator sent `null` (no change
                /// known within its monitored period).
                #[serde(rename = $json, with = "time::serde::rfc3339::option")]
                pub $field: Option<OffsetDateTime>,
                #[doc = concat!("Days the operator monitors ", $what, " changes for this number; sent")]
                /// when the last change is older than that period (then the date may be `None`).
                #[serde(rename = "monitoredPeriod", default)]
                pub monitored_period: Option<u32>,
            }

            fn normalize(
                value: &mut serde_json::Value,
                normalizer: &mut Normalizer<'_>,
            ) -> Result<(), DecodeError> {
                let map = normalizer.object(value)?;
                normalizer.integer(map, "monitoredPeriod")?;
                normalizer.known_fields(map, &[$json, "monitoredPeriod"])
            }

            impl Endpoint for Request {
                const METADATA: Metadata = Metadata {
                    api: $api,
                    versions: &[$version],
                    name: "retrieve-date",
                    method: http::Method::POST,
                    path: "/retrieve-date",
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

pub(crate) use {check_operation, retrieve_date_operation};
