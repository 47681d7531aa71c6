//! The OAuth form bodies of `/bc-authorize` and `/token` (cargo-fuzz target `server_oauth_form`).

use axum::http::StatusCode;
use serde_json::Value;

use super::fixture::{client_assertion, fixture, run};
use crate::oauth;

/// The `error` codes the OAuth endpoints answer with (RFC 6749 §5.2, CIBA §13, OIDC Core §3.1.2.6).
const OAUTH_ERRORS: [&str; 12] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "invalid_scope",
    "unsupported_grant_type",
    "unknown_user_id",
    "access_denied",
    "authorization_pending",
    "slow_down",
    "expired_token",
    "login_required",
    "server_error",
];

/// The OAuth form bodies of `/bc-authorize` and `/token`. First byte: bit 0 picks the endpoint,
/// bit 1 appends a valid client assertion; the rest is the body.
///
/// Properties: a success carries what the endpoint promises (`auth_req_id`, or a Bearer
/// `access_token`); an error carries a registered `error` code with its status; a repeated
/// parameter is refused as `invalid_request`.
pub fn fuzz_oauth_form(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let Some(fixture) = fixture() else { return };
    let shared = &fixture.shared;
    let path = if selector & 1 == 0 {
        "/bc-authorize"
    } else {
        "/token"
    };
    let mut body = body.to_vec();
    if selector & 2 != 0 {
        let Some(assertion) = client_assertion(&fixture.demo, path, shared.now()) else {
            return;
        };
        body.extend_from_slice(b"&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=");
        body.extend_from_slice(assertion.as_bytes());
    }
    let result = if path == "/bc-authorize" {
        run(oauth::bc_authorize_inner(shared, &body))
    } else {
        run(oauth::token_inner(shared, &body))
    };
    // The in-memory store never waits, so every handler future is ready at its first poll.
    let Some(result) = result else {
        panic!("an OAuth handler waited on the in-memory store");
    };
    let mut names: Vec<_> = url::form_urlencoded::parse(&body).map(|(key, _)| key).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    let repeated = names.len() != count;
    match result {
        Ok(answer) => {
            assert!(!repeated, "accepted a form with a repeated parameter");
            let text = |name: &str| answer.get(name).and_then(Value::as_str).unwrap_or_default();
            if path == "/bc-authorize" {
                assert!(
                    !text("auth_req_id").is_empty(),
                    "bc-authorize answer without auth_req_id"
                );
                assert!(
                    answer.get("expires_in").is_some_and(Value::is_u64),
                    "no expires_in"
                );
            } else {
                assert!(
                    !text("access_token").is_empty(),
                    "token answer without access_token"
                );
                assert!(
                    text("token_type").eq_ignore_ascii_case("bearer"),
                    "token_type is not Bearer"
                );
            }
        }
        Err(error) => {
            assert!(
                OAUTH_ERRORS.contains(&error.code()),
                "unregistered error code {}",
                error.code()
            );
            let expected = match error.code() {
                "invalid_client" => StatusCode::UNAUTHORIZED,
                "access_denied" => error.status(),
                "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::BAD_REQUEST,
            };
            assert_eq!(error.status(), expected, "{} with the wrong status", error.code());
            if repeated {
                assert_eq!(
                    error.code(),
                    "invalid_request",
                    "a repeated parameter is not invalid_request"
                );
            }
        }
    }
}
