//! KYC Fill-in 0.4.1: `POST /kyc-fill-in/v0.4/fill-in`, the subscriber's KYC record on file, limited
//! to the attributes the token's scopes release.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::kyc::KycClaims;
use netid_core::scope::Scope;
use serde_json::Value;

use super::kyc_age_verification::KYC_0_6;
use super::{ApiError, Served, answer_as, bearer, object, phone_number, subject};
use crate::state::Shared;

/// The scope that releases every attribute.
const SET_ALL: &str = "kyc-fill-in:set-all";

/// `POST …/kyc-fill-in/v0.4/fill-in`.
pub(crate) async fn fill_in(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        if !released(&grant.scope).any(|_| true) {
            return Err(ApiError::permission_denied());
        }
        // The request body is required (an empty object will do); `object` reads none as `{}`.
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid_argument("A request body is required."));
        }
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, false)?;
        let subscriber = subject(&shared, &grant, number, &KYC_0_6)?;
        let record = subscriber.kyc();
        // A line without identity data on file has nothing to fill in.
        if record.is_empty() {
            return Err(ApiError::new(
                422,
                ErrorCode::ServiceNotApplicable,
                "The service is not applicable for the provided phone number",
            ));
        }
        let mut record: KycClaims = record.clone();
        record.phone_number = Some(subscriber.phone_number().clone());
        let Ok(Value::Object(mut fields)) = serde_json::to_value(&record) else {
            return Err(ApiError::internal());
        };
        let allowed: Vec<&str> = released(&grant.scope).collect();
        fields.retain(|key, _| allowed.contains(&key.as_str()));
        Ok(Value::Object(fields))
    })
    .await
}

/// The attributes `scope` releases: every one with `kyc-fill-in:set-all`, otherwise those named
/// by a `kyc-fill-in:<attribute>` scope.
fn released(scope: &Scope) -> impl Iterator<Item = &'static str> + '_ {
    let all = scope.contains(SET_ALL);
    KycClaims::FIELD_NAMES
        .iter()
        .copied()
        .filter(move |attribute| all || scope.contains(&format!("kyc-fill-in:{attribute}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_release_their_attributes_only() {
        let check = |scope: &str, expected: &[&str]| {
            let scope: Scope = scope.parse().unwrap();
            assert_eq!(released(&scope).collect::<Vec<_>>(), expected, "{scope}");
        };
        check("openid dpv:IdentityVerification", &[]);
        check(
            "openid kyc-fill-in:givenName kyc-fill-in:familyName",
            &["givenName", "familyName"],
        );
        // A scope names one attribute exactly: `name` releases neither `nameKanaHankaku` nor
        // `familyName`.
        check("kyc-fill-in:name", &["name"]);
        check("kyc-fill-in:unknown kyc-fill-in:birthdate", &["birthdate"]);
        let scope: Scope = "kyc-fill-in:set-all".parse().unwrap();
        assert_eq!(released(&scope).count(), KycClaims::FIELD_NAMES.len());
    }
}
