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
use std::time::SystemTime;

use async_trait::async_trait;
pub use netid_core::store::StoreError;

use super::{ReplayCache, ReplayVerdict, RequestStore};

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
