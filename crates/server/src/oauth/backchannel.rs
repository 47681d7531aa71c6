//! `POST /bc-authorize`: CIBA poll mode's backchannel authentication request (CIBA §7).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use netid_core::login_hint::LoginHint;
use serde_json::{Value, json};

use super::client_auth::authenticate_client;
use super::{OAuthError, no_store, parse_form, parse_scope, random, required};
use crate::state::{AuthMethod, PendingAuth, Shared};
use crate::subscribers::{CibaBehaviour, Subscriber};

/// The subscriber a `login_hint` names.
fn resolve_hint<'a>(shared: &'a Shared, raw: &str) -> Result<(&'a Subscriber, AuthMethod), OAuthError> {
    let unknown = || {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unknown_user_id",
            "login_hint does not name a subscriber",
        )
    };
    let hint: LoginHint = raw.parse().map_err(|_| {
        OAuthError::invalid_request("login_hint is not a phone number, ipport or operatortoken")
    })?;
    let store = &shared.config.subscribers;
    match &hint {
        LoginHint::OperatorToken(token) => store
            .by_operator_token(token.expose_secret())
            .map(|s| (s, AuthMethod::MobileNetwork))
            .ok_or_else(unknown),
        LoginHint::IpPort { .. } => shared
            .config
            .network_subscriber
            .as_ref()
            .and_then(|n| store.by_phone_number(n))
            .map(|s| (s, AuthMethod::MobileNetwork))
            .ok_or_else(unknown),
        other => other
            .phone_number()
            .and_then(|n| store.by_phone_number(n))
            .map(|s| (s, AuthMethod::CibaPhoneNumber))
            .ok_or_else(unknown),
    }
}

/// `POST /bc-authorize` (CIBA §7).
pub(crate) async fn bc_authorize(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match bc_authorize_inner(&shared, &body).await {
        Ok(value) => no_store(Json(value).into_response()),
        Err(err) => err.challenged_by(&headers).into_response(),
    }
}

pub(crate) async fn bc_authorize_inner(shared: &Shared, body: &[u8]) -> Result<Value, OAuthError> {
    let now = shared.now();
    let form = parse_form(body)?;
    let client_id = authenticate_client(shared, &form, "/bc-authorize", now).await?;
    let scope = parse_scope(required(&form, "scope")?)?;
    let purpose = scope.purpose().ok_or_else(|| {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "scope must name a dpv: purpose",
        )
    })?;
    // CIBA Core §7.1: exactly one of the three hints; this provider takes `login_hint` only.
    let hints = ["login_hint_token", "id_token_hint", "login_hint"]
        .iter()
        .filter(|name| form.contains_key(**name))
        .count();
    if hints > 1 {
        return Err(OAuthError::invalid_request(
            "exactly one of login_hint_token, id_token_hint and login_hint is allowed",
        ));
    }
    if form.contains_key("login_hint_token") || form.contains_key("id_token_hint") {
        return Err(OAuthError::invalid_request("only login_hint is supported"));
    }
    let (subscriber, method) = resolve_hint(shared, required(&form, "login_hint")?)?;
    if subscriber.is_opted_out(&purpose) {
        return Err(OAuthError::new(
            StatusCode::FORBIDDEN,
            "access_denied",
            "the subscriber opted out of this purpose",
        ));
    }
    let behaviour = match (subscriber.ciba(), shared.config.approve_delay_override) {
        (CibaBehaviour::Approve { .. }, Some(after)) => CibaBehaviour::Approve { after },
        (CibaBehaviour::Deny { .. }, Some(after)) => CibaBehaviour::Deny { after },
        (CibaBehaviour::SlowDown { times, .. }, Some(after)) => CibaBehaviour::SlowDown { times, after },
        (behaviour, _) => behaviour,
    };
    let auth_req_id = random(shared, 24)?;
    let expires_in = shared.config.ciba_expires_in;
    let interval = shared.config.ciba_interval;
    let pending = PendingAuth {
        client_id,
        subscriber: subscriber.phone_number().clone(),
        scope,
        method,
        created: now,
        expires: now + expires_in,
        behaviour,
        slow_downs_sent: 0,
        interval,
        last_poll: None,
    };
    shared
        .store
        .insert_pending(&auth_req_id, pending, now)
        .await
        .map_err(|e| OAuthError::unavailable(&e))?;
    Ok(json!({
        "auth_req_id": auth_req_id,
        "expires_in": expires_in.as_secs(),
        "interval": interval.as_secs(),
    }))
}
