//! `POST /token`: the CIBA, authorization-code and client-credentials grants, and the tokens
//! they issue.

use std::sync::Arc;
use std::time::SystemTime;

use aws_lc_rs::digest;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, Header};
use netid_core::scope::Scope;
use serde_json::{Value, json};

use super::client_auth::authenticate_client;
use super::{CIBA_GRANT, OAuthError, no_store, parse_form, random, required};
use crate::config::AccessTokenFormat;
use crate::keys::b64url;
use crate::state::{AuthMethod, Grant, PollOutcome, Shared, token_lifetime, unix};
use crate::subscribers::Subscriber;

/// `POST /token`: the CIBA, authorization-code and client-credentials grants.
pub(crate) async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    match token_inner(&shared, &body).await {
        Ok(value) => no_store(Json(value).into_response()),
        Err(err) => err.challenged_by(&headers).into_response(),
    }
}

pub(crate) async fn token_inner(shared: &Shared, body: &[u8]) -> Result<Value, OAuthError> {
    let now = shared.now();
    let form = parse_form(body)?;
    let grant_type = required(&form, "grant_type")?.to_owned();
    let client_id = authenticate_client(shared, &form, "/token", now).await?;
    match grant_type.as_str() {
        CIBA_GRANT => {
            let auth_req_id = required(&form, "auth_req_id")?;
            let outcome = shared
                .store
                .poll(auth_req_id, &client_id, now, shared.config.enforce_poll_interval)
                .await
                .map_err(|e| OAuthError::unavailable(&e))?;
            let pending = |error, description| OAuthError::new(StatusCode::BAD_REQUEST, error, description);
            match outcome {
                PollOutcome::Unknown => {
                    Err(OAuthError::invalid_grant("unknown, used or foreign auth_req_id"))
                }
                PollOutcome::Pending => Err(pending(
                    "authorization_pending",
                    "the subscriber has not answered yet",
                )),
                PollOutcome::SlowDown => Err(pending("slow_down", "poll less often")),
                PollOutcome::Denied => Err(OAuthError::new(
                    StatusCode::BAD_REQUEST,
                    "access_denied",
                    "the subscriber refused",
                )),
                PollOutcome::Expired => Err(pending("expired_token", "the authentication request expired")),
                PollOutcome::Approved(auth) => {
                    let subscriber = shared.config.subscribers.by_phone_number(&auth.subscriber);
                    issue(shared, &client_id, subscriber, auth.scope, auth.method, None, now).await
                }
            }
        }
        "authorization_code" => {
            let code = required(&form, "code")?;
            let issued = shared
                .store
                .take_code(code)
                .await
                .map_err(|e| OAuthError::unavailable(&e))?
                .ok_or_else(|| OAuthError::invalid_grant("unknown or used code"))?;
            if issued.client_id != client_id || issued.expires <= now {
                return Err(OAuthError::invalid_grant(
                    "code expired or issued to another client",
                ));
            }
            if form.get("redirect_uri") != Some(&issued.redirect_uri) {
                return Err(OAuthError::invalid_grant(
                    "redirect_uri differs from the authorization request",
                ));
            }
            if let Some(challenge) = &issued.code_challenge {
                let verifier = form
                    .get("code_verifier")
                    .ok_or_else(|| OAuthError::invalid_grant("code_verifier required"))?;
                if b64url(digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref()) != *challenge {
                    return Err(OAuthError::invalid_grant("code_verifier does not match"));
                }
            }
            let subscriber = shared.config.subscribers.by_phone_number(&issued.subscriber);
            issue(
                shared,
                &client_id,
                subscriber,
                issued.scope,
                AuthMethod::MobileNetwork,
                issued.nonce,
                now,
            )
            .await
        }
        "client_credentials" => {
            let scope: Scope = form
                .get("scope")
                .map(|s| s.parse())
                .transpose()
                .map_err(|_| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", "scope is malformed"))?
                .unwrap_or_default();
            issue(shared, &client_id, None, scope, AuthMethod::TwoLegged, None, now).await
        }
        _ => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type not supported",
        )),
    }
}

/// Issues an access token (and an ID token when a subscriber authenticated with `openid`).
async fn issue(
    shared: &Shared,
    client_id: &str,
    subscriber: Option<&Subscriber>,
    scope: Scope,
    method: AuthMethod,
    nonce: Option<String>,
    now: SystemTime,
) -> Result<Value, OAuthError> {
    if method != AuthMethod::TwoLegged && subscriber.is_none() {
        return Err(OAuthError::invalid_grant("the subscriber no longer exists"));
    }
    // Number Verification tokens are single-use and short-lived; no grant here issues a refresh
    // token, so none of them is ever refreshed either.
    let lifetime = token_lifetime(&scope, shared.config.access_token_lifetime);
    let sub = subscriber.map(|s| shared.pairwise_sub(client_id, s.id()));
    let sign = |claims: &Value, typ: &str| {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(shared.signing_key.kid.clone());
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &shared.signing_key.encoding)
            .map_err(|_| OAuthError::server_error("signing failed"))
    };
    let access_token = match shared.config.access_token_format {
        AccessTokenFormat::Opaque => random(shared, 32)?,
        AccessTokenFormat::Jwt => sign(
            &json!({
                "iss": shared.issuer,
                "sub": sub.clone().unwrap_or_else(|| client_id.to_owned()),
                "aud": shared.issuer,
                "client_id": client_id,
                "scope": scope.as_string(),
                "iat": unix(now),
                "exp": unix(now + lifetime),
                "jti": random(shared, 16)?,
            }),
            "at+jwt",
        )?,
    };
    let mut answer = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "scope": scope.as_string(),
    });
    if let (Some(sub), true) = (&sub, scope.contains("openid")) {
        let mut claims = json!({
            "iss": shared.issuer,
            "sub": sub,
            "aud": client_id,
            "iat": unix(now),
            "auth_time": unix(now),
            "exp": unix(now + lifetime),
        });
        if let (Some(nonce), Some(map)) = (nonce, claims.as_object_mut()) {
            map.insert(String::from("nonce"), Value::from(nonce));
        }
        answer["id_token"] = Value::from(sign(&claims, "JWT")?);
    }
    let grant = Grant {
        client_id: client_id.to_owned(),
        subscriber: subscriber.map(|s| s.phone_number().clone()),
        scope,
        method,
        expires: now + lifetime,
    };
    // The token is answered only once the store holds it: otherwise it would be refused.
    shared
        .store
        .insert_token(&access_token, grant, now)
        .await
        .map_err(|e| OAuthError::unavailable(&e))?;
    Ok(answer)
}
