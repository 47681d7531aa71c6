//! Number Recycling 0.2.0 (`{apiRoot}/number-recycling/v0.2`).
//!
//! Spec: `number-recycling.yaml`, <https://github.com/camaraproject/NumberRecycling>.
//!
//! Errors: 400 `INVALID_ARGUMENT`, `OUT_OF_RANGE` (a `specifiedDate` in the future), 401
//! `UNAUTHENTICATED`, 403 `PERMISSION_DENIED`, 404 `IDENTIFIER_NOT_FOUND` (a number of another
//! operator), 422 `SERVICE_NOT_APPLICABLE`, `MISSING_IDENTIFIER`, `UNNECESSARY_IDENTIFIER` (every one
//! a known [`ErrorCode`](netid_core::error_info::ErrorCode)). Scope: `number-recycling:check`.

/// `POST /check`: did the subscriber of the number change after `specifiedDate`?
///
/// Spec: `number-recycling.yaml`, path `/check`.
pub mod check {
    use netid_core::phone::PhoneNumber;
    use netid_transport::{HttpRequest, HttpResponse};
    use serde::{Deserialize, Serialize};
    use time::Date;

    use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
    use crate::error::{CamaraError, DecodeError, InvalidRequest};
    use crate::full_date;
    use crate::profile::{Api, SpecVersion, Tolerance};
    use crate::wire::Normalizer;

    /// The check request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct Request {
        /// The number; `None` with a 3-legged token, which already names it.
        pub phone_number: Option<PhoneNumber>,
        /// The date after which a change of subscriber counts (for example the date the user
        /// signed up with the caller).
        pub specified_date: Date,
    }

    impl Request {
        /// A check since `specified_date` for the number of the 3-legged token.
        #[must_use]
        pub fn new(specified_date: Date) -> Self {
            Self {
                phone_number: None,
                specified_date,
            }
        }

        /// Names the number in the body (2-legged use).
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
        specified_date: String,
    }

    /// The check answer.
    #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Response {
        /// Whether the subscriber of the number changed after the specified date.
        pub phone_number_recycled: bool,
    }

    fn normalize(value: &mut serde_json::Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
        let map = normalizer.object(value)?;
        normalizer.boolean(map, "phoneNumberRecycled")?;
        normalizer.known_fields(map, &["phoneNumberRecycled"])
    }

    impl Endpoint for Request {
        const METADATA: Metadata = Metadata {
            api: Api::NumberRecycling,
            versions: &[SpecVersion::NumberRecycling0_2_0],
            name: "check",
            method: http::Method::POST,
            path: "/check",
        };
        type Response = Response;

        fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
            let wire = Wire {
                phone_number: self.phone_number.as_ref().map(|number| target.phone(number)),
                specified_date: full_date::format(self.specified_date, "specifiedDate")?,
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
