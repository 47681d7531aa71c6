//! KYC Age Verification 0.2.1: `POST /kyc-age-verification/v0.2/verify`, computed from the
//! subscriber's KYC record (its `birthdate` decides `ageCheck`) and its age facts
//! ([`AgeFacts`](crate::subscribers::age::AgeFacts)).

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::kyc::{KycClaims, Match, Matcher};
use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

use super::{
    ApiError, IdentifierRules, Served, answer_as, bearer, object, phone_number, require_scope, subject,
};
use crate::state::Shared;

/// The identity properties of `VerifyRequestBody`, checked against the record on file.
const IDENTITY_KEYS: [&str; 8] = [
    "idDocument",
    "name",
    "givenName",
    "familyName",
    "middleNames",
    "familyNameAtBirth",
    "birthdate",
    "email",
];

/// The identifier rules of KYC Age Verification 0.2.1 and KYC Fill-in 0.4.1 (Commonalities 0.6),
/// with the messages of their specs' examples.
pub(super) const KYC_0_6: IdentifierRules = IdentifierRules {
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

/// `POST …/kyc-age-verification/v0.2/verify`.
pub(crate) async fn verify(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        require_scope(&grant, &["kyc-age-verification:verify"])?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, false)?;
        let threshold = age_threshold(&mut body)?;
        let include_content_lock = flag(&mut body, "includeContentLock")?;
        let include_parental_control = flag(&mut body, "includeParentalControl")?;
        // The request schema does not close the object: properties it does not define are ignored.
        body.retain(|key, _| IDENTITY_KEYS.contains(&key.as_str()));
        // Every identity property of `VerifyRequestBody` is `type: string`; core's claims decoder
        // also takes numbers for a few of them (operators' quirk), which the API schema refuses.
        if let Some((name, _)) = body.iter().find(|(_, value)| !value.is_string()) {
            return Err(ApiError::invalid_argument(&format!("{name} must be a string")));
        }
        let identity: KycClaims = serde_json::from_value(Value::Object(body)).map_err(|_| {
            ApiError::invalid_argument("Client specified an invalid argument, request body or query param.")
        })?;
        let subscriber = subject(&shared, &grant, number, &KYC_0_6)?;
        let facts = subscriber.age_facts();
        if !facts.applicable {
            return Err(ApiError::new(
                422,
                ErrorCode::ServiceNotApplicable,
                "The service is not applicable for the provided phone number",
            ));
        }
        let age_check = match subscriber.kyc().birthdate.as_ref() {
            None => "not_available",
            Some(birthdate) if age_on(*birthdate.expose_pii(), today(now)) >= i32::from(threshold) => "true",
            Some(_) => "false",
        };
        let mut out = Map::new();
        out.insert("ageCheck".to_owned(), json!(age_check));
        if let Some(verified) = facts.verified_status {
            out.insert("verifiedStatus".to_owned(), json!(verified));
        }
        if let Some(score) = identity_match_score(&identity, subscriber) {
            out.insert("identityMatchScore".to_owned(), json!(score));
        }
        // Returned only when asked for and known for the line, as the spec describes.
        if include_content_lock && let Some(lock) = facts.content_lock {
            out.insert("contentLock".to_owned(), json!(lock.as_str()));
        }
        if include_parental_control && let Some(control) = facts.parental_control {
            out.insert("parentalControl".to_owned(), json!(control.as_str()));
        }
        Ok(Value::Object(out))
    })
    .await
}

/// `ageThreshold`: required, an integer; outside 0 to 120 is `400 OUT_OF_RANGE`.
fn age_threshold(body: &mut Map<String, Value>) -> Result<u8, ApiError> {
    let value = body
        .remove("ageThreshold")
        .ok_or_else(|| ApiError::invalid_argument("ageThreshold is required"))?;
    let Some(years) = value.as_i64() else {
        return Err(ApiError::invalid_argument("ageThreshold must be an integer"));
    };
    u8::try_from(years)
        .ok()
        .filter(|years| *years <= 120)
        .ok_or_else(|| ApiError::new(400, ErrorCode::OutOfRange, "Client specified an invalid range."))
}

/// An optional boolean property (default false).
fn flag(body: &mut Map<String, Value>, key: &str) -> Result<bool, ApiError> {
    match body.remove(key) {
        None => Ok(false),
        Some(Value::Bool(flag)) => Ok(flag),
        Some(_) => Err(ApiError::invalid_argument(&format!("{key} must be a boolean"))),
    }
}

/// The UTC calendar date at `now`.
fn today(now: SystemTime) -> Date {
    OffsetDateTime::from(now).date()
}

/// Whole years from `birthdate` to `today` (a 29 February birthday comes on 1 March in other years).
fn age_on(birthdate: Date, today: Date) -> i32 {
    let years = today.year() - birthdate.year();
    let birthday_passed =
        (u8::from(today.month()), today.day()) >= (u8::from(birthdate.month()), birthdate.day());
    if birthday_passed { years } else { years - 1 }
}

/// The mean score of the identity fields the caller sent and the record holds (a match is 100, a
/// mismatch its similarity score, 0 without one); `None` when nothing could be compared.
fn identity_match_score(identity: &KycClaims, subscriber: &crate::subscribers::Subscriber) -> Option<u8> {
    if identity.is_empty() {
        return None;
    }
    let result = Matcher::new().match_prepared(identity, subscriber.prepared_kyc());
    let scores: Vec<u32> = result
        .iter()
        .filter_map(|(_, field)| match field.result {
            Match::Matched => Some(100),
            Match::Mismatched => Some(field.score.map_or(0, |score| u32::from(score.value()))),
            Match::NotAvailable => None,
        })
        .collect();
    let count = u32::try_from(scores.len()).ok().filter(|count| *count > 0)?;
    u8::try_from(scores.iter().sum::<u32>() / count).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn ages_count_whole_years() {
        let check = |birthdate: Date, today: Date, expected: i32| {
            assert_eq!(age_on(birthdate, today), expected, "{birthdate} {today}");
        };
        check(date!(2000 - 05 - 10), date!(2018 - 05 - 09), 17);
        check(date!(2000 - 05 - 10), date!(2018 - 05 - 10), 18);
        check(date!(2000 - 02 - 29), date!(2018 - 02 - 28), 17);
        check(date!(2000 - 02 - 29), date!(2018 - 03 - 01), 18);
        check(date!(2000 - 02 - 29), date!(2020 - 02 - 29), 20);
        check(date!(2025 - 01 - 01), date!(2025 - 01 - 01), 0);
    }

    #[test]
    fn thresholds_are_integers_from_0_to_120() {
        let check = |value: Value, expected: Result<u8, ErrorCode>| {
            let mut body = Map::new();
            body.insert("ageThreshold".to_owned(), value.clone());
            let got = age_threshold(&mut body).map_err(|error| error.info.code);
            assert_eq!(got, expected, "{value}");
        };
        check(json!(0), Ok(0));
        check(json!(18), Ok(18));
        check(json!(120), Ok(120));
        check(json!(121), Err(ErrorCode::OutOfRange));
        check(json!(-1), Err(ErrorCode::OutOfRange));
        check(json!("18"), Err(ErrorCode::InvalidArgument));
        check(json!(18.5), Err(ErrorCode::InvalidArgument));
        assert_eq!(
            age_threshold(&mut Map::new()).map_err(|error| error.info.code),
            Err(ErrorCode::InvalidArgument)
        );
    }
}
