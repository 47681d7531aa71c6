//! Finder answers kept for the lifetime the finder gave, bounded by the caller's policy. Pure: the
//! time is an argument, read by the client from its clock port.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

/// How long answers are reused: the finder's lifetime (`Cache-Control: max-age`, or the body's
/// `ttl`), never longer than `max_ttl`; `default_ttl` when the finder gave none (zero by default:
/// not reused). At most `max_entries` answers are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    max_ttl: Duration,
    default_ttl: Duration,
    max_entries: usize,
}

impl CachePolicy {
    /// Answers reused for at most `max_ttl`; 1024 entries; none reused without a finder lifetime.
    #[must_use]
    pub const fn new(max_ttl: Duration) -> Self {
        Self {
            max_ttl,
            default_ttl: Duration::ZERO,
            max_entries: 1024,
        }
    }

    /// Sets the lifetime of answers the finder gave none for (still bounded by `max_ttl`).
    #[must_use]
    pub const fn with_default_ttl(mut self, default_ttl: Duration) -> Self {
        self.default_ttl = default_ttl;
        self
    }

    /// Sets the number of answers kept (at least 1).
    #[must_use]
    pub const fn with_max_entries(mut self, max_entries: usize) -> Self {
        self.max_entries = if max_entries == 0 { 1 } else { max_entries };
        self
    }

    /// The lifetime of an answer the finder gave `given` for.
    #[must_use]
    pub fn ttl(&self, given: Option<Duration>) -> Duration {
        given.unwrap_or(self.default_ttl).min(self.max_ttl)
    }
}

/// Answers by key, each with its expiry.
pub(crate) struct TtlCache<V> {
    policy: CachePolicy,
    entries: BTreeMap<String, (SystemTime, V)>,
}

// Keys carry phone numbers and addresses: only the size is shown.
impl<V> fmt::Debug for TtlCache<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TtlCache")
            .field("policy", &self.policy)
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl<V: Clone> TtlCache<V> {
    pub(crate) fn new(policy: CachePolicy) -> Self {
        Self {
            policy,
            entries: BTreeMap::new(),
        }
    }

    /// The answer kept for `key` and its expiry, if it has not expired at `now`.
    /// The policy the cache keeps answers under.
    pub(crate) fn policy(&self) -> CachePolicy {
        self.policy
    }

    pub(crate) fn get(&self, key: &str, now: SystemTime) -> Option<(V, SystemTime)> {
        self.entries
            .get(key)
            .filter(|(expires, _)| *expires > now)
            .map(|(expires, value)| (value.clone(), *expires))
    }

    /// Keeps `value` under `key` for the policy's lifetime of `given`; returns its expiry, or
    /// `None` when it is not kept (a zero lifetime).
    pub(crate) fn insert(
        &mut self,
        key: String,
        value: V,
        given: Option<Duration>,
        now: SystemTime,
    ) -> Option<SystemTime> {
        let ttl = self.policy.ttl(given);
        let expires = now.checked_add(ttl).filter(|_| !ttl.is_zero())?;
        self.entries.retain(|_, (expiry, _)| *expiry > now);
        while self.entries.len() >= self.policy.max_entries && !self.entries.contains_key(&key) {
            // Full of live answers: the one closest to its expiry goes first.
            let soonest = self
                .entries
                .iter()
                .min_by_key(|(_, (expiry, _))| *expiry)
                .map(|(key, _)| key.clone());
            match soonest {
                Some(soonest) => self.entries.remove(&soonest),
                None => break,
            };
        }
        self.entries.insert(key, (expires, value));
        Some(expires)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn the_finder_lifetime_bounded_by_the_policy() {
        let policy = CachePolicy::new(Duration::from_secs(60));
        let check = |given: Option<u64>, expected: u64| {
            assert_eq!(
                policy.ttl(given.map(Duration::from_secs)),
                Duration::from_secs(expected),
                "{given:?}"
            );
        };
        check(Some(30), 30);
        check(Some(3600), 60);
        check(None, 0);
        check(Some(0), 0);
        let defaulted = policy.with_default_ttl(Duration::from_secs(10));
        assert_eq!(defaulted.ttl(None), Duration::from_secs(10));
        assert_eq!(
            CachePolicy::new(Duration::ZERO).with_max_entries(0).max_entries,
            1
        );
    }

    #[test]
    fn entries_expire_and_the_soonest_is_evicted() {
        let mut cache = TtlCache::new(CachePolicy::new(Duration::from_secs(100)).with_max_entries(2));
        assert_eq!(
            cache.insert("a".into(), 1, Some(Duration::from_secs(10)), at(0)),
            Some(at(10))
        );
        assert_eq!(cache.insert("zero".into(), 0, Some(Duration::ZERO), at(0)), None);
        assert_eq!(
            cache.insert("b".into(), 2, Some(Duration::from_secs(50)), at(0)),
            Some(at(50))
        );
        assert_eq!(cache.get("a", at(9)), Some((1, at(10))));
        assert_eq!(cache.get("a", at(10)), None, "expired at its expiry");
        cache.insert("c".into(), 3, Some(Duration::from_secs(20)), at(5));
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get("a", at(6)), None, "a expired soonest and went first");
        assert_eq!(cache.get("b", at(6)), Some((2, at(50))));
        assert!(format!("{cache:?}").contains("entries: 2"));
    }
}
