//! Async ports for stores shared by several SP instances (Redis and the like).
//!
//! A network store can fail where a map in memory cannot, so each method returns a
//! [`StoreError`], and the SP turns any such error into a refusal
//! ([`Error::Store`](crate::Error::Store)): a Response that could not be checked for replay is never
//! accepted. Every synchronous store is also an async one (blanket implementations below), so
//! [`InMemoryRequestStore`](crate::InMemoryRequestStore) and
//! [`InMemoryReplayCache`](crate::InMemoryReplayCache) serve both paths.
//!
//! The method names differ from the synchronous ports' so that both traits can be in scope.

use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use super::{ReplayCache, ReplayVerdict, RequestStore};

/// Why a shared store could not answer. Carries no stored value, only the cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or refused the command (connection refused, reset, an
    /// error reply).
    #[error("the store is unreachable: {reason}")]
    Unavailable {
        /// The client's description of the failure (no key and no value).
        reason: String,
    },
    /// The store did not answer within the configured bound.
    #[error("the store did not answer within {} ms", .0.as_millis())]
    Timeout(Duration),
    /// The store answered something this adapter cannot read (a value of the wrong type, a
    /// record that does not decrypt under the configured key).
    #[error("the store answered unexpectedly: {reason}")]
    Corrupt {
        /// What was wrong with the answer.
        reason: String,
    },
}

/// Outstanding AuthnRequest IDs shared by several SP instances, each consumable exactly once.
#[async_trait]
pub trait AsyncRequestStore: Send + Sync + fmt::Debug {
    /// Records `id` as outstanding until `expires_at`; `Ok(false)` when the store refuses it (full).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be consulted.
    async fn insert_request(
        &self,
        id: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<bool, StoreError>;

    /// Removes `id`; `Ok(true)` only for the one caller, on any instance, that removed an
    /// outstanding and unexpired entry.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be consulted.
    async fn take_request(&self, id: &str, now: SystemTime) -> Result<bool, StoreError>;
}

/// Consumed assertion IDs shared by several SP instances.
#[async_trait]
pub trait AsyncReplayCache: Send + Sync + fmt::Debug {
    /// Records `id` until `expires_at` unless it is already there, as one atomic step: of two
    /// instances recording the same ID at once, exactly one gets [`ReplayVerdict::Fresh`].
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be consulted.
    async fn check_and_record(
        &self,
        id: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<ReplayVerdict, StoreError>;
}

#[async_trait]
impl<T: RequestStore + ?Sized> AsyncRequestStore for T {
    async fn insert_request(
        &self,
        id: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        Ok(self.insert(id, expires_at, now))
    }

    async fn take_request(&self, id: &str, now: SystemTime) -> Result<bool, StoreError> {
        Ok(self.take(id, now))
    }
}

#[async_trait]
impl<T: ReplayCache + ?Sized> AsyncReplayCache for T {
    async fn check_and_record(
        &self,
        id: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<ReplayVerdict, StoreError> {
        Ok(self.check_and_insert(id, expires_at, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_cause_only() {
        let check = |e: StoreError, expected: &str| assert_eq!(e.to_string(), expected);
        check(
            StoreError::Unavailable {
                reason: "connection refused".into(),
            },
            "the store is unreachable: connection refused",
        );
        check(
            StoreError::Timeout(Duration::from_millis(250)),
            "the store did not answer within 250 ms",
        );
        check(
            StoreError::Corrupt {
                reason: "not an integer".into(),
            },
            "the store answered unexpectedly: not an integer",
        );
    }
}
