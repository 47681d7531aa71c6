//! A logout message that passed every pure check and still has to go through its state store:
//! the replay cache for a LogoutRequest, the outstanding logout requests for a LogoutResponse.
//! As with [`UnconsumedAssertion`](crate::UnconsumedAssertion), the verified content is reachable
//! only once that state change succeeded.

use std::fmt;
use std::time::SystemTime;

use super::{VerifiedLogoutRequest, VerifiedLogoutResponse};
use crate::error::{Check, Error, reject};
use crate::store::shared::{AsyncReplayCache, AsyncRequestStore};
use crate::store::{ReplayCache, ReplayVerdict, RequestStore};

/// A verified logout message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifiedLogout {
    /// An IdP-initiated LogoutRequest.
    Request(VerifiedLogoutRequest),
    /// The IdP's answer to a LogoutRequest of this SP.
    Response(VerifiedLogoutResponse),
}

/// A logout message whose signature, Issuer, Destination, time and session are valid, not yet
/// checked against its store. Obtained from [`LogoutVerifier::check`](crate::LogoutVerifier::check).
#[must_use = "the message is usable only after `consume` succeeded"]
pub struct UnconsumedLogout {
    message: VerifiedLogout,
    /// For a request: how long its ID stays in the replay cache.
    replay_until: SystemTime,
    now: SystemTime,
}

impl fmt::Debug for UnconsumedLogout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, id) = match &self.message {
            VerifiedLogout::Request(r) => ("LogoutRequest", &r.id),
            VerifiedLogout::Response(r) => ("LogoutResponse", &r.id),
        };
        f.debug_struct("UnconsumedLogout")
            .field("kind", &kind)
            .field("id", id)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl UnconsumedLogout {
    pub(super) fn new(message: VerifiedLogout, replay_until: SystemTime, now: SystemTime) -> Self {
        Self {
            message,
            replay_until,
            now,
        }
    }

    /// True for a LogoutRequest, false for a LogoutResponse.
    pub fn is_request(&self) -> bool {
        matches!(self.message, VerifiedLogout::Request(_))
    }

    /// Records a LogoutRequest's ID in `replay` (once across every instance sharing it), or takes
    /// the LogoutRequest a LogoutResponse answers from `requests`; only then returns the message.
    ///
    /// # Errors
    ///
    /// [`Check::Replay`] for a request already seen (or a full cache), [`Check::InResponseTo`]
    /// for a response to no outstanding logout request; [`Error::Store`] when the store could not
    /// be consulted.
    pub async fn consume(
        self,
        replay: &dyn AsyncReplayCache,
        requests: &dyn AsyncRequestStore,
    ) -> Result<VerifiedLogout, Error> {
        match &self.message {
            VerifiedLogout::Request(r) => {
                let verdict = replay
                    .check_and_record(&r.id, self.replay_until, self.now)
                    .await
                    .map_err(Error::Store)?;
                fresh(verdict)?;
            }
            VerifiedLogout::Response(r) => {
                let taken = requests
                    .take_request(&r.in_response_to, self.now)
                    .await
                    .map_err(Error::Store)?;
                outstanding(taken)?;
            }
        }
        Ok(self.message)
    }

    /// [`consume`](Self::consume) with the synchronous ports.
    ///
    /// # Errors
    ///
    /// As [`consume`](Self::consume).
    pub fn consume_sync(
        self,
        requests: &dyn RequestStore,
        replay: &dyn ReplayCache,
    ) -> Result<VerifiedLogout, Error> {
        match &self.message {
            VerifiedLogout::Request(r) => fresh(replay.check_and_insert(&r.id, self.replay_until, self.now))?,
            VerifiedLogout::Response(r) => outstanding(requests.take(&r.in_response_to, self.now))?,
        }
        Ok(self.message)
    }
}

fn fresh(verdict: ReplayVerdict) -> Result<(), Error> {
    match verdict {
        ReplayVerdict::Fresh => Ok(()),
        ReplayVerdict::Replayed => reject(Check::Replay, "this LogoutRequest was already received"),
        _ => reject(Check::Replay, "the replay cache cannot record the LogoutRequest"),
    }
}

fn outstanding(taken: bool) -> Result<(), Error> {
    if taken {
        Ok(())
    } else {
        reject(
            Check::InResponseTo,
            "InResponseTo names no outstanding logout request",
        )
    }
}
