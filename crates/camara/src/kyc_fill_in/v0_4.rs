//! KYC Fill-in 0.4.1 (`{apiRoot}/kyc-fill-in/v0.4`), `POST /fill-in`.
//!
//! Spec: `kyc-fill-in.yaml`, <https://github.com/camaraproject/KnowYourCustomerFill-in>.
//! Commonalities 0.6: a three-legged token names the subscriber and the body must not
//! (`422 UNNECESSARY_IDENTIFIER`); errors 400 `INVALID_ARGUMENT`, 401, 403 `PERMISSION_DENIED`, 404
//! `IDENTIFIER_NOT_FOUND`, 422 `SERVICE_NOT_APPLICABLE`/`MISSING_IDENTIFIER`/`UNNECESSARY_IDENTIFIER`.

use netid_core::kyc::KycClaims;
use netid_core::phone::PhoneNumber;
use netid_transport::{HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;

use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
use crate::error::{CamaraError, DecodeError, InvalidRequest};
use crate::profile::{Api, SpecVersion, Tolerance};
use crate::wire::Normalizer;

/// The fill-in request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Request {
    /// The number; `None` with a three-legged token, which already names it.
    pub phone_number: Option<PhoneNumber>,
}

impl Request {
    /// A request for the subscriber of the three-legged token.
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

/// The fill-in answer: the attributes the token's scopes release.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Response {
    /// The operator's record, limited to the released attributes (redacted in `Debug`).
    pub record: KycClaims,
}

fn normalize(value: &mut Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
    let map = normalizer.object(value)?;
    normalizer.phone(map, "phoneNumber")?;
    normalizer.known_fields(map, KycClaims::FIELD_NAMES)
}

fn convert(value: Value, normalizer: &Normalizer<'_>) -> Result<Response, DecodeError> {
    crate::wire::deserialize::<KycClaims>(value, normalizer).map(|record| Response { record })
}

impl Endpoint for Request {
    const METADATA: Metadata = Metadata {
        api: Api::KycFillIn,
        versions: &[SpecVersion::KycFillIn0_4_1],
        name: "fill-in",
        method: http::Method::POST,
        path: "/fill-in",
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
        endpoint::decode_response_with(response, tolerance, normalize, convert)
    }
}
