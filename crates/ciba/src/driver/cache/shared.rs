//! The [`TokenCache`]'s side of a [`SharedFlight`]: following another instance's flow, and
//! leading one while keeping its lease.

use std::future::{Future, poll_fn};
use std::ops::ControlFlow;
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::task::Poll;

use netid_core::store::StoreError;

use super::{Entry, Lookup, SlotState, TokenCache, TokenOrigin};
use crate::ciba::CibaSession;
use crate::driver::MAX_ITERATIONS;
use crate::driver::flight::{
    Claim, Fence, FlightFailure, FlightOutcome, FlightPolicy, FlightState, SharedFlight,
};
use crate::driver::store::{StoredToken, TokenKey};
use crate::error::{Error, FlowError, UsageError};
use crate::tokens::TokenSet;

/// What joining the shared flight of a key gave.
pub(super) enum Joined {
    /// This caller holds the lock: it runs the flow.
    Lead(Fence),
    /// Another instance's flow (or one that just ended) left this token.
    Token(StoredToken),
    /// Another instance's flow failed, or the wait for it was too long.
    Failed(Error),
    /// The flight could not be consulted: run a flow of this instance.
    Skip(StoreError),
}

impl TokenCache {
    /// Claims the flight of `key`, following other holders until their flow ends, their lease
    /// expires (then claims again), or [`FlightPolicy::max_wait`] passes.
    pub(super) async fn join_flight(
        &self,
        flight: &dyn SharedFlight,
        policy: &FlightPolicy,
        key: &TokenKey,
    ) -> Joined {
        let clock = &self.driver.clock;
        let give_up = clock.now() + policy.max_wait;
        let mut pause = policy.min_poll;
        let mut looks = 0_u32;
        while looks < MAX_ITERATIONS {
            looks += 1;
            let fence = match flight.claim(key, policy.lease, clock.now()).await {
                Err(error) => return Joined::Skip(error),
                Ok(Claim::Lead(fence)) => return Joined::Lead(fence),
                Ok(Claim::Settled(token)) => return Joined::Token(token),
                Ok(Claim::Follow(fence)) => fence,
            };
            while looks < MAX_ITERATIONS {
                looks += 1;
                if clock.now() >= give_up {
                    return Joined::Failed(FlowError::DeadlineReached.into());
                }
                self.driver.sleep.sleep(pause).await;
                pause = pause.saturating_mul(2).min(policy.max_poll);
                match flight.watch(key, &fence, clock.now()).await {
                    Err(error) => return Joined::Skip(error),
                    Ok(FlightState::Running) => {}
                    Ok(FlightState::Done(FlightOutcome::Token(token))) => return Joined::Token(token),
                    Ok(FlightState::Done(FlightOutcome::Failed(failure))) => {
                        return Joined::Failed(failure.into_error());
                    }
                    // Nothing to share, or the holder vanished: claim again (one of the
                    // followers takes over).
                    Ok(_) => break,
                }
            }
        }
        Joined::Failed(
            UsageError::SessionState("the clock does not advance while waiting for a shared flow").into(),
        )
    }

    /// What `joined` means for this lookup: the fence to lead a flow under, no fence (a flow of
    /// this instance, the flight having failed), or the lookup's answer.
    pub(super) fn take(
        &self,
        joined: Joined,
        slot: &SlotState,
        entry: &mut Entry,
        store_error: &mut Option<StoreError>,
    ) -> ControlFlow<Lookup, Option<Fence>> {
        match joined {
            Joined::Lead(fence) => ControlFlow::Continue(Some(fence)),
            Joined::Token(stored) => {
                let tokens = stored.into_token_set();
                let access_token = tokens.access_token.clone();
                entry.tokens = Some(tokens);
                entry.failure = None;
                ControlFlow::Break(Lookup::new(Ok(access_token), TokenOrigin::OtherInstance))
            }
            Joined::Failed(error) => {
                // Recorded like a failure of this instance's flow: the callers waiting here get
                // it too.
                let failure = slot.failures.fetch_add(1, Ordering::SeqCst).saturating_add(1);
                entry.failure = Some((failure, error.clone()));
                ControlFlow::Break(Lookup::new(Err(error), TokenOrigin::SharedFlow))
            }
            Joined::Skip(error) => {
                tracing::warn!(%error, "the shared flight failed; running a flow of this instance");
                *store_error = store_error.take().or(Some(error));
                ControlFlow::Continue(None)
            }
        }
    }

    /// Runs `session` under the lock of `fence`, renewing its lease every third of it until the
    /// flow ends.
    pub(super) async fn lead<F>(
        &self,
        flight: &dyn SharedFlight,
        policy: &FlightPolicy,
        key: &TokenKey,
        fence: &Fence,
        session: &mut CibaSession,
        progress: F,
    ) -> Result<TokenSet, Error>
    where
        F: FnMut(crate::ciba::Progress) -> ControlFlow<()> + Send,
    {
        let mut flow = pin!(self.driver.run_ciba(session, progress));
        let mut renewal = pin!(self.keep_lease(flight, policy, key, fence));
        let mut renewing = true;
        // The flow decides when this ends; the renewal only runs beside it (no runtime needed).
        poll_fn(|cx| {
            if let Poll::Ready(result) = flow.as_mut().poll(cx) {
                return Poll::Ready(result);
            }
            if renewing && renewal.as_mut().poll(cx).is_ready() {
                renewing = false;
            }
            Poll::Pending
        })
        .await
    }

    /// Renews the lease of `fence` until it is lost; never returns while it holds.
    async fn keep_lease(
        &self,
        flight: &dyn SharedFlight,
        policy: &FlightPolicy,
        key: &TokenKey,
        fence: &Fence,
    ) {
        let period = policy.lease / 3;
        loop {
            self.driver.sleep.sleep(period).await;
            match flight
                .renew(key, fence, policy.lease, self.driver.clock.now())
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!("the shared flight's lease was lost; this flow's outcome stays here");
                    return;
                }
                Err(error) => tracing::warn!(%error, "cannot renew the shared flight's lease"),
            }
            // An instant `Sleep` (tests) must not keep the flow from being polled.
            yield_once().await;
        }
    }

    /// Publishes how the flow of `fence` ended and releases its lock.
    pub(super) async fn settle(
        &self,
        flight: &dyn SharedFlight,
        key: &TokenKey,
        fence: &Fence,
        result: &Result<TokenSet, Error>,
    ) -> Option<StoreError> {
        let outcome = match result {
            Ok(tokens) => StoredToken::from_token_set(tokens, self.reuse)
                .map_or(FlightOutcome::NotShared, FlightOutcome::Token),
            // A cancelled flow says nothing of the user's answer: the followers run their own.
            Err(Error::Flow(FlowError::Cancelled)) => FlightOutcome::NotShared,
            Err(error) => FlightOutcome::Failed(FlightFailure::from_error(error)),
        };
        match flight
            .publish(key, fence, &outcome, self.driver.clock.now())
            .await
        {
            Ok(true) => None,
            Ok(false) => {
                tracing::warn!(
                    "the shared flight's lease expired before the flow ended; its outcome was not published"
                );
                None
            }
            Err(error) => Some(error),
        }
    }
}

/// Returns `Pending` once, waking itself: lets a `poll_fn` poll its other futures.
async fn yield_once() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
}
