//! SIM Swap 1.0.0 (`{apiRoot}/sim-swap/v1`).
//!
//! Spec: `sim-swap_v1.0.0.yaml`, <https://github.com/camaraproject/SimSwap>.

crate::swap::check_operation!(
    crate::profile::Api::SimSwap,
    crate::profile::SpecVersion::SimSwap1_0_0,
    "`sim-swap_v1.0.0.yaml`, path `/check`",
    "SIM"
);

/// `POST /retrieve-date`: when did the SIM last change?
pub mod retrieve_date {
    use netid_core::phone::PhoneNumber;
    use netid_transport::{HttpRequest, HttpResponse};
    use serde::{Deserialize, Serialize};
    use time::OffsetDateTime;

    use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
    use crate::error::{CamaraError, DecodeError, InvalidRequest};
    use crate::profile::{Api, SpecVersion, Tolerance};
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
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Response {
        /// The last SIM change, with the operator's offset and fraction (down to nanoseconds);
        /// `None` when the operator sent `null` (no change known within its monitored period).
        #[serde(with = "time::serde::rfc3339::option")]
        pub latest_sim_change: Option<OffsetDateTime>,
    }

    fn normalize(value: &mut serde_json::Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
        let map = normalizer.object(value)?;
        normalizer.known_fields(map, &["latestSimChange"])
    }

    impl Endpoint for Request {
        const METADATA: Metadata = Metadata {
            api: Api::SimSwap,
            versions: &[SpecVersion::SimSwap1_0_0],
            name: "retrieve-date",
            method: http::Method::POST,
            path: "/retrieve-date",
        };
        type Response = Response;

        fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
            let wire = Wire {
                phone_number: self.phone_number.as_ref().map(|number| target.phone(number)),
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
