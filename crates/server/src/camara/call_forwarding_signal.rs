//! Call Forwarding Signal 0.4.0: `POST /unconditional-call-forwardings` and `POST /call-forwardings`,
//! answered from the subscriber's `call_forwarding` entry.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use serde_json::json;

use super::{
    ApiError, IdentifierRules, Served, answer_as, bearer, object, phone_number, require_scope, subject,
};
use crate::state::Shared;
use crate::subscribers::Subscriber;
use crate::subscribers::call_forwarding::{CallForwarding, ForwardingKind};

/// Commonalities 0.6: a number beside a three-legged token is `UNNECESSARY_IDENTIFIER`.
const RULES: IdentifierRules = IdentifierRules {
    unnecessary: true,
    missing: (
        422,
        ErrorCode::MissingIdentifier,
        "The phone number cannot be identified.",
    ),
    not_found: (404, ErrorCode::IdentifierNotFound, "Device identifier not found."),
};

/// The subscriber the request is about and its call forwarding services (422 outside the service).
async fn services<'a>(
    shared: &'a Shared,
    headers: &HeaderMap,
    body: &[u8],
    scope: &str,
) -> Result<&'a [ForwardingKind], ApiError> {
    let grant = bearer(shared, headers, shared.now()).await?;
    require_scope(&grant, &[scope])?;
    let mut body = object(headers, body)?;
    let number = phone_number(&mut body, false)?;
    let subscriber: &Subscriber = subject(shared, &grant, number, &RULES)?;
    match subscriber.call_forwarding() {
        CallForwarding::Services(kinds) => Ok(kinds),
        _ => Err(ApiError::new(
            422,
            ErrorCode::ServiceNotApplicable,
            "The service is not available for the provided identifier.",
        )),
    }
}

/// `POST /call-forwarding-signal/v0.4/unconditional-call-forwardings`.
pub(crate) async fn unconditional(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let kinds = services(
            &shared,
            &headers,
            &body,
            "call-forwarding-signal:unconditional-call-forwardings:read",
        )
        .await?;
        Ok(json!({ "active": kinds.contains(&ForwardingKind::Unconditional) }))
    })
    .await
}

/// `POST /call-forwarding-signal/v0.4/call-forwardings`.
pub(crate) async fn call_forwardings(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let kinds = services(
            &shared,
            &headers,
            &body,
            "call-forwarding-signal:call-forwardings:read",
        )
        .await?;
        // `minItems: 1`: a line with nothing forwarded is `["inactive"]`.
        let names: Vec<&str> = if kinds.is_empty() {
            vec!["inactive"]
        } else {
            kinds.iter().map(|kind| kind.as_str()).collect()
        };
        Ok(json!(names))
    })
    .await
}
