//! KYC Match 0.2.1 (Orange France flavour) and 0.4.0: `match`, comparing the claims of the body
//! with the subscriber's record.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::kyc::{KycClaims, Matcher};
use serde_json::Value;

use super::identifier::{rules, subject};
use super::{ApiError, Served, answer_as, bearer, object, phone_number, require_scope};
use crate::state::Shared;

/// `POST …/kyc-match/v0.{2,4}/match`.
pub(crate) async fn match_claims(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let spec = served.spec;
    answer_as(spec, &headers, async || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        require_scope(&grant, &["kyc-match:match"])?;
        // The router mounts this handler for KYC Match versions only.
        let version = spec.kyc_version().ok_or_else(ApiError::internal)?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, served.lenient_phone)?;
        // Neither KYC Match version forbids additional properties (no `additionalProperties:
        // false` in kyc-match.yaml 0.4.0 or 0.2.1), so a server ignores the ones it does not
        // know; `KycClaims` itself refuses them, for the client's sake.
        body.retain(|key, _| KycClaims::FIELD_NAMES.contains(&key.as_str()));
        // Every property of both versions' request body is `type: string`; core's claims decoder
        // also takes numbers for a few of them (operators' quirk), which the API schema refuses.
        if let Some((name, _)) = body.iter().find(|(_, value)| !value.is_string()) {
            return Err(ApiError::invalid_argument(&format!("{name} must be a string")));
        }
        let claims: KycClaims = serde_json::from_value(Value::Object(body)).map_err(|_| {
            ApiError::invalid_argument("Client specified an invalid argument, request body or query param.")
        })?;
        check_kyc_enums(&claims)?;
        let only_number = number.is_some() && claims.is_empty();
        let subscriber = subject(&shared, &grant, number, rules(spec))?;
        if only_number {
            // Both versions name this case: a phone number and nothing to match against it.
            return Err(ApiError::new(
                400,
                ErrorCode::KycInvalidParamCombination,
                "Provided combination of properties is invalid: at least one property to match is required.",
            ));
        }
        if claims.is_empty() {
            return Err(ApiError::invalid_argument(
                "at least one property to match is required",
            ));
        }
        let result = Matcher::new().match_prepared(&claims, subscriber.prepared_kyc());
        Ok(result.to_json_value(version))
    })
    .await
}

/// 400 `INVALID_ARGUMENT` for a `gender` or `idDocumentType` outside the spec's enumeration: core
/// decodes them leniently (operators' case variants), but the API schema refuses other values.
fn check_kyc_enums(claims: &KycClaims) -> Result<(), ApiError> {
    const GENDERS: [&str; 3] = ["MALE", "FEMALE", "OTHER"];
    const DOCUMENT_TYPES: [&str; 7] = [
        "passport",
        "national_id_card",
        "residence_permit",
        "diplomatic_id",
        "driver_licence",
        "social_security_id",
        "other",
    ];
    if claims
        .gender
        .as_ref()
        .is_some_and(|g| !GENDERS.contains(&g.as_str()))
    {
        return Err(ApiError::invalid_argument(
            "gender must be one of MALE, FEMALE, OTHER",
        ));
    }
    if claims
        .id_document_type
        .as_ref()
        .is_some_and(|t| !DOCUMENT_TYPES.contains(&t.as_str()))
    {
        return Err(ApiError::invalid_argument(
            "idDocumentType is not a value of the enumeration",
        ));
    }
    Ok(())
}
