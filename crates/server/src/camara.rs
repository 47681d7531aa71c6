//! The CAMARA APIs: the request reading and answering every handler shares (access token, scope,
//! body, `phoneNumber`, the `x-correlator` echo and the CAMARA error body), with one submodule per
//! API: KYC Match v0.2 (Orange France flavour) and v0.4, SIM Swap v1 and v2, Number Verification
//! v2, and the newer APIs.

use std::time::SystemTime;

use axum::Json;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use netid_core::correlator::XCorrelator;
use netid_core::error_info::{ErrorCode, ErrorInfo};
use netid_core::phone::PhoneNumber;
use netid_core::spec::{CorrelatorRule, SpecVersion};
use netid_core::store::StoreError;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::state::{Grant, Shared, is_single_use};

mod identifier;
mod monitored_period;

// The newer APIs' handlers name these as `super::…`, beside the request helpers.
use identifier::{IdentifierRules, subject};

pub(crate) mod consent_capture;
pub(crate) mod device_swap;
pub(crate) mod kyc_age_verification;
pub(crate) mod kyc_fill_in;
pub(crate) mod kyc_match;
pub(crate) mod number_verification;
pub(crate) mod sim_swap;

mod contract;

pub(crate) use contract::{kyc_tenure_check, number_recycling_check};

mod call_forwarding_signal;
mod consent_info;

pub(crate) use call_forwarding_signal::{call_forwardings, unconditional as unconditional_call_forwardings};
pub(crate) use consent_info::retrieve as consent_info_retrieve;

/// The `x-correlator` header, as an `http` name built once from core's constant.
pub(crate) static X_CORRELATOR: HeaderName = HeaderName::from_static(netid_core::correlator::X_CORRELATOR);

/// A CAMARA error answer.
#[derive(Debug)]
pub(crate) struct ApiError {
    info: ErrorInfo,
    /// The RFC 6750 §3 `WWW-Authenticate` challenge of a 401 or of a 403 for a missing scope.
    challenge: Option<HeaderValue>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: ErrorCode, message: &str) -> Self {
        Self {
            info: ErrorInfo::new(status, code, message),
            challenge: None,
        }
    }

    /// Adds the `WWW-Authenticate: Bearer` challenge with `params` after the realm (RFC 6750 §3).
    fn with_bearer_challenge(mut self, params: &str) -> Self {
        let value = format!("Bearer realm=\"{}\"{params}", crate::oauth::REALM);
        self.challenge = HeaderValue::from_str(&value).ok();
        self
    }

    pub(crate) fn invalid_argument(message: &str) -> Self {
        Self::new(400, ErrorCode::InvalidArgument, message)
    }

    fn unauthenticated() -> Self {
        Self::new(
            401,
            ErrorCode::Unauthenticated,
            "Request not authenticated due to missing, invalid, or expired credentials.",
        )
    }

    fn permission_denied() -> Self {
        Self::new(
            403,
            ErrorCode::PermissionDenied,
            "Client does not have sufficient permissions to perform this action.",
        )
    }

    fn internal() -> Self {
        Self::new(500, ErrorCode::Internal, "Server error.")
    }

    fn invalid_token_context() -> Self {
        Self::new(
            403,
            ErrorCode::InvalidTokenContext,
            "Phone number cannot be deduced from access token context.",
        )
    }

    pub(crate) fn into_response_with(self, correlator: Option<&XCorrelator>) -> Response {
        let status = StatusCode::from_u16(self.info.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.info)).into_response();
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        echo(&mut response, correlator);
        response
    }
}

/// Adds the `x-correlator` header to a response.
pub(crate) fn echo(response: &mut Response, correlator: Option<&XCorrelator>) {
    if let Some(value) = correlator.and_then(|c| HeaderValue::from_str(c.as_str()).ok()) {
        response.headers_mut().insert(X_CORRELATOR.clone(), value);
    }
}

/// What a mounted handler serves: the spec version and how the mount reads `phoneNumber`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Served {
    /// The spec version whose rules apply.
    pub(crate) spec: SpecVersion,
    /// Whether `phoneNumber` may omit its `+` ([`crate::mounts::ApiMount::lenient_phone_number`]).
    pub(crate) lenient_phone: bool,
}

impl Served {
    /// `spec` at its CAMARA path: the spec's own phone number pattern.
    pub(crate) const fn camara(spec: SpecVersion) -> Self {
        Self {
            spec,
            lenient_phone: false,
        }
    }
}

/// Reads `x-correlator`: absent is fine, present must match the CAMARA pattern.
pub(crate) fn correlator(headers: &HeaderMap) -> Result<Option<XCorrelator>, ApiError> {
    match headers.get(&X_CORRELATOR) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid_argument("x-correlator does not match the CAMARA pattern")),
    }
}

/// Reads `x-correlator` as `spec`'s file declares it ([`SpecVersion::x_correlator_rule`]), as the
/// header value to echo; 400 `INVALID_ARGUMENT` when the value breaks the version's pattern.
pub(crate) fn correlator_of(spec: SpecVersion, headers: &HeaderMap) -> Result<Option<HeaderValue>, ApiError> {
    let Some(value) = headers.get(&X_CORRELATOR) else {
        return Ok(None);
    };
    let rule = spec.x_correlator_rule();
    // A header value that is not visible ASCII matches no pattern; `Any` takes it as it came.
    if rule == CorrelatorRule::Any || value.to_str().is_ok_and(|v| rule.accepts(v)) {
        Ok(Some(value.clone()))
    } else {
        Err(ApiError::invalid_argument(
            "x-correlator does not match the pattern of this API version",
        ))
    }
}

/// Runs `handler` with the correlator read (with the newest CAMARA pattern) and echoed on every
/// answer.
async fn answer(headers: &HeaderMap, handler: impl AsyncFnOnce() -> Result<Value, ApiError>) -> Response {
    let correlator = correlator(headers).map(|c| c.and_then(|c| HeaderValue::from_str(c.as_str()).ok()));
    respond(correlator, handler).await
}

/// [`answer`] for a handler of `spec`, whose file may leave `x-correlator` unconstrained.
async fn answer_as(
    spec: SpecVersion,
    headers: &HeaderMap,
    handler: impl AsyncFnOnce() -> Result<Value, ApiError>,
) -> Response {
    respond(correlator_of(spec, headers), handler).await
}

async fn respond(
    correlator: Result<Option<HeaderValue>, ApiError>,
    handler: impl AsyncFnOnce() -> Result<Value, ApiError>,
) -> Response {
    let correlator = match correlator {
        Ok(c) => c,
        Err(err) => return err.into_response_with(None),
    };
    let mut response = match handler().await {
        Ok(value) => Json(value).into_response(),
        Err(err) => err.into_response_with(None),
    };
    if let Some(value) = correlator {
        response.headers_mut().insert(X_CORRELATOR.clone(), value);
    }
    response
}

/// 401 with RFC 6750 §3.1's `invalid_token` challenge: an unknown, expired or spent token.
fn invalid_token() -> ApiError {
    ApiError::unauthenticated().with_bearer_challenge(", error=\"invalid_token\"")
}

/// 503 `UNAVAILABLE`: the state store did not answer, so the token is neither valid nor invalid.
fn store_unavailable(error: &StoreError) -> ApiError {
    tracing::warn!(%error, "the sandbox state store failed");
    ApiError::new(503, ErrorCode::Unavailable, "Service unavailable.")
}

/// The bearer token of `Authorization` (401 without a challenge error when absent).
fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let absent = || ApiError::unauthenticated().with_bearer_challenge("");
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(absent)?;
    let (scheme, token) = value.split_once(' ').ok_or_else(absent)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(absent());
    }
    Ok(token.trim())
}

/// Spends the request's token when `grant` is single-use (Number Verification), once its call
/// has an answer: 401 `invalid_token` when a concurrent call (on any process sharing the store)
/// spent it first, so one token yields one answer; 503 when the store does not answer. Refused
/// calls (400, 403) do not reach here and leave the token usable.
pub(crate) async fn spend_single_use(
    shared: &Shared,
    headers: &HeaderMap,
    grant: &Grant,
) -> Result<(), ApiError> {
    if !is_single_use(&grant.scope) {
        return Ok(());
    }
    let token = bearer_token(headers)?;
    let spent = shared
        .store
        .spend_token(token)
        .await
        .map_err(|error| store_unavailable(&error))?;
    if spent { Ok(()) } else { Err(invalid_token()) }
}

/// The grant of the request's bearer token (401 `UNAUTHENTICATED` otherwise).
///
/// CAMARA answers every authentication failure with the same 401 body; RFC 6750 §3 adds the
/// challenge: a bare `Bearer realm` when the request carries no bearer token (§3.1: no error
/// code then), `error="invalid_token"` when the token is unknown, expired or spent.
///
/// A state store that does not answer gives 503 `UNAVAILABLE`: the token is neither valid nor
/// invalid then.
pub(crate) async fn bearer(shared: &Shared, headers: &HeaderMap, now: SystemTime) -> Result<Grant, ApiError> {
    let token = bearer_token(headers)?;
    let grant = shared
        .store
        .grant(token)
        .await
        .map_err(|error| store_unavailable(&error))?
        .ok_or_else(invalid_token)?;
    if grant.expires <= now {
        return Err(invalid_token());
    }
    tracing::debug!(client_id = %grant.client_id, scope = %grant.scope, "api call");
    Ok(grant)
}

/// 403 `PERMISSION_DENIED` unless the grant holds one of `scopes`, with RFC 6750 §3.1's
/// `error="insufficient_scope"` challenge naming the scope that would do.
pub(crate) fn require_scope(grant: &Grant, scopes: &[&str]) -> Result<(), ApiError> {
    if scopes.iter().any(|s| grant.scope.contains(s)) {
        Ok(())
    } else {
        let wanted = scopes.first().copied().unwrap_or_default();
        Err(ApiError::permission_denied()
            .with_bearer_challenge(&format!(", error=\"insufficient_scope\", scope=\"{wanted}\"")))
    }
}

/// Parses a JSON object body (400 `INVALID_ARGUMENT` otherwise; 415 `UNSUPPORTED_MEDIA_TYPE`
/// when the declared media type is not the spec's `application/json`). Every POST operation of
/// every served version declares `requestBody.required: true`, so an absent (zero-length) body is a
/// 400 too, never read as `{}`.
pub(crate) fn object(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Err(ApiError::invalid_argument("a request body is required"));
    }
    check_media_type(headers)?;
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::invalid_argument(
            "Client specified an invalid argument, request body or query param.",
        )),
    }
}

/// 415 unless `Content-Type` is `application/json`, with no parameter other than
/// `charset=utf-8` (CAMARA Design Guide, "Content-Type Header - clarification": UTF-8 only).
/// A body without `Content-Type` is read as JSON: RFC 9110 §8.3 lets the recipient examine the
/// data, and it is then refused as 400 if it is not JSON.
fn check_media_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let unsupported = || {
        ApiError::new(
            415,
            ErrorCode::UnsupportedMediaType,
            "The server refuses to accept the request because the payload format is in an unsupported format.",
        )
    };
    let text = value.to_str().map_err(|_| unsupported())?;
    let mut parts = text.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|media| media.eq_ignore_ascii_case("application/json"))
    {
        return Err(unsupported());
    }
    for parameter in parts.filter(|p| !p.is_empty()) {
        let (name, value) = parameter.split_once('=').ok_or_else(unsupported)?;
        let value = value.trim().trim_matches('"');
        if !(name.trim().eq_ignore_ascii_case("charset") && value.eq_ignore_ascii_case("utf-8")) {
            return Err(unsupported());
        }
    }
    Ok(())
}

/// Reads `phoneNumber`: strict E.164 as every served spec writes it (the `PhoneNumber` pattern,
/// or its description in KYC Match 0.2.1); `lenient` on the operator mounts whose pages document it
/// "optionally prefixed with '+'" (Orange France and Spain).
fn phone_number(body: &mut Map<String, Value>, lenient: bool) -> Result<Option<PhoneNumber>, ApiError> {
    match body.remove("phoneNumber") {
        None => Ok(None),
        Some(Value::String(s)) => {
            let parsed = if lenient {
                PhoneNumber::parse_lenient(&s)
            } else {
                PhoneNumber::parse_strict(&s)
            };
            parsed
                .map(Some)
                .map_err(|_| ApiError::invalid_argument("phoneNumber is not a valid E.164 number"))
        }
        Some(_) => Err(ApiError::invalid_argument("phoneNumber must be a string")),
    }
}

fn rfc3339(t: SystemTime) -> Value {
    OffsetDateTime::from(t)
        .format(&Rfc3339)
        .map(Value::from)
        .unwrap_or(Value::Null)
}

/// Unknown paths: `404 NOT_FOUND` with a CAMARA body.
pub(crate) async fn not_found(headers: HeaderMap) -> Response {
    answer(&headers, async || {
        Err(ApiError::new(
            404,
            ErrorCode::NotFound,
            "The specified resource is not found.",
        ))
    })
    .await
}

/// Known paths with another method: `405 METHOD_NOT_ALLOWED`.
pub(crate) async fn method_not_allowed(headers: HeaderMap) -> Response {
    answer(&headers, async || {
        Err(ApiError::new(
            405,
            ErrorCode::MethodNotAllowed,
            "The requested method is not allowed/supported on the target resource.",
        ))
    })
    .await
}
