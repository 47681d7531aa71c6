//! Number Recycling 0.2.0 and KYC Tenure 0.2.0: one calendar date against the current subscriber's
//! contract on the number (`[subscribers.line] contract_start`, `contract_type`), with the
//! identifier rules of Commonalities 0.6.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::spec::Api;
use serde_json::{Map, Value, json};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::{
    ApiError, IdentifierRules, Served, answer_as, bearer, object, phone_number, require_scope, subject,
};
use crate::state::Shared;
use crate::subscribers::Subscriber;

/// Both specs word their identifier errors alike.
const CONTRACT_APIS: IdentifierRules = IdentifierRules {
    unnecessary: true,
    missing: (
        422,
        ErrorCode::MissingIdentifier,
        "No phone number has been provided",
    ),
    not_found: (
        404,
        ErrorCode::IdentifierNotFound,
        "The phone number provided is not associated with a customer account",
    ),
};

fn invalid(message: &str) -> ApiError {
    ApiError::new(400, ErrorCode::InvalidArgument, message)
}

/// Reads the required calendar date `field` (`YYYY-MM-DD`): `400 INVALID_ARGUMENT` when missing or
/// malformed, `400 OUT_OF_RANGE` when after `today` (both test definitions ask for it).
fn date_field(body: &Map<String, Value>, field: &str, today: Date) -> Result<Date, ApiError> {
    let text = body
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(&format!("{field} is required, as a date YYYY-MM-DD")))?;
    let date = Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| invalid(&format!("{field} must be a date YYYY-MM-DD")))?;
    if date > today {
        return Err(ApiError::new(
            400,
            ErrorCode::OutOfRange,
            &format!("{field} cannot be in the future"),
        ));
    }
    Ok(date)
}

/// The date of `field` and the subscriber it is about, after the token, scope, body and
/// identifier checks; `422 SERVICE_NOT_APPLICABLE` for a line the API does not apply to or without
/// a contract on file.
async fn contract_request<'a>(
    shared: &'a Shared,
    headers: &HeaderMap,
    body: &[u8],
    (api, scope, field): (Api, &str, &str),
) -> Result<(&'a Subscriber, Date, Date), ApiError> {
    let now = shared.now();
    let grant = bearer(shared, headers, now).await?;
    require_scope(&grant, &[scope])?;
    let mut body = object(headers, body)?;
    let number = phone_number(&mut body, false)?;
    let date = date_field(&body, field, OffsetDateTime::from(now).date())?;
    let subscriber = subject(shared, &grant, number, &CONTRACT_APIS)?;
    let line = subscriber.line();
    match line.contract_start() {
        Some(start) if line.applies_to(api) => Ok((subscriber, date, start)),
        _ => Err(ApiError::new(
            422,
            ErrorCode::ServiceNotApplicable,
            "The service is not applicable for the provided phone number",
        )),
    }
}

/// `POST …/number-recycling/v0.2/check`: recycled when the current subscriber's contract began after
/// `specifiedDate` (on that very day the answer is `false`, as the spec's note says).
pub(crate) async fn number_recycling_check(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let request = (Api::NumberRecycling, "number-recycling:check", "specifiedDate");
        let (_, specified, start) = contract_request(&shared, &headers, &body, request).await?;
        Ok(json!({ "phoneNumberRecycled": start > specified }))
    })
    .await
}

/// `POST …/kyc-tenure/v0.2/check-tenure`: tenure holds when the contract began on or before
/// `tenureDate`; `contractType` when on file.
pub(crate) async fn kyc_tenure_check(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let request = (Api::KycTenure, "kyc-tenure:check-tenure", "tenureDate");
        let (subscriber, tenure_date, start) = contract_request(&shared, &headers, &body, request).await?;
        let mut answer = json!({ "tenureDateCheck": start <= tenure_date });
        if let (Some(kind), Some(map)) = (subscriber.line().contract_type(), answer.as_object_mut()) {
            map.insert("contractType".to_owned(), Value::from(kind));
        }
        Ok(answer)
    })
    .await
}
