//! KYC Tenure 0.2.0 (`{apiRoot}/kyc-tenure/v0.2`).
//!
//! Spec: `kyc-tenure.yaml`, <https://github.com/camaraproject/Tenure>.
//!
//! Errors: 400 `INVALID_ARGUMENT`, `OUT_OF_RANGE` (a `tenureDate` in the future), 401
//! `UNAUTHENTICATED`, 403 `PERMISSION_DENIED`, 404 `IDENTIFIER_NOT_FOUND`, 422
//! `SERVICE_NOT_APPLICABLE`, `MISSING_IDENTIFIER`, `UNNECESSARY_IDENTIFIER` (every one a known
//! [`ErrorCode`](netid_core::error_info::ErrorCode)). Scope: `kyc-tenure:check-tenure`.

/// `POST /check-tenure`: has the subscription had continuous tenure since `tenureDate`?
///
/// Spec: `kyc-tenure.yaml`, path `/check-tenure`.
pub mod check_tenure {
    use netid_core::phone::PhoneNumber;
    use netid_transport::{HttpRequest, HttpResponse};
    use serde::{Deserialize, Serialize};
    use time::Date;

    use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
    use crate::error::{CamaraError, DecodeError, InvalidRequest};
    use crate::full_date;
    use crate::kyc_tenure::ContractType;
    use crate::profile::{Api, SpecVersion, Tolerance};
    use crate::wire::Normalizer;

    /// The check-tenure request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct Request {
        /// The number; `None` with a 3-legged token, which already names it.
        pub phone_number: Option<PhoneNumber>,
        /// The date since which continuous tenure must be confirmed.
        pub tenure_date: Date,
    }

    impl Request {
        /// A check of tenure since `tenure_date` for the number of the 3-legged token.
        #[must_use]
        pub fn new(tenure_date: Date) -> Self {
            Self {
                phone_number: None,
                tenure_date,
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
        tenure_date: String,
    }

    /// The check-tenure answer.
    #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct Response {
        /// Whether the subscription has had valid tenure since the tenure date.
        pub tenure_date_check: bool,
        /// The account type, when the operator knows it.
        #[serde(default)]
        pub contract_type: Option<ContractType>,
    }

    fn normalize(value: &mut serde_json::Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
        let map = normalizer.object(value)?;
        normalizer.boolean(map, "tenureDateCheck")?;
        normalizer.enum_value(map, "contractType", &ContractType::KNOWN)?;
        normalizer.known_fields(map, &["tenureDateCheck", "contractType"])
    }

    impl Endpoint for Request {
        const METADATA: Metadata = Metadata {
            api: Api::KycTenure,
            versions: &[SpecVersion::KycTenure0_2_0],
            name: "check-tenure",
            method: http::Method::POST,
            path: "/check-tenure",
        };
        type Response = Response;

        fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
            let wire = Wire {
                phone_number: self.phone_number.as_ref().map(|number| target.phone(number)),
                tenure_date: full_date::format(self.tenure_date, "tenureDate")?,
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
