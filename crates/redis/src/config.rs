//! The connection and its settings, shared by every store of one [`RedisStores`].

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use netid_core::store::StoreError;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::error::{Error, store_error};
use crate::flight::RedisSharedFlight;
use crate::saml::{RedisReplayCache, RedisRequestStore};
use crate::tokens::{RedisTokenStore, TokenEncryptionKey};

/// Default bound on each Redis command, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);
/// Default margin by which a token entry expires before its access token.
pub const DEFAULT_TOKEN_TTL_MARGIN: Duration = Duration::from_secs(30);

/// Where Redis is and how the stores use it.
#[derive(Clone)]
pub struct RedisConfig {
    url: String,
    key_prefix: String,
    timeout: Duration,
    token_ttl_margin: Duration,
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            url: _,
            key_prefix,
            timeout,
            token_ttl_margin,
        } = self;
        f.debug_struct("RedisConfig")
            .field("url", &"[redacted]")
            .field("key_prefix", key_prefix)
            .field("timeout", timeout)
            .field("token_ttl_margin", token_ttl_margin)
            .finish()
    }
}

impl RedisConfig {
    /// Redis at `url` (`redis://[:password@]host:port/db`), key prefix `netid:`, 500 ms per command,
    /// token entries expiring 30 s before their tokens.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            key_prefix: "netid:".to_owned(),
            timeout: DEFAULT_TIMEOUT,
            token_ttl_margin: DEFAULT_TOKEN_TTL_MARGIN,
        }
    }

    /// The prefix of every key (default `netid:`), so several services can share one Redis.
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// The bound on each command (default 500 ms): past it the operation fails with
    /// [`StoreError::Timeout`].
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before its access token a token entry expires (default 30 s).
    #[must_use]
    pub fn token_ttl_margin(mut self, margin: Duration) -> Self {
        self.token_ttl_margin = margin;
        self
    }
}

/// One connection to Redis (reconnecting by itself) and the stores built on it. Cheap to clone.
#[derive(Clone)]
pub struct RedisStores {
    pub(crate) conn: ConnectionManager,
    pub(crate) prefix: String,
    pub(crate) timeout: Duration,
    pub(crate) token_ttl_margin: Duration,
}

impl fmt::Debug for RedisStores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStores")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("token_ttl_margin", &self.token_ttl_margin)
            .finish_non_exhaustive()
    }
}

impl RedisStores {
    /// Connects to Redis; the connection is re-established by itself after a failure.
    ///
    /// # Errors
    ///
    /// [`Error::Url`] for a URL the client refuses; [`Error::Connect`] when Redis cannot be
    /// reached within the timeout.
    pub async fn connect(config: RedisConfig) -> Result<Self, Error> {
        let client = redis::Client::open(config.url.as_str()).map_err(|e| Error::Url {
            reason: format!("{:?}", e.kind()),
        })?;
        let manager = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(config.timeout))
            .set_response_timeout(Some(config.timeout))
            // Reconnection is retried on the next command; a command never waits for retries.
            .set_number_of_retries(1)
            .set_max_delay(config.timeout);
        let conn = bounded(config.timeout, client.get_connection_manager_with_config(manager))
            .await
            .map_err(Error::Connect)?;
        Ok(Self {
            conn,
            prefix: config.key_prefix,
            timeout: config.timeout,
            token_ttl_margin: config.token_ttl_margin,
        })
    }

    /// The shared SAML replay cache.
    pub fn replay_cache(&self) -> RedisReplayCache {
        RedisReplayCache::new(self.clone())
    }

    /// The shared store of outstanding AuthnRequests.
    pub fn request_store(&self) -> RedisRequestStore {
        RedisRequestStore::new(self.clone())
    }

    /// The shared CIBA token store, encrypting under `key`.
    pub fn token_store(&self, key: TokenEncryptionKey) -> RedisTokenStore {
        RedisTokenStore::new(self.clone(), key)
    }

    /// The CIBA single flight shared by every instance, sealing outcomes under `key` (the token
    /// store's secret: both name a key's entries with the same HMAC).
    pub fn shared_flight(&self, key: TokenEncryptionKey) -> RedisSharedFlight {
        RedisSharedFlight::new(self.clone(), key)
    }

    /// Runs one Lua script (cached by its SHA-1 on the server) with the configured bound.
    pub(crate) async fn run_script<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        bounded(self.timeout, invocation.invoke_async::<T>(&mut conn)).await
    }

    /// Runs one command with the configured bound.
    pub(crate) async fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        bounded(self.timeout, cmd.query_async::<T>(&mut conn)).await
    }
}

async fn bounded<T>(
    bound: Duration,
    fut: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(bound, fut).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(store_error(&error, bound)),
        Err(_) => Err(StoreError::Timeout(bound)),
    }
}

/// Milliseconds from `now` to `until`, at least 1 (Redis refuses `PX 0`); `None` when `until` has
/// passed.
pub(crate) fn ttl_ms(until: SystemTime, now: SystemTime) -> Option<u64> {
    let left = until.duration_since(now).ok()?;
    if left.is_zero() {
        return None;
    }
    Some(u64::try_from(left.as_millis()).unwrap_or(u64::MAX).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_are_positive_milliseconds_or_none() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let check = |until: SystemTime, expected: Option<u64>| assert_eq!(ttl_ms(until, t0), expected);
        check(t0 + Duration::from_millis(1500), Some(1500));
        check(t0 + Duration::from_micros(10), Some(1));
        check(t0, None);
        check(t0 - Duration::from_secs(1), None);
    }

    #[test]
    fn debug_hides_the_url() {
        let config = RedisConfig::new("redis://:hunter2@127.0.0.1:6379/");
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("netid:"), "{debug}");
    }
}
