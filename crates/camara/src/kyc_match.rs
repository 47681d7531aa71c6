//! CAMARA KYC Match: does what a customer claims (name, address, birth date, ...) match what the
//! operator holds for the phone number?
//!
//! - [`v0_2`]: KYC Match 0.2.1 (`{apiRoot}/kyc-match/v0.2`), served by Orange France
//!   ([`OperatorProfile::orange_france_kyc_match_v0_2`](crate::profile::OperatorProfile::orange_france_kyc_match_v0_2)).
//! - [`v0_4`]: KYC Match 0.4.0 (`{apiRoot}/kyc-match/v0.4`): `idDocumentType`,
//!   `idDocumentExpiryDate`, `cityOfBirth`, `countryOfBirth`, `nationality`; scores 0 to 99.
//!
//! One operation, `POST /match`. The bodies are `netid_core`'s types: the request wraps
//! [`KycClaims`], the response wraps [`KycMatchResult`] (tri-state results and scores); this module
//! adds the HTTP side and the quirk handling. A response is decoded once: the profile's tolerated
//! quirks are rewritten (and reported) on the JSON document, then `netid_core`'s strict decoder
//! for the version reads it.

use netid_core::kyc::{KycClaims, KycField, KycMatchResult, KycResultError, KycVersion, Match, MatchScore};
use serde_json::Value;

use crate::endpoint::Target;
use crate::error::{DecodeError, InvalidRequest};
use crate::profile::{PhoneStyle, Quirk};
use crate::wire::Normalizer;

pub mod v0_2;
pub mod v0_4;

/// The request body for `version`: refuses claims the version does not define, and empty claims.
fn request_body(
    claims: &KycClaims,
    version: KycVersion,
    target: &Target<'_>,
) -> Result<Value, InvalidRequest> {
    if claims.is_empty() {
        return Err(InvalidRequest::NoClaims);
    }
    if let Some(field) = KycField::ALL
        .into_iter()
        .find(|field| claims.has(*field) && !field.is_in(version))
    {
        return Err(InvalidRequest::FieldNotInVersion {
            field: field.as_str(),
        });
    }
    let mut body = serde_json::to_value(claims).map_err(|_| InvalidRequest::Body)?;
    if let (Some(number), PhoneStyle::Digits, Value::Object(map)) =
        (&claims.phone_number, target.phone_style, &mut body)
    {
        map.insert(
            "phoneNumber".to_owned(),
            Value::String(number.expose_digits().to_owned()),
        );
    }
    Ok(body)
}

/// Rewrites a match response towards `version` as the tolerance allows, so that core's strict
/// decoder ([`decode_result`]) accepts what the tolerance accepts. This is the only place KYC Match
/// quirks are tolerated: core no longer has a lenient reading.
fn normalize(
    value: &mut Value,
    normalizer: &mut Normalizer<'_>,
    version: KycVersion,
) -> Result<(), DecodeError> {
    let map = normalizer.object(value)?;
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let path = format!("$.{key}");
        if let Some(field) = KycField::from_match_key(&key).filter(|field| field.is_in(version)) {
            match map.get(&key) {
                Some(Value::Bool(flag)) => {
                    normalizer.deviation(Quirk::MatchAsBoolean, path)?;
                    let text = if *flag { Match::Matched } else { Match::Mismatched };
                    map.insert(key, Value::from(text.as_str()));
                }
                Some(Value::String(text)) if text.parse::<Match>().is_err() => {
                    // An enum value this version does not define: tolerated as "no answer for this
                    // field" (the field and its score are dropped), never guessed.
                    normalizer.deviation(Quirk::UnknownEnumValue, path)?;
                    map.remove(&key);
                    if let Some(score) = field.score_key_in(version) {
                        map.remove(score);
                    }
                }
                _ => {}
            }
        } else if KycField::from_score_key(&key)
            .is_some_and(|field| field.is_in(version) && field.score_key_in(version) == Some(key.as_str()))
        {
            normalizer.integer(map, &key)?;
        } else {
            normalizer.deviation(Quirk::UnknownField, path)?;
            map.remove(&key);
        }
    }
    // Scores last: their result is now a spec string (or absent, or invalid: core names those).
    for field in KycField::ALL.into_iter().filter(|field| field.is_in(version)) {
        let Some(key) = field.score_key_in(version) else {
            continue;
        };
        let Some(score) = map.get(key).and_then(Value::as_u64) else {
            continue;
        };
        let path = format!("$.{key}");
        match map.get(field.match_key()).and_then(Value::as_str) {
            Some(result) if result != Match::Mismatched.as_str() => {
                normalizer.deviation(Quirk::ScoreWithoutMismatch, path)?;
                map.remove(key);
            }
            _ if version == KycVersion::V0_4 && score == u64::from(MatchScore::PERFECT.value()) => {
                normalizer.deviation(Quirk::PerfectScore, path)?;
                map.insert(key.to_owned(), Value::from(MatchScore::MAX_MISMATCH.value()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The one decoding of a match result: core's strict decoder for `version`, on the normalised body.
fn decode_result(
    value: &Value,
    normalizer: &Normalizer<'_>,
    version: KycVersion,
) -> Result<KycMatchResult, DecodeError> {
    KycMatchResult::from_json_value_strict(value, version).map_err(|error| result_error(normalizer, &error))
}

fn result_error(normalizer: &Normalizer<'_>, error: &KycResultError) -> DecodeError {
    let key = match error {
        KycResultError::InvalidMatch { key }
        | KycResultError::BooleanMatch { key }
        | KycResultError::InvalidScore { key, .. }
        | KycResultError::ScoreWithoutResult { key }
        | KycResultError::ScoreWithoutMismatch { key } => Some((*key).to_owned()),
        KycResultError::UnknownKey { key } => Some(key.clone()),
        _ => None,
    };
    let path = key.map_or_else(|| "$".to_owned(), |key| format!("$.{key}"));
    normalizer.data_error(path, error.to_string())
}

/// Writes the `POST /match` operation of one KYC Match version.
macro_rules! match_operation {
    ($spec:expr, $kyc:expr, $normalize:ident) => {
        use netid_core::kyc::{KycClaims, KycMatchResult};
        use netid_transport::{HttpRequest, HttpResponse};

        use crate::endpoint::{self, Decoded, Endpoint, Metadata, Target};
        use crate::error::{CamaraError, DecodeError, InvalidRequest};
        use crate::profile::{Api, Tolerance};
        use crate::wire::Normalizer;

        /// The match request: the customer's claims.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Request {
            /// What the customer claims (redacted in `Debug`).
            pub claims: KycClaims,
        }

        impl Request {
            /// A request for `claims`.
            #[must_use]
            pub fn new(claims: KycClaims) -> Self {
                Self { claims }
            }
        }

        /// The match answer.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Response {
            /// The result and score of each field the operator answered.
            pub result: KycMatchResult,
        }

        fn $normalize(
            value: &mut serde_json::Value,
            normalizer: &mut Normalizer<'_>,
        ) -> Result<(), DecodeError> {
            super::normalize(value, normalizer, $kyc)
        }

        fn convert(value: serde_json::Value, normalizer: &Normalizer<'_>) -> Result<Response, DecodeError> {
            super::decode_result(&value, normalizer, $kyc).map(|result| Response { result })
        }

        impl Endpoint for Request {
            const METADATA: Metadata = Metadata {
                api: Api::KycMatch,
                versions: &[$spec],
                name: "match",
                method: http::Method::POST,
                path: "/match",
            };
            type Response = Response;

            fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest> {
                let body = super::request_body(&self.claims, $kyc, target)?;
                endpoint::build_request(&Self::METADATA, target, Some(&body))
            }

            fn from_http_response(
                response: &HttpResponse,
                tolerance: Tolerance,
            ) -> Result<Decoded<Response>, CamaraError> {
                endpoint::decode_response_with(response, tolerance, $normalize, convert)
            }
        }
    };
}

pub(crate) use match_operation;
