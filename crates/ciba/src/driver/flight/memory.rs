//! A [`SharedFlight`] in one process's memory: for tests, and the model the adapters follow.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use netid_core::store::StoreError;

use super::{Claim, Fence, FlightOutcome, FlightState, SharedFlight};
use crate::driver::store::TokenKey;

/// How long an outcome stays readable for the followers of its flow.
const OUTCOME_KEEP: Duration = Duration::from_secs(10);

/// The in-memory key: issuer, client id, subject, scopes.
type MapKey = (String, String, String, Vec<String>);

#[derive(Default)]
struct Slot {
    /// The holder's fence and when its lease ends.
    lock: Option<(Fence, SystemTime)>,
    /// Outcomes by fence, each with the end of its keep.
    outcomes: Vec<(Fence, FlightOutcome, SystemTime)>,
}

/// A [`SharedFlight`] for the callers of one process (several [`TokenCache`]s sharing it), with
/// leases measured on the `now` each call passes. Fences count up from 1.
///
/// [`TokenCache`]: crate::driver::TokenCache
#[derive(Default)]
pub struct InMemorySharedFlight {
    slots: Mutex<BTreeMap<MapKey, Slot>>,
    next: Mutex<u64>,
}

impl fmt::Debug for InMemorySharedFlight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.slots.lock().unwrap_or_else(PoisonError::into_inner).len();
        f.debug_struct("InMemorySharedFlight")
            .field("keys", &len)
            .finish_non_exhaustive()
    }
}

impl InMemorySharedFlight {
    /// An empty flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many leases have been granted so far (flows started through this flight).
    pub fn leases_granted(&self) -> u64 {
        *self.next.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with_slot<T>(&self, key: &TokenKey, now: SystemTime, f: impl FnOnce(&mut Slot) -> T) -> T {
        // A poisoned lock only means another caller panicked in one of these short sections.
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots
            .entry((
                key.issuer().to_owned(),
                key.client_id().to_owned(),
                key.expose_subject().to_owned(),
                key.scopes().to_vec(),
            ))
            .or_default();
        if slot.lock.as_ref().is_some_and(|(_, until)| *until <= now) {
            slot.lock = None;
        }
        slot.outcomes.retain(|(_, _, until)| *until > now);
        f(slot)
    }
}

#[async_trait]
impl SharedFlight for InMemorySharedFlight {
    async fn claim(&self, key: &TokenKey, lease: Duration, now: SystemTime) -> Result<Claim, StoreError> {
        let settled = |slot: &Slot| {
            slot.outcomes
                .iter()
                .rev()
                .find_map(|(_, outcome, _)| match outcome {
                    FlightOutcome::Token(token) if token.expires_at() > now => Some(token.clone()),
                    _ => None,
                })
        };
        let claim = self.with_slot(key, now, |slot| {
            if let Some((fence, _)) = &slot.lock {
                return Some(Claim::Follow(fence.clone()));
            }
            settled(slot).map(Claim::Settled)
        });
        if let Some(claim) = claim {
            return Ok(claim);
        }
        let fence = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            *next += 1;
            Fence::new(next.to_string())
        };
        Ok(self.with_slot(key, now, |slot| match &slot.lock {
            // Taken between the two sections: follow that holder.
            Some((holder, _)) => Claim::Follow(holder.clone()),
            None => {
                slot.lock = Some((fence.clone(), now + lease));
                Claim::Lead(fence)
            }
        }))
    }

    async fn renew(
        &self,
        key: &TokenKey,
        fence: &Fence,
        lease: Duration,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        Ok(self.with_slot(key, now, |slot| match &mut slot.lock {
            Some((holder, until)) if holder == fence => {
                *until = now + lease;
                true
            }
            _ => false,
        }))
    }

    async fn publish(
        &self,
        key: &TokenKey,
        fence: &Fence,
        outcome: &FlightOutcome,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        Ok(self.with_slot(key, now, |slot| match &slot.lock {
            Some((holder, _)) if holder == fence => {
                slot.lock = None;
                slot.outcomes
                    .push((fence.clone(), outcome.clone(), now + OUTCOME_KEEP));
                true
            }
            _ => false,
        }))
    }

    async fn watch(&self, key: &TokenKey, fence: &Fence, now: SystemTime) -> Result<FlightState, StoreError> {
        Ok(self.with_slot(key, now, |slot| {
            if let Some((_, outcome, _)) = slot.outcomes.iter().find(|(f, _, _)| f == fence) {
                return FlightState::Done(outcome.clone());
            }
            match &slot.lock {
                Some((holder, _)) if holder == fence => FlightState::Running,
                _ => FlightState::Abandoned,
            }
        }))
    }
}
