//! The OpenID Provider: discovery, JWKS, CIBA poll mode (`/bc-authorize`, `/token`), the
//! authorization endpoint with `prompt=none`, and `private_key_jwt` client authentication.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use netid_core::login_hint::LoginHint;
use netid_core::ports::random_id;
use netid_core::scope::Scope;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::AccessTokenFormat;
use crate::keys::b64url;
use crate::state::{AuthMethod, Grant, IssuedCode, PendingAuth, PollOutcome, Shared, lock, unix};
use crate::subscribers::{CibaBehaviour, Subscriber};

/// The `client_assertion_type` of `private_key_jwt` (RFC 7523).
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// The CIBA grant type.
const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";
/// Lifetime of an authorization code.
const CODE_LIFETIME: Duration = Duration::from_secs(60);
/// Signature algorithms accepted on client assertions (no HMAC, no `none`).
const ASSERTION_ALGS: [Algorithm; 6] = [
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::PS256,
    Algorithm::EdDSA,
];

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

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn discovery(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({
        "issuer": shared.issuer,
        "authorization_endpoint": shared.endpoint("/authorize"),
        "token_endpoint": shared.endpoint("/token"),
        "jwks_uri": shared.endpoint("/jwks"),
        "backchannel_authentication_endpoint": shared.endpoint("/bc-authorize"),
        "backchannel_token_delivery_modes_supported": ["poll"],
        "backchannel_user_code_parameter_supported": false,
        "grant_types_supported": ["authorization_code", CIBA_GRANT, "client_credentials"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "prompt_values_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported":
            ["ES256", "ES384", "RS256", "RS384", "PS256", "EdDSA"],
        "scopes_supported": [
            "openid",
            "dpv:FraudPreventionAndDetection",
            "kyc-match:match",
            "sim-swap",
            "sim-swap:check",
            "sim-swap:retrieve-date",
            "number-verification:verify",
            "number-verification:device-phone-number:read",
            "device-swap",
            "device-swap:check",
            "device-swap:retrieve-date",
            "number-recycling:check",
            "kyc-tenure:check-tenure",
            "kyc-age-verification:verify",
            "kyc-fill-in:set-all"
        ],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce"],
    }))
}

/// `GET /jwks`.
pub(crate) async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "keys": [&shared.signing_key.public_jwk] }))
}

#[derive(Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    exp: Option<u64>,
    nbf: Option<u64>,
    jti: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains_any(&self, accepted: &[String]) -> bool {
        match self {
            Self::One(aud) => accepted.contains(aud),
            Self::Many(auds) => auds.iter().any(|a| accepted.contains(a)),
        }
    }
}

/// Authenticates the client of a request by `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9) and
/// returns its id.
///
/// Mirrors panva's oidc-provider: `iss` = `sub` = the client id; `aud` the issuer, the token
/// endpoint or the endpoint called; `exp` and `jti` required; a `jti` is single-use.
fn authenticate_client(
    shared: &Shared,
    form: &BTreeMap<String, String>,
    called_path: &str,
    now: SystemTime,
) -> Result<String, OAuthError> {
    let assertion_type = form
        .get("client_assertion_type")
        .ok_or_else(|| OAuthError::invalid_client("client authentication by private_key_jwt is required"))?;
    if assertion_type != JWT_BEARER {
        return Err(OAuthError::invalid_client(
            "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ));
    }
    let assertion = required(form, "client_assertion")
        .map_err(|_| OAuthError::invalid_client("missing client_assertion"))?;
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|_| OAuthError::invalid_client("client_assertion is not a JWT"))?;
    if !ASSERTION_ALGS.contains(&header.alg) {
        return Err(OAuthError::invalid_client(
            "client_assertion algorithm not allowed",
        ));
    }
    // Read `iss` before verification only to find the key set; everything is checked after.
    let unverified: AssertionClaims = jsonwebtoken::dangerous::insecure_decode::<AssertionClaims>(assertion)
        .map_err(|_| OAuthError::invalid_client("client_assertion claims do not decode"))?
        .claims;
    let client_id = unverified
        .iss
        .ok_or_else(|| OAuthError::invalid_client("client_assertion has no iss"))?;
    if form.get("client_id").is_some_and(|id| *id != client_id) {
        return Err(OAuthError::invalid_client(
            "client_id does not match the assertion issuer",
        ));
    }
    let client = shared
        .clients
        .get(&client_id)
        .ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
    let mut validation = Validation::new(header.alg);
    // Time and audience are checked below against the injected clock and the accepted set.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = client
        .keys
        .iter()
        // A key registered without `kid` (from a PEM public key) is tried whatever the header says.
        .filter(|jwk| header.kid.is_none() || jwk.common.key_id.is_none() || jwk.common.key_id == header.kid)
        .filter_map(|jwk| DecodingKey::from_jwk(jwk).ok())
        .find_map(|key| jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation).ok())
        .ok_or_else(|| {
            OAuthError::invalid_client("client_assertion signature does not verify with the client's keys")
        })?
        .claims;
    if claims.iss.as_deref() != Some(client_id.as_str()) || claims.sub.as_deref() != Some(client_id.as_str())
    {
        return Err(OAuthError::invalid_client(
            "client_assertion iss and sub must be the client_id",
        ));
    }
    let accepted = [
        shared.issuer.clone(),
        shared.endpoint("/token"),
        shared.endpoint(called_path),
    ];
    if !claims.aud.as_ref().is_some_and(|aud| aud.contains_any(&accepted)) {
        return Err(OAuthError::invalid_client(
            "client_assertion audience is not this server",
        ));
    }
    let now_secs = unix(now);
    let exp = claims
        .exp
        .ok_or_else(|| OAuthError::invalid_client("client_assertion has no exp"))?;
    if exp <= now_secs {
        return Err(OAuthError::invalid_client("client_assertion is expired"));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now_secs) {
        return Err(OAuthError::invalid_client("client_assertion is not yet valid"));
    }
    let jti = claims
        .jti
        .filter(|j| !j.is_empty())
        .ok_or_else(|| OAuthError::invalid_client("client_assertion has no jti"))?;
    let until = SystemTime::UNIX_EPOCH + Duration::from_secs(exp);
    if !lock(&shared.state).use_jti(&client_id, &jti, until, now) {
        return Err(OAuthError::invalid_client(
            "client_assertion jti was already used",
        ));
    }
    Ok(client_id)
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
    match bc_authorize_inner(&shared, &body) {
        Ok(value) => no_store(Json(value).into_response()),
        Err(err) => err.challenged_by(&headers).into_response(),
    }
}

pub(crate) fn bc_authorize_inner(shared: &Shared, body: &[u8]) -> Result<Value, OAuthError> {
    let now = shared.now();
    let form = parse_form(body)?;
    let client_id = authenticate_client(shared, &form, "/bc-authorize", now)?;
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
    lock(&shared.state).insert_pending(auth_req_id.clone(), pending, now);
    Ok(json!({
        "auth_req_id": auth_req_id,
        "expires_in": expires_in.as_secs(),
        "interval": interval.as_secs(),
    }))
}

/// RFC 6749 §5.1: an answer carrying tokens or credentials MUST send `Cache-Control: no-store`
/// and `Pragma: no-cache`; errors and the backchannel answer get them too.
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /token`: the CIBA, authorization-code and client-credentials grants.
pub(crate) async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    match token_inner(&shared, &body) {
        Ok(value) => no_store(Json(value).into_response()),
        Err(err) => err.challenged_by(&headers).into_response(),
    }
}

pub(crate) fn token_inner(shared: &Shared, body: &[u8]) -> Result<Value, OAuthError> {
    let now = shared.now();
    let form = parse_form(body)?;
    let grant_type = required(&form, "grant_type")?.to_owned();
    let client_id = authenticate_client(shared, &form, "/token", now)?;
    match grant_type.as_str() {
        CIBA_GRANT => {
            let auth_req_id = required(&form, "auth_req_id")?;
            let outcome =
                lock(&shared.state).poll(auth_req_id, &client_id, now, shared.config.enforce_poll_interval);
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
                    issue(shared, &client_id, subscriber, auth.scope, auth.method, None, now)
                }
            }
        }
        "authorization_code" => {
            let code = required(&form, "code")?;
            let issued = lock(&shared.state)
                .take_code(code)
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
                if b64url(&Sha256::digest(verifier.as_bytes())) != *challenge {
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
        }
        "client_credentials" => {
            let scope: Scope = form
                .get("scope")
                .map(|s| s.parse())
                .transpose()
                .map_err(|_| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", "scope is malformed"))?
                .unwrap_or_default();
            issue(shared, &client_id, None, scope, AuthMethod::TwoLegged, None, now)
        }
        _ => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type not supported",
        )),
    }
}

/// Issues an access token (and an ID token when a subscriber authenticated with `openid`).
fn issue(
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
    let lifetime = shared.config.access_token_lifetime;
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
    lock(&shared.state).insert_token(access_token, grant, now);
    Ok(answer)
}

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
    lock(&shared.state).insert_code(code.clone(), issued, now);
    redirect(&[("code", &code)])
}
