//! Number Verification 2.x: `verify` and `device-phone-number`, answered for a subscriber who
//! authenticated through the mobile network only.
//!
//! A token granting a Number Verification scope is single-use (and lives at most 300 s, see
//! `state::token_lifetime`): its first answered call here spends it, and the next call with it
//! gets the spec's `401 UNAUTHENTICATED`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::phone::HashedPhoneNumber;
use serde_json::{Value, json};

use super::{ApiError, Served, answer_as, bearer, object, phone_number, require_scope, spend_single_use};
use crate::state::{AuthMethod, Grant, Shared};

/// 403 unless the subscriber authenticated through the mobile network (Number Verification).
fn require_network(grant: &Grant) -> Result<(), ApiError> {
    if grant.method == AuthMethod::MobileNetwork && grant.subscriber.is_some() {
        Ok(())
    } else {
        Err(ApiError::new(
            403,
            ErrorCode::NumberVerificationUserNotAuthenticatedByMobileNetwork,
            "Client must authenticate via the mobile network to use this service",
        ))
    }
}

/// `POST /number-verification/v2/verify`. Versions 2.0.0 and 2.1.0 share the path; the router
/// passes the newest version at it.
pub(crate) async fn verify(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        require_scope(&grant, &["number-verification:verify"])?;
        // A malformed body is refused (400) before the authentication method is judged (403), as
        // the 2.1.0 test definitions expect with a two-legged token.
        let mut body = object(&headers, &body)?;
        let plain = phone_number(&mut body, served.lenient_phone)?;
        let hashed = match body.remove("hashedPhoneNumber") {
            None => None,
            Some(Value::String(s)) => Some(s.parse::<HashedPhoneNumber>().map_err(|_| {
                ApiError::invalid_argument("hashedPhoneNumber must be 64 hexadecimal characters")
            })?),
            Some(_) => return Err(ApiError::invalid_argument("hashedPhoneNumber must be a string")),
        };
        require_network(&grant)?;
        let Some(device) = grant.subscriber.as_ref() else {
            return Err(ApiError::permission_denied());
        };
        let verified = match (plain, hashed) {
            (Some(number), None) => number == *device,
            (None, Some(hash)) => hash == device.hashed(),
            _ => {
                return Err(ApiError::invalid_argument(
                    "exactly one of phoneNumber and hashedPhoneNumber is required",
                ));
            }
        };
        spend_single_use(&shared, &headers, &grant).await?;
        Ok(json!({ "devicePhoneNumberVerified": verified }))
    })
    .await
}

/// `GET /number-verification/v2/device-phone-number`.
pub(crate) async fn device_phone_number(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        require_scope(&grant, &["number-verification:device-phone-number:read"])?;
        require_network(&grant)?;
        let device = grant
            .subscriber
            .as_ref()
            .ok_or_else(ApiError::permission_denied)?;
        spend_single_use(&shared, &headers, &grant).await?;
        Ok(json!({ "devicePhoneNumber": device.expose_e164() }))
    })
    .await
}
