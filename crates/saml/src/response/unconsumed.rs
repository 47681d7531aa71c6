//! A Response that passed every pure check and still has to go through the state stores.
//!
//! Why a value and not a flag: the assertion is moved inside [`UnconsumedAssertion`] and the only
//! way out is a `consume*` method that first records the assertion ID in the replay cache and then
//! takes the outstanding request; any failure of either, a store error included, returns an
//! [`Error`] and drops the assertion. A caller therefore cannot read who signed in without both
//! state changes having succeeded, whichever store (in-memory or shared) it uses.

use std::fmt;
use std::time::SystemTime;

use crate::error::{Check, Error, reject};
use crate::response::VerifiedAssertion;
use crate::store::shared::{AsyncReplayCache, AsyncRequestStore};
use crate::store::{ReplayCache, ReplayVerdict, RequestStore};

/// A Response whose signature, issuers, audience and time window are valid, not yet checked for
/// replay and not yet matched with its outstanding request.
///
/// Obtained from [`ResponseVerifier::check_post`](crate::ResponseVerifier::check_post) (and
/// `check_xml`, `check_redirect`); the only way to the [`VerifiedAssertion`] is
/// [`consume`](Self::consume). It is not `Clone`: a second consumption of the same Response
/// would meet the replay cache anyway, but there is no reason to allow it.
#[must_use = "the assertion is usable only after `consume` succeeded"]
pub struct UnconsumedAssertion {
    assertion: VerifiedAssertion,
    /// The assertion's NotOnOrAfter plus the allowed clock skew: how long its ID must be kept.
    replay_until: SystemTime,
    /// The `now` the checks ran at; the stores are consulted with the same instant, so the
    /// decision is one function of (bytes, expectations, now).
    now: SystemTime,
}

impl fmt::Debug for UnconsumedAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            assertion,
            replay_until,
            now,
        } = self;
        // Only protocol identifiers: the NameID and attributes stay inside until consumed.
        f.debug_struct("UnconsumedAssertion")
            .field("assertion_id", &assertion.assertion_id)
            .field("in_response_to", &assertion.in_response_to)
            .field("replay_until", replay_until)
            .field("now", now)
            .finish_non_exhaustive()
    }
}

impl UnconsumedAssertion {
    pub(crate) fn new(assertion: VerifiedAssertion, replay_until: SystemTime, now: SystemTime) -> Self {
        Self {
            assertion,
            replay_until,
            now,
        }
    }

    /// The Assertion's ID, the key of the replay check.
    pub fn assertion_id(&self) -> &str {
        &self.assertion.assertion_id
    }

    /// The request this answers; `None` for an allowed unsolicited response.
    pub fn in_response_to(&self) -> Option<&str> {
        self.assertion.in_response_to.as_deref()
    }

    /// Until when the replay cache keeps the ID: the assertion's NotOnOrAfter plus the clock skew.
    pub fn replay_expires_at(&self) -> SystemTime {
        self.replay_until
    }

    /// Records the assertion ID in `replay` (atomically, once across every instance sharing it),
    /// then takes the outstanding request from `requests`, and only then returns the assertion.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] with [`Check::Replay`] when the ID was already recorded or the cache
    /// is full, with [`Check::InResponseTo`] when no instance has the request outstanding (or
    /// another took it first); [`Error::Store`] when either store could not be consulted. On a
    /// store error after the replay check succeeded the ID stays recorded, so the same Response
    /// is refused later rather than accepted twice.
    pub async fn consume(
        self,
        replay: &dyn AsyncReplayCache,
        requests: &dyn AsyncRequestStore,
    ) -> Result<VerifiedAssertion, Error> {
        let verdict = replay
            .check_and_record(&self.assertion.assertion_id, self.replay_until, self.now)
            .await
            .map_err(Error::Store)?;
        replay_verdict(verdict)?;
        if let Some(id) = &self.assertion.in_response_to {
            let taken = requests.take_request(id, self.now).await.map_err(Error::Store)?;
            outstanding(taken)?;
        }
        Ok(self.assertion)
    }

    /// [`consume`](Self::consume) with the synchronous ports.
    pub(crate) fn consume_sync(
        self,
        requests: &dyn RequestStore,
        replay: &dyn ReplayCache,
    ) -> Result<VerifiedAssertion, Error> {
        replay_verdict(replay.check_and_insert(&self.assertion.assertion_id, self.replay_until, self.now))?;
        if let Some(id) = &self.assertion.in_response_to {
            outstanding(requests.take(id, self.now))?;
        }
        Ok(self.assertion)
    }
}

fn replay_verdict(verdict: ReplayVerdict) -> Result<(), Error> {
    match verdict {
        ReplayVerdict::Fresh => Ok(()),
        ReplayVerdict::Replayed => reject(Check::Replay, "this Assertion was already consumed"),
        _ => reject(Check::Replay, "the replay cache cannot record the Assertion"),
    }
}

fn outstanding(taken: bool) -> Result<(), Error> {
    if taken {
        Ok(())
    } else {
        reject(Check::InResponseTo, "InResponseTo names no outstanding request")
    }
}
