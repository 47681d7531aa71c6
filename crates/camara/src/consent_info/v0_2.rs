//! Consent Info 0.2.0 (`{apiRoot}/consent-info/v0.2`).
//!
//! Spec: `consent-info.yaml`, <https://github.com/camaraproject/ConsentInfo>.
//!
//! Errors: 400 `INVALID_ARGUMENT`; 401 `UNAUTHENTICATED`; 403 `PERMISSION_DENIED`,
//! `CONSENT_INFO.NOT_ALLOWED_SCOPES_PURPOSE`, `CONSENT_INFO.CAPTURE_FREQUENCY_EXCEEDED`,
//! `CONSENT_INFO.INVALID_CALLBACK_URL`; 404 `NOT_FOUND`, `IDENTIFIER_NOT_FOUND`; 422
//! `SERVICE_NOT_APPLICABLE`, `MISSING_IDENTIFIER`, `UNNECESSARY_IDENTIFIER`.

/// `POST /retrieve`: the validity status of data processing for scopes and a purpose.
pub mod retrieve {
    use netid_core::phone::PhoneNumber;
    use netid_core::scope::{ApiScope, Purpose};
    use netid_transport::{HttpRequest, HttpResponse};
    use serde::Serialize;
    use serde_json::Value;

    use crate::consent_info::{ConsentQuery, StatusReason};
    use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
    use crate::error::{CamaraError, DecodeError, InvalidRequest};
    use crate::profile::{Api, Quirk, SpecVersion, Tolerance};
    use crate::wire::Normalizer;

    /// The answer (`RetrieveStatusResponseBody`).
    pub use crate::consent_info::ConsentStatus as Response;

    /// The retrieve request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct Request {
        /// The number; `None` with a three-legged token, which already names it.
        pub phone_number: Option<PhoneNumber>,
        /// Scopes, purpose, capture URL and callback.
        pub query: ConsentQuery,
    }

    impl Request {
        /// A request about the subscriber of the three-legged token.
        #[must_use]
        pub fn new(query: ConsentQuery) -> Self {
            Self {
                phone_number: None,
                query,
            }
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
        scopes: &'a [ApiScope],
        purpose: &'a Purpose,
        request_capture_url: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        callback_url: Option<&'a str>,
    }

    fn normalize(value: &mut Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
        let map = normalizer.object(value)?;
        normalizer.known_fields(map, &["statusInfo", "captureUrl"])?;
        let Some(Value::Array(items)) = map.get_mut("statusInfo") else {
            // serde names the missing or mistyped field.
            return Ok(());
        };
        if items.is_empty() {
            return Err(normalizer.data_error(
                "$.statusInfo".to_owned(),
                "expected at least one status".to_owned(),
            ));
        }
        for (index, item) in items.iter_mut().enumerate() {
            let Value::Object(status) = item else {
                continue;
            };
            // `Normalizer::boolean` names top-level paths; this one is inside the array.
            if let Some(Value::String(text)) = status.get("statusValidForProcessing") {
                let flag = match text.as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                };
                if let Some(flag) = flag {
                    normalizer.deviation(
                        Quirk::ScalarAsString,
                        format!("$.statusInfo[{index}].statusValidForProcessing"),
                    )?;
                    status.insert("statusValidForProcessing".to_owned(), Value::Bool(flag));
                }
            }
            let unknown: Vec<String> = status
                .keys()
                .filter(|key| !STATUS_FIELDS.contains(&key.as_str()))
                .cloned()
                .collect();
            for key in unknown {
                normalizer.deviation(Quirk::UnknownField, format!("$.statusInfo[{index}].{key}"))?;
                status.remove(&key);
            }
            if let Some(Value::String(reason)) = status.get("statusReason")
                && matches!(StatusReason::parse(reason), StatusReason::Other(_))
            {
                normalizer.deviation(
                    Quirk::UnknownEnumValue,
                    format!("$.statusInfo[{index}].statusReason"),
                )?;
            }
        }
        Ok(())
    }

    const STATUS_FIELDS: [&str; 5] = [
        "scopes",
        "purpose",
        "statusValidForProcessing",
        "statusReason",
        "expirationDate",
    ];

    impl Endpoint for Request {
        const METADATA: Metadata = Metadata {
            api: Api::ConsentInfo,
            versions: &[SpecVersion::ConsentInfo0_2_0],
            name: "retrieve",
            method: http::Method::POST,
            path: "/retrieve",
        };
        type Response = Response;

        fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
            if self.query.scopes.is_empty() {
                return Err(InvalidRequest::NoScopes);
            }
            let wire = Wire {
                phone_number: self.phone_number.as_ref().map(|number| target.phone(number)),
                scopes: &self.query.scopes,
                purpose: &self.query.purpose,
                request_capture_url: self.query.request_capture_url,
                callback_url: self.query.callback_url.as_deref(),
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
