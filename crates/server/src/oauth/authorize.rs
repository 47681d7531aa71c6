//! `GET /authorize`: the authorization-code flow with `prompt=none`, as Number Verification uses it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{OAuthError, no_store, parse_form, parse_scope, random};
use crate::state::{IssuedCode, Shared};

/// Lifetime of an authorization code.
const CODE_LIFETIME: Duration = Duration::from_secs(60);

/// `GET /authorize`: the authorization-code flow as Number Verification uses it: no user
/// interaction, the subscriber is whoever the mobile network sees (`prompt=none` is implied).
pub(crate) async fn authorize(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let params = match parse_form(query.as_bytes()) {
        Ok(p) => p,
        Err(err) => return err.into_response(),
    };
    // Errors before the redirect URI is trusted are shown to the user agent, never redirected.
    let client = match params.get("client_id").and_then(|id| shared.clients.get(id)) {
        Some(c) => c,
        None => return OAuthError::invalid_request("unknown client_id").into_response(),
    };
    let redirect_uri = match params.get("redirect_uri") {
        Some(uri) if client.redirect_uris.contains(uri) => uri.clone(),
        _ => {
            return OAuthError::invalid_request("redirect_uri is not registered for this client")
                .into_response();
        }
    };
    let state = params.get("state").cloned();
    let redirect = |pairs: &[(&str, &str)]| {
        let mut url = redirect_uri.clone();
        url.push(if url.contains('?') { '&' } else { '?' });
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        if let Some(state) = &state {
            ser.append_pair("state", state);
        }
        url.push_str(&ser.finish());
        let mut response = StatusCode::FOUND.into_response();
        if let Ok(value) = HeaderValue::from_str(&url) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        no_store(response)
    };
    let error =
        |code: &str, description: &str| redirect(&[("error", code), ("error_description", description)]);
    if params.get("response_type").map(String::as_str) != Some("code") {
        return error("unsupported_response_type", "response_type must be code");
    }
    let scope = match params.get("scope").map(|s| parse_scope(s)) {
        Some(Ok(scope)) => scope,
        _ => return error("invalid_scope", "scope must contain openid"),
    };
    if params.get("prompt").is_some_and(|p| p != "none") {
        return error(
            "interaction_required",
            "this operator authenticates through the mobile network only (prompt=none)",
        );
    }
    let code_challenge = match (
        params.get("code_challenge"),
        params.get("code_challenge_method").map(String::as_str),
    ) {
        (None, _) => None,
        (Some(c), Some("S256")) => Some(c.clone()),
        (Some(_), _) => return error("invalid_request", "code_challenge_method must be S256"),
    };
    let store = &shared.config.subscribers;
    let Some(subscriber) = shared
        .config
        .network_subscriber
        .as_ref()
        .and_then(|n| store.by_phone_number(n))
    else {
        return error(
            "login_required",
            "the device is not connected through the mobile network",
        );
    };
    if scope.purpose().is_some_and(|p| subscriber.is_opted_out(&p)) {
        return error("access_denied", "the subscriber opted out of this purpose");
    }
    let now = shared.now();
    let code = match random(&shared, 24) {
        Ok(c) => c,
        Err(err) => return err.into_response(),
    };
    let issued = IssuedCode {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.clone(),
        subscriber: subscriber.phone_number().clone(),
        scope,
        nonce: params.get("nonce").cloned(),
        code_challenge,
        expires: now + CODE_LIFETIME,
    };
    if let Err(store_error) = shared.store.insert_code(&code, issued, now).await {
        // The redirect URI is trusted by now: the error goes back to the client (RFC 6749 §4.1.2.1).
        tracing::warn!(error = %store_error, "the sandbox state store failed");
        return error("temporarily_unavailable", "the operator's state is unavailable");
    }
    redirect(&[("code", &code)])
}
