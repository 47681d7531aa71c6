//! Ports for the two pieces of state an SP keeps: outstanding request IDs and consumed assertions.
//!
//! Both are object-safe, `Send + Sync + Debug`, take `now` as an argument (no clock inside) and
//! have in-memory defaults. A deployment with several SP instances plugs in a shared store
//! through the async ports of [`shared`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

pub(crate) mod shared;

/// Default bound on the number of entries an in-memory store keeps.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Outstanding AuthnRequest IDs, each single-use.
pub trait RequestStore: Send + Sync + fmt::Debug {
    /// Records `id` as outstanding until `expires_at`.
    ///
    /// Returns `false` when the store is full and the ID was not recorded.
    fn insert(&self, id: &str, expires_at: SystemTime, now: SystemTime) -> bool;

    /// Removes `id` and returns whether it was outstanding and unexpired at `now`.
    fn take(&self, id: &str, now: SystemTime) -> bool;
}

/// The outcome of recording an assertion ID in a [`ReplayCache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayVerdict {
    /// First time seen; now recorded.
    Fresh,
    /// Already recorded and not yet expired: a replay.
    Replayed,
    /// The cache could not record it (full); the assertion must be rejected.
    Unavailable,
}

/// Assertion IDs already consumed, kept until the assertion could no longer be accepted.
pub trait ReplayCache: Send + Sync + fmt::Debug {
    /// Records `id` until `expires_at`, unless it is already there.
    fn check_and_insert(&self, id: &str, expires_at: SystemTime, now: SystemTime) -> ReplayVerdict;
}

/// A bounded map from ID to expiry behind a mutex; expired entries are purged on insert.
struct Expiring {
    entries: Mutex<BTreeMap<String, SystemTime>>,
    capacity: usize,
}

impl Expiring {
    fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(BTreeMap::new()),
            capacity,
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, SystemTime>> {
        // A panic elsewhere while holding the lock cannot leave the map inconsistent (every
        // operation is a single insert or remove), so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Inserts when absent or expired; `None` when full.
    fn insert_new(&self, id: &str, expires_at: SystemTime, now: SystemTime) -> Option<bool> {
        let mut map = self.lock();
        if let Some(exp) = map.get(id)
            && *exp > now
        {
            return Some(false);
        }
        if map.len() >= self.capacity {
            map.retain(|_, exp| *exp > now);
            if map.len() >= self.capacity {
                return None;
            }
        }
        map.insert(id.to_owned(), expires_at);
        Some(true)
    }

    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// In-memory [`RequestStore`] (one process only).
pub struct InMemoryRequestStore(Expiring);

impl InMemoryRequestStore {
    /// An empty store holding at most [`DEFAULT_CAPACITY`] requests.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// An empty store holding at most `capacity` requests.
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Expiring::new(capacity))
    }
}

impl Default for InMemoryRequestStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InMemoryRequestStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryRequestStore")
            .field("len", &self.0.len())
            .finish()
    }
}

impl RequestStore for InMemoryRequestStore {
    fn insert(&self, id: &str, expires_at: SystemTime, now: SystemTime) -> bool {
        self.0.insert_new(id, expires_at, now).is_some()
    }

    fn take(&self, id: &str, now: SystemTime) -> bool {
        self.0.lock().remove(id).is_some_and(|exp| exp > now)
    }
}

/// In-memory [`ReplayCache`] (one process only).
pub struct InMemoryReplayCache(Expiring);

impl InMemoryReplayCache {
    /// An empty cache holding at most [`DEFAULT_CAPACITY`] assertion IDs.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// An empty cache holding at most `capacity` assertion IDs.
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Expiring::new(capacity))
    }
}

impl Default for InMemoryReplayCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InMemoryReplayCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryReplayCache")
            .field("len", &self.0.len())
            .finish()
    }
}

impl ReplayCache for InMemoryReplayCache {
    fn check_and_insert(&self, id: &str, expires_at: SystemTime, now: SystemTime) -> ReplayVerdict {
        match self.0.insert_new(id, expires_at, now) {
            Some(true) => ReplayVerdict::Fresh,
            Some(false) => ReplayVerdict::Replayed,
            None => ReplayVerdict::Unavailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn t(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn requests_are_single_use_and_expire() {
        let store = InMemoryRequestStore::new();
        assert!(store.insert("a", t(100), t(0)));
        assert!(store.insert("b", t(100), t(0)));
        assert!(store.take("a", t(10)));
        assert!(!store.take("a", t(10)));
        assert!(!store.take("b", t(100)));
        assert!(!store.take("never", t(0)));
    }

    #[test]
    fn replay_cache_detects_until_expiry_and_is_bounded() {
        let cache = InMemoryReplayCache::with_capacity(2);
        assert_eq!(cache.check_and_insert("a", t(100), t(0)), ReplayVerdict::Fresh);
        assert_eq!(
            cache.check_and_insert("a", t(100), t(50)),
            ReplayVerdict::Replayed
        );
        assert_eq!(cache.check_and_insert("b", t(10), t(0)), ReplayVerdict::Fresh);
        assert_eq!(
            cache.check_and_insert("c", t(10), t(5)),
            ReplayVerdict::Unavailable
        );
        // `b` expired at 10: purged to make room.
        assert_eq!(cache.check_and_insert("c", t(200), t(20)), ReplayVerdict::Fresh);
        // `a` expired at 100: purged too, then recorded afresh.
        assert_eq!(cache.check_and_insert("a", t(300), t(100)), ReplayVerdict::Fresh);
        assert_eq!(
            cache.check_and_insert("d", t(300), t(100)),
            ReplayVerdict::Unavailable
        );
        assert_eq!(format!("{cache:?}"), "InMemoryReplayCache { len: 2 }");
    }
}
