//! The OpenID Provider: discovery, JWKS, CIBA poll mode (`/bc-authorize`, `/token`), the
//! authorization endpoint with `prompt=none`, and `private_key_jwt` client authentication, one
//! submodule per endpoint; this module holds the OAuth error answer and the form and scope readers
//! they share.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use netid_core::ports::random_id;
use netid_core::scope::Scope;
use netid_core::store::StoreError;
use serde_json::json;

use crate::state::Shared;

mod authorize;
mod backchannel;
mod client_auth;
mod metadata;
mod token;

pub(crate) use authorize::authorize;
pub(crate) use backchannel::{bc_authorize, bc_authorize_inner};
pub(crate) use metadata::{discovery, jwks};
pub(crate) use token::{token, token_inner};

/// The CIBA grant type.
const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";

/// An OAuth 2.0 error answer (RFC 6749 §5.2, CIBA §13).
#[derive(Debug)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
    /// The `WWW-Authenticate` challenge of a 401 answering a client that authenticated with an
    /// `Authorization` header (RFC 6749 §5.2).
    challenge: Option<HeaderValue>,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            challenge: None,
        }
    }

    /// RFC 6749 §5.2: when client authentication failed and the client used the `Authorization`
    /// header, the answer MUST be 401 with a `WWW-Authenticate` challenge of the scheme it used.
    /// Body-based authentication (`private_key_jwt`) keeps 401, which §5.2 allows.
    fn challenged_by(mut self, request: &HeaderMap) -> Self {
        if self.error != "invalid_client" {
            return self;
        }
        let scheme = request
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_whitespace().next())
            .filter(|scheme| {
                scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~+/!#$%&'*^`|".contains(&b))
            });
        if let Some(value) =
            scheme.and_then(|s| HeaderValue::from_str(&format!("{s} realm=\"{REALM}\"")).ok())
        {
            self.status = StatusCode::UNAUTHORIZED;
            self.challenge = Some(value);
        }
        self
    }

    fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    /// 503 `temporarily_unavailable`: the state store did not answer, so nothing can be said
    /// about the request (RFC 6749 §4.1.2.1 names the code; a token endpoint answers it too).
    fn unavailable(error: &StoreError) -> Self {
        tracing::warn!(%error, "the sandbox state store failed");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the operator's state is unavailable, retry later",
        )
    }

    fn server_error(description: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", description)
    }

    /// The HTTP status of the answer.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The `error` code of the answer.
    pub(crate) fn code(&self) -> &'static str {
        self.error
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response();
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        no_store(response)
    }
}

/// The realm of the sandbox's `WWW-Authenticate` challenges.
pub(crate) const REALM: &str = "netid-sandbox";

fn random(shared: &Shared, n: usize) -> Result<String, OAuthError> {
    random_id(shared.config.rng.as_ref(), n).map_err(|_| OAuthError::server_error("random source failed"))
}

/// Parses an `application/x-www-form-urlencoded` body; a repeated parameter is an error (RFC 6749
/// §3.1).
fn parse_form(body: &[u8]) -> Result<BTreeMap<String, String>, OAuthError> {
    let mut out = BTreeMap::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        if out.insert(key.to_string(), value.into_owned()).is_some() {
            return Err(OAuthError::invalid_request(format!(
                "parameter {key} is repeated"
            )));
        }
    }
    Ok(out)
}

fn required<'a>(form: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, OAuthError> {
    form.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::invalid_request(format!("missing parameter {name}")))
}

/// Parses `scope`: `openid` and a `dpv:` purpose are required (CAMARA ICM).
fn parse_scope(raw: &str) -> Result<Scope, OAuthError> {
    let scope: Scope = raw
        .parse()
        .map_err(|_| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", "scope is malformed"))?;
    if !scope.contains("openid") {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "scope must contain openid",
        ));
    }
    Ok(scope)
}

/// RFC 6749 §5.1: an answer carrying tokens or credentials MUST send `Cache-Control: no-store`
/// and `Pragma: no-cache`; errors and the backchannel answer get them too.
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
