//! The CAMARA APIs: KYC Match v0.2 (Orange France flavour) and v0.4, SIM Swap v1 and v2, Number
//! Verification v2, with the access-token, scope and identifier checks of each spec version and the
//! `x-correlator` echo.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use netid_core::correlator::XCorrelator;
use netid_core::error_info::{ErrorCode, ErrorInfo};
use netid_core::kyc::{KycClaims, Matcher};
use netid_core::phone::{HashedPhoneNumber, PhoneNumber};
use netid_core::spec::{CorrelatorRule, SpecVersion};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::state::{AuthMethod, Grant, Shared, lock};
use crate::subscribers::Subscriber;

mod contract;
mod device_swap;
pub(crate) mod kyc_age_verification;
pub(crate) mod kyc_fill_in;

pub(crate) use contract::{kyc_tenure_check, number_recycling_check};
pub(crate) use device_swap::{check as device_swap_check, retrieve_date as device_swap_retrieve_date};

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
fn correlator_of(spec: SpecVersion, headers: &HeaderMap) -> Result<Option<HeaderValue>, ApiError> {
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
fn answer(headers: &HeaderMap, handler: impl FnOnce() -> Result<Value, ApiError>) -> Response {
    let correlator = correlator(headers).map(|c| c.and_then(|c| HeaderValue::from_str(c.as_str()).ok()));
    respond(correlator, handler)
}

/// [`answer`] for a handler of `spec`, whose file may leave `x-correlator` unconstrained.
fn answer_as(
    spec: SpecVersion,
    headers: &HeaderMap,
    handler: impl FnOnce() -> Result<Value, ApiError>,
) -> Response {
    respond(correlator_of(spec, headers), handler)
}

fn respond(
    correlator: Result<Option<HeaderValue>, ApiError>,
    handler: impl FnOnce() -> Result<Value, ApiError>,
) -> Response {
    let correlator = match correlator {
        Ok(c) => c,
        Err(err) => return err.into_response_with(None),
    };
    let mut response = match handler() {
        Ok(value) => Json(value).into_response(),
        Err(err) => err.into_response_with(None),
    };
    if let Some(value) = correlator {
        response.headers_mut().insert(X_CORRELATOR.clone(), value);
    }
    response
}

/// The grant of the request's bearer token (401 `UNAUTHENTICATED` otherwise).
///
/// CAMARA answers every authentication failure with the same 401 body; RFC 6750 §3 adds the
/// challenge: a bare `Bearer realm` when the request carries no bearer token (§3.1: no error
/// code then), `error="invalid_token"` when the token is unknown or expired.
pub(crate) fn bearer(shared: &Shared, headers: &HeaderMap, now: SystemTime) -> Result<Grant, ApiError> {
    let absent = || ApiError::unauthenticated().with_bearer_challenge("");
    let invalid = || ApiError::unauthenticated().with_bearer_challenge(", error=\"invalid_token\"");
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(absent)?;
    let (scheme, token) = value.split_once(' ').ok_or_else(absent)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(absent());
    }
    let grant = lock(&shared.state)
        .grant(token.trim())
        .cloned()
        .ok_or_else(invalid)?;
    if grant.expires <= now {
        return Err(invalid());
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

/// How a spec version treats a `phoneNumber` in the body next to the token.
#[derive(Debug, Clone)]
struct IdentifierRules {
    /// Commonalities 0.6 APIs that cannot confirm identities answer `422 UNNECESSARY_IDENTIFIER`
    /// whenever a three-legged token comes with an identifier; older ones (and KYC Match, which may
    /// confirm) answer `403 INVALID_TOKEN_CONTEXT` on a mismatch only.
    unnecessary: bool,
    /// The answer when neither the body nor the token identifies the subscriber.
    missing: (u16, ErrorCode, &'static str),
    /// The answer when the body names an unknown number.
    not_found: (u16, ErrorCode, &'static str),
}

const SIM_SWAP_V1: IdentifierRules = IdentifierRules {
    unnecessary: false,
    missing: (
        422,
        ErrorCode::UnidentifiablePhoneNumber,
        "The phone number cannot be identified",
    ),
    not_found: (404, ErrorCode::NotFound, "The specified resource is not found."),
};
const SIM_SWAP_V2: IdentifierRules = IdentifierRules {
    unnecessary: true,
    missing: (
        422,
        ErrorCode::MissingIdentifier,
        "The device cannot be identified.",
    ),
    not_found: (404, ErrorCode::IdentifierNotFound, "Device identifier not found."),
};
const KYC_V0_2: IdentifierRules = IdentifierRules {
    unnecessary: false,
    missing: (
        400,
        ErrorCode::InvalidArgument,
        "Client specified an invalid argument, request body or query param.",
    ),
    not_found: (404, ErrorCode::NotFound, "The specified resource is not found."),
};
const KYC_V0_4: IdentifierRules = IdentifierRules {
    unnecessary: false,
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

/// The subscriber a request is about, from the token or the body, per `rules`.
fn subject<'a>(
    shared: &'a Shared,
    grant: &Grant,
    in_body: Option<PhoneNumber>,
    rules: &IdentifierRules,
) -> Result<&'a Subscriber, ApiError> {
    let store = &shared.config.subscribers;
    let (status, code, message) = &rules.not_found;
    let not_found = || ApiError::new(*status, code.clone(), message);
    match (&grant.subscriber, in_body) {
        (Some(_), Some(_)) if rules.unnecessary => Err(ApiError::new(
            422,
            ErrorCode::UnnecessaryIdentifier,
            "The device is already identified by the access token.",
        )),
        (Some(from_token), Some(from_body)) if *from_token != from_body => {
            Err(ApiError::invalid_token_context())
        }
        (Some(number), _) => store.by_phone_number(number).ok_or_else(not_found),
        (None, Some(number)) => store.by_phone_number(&number).ok_or_else(not_found),
        (None, None) => {
            let (status, code, message) = &rules.missing;
            Err(ApiError::new(*status, code.clone(), message))
        }
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

/// The identifier rules of `spec`. The router mounts these handlers for KYC Match and SIM Swap
/// versions only; a later version of either follows Commonalities 0.6, as SIM Swap 2.1.0 does.
fn rules(spec: SpecVersion) -> &'static IdentifierRules {
    match spec {
        SpecVersion::SimSwap1_0_0 => &SIM_SWAP_V1,
        SpecVersion::KycMatch0_2_1 => &KYC_V0_2,
        SpecVersion::KycMatch0_4_0 => &KYC_V0_4,
        _ => &SIM_SWAP_V2,
    }
}

/// `POST …/sim-swap/v{1,2}/check`.
pub(crate) async fn sim_swap_check(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let spec = served.spec;
    answer_as(spec, &headers, || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now)?;
        require_scope(&grant, &["sim-swap:check", "sim-swap"])?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, served.lenient_phone)?;
        let max_age = match body.get("maxAge") {
            None => 240,
            Some(v) => v
                .as_u64()
                .ok_or_else(|| ApiError::invalid_argument("maxAge must be an integer"))?,
        };
        if !(1..=2400).contains(&max_age) {
            return Err(if spec == SpecVersion::SimSwap1_0_0 {
                ApiError::invalid_argument("maxAge must be between 1 and 2400")
            } else {
                ApiError::new(400, ErrorCode::OutOfRange, "Client specified an invalid range.")
            });
        }
        let subscriber = subject(&shared, &grant, number, rules(spec))?;
        if spec == SpecVersion::SimSwap2_1_0
            && let Some(period) = subscriber.monitored_period()
            && Duration::from_secs(max_age * 3600) > period
        {
            return Err(ApiError::new(
                400,
                ErrorCode::OutOfRange,
                &format!(
                    "Check monitor period could not exceed local regulations ({} days)",
                    period.as_secs() / 86_400
                ),
            ));
        }
        let since = now.checked_sub(Duration::from_secs(max_age * 3600));
        let swapped = match (subscriber.latest_sim_change(now), since) {
            (Some(change), Some(since)) => change >= since,
            (Some(_), None) => true,
            (None, _) => false,
        };
        Ok(json!({ "swapped": swapped }))
    })
}

/// `POST …/sim-swap/v{1,2}/retrieve-date`.
pub(crate) async fn sim_swap_retrieve_date(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let spec = served.spec;
    answer_as(spec, &headers, || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now)?;
        require_scope(&grant, &["sim-swap:retrieve-date", "sim-swap"])?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, served.lenient_phone)?;
        let subscriber = subject(&shared, &grant, number, rules(spec))?;
        // The latest change, or the activation date when the SIM never changed.
        let latest = subscriber.latest_sim_change(now).or(subscriber.activation_date());
        // Where local law limits the history, a change before the window is not disclosed: 1.0.0
        // answers `null` (its test definitions expect it), 2.1.0 adds the window in days.
        if let Some(period) = subscriber.monitored_period() {
            let window_start = now.checked_sub(period).unwrap_or(SystemTime::UNIX_EPOCH);
            if latest.is_none_or(|t| t < window_start) {
                return Ok(if spec == SpecVersion::SimSwap2_1_0 {
                    json!({
                        "latestSimChange": null,
                        "monitoredPeriod": period.as_secs() / 86_400,
                    })
                } else {
                    json!({ "latestSimChange": null })
                });
            }
        }
        Ok(json!({ "latestSimChange": latest.map_or(Value::Null, rfc3339) }))
    })
}

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
pub(crate) async fn nv_verify(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now)?;
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
        Ok(json!({ "devicePhoneNumberVerified": verified }))
    })
}

/// `GET /number-verification/v2/device-phone-number`.
pub(crate) async fn nv_device_phone_number(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
) -> Response {
    answer_as(served.spec, &headers, || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now)?;
        require_scope(&grant, &["number-verification:device-phone-number:read"])?;
        require_network(&grant)?;
        let device = grant
            .subscriber
            .as_ref()
            .ok_or_else(ApiError::permission_denied)?;
        Ok(json!({ "devicePhoneNumber": device.expose_e164() }))
    })
}

/// `POST …/kyc-match/v0.{2,4}/match`.
pub(crate) async fn kyc_match(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let spec = served.spec;
    answer_as(spec, &headers, || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now)?;
        require_scope(&grant, &["kyc-match:match"])?;
        // The router mounts this handler for KYC Match versions only.
        let version = spec.kyc_version().ok_or_else(ApiError::internal)?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, served.lenient_phone)?;
        // Neither KYC Match version forbids additional properties (no `additionalProperties:
        // false` in kyc-match.yaml 0.4.0 or 0.2.1), so a server ignores the ones it does not
        // know; `KycClaims` itself refuses them, for the client's sake.
        body.retain(|key, _| KycClaims::FIELD_NAMES.contains(&key.as_str()));
        // Every property of both versions' request body is `type: string`; core's claims decoder
        // also takes numbers for a few of them (operators' quirk), which the API schema refuses.
        if let Some((name, _)) = body.iter().find(|(_, value)| !value.is_string()) {
            return Err(ApiError::invalid_argument(&format!("{name} must be a string")));
        }
        let claims: KycClaims = serde_json::from_value(Value::Object(body)).map_err(|_| {
            ApiError::invalid_argument("Client specified an invalid argument, request body or query param.")
        })?;
        check_kyc_enums(&claims)?;
        let only_number = number.is_some() && claims.is_empty();
        let subscriber = subject(&shared, &grant, number, rules(spec))?;
        if only_number {
            // Both versions name this case: a phone number and nothing to match against it.
            return Err(ApiError::new(
                400,
                ErrorCode::KycInvalidParamCombination,
                "Provided combination of properties is invalid: at least one property to match is required.",
            ));
        }
        if claims.is_empty() {
            return Err(ApiError::invalid_argument(
                "at least one property to match is required",
            ));
        }
        let result = Matcher::new().match_prepared(&claims, subscriber.prepared_kyc());
        Ok(result.to_json_value(version))
    })
}

/// 400 `INVALID_ARGUMENT` for a `gender` or `idDocumentType` outside the spec's enumeration: core
/// decodes them leniently (operators' case variants), but the API schema refuses other values.
fn check_kyc_enums(claims: &KycClaims) -> Result<(), ApiError> {
    const GENDERS: [&str; 3] = ["MALE", "FEMALE", "OTHER"];
    const DOCUMENT_TYPES: [&str; 7] = [
        "passport",
        "national_id_card",
        "residence_permit",
        "diplomatic_id",
        "driver_licence",
        "social_security_id",
        "other",
    ];
    if claims
        .gender
        .as_ref()
        .is_some_and(|g| !GENDERS.contains(&g.as_str()))
    {
        return Err(ApiError::invalid_argument(
            "gender must be one of MALE, FEMALE, OTHER",
        ));
    }
    if claims
        .id_document_type
        .as_ref()
        .is_some_and(|t| !DOCUMENT_TYPES.contains(&t.as_str()))
    {
        return Err(ApiError::invalid_argument(
            "idDocumentType is not a value of the enumeration",
        ));
    }
    Ok(())
}

/// Unknown paths: `404 NOT_FOUND` with a CAMARA body.
pub(crate) async fn not_found(headers: HeaderMap) -> Response {
    answer(&headers, || {
        Err(ApiError::new(
            404,
            ErrorCode::NotFound,
            "The specified resource is not found.",
        ))
    })
}

/// Known paths with another method: `405 METHOD_NOT_ALLOWED`.
pub(crate) async fn method_not_allowed(headers: HeaderMap) -> Response {
    answer(&headers, || {
        Err(ApiError::new(
            405,
            ErrorCode::MethodNotAllowed,
            "The requested method is not allowed/supported on the target resource.",
        ))
    })
}
