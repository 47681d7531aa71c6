//! The port of a single flight shared by several instances, beside the [`TokenStore`].
//!
//! A [`TokenCache`] given a flight (see [`TokenCache::with_flight`]) runs at most one CIBA flow per
//! [`TokenKey`] across every instance sharing it: the first caller takes a lock with an expiry
//! (the lease) and a fencing value, renews the lease while its flow runs, and publishes the
//! outcome (the token, or what the failure was) only while its fence still holds the lock. Callers
//! on other instances wait for that outcome; when the lease expires without one (the holder
//! crashed or lost its connection), one of them takes over. Every wait is bounded
//! ([`FlightPolicy::max_wait`]), and a flight that fails is skipped: the cache runs a flow of its
//! own, as it would without one.
//!
//! Single-use tokens ([`Reuse::SingleUse`]) never go through a flight: each caller needs its own.
//!
//! [`TokenStore`]: super::TokenStore
//! [`TokenCache`]: super::TokenCache
//! [`TokenCache::with_flight`]: super::TokenCache::with_flight
//! [`Reuse::SingleUse`]: super::Reuse::SingleUse

use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use netid_core::store::StoreError;
use serde::{Deserialize, Serialize};

use super::store::{StoredToken, TokenKey};
use crate::error::{Error, FlowError, OAuthError, OAuthErrorCode};

mod memory;

pub use memory::InMemorySharedFlight;

/// The fencing value of one holder of a flight's lock: unique per acquisition, so a holder whose
/// lease expired (and was taken over) can no longer renew it or publish under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fence(String);

impl Fence {
    /// A fence from the adapter's representation (a random or monotonic value it generated).
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The adapter's representation.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What [`SharedFlight::claim`] found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Claim {
    /// This caller holds the lock under this fence: run the flow, then [`SharedFlight::publish`].
    Lead(Fence),
    /// Another caller's flow holds the lock under this fence: wait with [`SharedFlight::watch`].
    Follow(Fence),
    /// A flow that ended moments ago left this token: use it, no flow needed.
    Settled(StoredToken),
}

/// Where a followed flow stands ([`SharedFlight::watch`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FlightState {
    /// Its holder still holds the lock.
    Running,
    /// It ended with this outcome.
    Done(FlightOutcome),
    /// Its lease expired (or was taken over) without an outcome: claim again.
    Abandoned,
}

/// How a shared flow ended, as the other instances learn it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FlightOutcome {
    /// A reusable token (adapters keep it encrypted).
    Token(StoredToken),
    /// The flow failed: followers get this error rather than notifying the user again.
    Failed(FlightFailure),
    /// The flow ended without anything to share (a token without `expires_in`, or its caller
    /// cancelled it): followers run their own flow.
    NotShared,
}

/// What other instances learn of a failed flow: the OAuth error as the provider sent it, a
/// deadline, or the failure's description. Serialisable, so adapters can store it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FlightFailure {
    /// The provider answered with an OAuth error (`access_denied`, `expired_token`, …).
    OAuth {
        /// HTTP status.
        status: u16,
        /// The `error` code's wire form.
        code: String,
        /// The `error_description`, if any (operator text; CAMARA operators put no personal data
        /// there).
        description: Option<String>,
    },
    /// The authentication request expired before the user answered.
    Deadline,
    /// Any other failure, by its description.
    Other {
        /// The error's `Display` (which carries no secret or personal data).
        reason: String,
    },
}

impl FlightFailure {
    /// What to share of `error`.
    pub fn from_error(error: &Error) -> Self {
        match error {
            Error::OAuth(oauth) => Self::OAuth {
                status: oauth.status,
                code: oauth.code.as_str().to_owned(),
                description: oauth.description.clone(),
            },
            Error::Flow(FlowError::DeadlineReached) => Self::Deadline,
            other => Self::Other {
                reason: other.to_string(),
            },
        }
    }

    /// The error a follower returns.
    pub fn into_error(self) -> Error {
        match self {
            Self::OAuth {
                status,
                code,
                description,
            } => {
                let mut error = OAuthError::new(status, OAuthErrorCode::from_wire(&code));
                error.description = description;
                Error::OAuth(error)
            }
            Self::Deadline => Error::Flow(FlowError::DeadlineReached),
            Self::Other { reason } => Error::Flow(FlowError::SharedFlowFailed { reason }),
        }
    }
}

/// One CIBA flow per [`TokenKey`] across instances: a lock with a lease and a fencing value, and
/// the outcome of the flow that held it.
///
/// Implementations bound every operation (a Redis command timeout, …) and never wait for a flow
/// themselves: the waiting (with backoff, bounded by [`FlightPolicy::max_wait`]) is the cache's.
#[async_trait]
pub trait SharedFlight: Send + Sync + fmt::Debug {
    /// Takes the lock of `key` for `lease` when it is free, under a new fence; otherwise names
    /// the holder's fence, or the token a flow left moments ago.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the coordinator cannot be consulted.
    async fn claim(&self, key: &TokenKey, lease: Duration, now: SystemTime) -> Result<Claim, StoreError>;

    /// Extends the lock of `key` by `lease` from now, if `fence` still holds it; `false` when it
    /// no longer does (the lease expired and another caller took over).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the coordinator cannot be consulted.
    async fn renew(
        &self,
        key: &TokenKey,
        fence: &Fence,
        lease: Duration,
        now: SystemTime,
    ) -> Result<bool, StoreError>;

    /// Publishes `outcome` for the followers of `fence` and releases the lock, atomically and
    /// only if `fence` still holds it; `false` (nothing written) when it does not.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the coordinator cannot be consulted.
    async fn publish(
        &self,
        key: &TokenKey,
        fence: &Fence,
        outcome: &FlightOutcome,
        now: SystemTime,
    ) -> Result<bool, StoreError>;

    /// Where the flow of `fence` stands.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the coordinator cannot be consulted.
    async fn watch(&self, key: &TokenKey, fence: &Fence, now: SystemTime) -> Result<FlightState, StoreError>;
}

/// How a [`TokenCache`](super::TokenCache) uses its [`SharedFlight`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlightPolicy {
    /// How long a lock lives without renewal: how long a crashed holder blocks the others.
    pub lease: Duration,
    /// The longest a follower waits for another instance's flow before it gives up with
    /// [`FlowError::DeadlineReached`]; at least the providers' longest `expires_in`.
    pub max_wait: Duration,
    /// The first pause between two looks at a followed flow; doubled up to `max_poll`.
    pub min_poll: Duration,
    /// The longest pause between two looks.
    pub max_poll: Duration,
}

impl Default for FlightPolicy {
    /// A 10 s lease (renewed every third of it), followers waiting at most 10 min and looking
    /// every 50 ms to 1 s.
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(10),
            max_wait: Duration::from_secs(600),
            min_poll: Duration::from_millis(50),
            max_poll: Duration::from_secs(1),
        }
    }
}

impl FlightPolicy {
    /// The defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the lease.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets the longest wait of a follower.
    #[must_use]
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// Sets the pauses between two looks at a followed flow.
    #[must_use]
    pub fn poll(mut self, min: Duration, max: Duration) -> Self {
        self.min_poll = min;
        self.max_poll = max.max(min);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_survive_the_trip_to_other_instances() {
        let check = |error: Error, expected: &str| {
            let shared = FlightFailure::from_error(&error);
            let json = serde_json::to_string(&shared).unwrap();
            let back: FlightFailure = serde_json::from_str(&json).unwrap();
            assert_eq!(back.into_error().to_string(), expected, "{json}");
        };
        let mut denied = OAuthError::new(400, OAuthErrorCode::AccessDenied);
        denied.description = Some("the user said no".into());
        check(
            Error::OAuth(denied.clone()),
            "authorization server error: `access_denied` (http 400): the user said no",
        );
        assert_eq!(
            FlightFailure::from_error(&Error::OAuth(denied.clone())).into_error(),
            Error::OAuth(denied)
        );
        check(
            Error::Flow(FlowError::DeadlineReached),
            "flow ended: authentication request expired before the user answered",
        );
        check(
            Error::Flow(FlowError::TooManyFailures { attempts: 3 }),
            "flow ended: the flow of another caller failed: flow ended: gave up after 3 consecutive transient failures",
        );
    }
}
