//! CIBA poll mode ([OpenID Connect CIBA Core 1.0]) as a sans-I/O session.
//!
//! [OpenID Connect CIBA Core 1.0]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html

mod request;
mod response;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_core::secret::Secret;

pub use self::request::{BackchannelRequest, RequestEntropy};
use crate::client::ClientConfig;
use crate::error::{Error, FlowError};
use crate::provider::CibaProvider;
use crate::tokens::TokenSet;

#[cfg(doc)]
use crate::error::{EnvironmentError, UsageError};

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
