//! CIBA poll mode ([OpenID Connect CIBA Core 1.0]) as a sans-I/O session.
//!
//! [OpenID Connect CIBA Core 1.0]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_core::login_hint::LoginHint;
use netid_core::ports::SecureRandom;
use netid_core::scope::Scope;
use netid_core::secret::Secret;
use serde::{Deserialize, Serialize};

use crate::client::ClientConfig;
use crate::error::{EnvironmentError, Error, FlowError, OAuthErrorCode, TransportFailure, UsageError};
use crate::jose::{self, Jti};
use crate::provider::CibaProvider;
use crate::tokens::{self, IdTokenContext, TokenSet};
use crate::wire::{self, Answer, RawTokenResponse};

/// The CIBA grant type ([CIBA §10.1]).
///
/// [CIBA §10.1]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.10.1
pub const CIBA_GRANT_TYPE: &str = "urn:openid:params:grant-type:ciba";

/// The polling interval when the provider sends none ([CIBA §7.3]: "clients MUST use 5").
///
/// [CIBA §7.3]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.3
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// The interval increase on `slow_down` ([CIBA §11], RFC 8628 §3.5).
///
/// [CIBA §11]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.11
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// A backchannel authentication request ([CIBA §7.1]).
///
/// [CIBA §7.1]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.1
#[derive(Clone)]
pub struct BackchannelRequest {
    scope: Scope,
    login_hint: LoginHint,
    binding_message: Option<String>,
    requested_expiry: Option<u64>,
    acr_values: Vec<String>,
    signed: bool,
}

impl fmt::Debug for BackchannelRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            scope,
            login_hint,
            binding_message,
            requested_expiry,
            acr_values,
            signed,
        } = self;
        f.debug_struct("BackchannelRequest")
            .field("scope", &scope.to_string())
            .field("login_hint", login_hint)
            .field("binding_message", &binding_message.as_ref().map(|_| "[redacted]"))
            .field("requested_expiry", requested_expiry)
            .field("acr_values", acr_values)
            .field("signed", signed)
            .finish()
    }
}

impl BackchannelRequest {
    /// A request for `scope` (from the core scope builder) about the subscriber named by `login_hint`.
    pub fn new(scope: Scope, login_hint: LoginHint) -> Self {
        Self {
            scope,
            login_hint,
            binding_message: None,
            requested_expiry: None,
            acr_values: Vec::new(),
            signed: false,
        }
    }

    /// Sets the `binding_message` shown on the user's device (CAMARA says operators may ignore it).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidParameter`] for an empty message or one over 256 characters.
    pub fn with_binding_message(mut self, message: impl Into<String>) -> Result<Self, Error> {
        let message = message.into();
        if message.is_empty() || message.chars().count() > 256 {
            return Err(UsageError::InvalidParameter {
                name: "binding_message",
                reason: "must be 1 to 256 characters".to_owned(),
            }
            .into());
        }
        self.binding_message = Some(message);
        Ok(self)
    }

    /// Sets `requested_expiry` (whole seconds, at least 1).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidParameter`] for less than a second.
    pub fn with_requested_expiry(mut self, expiry: Duration) -> Result<Self, Error> {
        if expiry.as_secs() == 0 {
            return Err(UsageError::InvalidParameter {
                name: "requested_expiry",
                reason: "must be at least one second".to_owned(),
            }
            .into());
        }
        self.requested_expiry = Some(expiry.as_secs());
        Ok(self)
    }

    /// Sets `acr_values` (in order of preference).
    ///
    /// Not for CAMARA operators: [CAMARA Security and Interoperability] says clients SHOULD NOT
    /// send `acr_values` and providers MUST ignore them. It is here for OpenID Providers outside
    /// that profile; by default none are sent.
    ///
    /// [CAMARA Security and Interoperability]: https://github.com/camaraproject/IdentityAndConsentManagement/blob/main/documentation/CAMARA-Security-Interoperability.md#handling-of-acr_values
    #[must_use]
    pub fn with_acr_values(mut self, values: Vec<String>) -> Self {
        self.acr_values = values;
        self
    }

    /// Sends the parameters as a signed request object (`request` JWT, [CIBA §7.1.1]), as CAMARA
    /// recommends; the client's signer signs it.
    ///
    /// Its claims are `iss` (the client id), `aud` (the provider's issuer identifier, as §7.1.1
    /// requires, independent of the [`AssertionAudience`](crate::client::AssertionAudience) of
    /// client assertions), `iat`, `nbf`, `exp` (the client's assertion lifetime later) and a fresh
    /// `jti`, then the request parameters.
    ///
    /// [CIBA §7.1.1]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.1.1
    #[must_use]
    pub fn signed(mut self) -> Self {
        self.signed = true;
        self
    }

    /// The scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The login hint.
    pub fn login_hint(&self) -> &LoginHint {
        &self.login_hint
    }
}

/// The handle of a pending authentication (`auth_req_id`).
#[derive(Clone)]
pub struct AuthReqId(Secret<String>);

impl AuthReqId {
    /// The raw identifier.
    ///
    /// # Security
    ///
    /// Together with the client's key it redeems the user's consent: do not log it.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for AuthReqId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthReqId([redacted])")
    }
}

/// The randomness one request needs: the client assertion's `jti` and, for signed requests, the
/// request object's `jti`. Sessions never draw randomness; callers pass a fresh value per request.
#[derive(Clone)]
pub struct RequestEntropy([u8; 32]);

impl RequestEntropy {
    /// Entropy from 32 caller-drawn random bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Draws fresh entropy.
    ///
    /// # Errors
    ///
    /// [`EnvironmentError::Random`] when the source fails.
    pub fn generate(random: &dyn SecureRandom) -> Result<Self, Error> {
        let mut bytes = [0_u8; 32];
        random.fill(&mut bytes).map_err(|_| EnvironmentError::Random)?;
        Ok(Self(bytes))
    }

    pub(crate) fn assertion_jti(&self) -> Jti {
        let mut half = [0_u8; 16];
        half.copy_from_slice(&self.0[..16]);
        Jti::from_bytes(half)
    }

    pub(crate) fn second_jti(&self) -> Jti {
        let mut half = [0_u8; 16];
        half.copy_from_slice(&self.0[16..]);
        Jti::from_bytes(half)
    }
}

impl fmt::Debug for RequestEntropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestEntropy([redacted])")
    }
}

/// Limits of the polling loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// Interval when the provider sends none (5 s per CIBA).
    pub default_interval: Duration,
    /// Smallest interval honoured even if the provider asks for less (1 s).
    pub min_interval: Duration,
    /// Consecutive transport failures or 5xx answers tolerated while polling (3).
    pub max_transient_failures: u32,
    /// Longest back-off after a transient failure (60 s).
    pub max_backoff: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            default_interval: DEFAULT_INTERVAL,
            min_interval: Duration::from_secs(1),
            max_transient_failures: 3,
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// Where a session stands, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Token requests sent so far.
    pub polls: u32,
    /// When the next token request is due, while waiting.
    pub next_poll_at: Option<SystemTime>,
    /// When the authentication request expires, once known.
    pub deadline: Option<SystemTime>,
    /// The current polling interval, once known.
    pub interval: Option<Duration>,
}

#[derive(Deserialize)]
struct RawAuthenticationResponse {
    auth_req_id: String,
    expires_in: u64,
    #[serde(default)]
    interval: Option<u64>,
}

#[derive(Clone)]
struct Pending {
    auth_req_id: AuthReqId,
    interval: Duration,
    deadline: SystemTime,
    next_poll_at: SystemTime,
}

enum State {
    Start,
    AuthenticationSent { sent_at: SystemTime },
    Waiting(Pending),
    PollSent(Pending),
    Succeeded(Option<Box<TokenSet>>),
    Failed(Error),
}

/// A CIBA poll-mode flow: one backchannel authentication request, then token polling.
///
/// # Calling order
///
/// 1. [`poll_request`](Self::poll_request) returns the backchannel request; send it.
/// 2. Hand the answer to [`handle_response`](Self::handle_response) (or a failure to
///    [`handle_transport_error`](Self::handle_transport_error)), with the time of receipt.
/// 3. Until [`poll_outcome`](Self::poll_outcome) returns `Some`: wait until
///    [`poll_timeout`](Self::poll_timeout), then call `poll_request` again and go to 2.
///
/// The session never polls before the current interval has passed since the previous answer
/// (5 s when the provider names none), adds 5 s on every `slow_down`, and never polls at or after
/// `expires_in` counted from the moment the backchannel request was built.
///
/// # Errors
///
/// An error is final: once a method has returned one, every later call returns the same error and
/// `poll_outcome` yields it. `authorization_pending` and `slow_down` are not errors. A transport
/// failure or a 5xx while polling is retried with back-off up to [`PollPolicy::max_transient_failures`]
/// times; the backchannel request itself is never retried (a retry could notify the user twice).
pub struct CibaSession {
    client: Arc<ClientConfig>,
    provider: CibaProvider,
    request: BackchannelRequest,
    policy: PollPolicy,
    state: State,
    polls: u32,
    failures: u32,
}

impl fmt::Debug for CibaSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CibaSession")
            .field("client_id", &self.client.client_id)
            .field("issuer", &self.provider.config.issuer)
            .field("state", &self.state_name())
            .field("progress", &self.progress())
            .finish_non_exhaustive()
    }
}

/// The claims of a signed CIBA request object.
#[derive(Serialize)]
struct RequestObject<'a> {
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
    jti: &'a str,
    scope: String,
    login_hint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    binding_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requested_expiry: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acr_values: Option<String>,
}

impl CibaSession {
    /// A session with the default [`PollPolicy`].
    ///
    /// A [`CibaProvider`] has a backchannel endpoint and, when ID tokens are required, the keys to
    /// check them: what the session needs is there before the user is asked anything.
    pub fn new(client: Arc<ClientConfig>, provider: CibaProvider, request: BackchannelRequest) -> Self {
        Self::with_policy(client, provider, request, PollPolicy::default())
    }

    /// A session with an explicit [`PollPolicy`].
    pub fn with_policy(
        client: Arc<ClientConfig>,
        provider: CibaProvider,
        request: BackchannelRequest,
        policy: PollPolicy,
    ) -> Self {
        Self {
            client,
            provider,
            request,
            policy,
            state: State::Start,
            polls: 0,
            failures: 0,
        }
    }

    fn state_name(&self) -> &'static str {
        match &self.state {
            State::Start => "start",
            State::AuthenticationSent { .. } => "authentication sent",
            State::Waiting(_) => "waiting",
            State::PollSent(_) => "poll sent",
            State::Succeeded(_) => "succeeded",
            State::Failed(_) => "failed",
        }
    }

    fn fail(&mut self, error: Error) -> Error {
        self.state = State::Failed(error.clone());
        error
    }

    /// The next request to send, if one is due at `now`.
    ///
    /// `entropy` must be fresh for every call; it is discarded when nothing is due.
    ///
    /// # Errors
    ///
    /// Configuration problems ([`UsageError`]; among them [`UsageError::UnsupportedByProvider`]
    /// when the discovery document announces no `poll` delivery mode, or lists client-assertion or
    /// request-object algorithms without the signer's), signer or clock failures
    /// ([`EnvironmentError`]), [`FlowError::DeadlineReached`] when `now` is past the deadline; and
    /// any earlier error. Metadata that was never announced (no discovery, as on the Orange pages,
    /// or a missing field) restricts nothing.
    pub fn poll_request(
        &mut self,
        now: SystemTime,
        entropy: RequestEntropy,
    ) -> Result<Option<http::Request<Bytes>>, Error> {
        match &self.state {
            State::Start => {
                let request = self
                    .backchannel_request(now, &entropy)
                    .map_err(|err| self.fail(err))?;
                self.state = State::AuthenticationSent { sent_at: now };
                Ok(Some(request))
            }
            State::Waiting(pending) => {
                if now < pending.next_poll_at {
                    return Ok(None);
                }
                if now >= pending.deadline {
                    return Err(self.fail(FlowError::DeadlineReached.into()));
                }
                let pending = pending.clone();
                let request = self
                    .token_request(now, &entropy, &pending)
                    .map_err(|err| self.fail(err))?;
                self.polls = self.polls.saturating_add(1);
                self.state = State::PollSent(pending);
                Ok(Some(request))
            }
            State::AuthenticationSent { .. } | State::PollSent(_) | State::Succeeded(_) => Ok(None),
            State::Failed(error) => Err(error.clone()),
        }
    }

    fn backchannel_request(
        &self,
        now: SystemTime,
        entropy: &RequestEntropy,
    ) -> Result<http::Request<Bytes>, Error> {
        let endpoint = &self.provider.backchannel_endpoint;
        let provider = &*self.provider.config;
        // What discovery announced binds; an explicitly configured provider announces nothing.
        provider.check_ciba(self.request.signed.then(|| self.client.signer.algorithm()))?;
        let assertion = self
            .client
            .client_assertion(provider, endpoint, now, &entropy.assertion_jti())?;
        let request = &self.request;
        let scope = request.scope.to_string();
        let login_hint = request.login_hint.expose_value();
        let requested_expiry = request.requested_expiry.map(|expiry| expiry.to_string());
        let acr_values = (!request.acr_values.is_empty()).then(|| request.acr_values.join(" "));
        let mut params: Vec<(&str, &str)> = Vec::with_capacity(8);
        let request_object;
        if request.signed {
            let iat = jose::unix_seconds(now)?;
            let jti = entropy.second_jti();
            let claims = RequestObject {
                iss: &self.client.client_id,
                // CIBA Core §7.1.1: "The Audience Claim MUST contain the value of the Issuer
                // Identifier for the OP" — whatever `aud` the client assertions use.
                aud: &provider.issuer,
                iat,
                nbf: iat,
                exp: iat.saturating_add(self.client.assertion_lifetime.as_secs()),
                jti: jti.as_str(),
                scope: scope.clone(),
                login_hint: login_hint.clone(),
                binding_message: request.binding_message.as_deref(),
                requested_expiry: request.requested_expiry,
                acr_values: acr_values.clone(),
            };
            request_object = jose::sign_jwt(self.client.signer.as_ref(), "oauth-authz-req+jwt", &claims)?;
            params.push(("request", &request_object));
        } else {
            params.push(("scope", &scope));
            params.push(("login_hint", &login_hint));
            if let Some(message) = &request.binding_message {
                params.push(("binding_message", message));
            }
            if let Some(expiry) = &requested_expiry {
                params.push(("requested_expiry", expiry));
            }
            if let Some(acr) = &acr_values {
                params.push(("acr_values", acr));
            }
        }
        params.extend(assertion.form_params());
        wire::form_post(endpoint.as_str(), &params)
    }

    fn token_request(
        &self,
        now: SystemTime,
        entropy: &RequestEntropy,
        pending: &Pending,
    ) -> Result<http::Request<Bytes>, Error> {
        let provider = &*self.provider.config;
        let endpoint = &provider.token_endpoint;
        let assertion = self
            .client
            .client_assertion(provider, endpoint, now, &entropy.assertion_jti())?;
        let mut params = vec![
            ("grant_type", CIBA_GRANT_TYPE),
            ("auth_req_id", pending.auth_req_id.expose_secret()),
        ];
        params.extend(assertion.form_params());
        wire::form_post(endpoint.as_str(), &params)
    }

    /// Hands over the HTTP answer to the request last returned by `poll_request`, received at `now`.
    ///
    /// # Errors
    ///
    /// The flow's final error: an OAuth error other than `authorization_pending`/`slow_down`, an
    /// undecodable body, an invalid ID token, the deadline, too many transient failures; or
    /// [`UsageError::SessionState`] when no request was in flight. After success that misuse error
    /// is returned without ending the flow: the tokens stay with [`poll_outcome`](Self::poll_outcome).
    pub fn handle_response(&mut self, now: SystemTime, response: http::Response<Bytes>) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Start) {
            State::AuthenticationSent { sent_at } => {
                self.handle_authentication_response(now, sent_at, &response)
            }
            State::PollSent(pending) => self.handle_token_response(now, pending, &response),
            State::Failed(error) => {
                self.state = State::Failed(error.clone());
                Err(error)
            }
            // A stray answer after success is the caller's mistake, not the flow's: the tokens
            // stay available to `poll_outcome`.
            succeeded @ State::Succeeded(_) => {
                self.state = succeeded;
                Err(UsageError::SessionState("handle_response without a request in flight").into())
            }
            _ => {
                Err(self.fail(UsageError::SessionState("handle_response without a request in flight").into()))
            }
        }
    }

    fn handle_authentication_response(
        &mut self,
        now: SystemTime,
        sent_at: SystemTime,
        response: &http::Response<Bytes>,
    ) -> Result<(), Error> {
        let answer =
            wire::classify::<RawAuthenticationResponse>("backchannel authentication response", response)
                .map_err(|err| self.fail(err))?;
        match answer {
            Answer::Success(raw) => {
                let interval = raw
                    .interval
                    .map_or(self.policy.default_interval, Duration::from_secs)
                    .max(self.policy.min_interval);
                let deadline = sent_at
                    .checked_add(Duration::from_secs(raw.expires_in))
                    .unwrap_or(sent_at);
                let pending = Pending {
                    auth_req_id: AuthReqId(Secret::new(raw.auth_req_id)),
                    interval,
                    deadline,
                    next_poll_at: now,
                };
                self.schedule(pending, now, interval)
            }
            Answer::OAuth(error) => Err(self.fail(error.into())),
            Answer::Transient {
                error: Some(error), ..
            } => Err(self.fail(error.into())),
            Answer::Transient { status, error: None } => Err(self.fail(
                FlowError::UnexpectedStatus {
                    status,
                    endpoint: "backchannel authentication",
                }
                .into(),
            )),
        }
    }

    /// Waits `delay` from `now` for the next poll, or ends the flow if that is past the deadline.
    fn schedule(&mut self, mut pending: Pending, now: SystemTime, delay: Duration) -> Result<(), Error> {
        match now.checked_add(delay) {
            Some(next) if next < pending.deadline => {
                pending.next_poll_at = next;
                self.state = State::Waiting(pending);
                Ok(())
            }
            _ => Err(self.fail(FlowError::DeadlineReached.into())),
        }
    }

    fn backoff(&self) -> Duration {
        let factor = 1_u32.checked_shl(self.failures).unwrap_or(u32::MAX);
        self.policy
            .min_interval
            .saturating_mul(factor)
            .min(self.policy.max_backoff)
    }

    fn transient_failure(&mut self, now: SystemTime, pending: Pending) -> Result<(), Error> {
        self.failures = self.failures.saturating_add(1);
        if self.failures > self.policy.max_transient_failures {
            return Err(self.fail(
                FlowError::TooManyFailures {
                    attempts: self.failures,
                }
                .into(),
            ));
        }
        let delay = pending.interval.max(self.backoff());
        self.schedule(pending, now, delay)
    }

    fn handle_token_response(
        &mut self,
        now: SystemTime,
        mut pending: Pending,
        response: &http::Response<Bytes>,
    ) -> Result<(), Error> {
        let answer =
            wire::classify::<RawTokenResponse>("token response", response).map_err(|err| self.fail(err))?;
        match answer {
            Answer::Success(raw) => {
                let context = IdTokenContext {
                    policy: self.provider.config.id_token_handling,
                    nonce: None,
                    auth_req_id: Some(pending.auth_req_id.expose_secret()),
                };
                let status = response.status().as_u16();
                match tokens::token_set(
                    raw,
                    status,
                    response.body(),
                    &self.provider.config,
                    &self.client.client_id,
                    now,
                    context,
                ) {
                    Ok(set) => {
                        self.state = State::Succeeded(Some(Box::new(set)));
                        Ok(())
                    }
                    Err(err) => Err(self.fail(err)),
                }
            }
            Answer::OAuth(error) => match error.code {
                OAuthErrorCode::AuthorizationPending => {
                    self.failures = 0;
                    let interval = pending.interval;
                    self.schedule(pending, now, interval)
                }
                OAuthErrorCode::SlowDown => {
                    self.failures = 0;
                    pending.interval = pending.interval.saturating_add(SLOW_DOWN_STEP);
                    let interval = pending.interval;
                    self.schedule(pending, now, interval)
                }
                _ => Err(self.fail(error.into())),
            },
            // 429 Too Many Requests, or a slow_down with a 5xx: slow down for good.
            Answer::Transient { status, error }
                if status == 429
                    || error
                        .as_ref()
                        .is_some_and(|error| error.code == OAuthErrorCode::SlowDown) =>
            {
                pending.interval = pending.interval.saturating_add(SLOW_DOWN_STEP);
                self.transient_failure(now, pending)
            }
            Answer::Transient { .. } => self.transient_failure(now, pending),
        }
    }

    /// Reports that the request last returned by `poll_request` got no complete answer.
    ///
    /// # Errors
    ///
    /// The flow's final error when the failure is not retryable, happened on the backchannel
    /// request, or exhausted the retry budget; [`UsageError::SessionState`] when no request was in
    /// flight.
    pub fn handle_transport_error(
        &mut self,
        now: SystemTime,
        failure: TransportFailure,
    ) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Start) {
            State::PollSent(pending) if failure.retryable => self.transient_failure(now, pending),
            State::PollSent(_) | State::AuthenticationSent { .. } => Err(self.fail(failure.into())),
            State::Failed(error) => {
                self.state = State::Failed(error.clone());
                Err(error)
            }
            succeeded @ State::Succeeded(_) => {
                self.state = succeeded;
                Err(UsageError::SessionState("handle_transport_error without a request in flight").into())
            }
            _ => Err(self
                .fail(UsageError::SessionState("handle_transport_error without a request in flight").into())),
        }
    }

    /// When the session next wants [`poll_request`](Self::poll_request) called (while waiting).
    pub fn poll_timeout(&self) -> Option<SystemTime> {
        match &self.state {
            State::Waiting(pending) => Some(pending.next_poll_at),
            _ => None,
        }
    }

    /// The final outcome, once there is one: the tokens (handed out once) or the error.
    pub fn poll_outcome(&mut self) -> Option<Result<TokenSet, Error>> {
        match &mut self.state {
            State::Succeeded(tokens) => tokens.take().map(|tokens| Ok(*tokens)),
            State::Failed(error) => Some(Err(error.clone())),
            _ => None,
        }
    }

    /// Whether the flow has ended.
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Succeeded(_) | State::Failed(_))
    }

    /// Ends the flow with [`FlowError::Cancelled`] unless it has already ended.
    pub fn cancel(&mut self) {
        if !self.is_finished() {
            self.state = State::Failed(FlowError::Cancelled.into());
        }
    }

    /// The `auth_req_id`, once the backchannel request has been accepted.
    pub fn auth_req_id(&self) -> Option<&AuthReqId> {
        match &self.state {
            State::Waiting(pending) | State::PollSent(pending) => Some(&pending.auth_req_id),
            _ => None,
        }
    }

    /// Poll count, next poll time, deadline and interval.
    pub fn progress(&self) -> Progress {
        let pending = match &self.state {
            State::Waiting(pending) | State::PollSent(pending) => Some(pending),
            _ => None,
        };
        Progress {
            polls: self.polls,
            next_poll_at: match &self.state {
                State::Waiting(pending) => Some(pending.next_poll_at),
                _ => None,
            },
            deadline: pending.map(|pending| pending.deadline),
            interval: pending.map(|pending| pending.interval),
        }
    }
}

#[cfg(test)]
mod tests;
