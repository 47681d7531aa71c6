//! KYC Age Verification 0.2.1 (`{apiRoot}/kyc-age-verification/v0.2`), `POST /verify`.
//!
//! Spec: `kyc-age-verification.yaml`, <https://github.com/camaraproject/KnowYourCustomerAgeVerification>.
//! Commonalities 0.6: a three-legged token names the subscriber and the body must not
//! (`422 UNNECESSARY_IDENTIFIER`); errors 400 `INVALID_ARGUMENT`/`OUT_OF_RANGE`, 401, 403, 404
//! `IDENTIFIER_NOT_FOUND`, 422 `SERVICE_NOT_APPLICABLE`/`MISSING_IDENTIFIER`/`UNNECESSARY_IDENTIFIER`.

use netid_core::kyc::{KycField, MatchScore};
use netid_core::phone::PhoneNumber;
use netid_transport::{HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{AgeCheck, AgeQuery, AgeVerification, IDENTITY_FIELDS, Restriction};
use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
use crate::error::{CamaraError, DecodeError, InvalidRequest};
use crate::profile::{Api, Quirk, SpecVersion, Tolerance};
use crate::wire::{self, Normalizer};

/// The verify request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request {
    /// The number; `None` with a three-legged token, which already names it.
    pub phone_number: Option<PhoneNumber>,
    /// The threshold, identity fields and indicators asked for.
    pub query: AgeQuery,
}

impl Request {
    /// A request for the subscriber of the three-legged token.
    #[must_use]
    pub fn new(query: AgeQuery) -> Self {
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

    fn body(&self, target: &Target<'_>) -> Result<Value, InvalidRequest> {
        let query = &self.query;
        if let Some(field) = KycField::ALL
            .into_iter()
            .find(|field| query.identity.has(*field) && !IDENTITY_FIELDS.contains(field))
        {
            return Err(InvalidRequest::FieldNotInVersion {
                field: field.as_str(),
            });
        }
        let mut identity = query.identity.clone();
        // The subject is the bearer's, never the identity's.
        identity.phone_number = None;
        let Value::Object(fields) = serde_json::to_value(&identity).map_err(|_| InvalidRequest::Body)? else {
            return Err(InvalidRequest::Body);
        };
        let mut body = Map::new();
        body.insert(
            "ageThreshold".to_owned(),
            Value::from(query.age_threshold.years()),
        );
        if let Some(number) = &self.phone_number {
            body.insert("phoneNumber".to_owned(), Value::from(target.phone(number)));
        }
        body.extend(fields);
        if query.include_content_lock {
            body.insert("includeContentLock".to_owned(), Value::Bool(true));
        }
        if query.include_parental_control {
            body.insert("includeParentalControl".to_owned(), Value::Bool(true));
        }
        Ok(Value::Object(body))
    }
}

/// The verify answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Response {
    /// The age check and the optional indicators.
    pub verification: AgeVerification,
}

/// Every property of `VerifyResponseBody`.
const FIELDS: [&str; 5] = [
    "ageCheck",
    "verifiedStatus",
    "identityMatchScore",
    "contentLock",
    "parentalControl",
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Wire {
    age_check: AgeCheck,
    #[serde(default)]
    verified_status: Option<bool>,
    #[serde(default)]
    identity_match_score: Option<u8>,
    #[serde(default)]
    content_lock: Option<Restriction>,
    #[serde(default)]
    parental_control: Option<Restriction>,
}

fn normalize(value: &mut Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
    let map = normalizer.object(value)?;
    normalizer.boolean(map, "verifiedStatus")?;
    normalizer.integer(map, "identityMatchScore")?;
    // An optional indicator with a value this version does not define: tolerated as "not sent",
    // never guessed. An unknown `ageCheck` stays an error: the answer would be empty without it.
    for key in ["contentLock", "parentalControl"] {
        if let Some(Value::String(text)) = map.get(key)
            && text.parse::<Restriction>().is_err()
        {
            normalizer.deviation(Quirk::UnknownEnumValue, format!("$.{key}"))?;
            map.remove(key);
        }
    }
    normalizer.known_fields(map, &FIELDS)
}

fn convert(value: Value, normalizer: &Normalizer<'_>) -> Result<Response, DecodeError> {
    let wire: Wire = wire::deserialize(value, normalizer)?;
    let identity_match_score = wire
        .identity_match_score
        .map(|score| {
            MatchScore::new(score)
                .map_err(|error| normalizer.data_error("$.identityMatchScore".to_owned(), error.to_string()))
        })
        .transpose()?;
    Ok(Response {
        verification: AgeVerification {
            age_check: wire.age_check,
            verified_status: wire.verified_status,
            identity_match_score,
            content_lock: wire.content_lock,
            parental_control: wire.parental_control,
        },
    })
}

impl Endpoint for Request {
    const METADATA: Metadata = Metadata {
        api: Api::KycAgeVerification,
        versions: &[SpecVersion::KycAgeVerification0_2_1],
        name: "verify",
        method: http::Method::POST,
        path: "/verify",
    };
    type Response = Response;

    fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
        let body = self.body(target)?;
        endpoint::build_request(&Self::METADATA, target, Some(&body))
    }

    fn from_http_response(
        response: &HttpResponse,
        tolerance: Tolerance,
    ) -> Result<Decoded<Response>, CamaraError> {
        endpoint::decode_response_with(response, tolerance, normalize, convert)
    }
}
