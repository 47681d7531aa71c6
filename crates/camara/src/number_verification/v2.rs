//! Number Verification 2.0.0 and 2.1.0 (`{apiRoot}/number-verification/v2`).
//!
//! Spec: `number-verification_v2.0.0.yaml` and `number-verification.yaml` (2.1.0),
//! <https://github.com/camaraproject/NumberVerification>.

use crate::profile::SpecVersion;

const VERSIONS: &[SpecVersion] = &[
    SpecVersion::NumberVerification2_0_0,
    SpecVersion::NumberVerification2_1_0,
];

/// `POST /verify`: is this (plain or hashed) number the device's?
pub mod verify {
    use netid_core::phone::{HashedPhoneNumber, PhoneNumber};
    use netid_transport::{HttpRequest, HttpResponse};
    use serde::{Deserialize, Serialize};

    use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
    use crate::error::{CamaraError, DecodeError, InvalidRequest};
    use crate::profile::{Api, Tolerance};
    use crate::wire::Normalizer;

    /// The number to verify: exactly one of the plain or the hashed form, as the spec requires
    /// (`minProperties: 1`, `maxProperties: 1`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum VerifiedNumber {
        /// `phoneNumber`, E.164.
        Plain(PhoneNumber),
        /// `hashedPhoneNumber`, lowercase hex SHA-256 of the E.164 number with its `+`.
        Hashed(HashedPhoneNumber),
    }

    /// The verify request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct Request {
        /// The number to verify.
        pub number: VerifiedNumber,
    }

    impl Request {
        /// Verifies `number` sent in plain text.
        #[must_use]
        pub fn plain(number: PhoneNumber) -> Self {
            Self {
                number: VerifiedNumber::Plain(number),
            }
        }

        /// Verifies `number` sent hashed, so the operator never receives it in clear.
        #[must_use]
        pub fn hashed(number: HashedPhoneNumber) -> Self {
            Self {
                number: VerifiedNumber::Hashed(number),
            }
        }
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Wire<'a> {
        PhoneNumber(&'a str),
        HashedPhoneNumber(&'a str),
    }

    /// The verify answer.
    #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Response {
        /// Whether the number is the one of the device that authenticated.
        pub device_phone_number_verified: bool,
    }

    fn normalize(value: &mut serde_json::Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
        let map = normalizer.object(value)?;
        normalizer.boolean(map, "devicePhoneNumberVerified")?;
        normalizer.known_fields(map, &["devicePhoneNumberVerified"])
    }

    impl Endpoint for Request {
        const METADATA: Metadata = Metadata {
            api: Api::NumberVerification,
            versions: super::VERSIONS,
            name: "verify",
            method: http::Method::POST,
            path: "/verify",
        };
        type Response = Response;

        fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
            let wire = match &self.number {
                VerifiedNumber::Plain(number) => Wire::PhoneNumber(target.phone(number)),
                VerifiedNumber::Hashed(hash) => Wire::HashedPhoneNumber(hash.as_str()),
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

/// `GET /device-phone-number`: which number does the device have?
pub mod device_phone_number {
    use netid_core::phone::PhoneNumber;
    use netid_transport::{HttpRequest, HttpResponse};
    use serde::Deserialize;

    use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
    use crate::error::{CamaraError, DecodeError, InvalidRequest};
    use crate::profile::{Api, Tolerance};
    use crate::wire::Normalizer;

    /// The device-phone-number request (no body).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    #[non_exhaustive]
    pub struct Request;

    impl Request {
        /// The request.
        #[must_use]
        pub fn new() -> Self {
            Self
        }
    }

    /// The device-phone-number answer.
    #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Response {
        /// The device's number (its `Debug` is masked).
        pub device_phone_number: PhoneNumber,
    }

    fn normalize(value: &mut serde_json::Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
        let map = normalizer.object(value)?;
        normalizer.phone(map, "devicePhoneNumber")?;
        normalizer.known_fields(map, &["devicePhoneNumber"])
    }

    impl Endpoint for Request {
        const METADATA: Metadata = Metadata {
            api: Api::NumberVerification,
            versions: super::VERSIONS,
            name: "device-phone-number",
            method: http::Method::GET,
            path: "/device-phone-number",
        };
        type Response = Response;

        fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
            endpoint::build_request::<()>(&Self::METADATA, target, None)
        }

        fn from_http_response(
            response: &HttpResponse,
            tolerance: Tolerance,
        ) -> Result<Decoded<Response>, CamaraError> {
            endpoint::decode_response(response, tolerance, normalize)
        }
    }
}
