//! The SAML SP's shared stores: replay cache and outstanding requests.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use aws_lc_rs::digest;
use netid_core::store::StoreError;
use netid_saml::{AsyncReplayCache, AsyncRequestStore, ReplayVerdict};

use crate::config::{RedisStores, ttl_ms};

/// `prefix` + `kind` + hex SHA-256 of the ID: the IDs come from the network, so their length is
/// bounded and no byte of them reaches Redis as is.
fn id_key(stores: &RedisStores, kind: &str, id: &str) -> String {
    format!(
        "{}{kind}:{}",
        stores.prefix,
        hex::encode(digest::digest(&digest::SHA256, id.as_bytes()))
    )
}

/// A [`AsyncReplayCache`] on Redis: one `SET NX PX` per assertion.
#[derive(Clone)]
pub struct RedisReplayCache(RedisStores);

impl fmt::Debug for RedisReplayCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RedisReplayCache").field(&self.0).finish()
    }
}

impl RedisReplayCache {
    pub(crate) fn new(stores: RedisStores) -> Self {
        Self(stores)
    }
}

#[async_trait]
impl AsyncReplayCache for RedisReplayCache {
    async fn check_and_record(
        &self,
        id: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<ReplayVerdict, StoreError> {
        // An assertion already past its window is refused by the verifier before it gets here;
        // should the clocks race, keep the ID for a second rather than not at all.
        let ttl = ttl_ms(expires_at, now).unwrap_or(1000);
        let set: Option<String> = self
            .0
            .run(
                redis::cmd("SET")
                    .arg(id_key(&self.0, "saml:replay", id))
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl),
            )
            .await?;
        // `OK` when set, nil when the key existed: the one atomic check-and-insert.
        Ok(match set {
            Some(_) => ReplayVerdict::Fresh,
            None => ReplayVerdict::Replayed,
        })
    }
}

/// A [`AsyncRequestStore`] on Redis: `SET PX` to record, `GETDEL` to consume exactly once.
#[derive(Clone)]
pub struct RedisRequestStore(RedisStores);

impl fmt::Debug for RedisRequestStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RedisRequestStore").field(&self.0).finish()
    }
}

impl RedisRequestStore {
    pub(crate) fn new(stores: RedisStores) -> Self {
        Self(stores)
    }
}

fn unix_ms(t: SystemTime) -> u64 {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

#[async_trait]
impl AsyncRequestStore for RedisRequestStore {
    async fn insert_request(
        &self,
        id: &str,
        expires_at: SystemTime,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        let Some(ttl) = ttl_ms(expires_at, now) else {
            // Already expired: nothing could ever consume it.
            return Ok(true);
        };
        let _: Option<String> = self
            .0
            .run(
                redis::cmd("SET")
                    .arg(id_key(&self.0, "saml:request", id))
                    .arg(unix_ms(expires_at))
                    .arg("PX")
                    .arg(ttl),
            )
            .await?;
        Ok(true)
    }

    async fn take_request(&self, id: &str, now: SystemTime) -> Result<bool, StoreError> {
        let value: Option<String> = self
            .0
            .run(redis::cmd("GETDEL").arg(id_key(&self.0, "saml:request", id)))
            .await?;
        let Some(value) = value else { return Ok(false) };
        // The stored expiry is checked against the caller's `now`, as the in-memory store does,
        // so a clock skew between instances and Redis cannot stretch a request's lifetime.
        let expires_ms: u64 = value.parse().map_err(|_| StoreError::Corrupt {
            reason: "an outstanding request holds no expiry".to_owned(),
        })?;
        Ok(expires_ms > unix_ms(now))
    }
}
