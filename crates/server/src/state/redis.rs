//! The Redis state store: several sandbox processes with the same issuer share it, and act as one
//! operator.
//!
//! Each entry is one key with a `PX` expiry (its request's, code's, token's, assertion's or
//! capture URL's; the consents given on a capture page are a set without expiry), under
//! `netid-sandbox:<issuer hash>:<kind>:<SHA-256 of the id>`: no token, code, `auth_req_id`, `jti`,
//! subscriber id or phone number appears in a key, and the operators hosted on one server (or
//! sandboxes that are different operators) never share one. Values are JSON. What must happen once
//! happens in one command: `GETDEL` hands a code or a capture out, `DEL` spends a single-use
//! token, `SET NX` records a `jti`, and a CIBA poll is [`poll_step`] applied with a compare-and-set
//! script, retried when another process polled the same request in between. Every failure is a
//! [`StoreError`]: the handlers answer 503.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use async_trait::async_trait;
use aws_lc_rs::digest;
use netid_core::store::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;

use super::{Grant, IssuedCode, OpStore, PendingAuth, PollOutcome, PollWrite, poll_step};
use crate::camara::consent_capture::PendingCapture;
use crate::error::ServerError;
use crate::subscribers::CibaBehaviour;

/// Bound on each command, connection included.
const TIMEOUT: Duration = Duration::from_secs(1);
/// Compare-and-set attempts of one poll before giving up (contention from other processes).
const POLL_ATTEMPTS: usize = 8;
/// Replaces (or, with an empty value, deletes) `KEYS[1]` only if it still holds `ARGV[1]`.
const COMPARE_AND_SET: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1])
else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1";

/// The store. The connection is opened at the first command (the server pings at start) and
/// re-established by itself after a failure.
pub(crate) struct RedisStore {
    client: ::redis::Client,
    conn: OnceCell<ConnectionManager>,
    prefix: String,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The client holds the URL, which may carry a password.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store at `url` for the operator `issuer`. Does not connect.
    pub(crate) fn new(url: &str, issuer: &str) -> Result<Self, ServerError> {
        let client = ::redis::Client::open(url).map_err(|error| ServerError::StateUrl {
            // The kind only: the message may repeat the URL, and the URL a password.
            reason: format!("{:?}", error.kind()),
        })?;
        let issuer_hash = hex::encode(digest::digest(&digest::SHA256, issuer.as_bytes()));
        Ok(Self {
            client,
            conn: OnceCell::new(),
            prefix: format!("netid-sandbox:{}:", &issuer_hash[..16]),
        })
    }

    /// The key of an entry of `kind` identified by `parts` (hashed, so no id is in clear).
    fn key(&self, kind: &str, parts: &[&str]) -> String {
        let mut hasher = digest::Context::new(&digest::SHA256);
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        format!("{}{kind}:{}", self.prefix, hex::encode(hasher.finish()))
    }

    async fn run<T: ::redis::FromRedisValue>(&self, cmd: &::redis::Cmd) -> Result<T, StoreError> {
        let conn = self
            .conn
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(TIMEOUT))
                    .set_response_timeout(Some(TIMEOUT))
                    // Reconnection is retried on the next command; a command never waits for it.
                    .set_number_of_retries(1)
                    .set_max_delay(TIMEOUT);
                bounded(self.client.get_connection_manager_with_config(config))
            })
            .await?;
        let mut conn = conn.clone();
        bounded(cmd.query_async::<T>(&mut conn)).await
    }

    /// `SET key value PX ttl`; nothing when the entry has already expired.
    async fn put<T: Serialize>(
        &self,
        key: String,
        value: &T,
        until: SystemTime,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let Some(ttl) = ttl_ms(until, now) else {
            return Ok(());
        };
        let _: Option<String> = self
            .run(
                ::redis::cmd("SET")
                    .arg(key)
                    .arg(encode(value)?)
                    .arg("PX")
                    .arg(ttl),
            )
            .await?;
        Ok(())
    }

    async fn get<T: DeserializeOwned>(&self, command: &str, key: String) -> Result<Option<T>, StoreError> {
        let raw: Option<String> = self.run(::redis::cmd(command).arg(key)).await?;
        raw.as_deref().map(decode).transpose()
    }
}

#[async_trait]
impl OpStore for RedisStore {
    async fn insert_pending(&self, id: &str, auth: PendingAuth, now: SystemTime) -> Result<(), StoreError> {
        let expires = auth.expires;
        self.put(self.key("ciba", &[id]), &auth, expires, now).await
    }

    async fn poll(
        &self,
        auth_req_id: &str,
        client_id: &str,
        now: SystemTime,
        enforce_interval: bool,
    ) -> Result<PollOutcome, StoreError> {
        let key = self.key("ciba", &[auth_req_id]);
        for _ in 0..POLL_ATTEMPTS {
            let raw: Option<String> = self.run(::redis::cmd("GET").arg(&key)).await?;
            let Some(raw) = raw else {
                return Ok(PollOutcome::Unknown);
            };
            let mut auth: PendingAuth = decode(&raw)?;
            let (outcome, write) = poll_step(&mut auth, client_id, now, enforce_interval);
            let (value, ttl) = match write {
                PollWrite::Keep => return Ok(outcome),
                // `poll_step` updates only a request that has not expired: the TTL is positive.
                PollWrite::Update => (encode(&auth)?, ttl_ms(auth.expires, now).unwrap_or(1)),
                PollWrite::Remove => (String::new(), 0),
            };
            let swapped: i64 = self
                .run(
                    ::redis::cmd("EVAL")
                        .arg(COMPARE_AND_SET)
                        .arg(1)
                        .arg(&key)
                        .arg(&raw)
                        .arg(value)
                        .arg(ttl),
                )
                .await?;
            if swapped == 1 {
                return Ok(outcome);
            }
        }
        Err(StoreError::Unavailable {
            reason: String::from("a CIBA request changed under every poll attempt"),
        })
    }

    async fn insert_code(&self, code: &str, issued: IssuedCode, now: SystemTime) -> Result<(), StoreError> {
        let expires = issued.expires;
        self.put(self.key("code", &[code]), &issued, expires, now).await
    }

    async fn take_code(&self, code: &str) -> Result<Option<IssuedCode>, StoreError> {
        self.get("GETDEL", self.key("code", &[code])).await
    }

    async fn insert_token(&self, token: &str, grant: Grant, now: SystemTime) -> Result<(), StoreError> {
        let expires = grant.expires;
        self.put(self.key("token", &[token]), &grant, expires, now).await
    }

    async fn grant(&self, token: &str) -> Result<Option<Grant>, StoreError> {
        self.get("GET", self.key("token", &[token])).await
    }

    async fn spend_token(&self, token: &str) -> Result<bool, StoreError> {
        // `DEL` answers how many keys it removed: 1 for exactly one of concurrent spenders.
        let removed: i64 = self
            .run(::redis::cmd("DEL").arg(self.key("token", &[token])))
            .await?;
        Ok(removed == 1)
    }

    async fn use_jti(
        &self,
        client_id: &str,
        jti: &str,
        exp: SystemTime,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        let Some(ttl) = ttl_ms(exp, now) else {
            // An expired assertion is refused before its `jti` is looked at.
            return Ok(true);
        };
        let set: Option<String> = self
            .run(
                ::redis::cmd("SET")
                    .arg(self.key("jti", &[client_id, jti]))
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl),
            )
            .await?;
        // `OK` when recorded, nil when the key existed: the one atomic check-and-insert.
        Ok(set.is_some())
    }

    async fn insert_capture(
        &self,
        id: &str,
        capture: PendingCapture,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let expires = capture.expires;
        self.put(self.key("capture", &[id]), &capture, expires, now).await
    }

    async fn capture(&self, id: &str, now: SystemTime) -> Result<Option<PendingCapture>, StoreError> {
        let capture: Option<PendingCapture> = self.get("GET", self.key("capture", &[id])).await?;
        // The key's `PX` runs on Redis's clock; the expiry is checked on the operator's.
        Ok(capture.filter(|c| c.expires > now))
    }

    async fn take_capture(&self, id: &str, now: SystemTime) -> Result<Option<PendingCapture>, StoreError> {
        let capture: Option<PendingCapture> = self.get("GETDEL", self.key("capture", &[id])).await?;
        Ok(capture.filter(|c| c.expires > now))
    }

    async fn give_consent(
        &self,
        subscriber_id: &str,
        purpose: &str,
        scopes: &[String],
    ) -> Result<(), StoreError> {
        if scopes.is_empty() {
            // `SADD` needs a member.
            return Ok(());
        }
        let _: i64 = self
            .run(
                ::redis::cmd("SADD")
                    .arg(self.key("consent", &[subscriber_id, purpose]))
                    .arg(scopes),
            )
            .await?;
        Ok(())
    }

    async fn consented_scopes(
        &self,
        subscriber_id: &str,
        purpose: &str,
    ) -> Result<BTreeSet<String>, StoreError> {
        self.run(::redis::cmd("SMEMBERS").arg(self.key("consent", &[subscriber_id, purpose])))
            .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let _: String = self.run(&::redis::cmd("PING")).await?;
        Ok(())
    }
}

/// The serialized form of a request's scripted [`CibaBehaviour`] (a public type, which stays
/// free of serde).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(remote = "CibaBehaviour")]
pub(super) enum CibaBehaviourDef {
    Approve { after: Duration },
    Deny { after: Duration },
    Never,
    SlowDown { times: u32, after: Duration },
}

fn encode<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|error| StoreError::Corrupt {
        reason: format!("cannot encode an entry: {error}"),
    })
}

fn decode<T: DeserializeOwned>(raw: &str) -> Result<T, StoreError> {
    // serde_json's message names a position and an expected type, not the value.
    serde_json::from_str(raw).map_err(|error| StoreError::Corrupt {
        reason: format!("an entry does not decode: {error}"),
    })
}

async fn bounded<T>(fut: impl Future<Output = ::redis::RedisResult<T>>) -> Result<T, StoreError> {
    match tokio::time::timeout(TIMEOUT, fut).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) if error.is_timeout() => Err(StoreError::Timeout(TIMEOUT)),
        Ok(Err(error)) => Err(StoreError::Unavailable {
            reason: error.to_string(),
        }),
        Err(_) => Err(StoreError::Timeout(TIMEOUT)),
    }
}

/// Milliseconds from `now` to `until`, at least 1 (Redis refuses `PX 0`); `None` once passed.
fn ttl_ms(until: SystemTime, now: SystemTime) -> Option<u64> {
    let left = until.duration_since(now).ok().filter(|d| !d.is_zero())?;
    Some(u64::try_from(left.as_millis()).unwrap_or(u64::MAX).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hash_ids_and_separate_issuers() {
        let a = RedisStore::new("redis://:pw@127.0.0.1:1/", "http://127.0.0.1:8080").unwrap();
        let b = RedisStore::new("redis://127.0.0.1:1/", "http://127.0.0.1:8080/operators/x").unwrap();
        let key = a.key("token", &["secret-token"]);
        assert!(key.starts_with("netid-sandbox:"), "{key}");
        assert!(!key.contains("secret-token"), "{key}");
        assert_ne!(key, b.key("token", &["secret-token"]));
        assert_eq!(key, a.key("token", &["secret-token"]));
        // The two parts of a jti key cannot be shifted into each other.
        assert_ne!(a.key("jti", &["ab", "c"]), a.key("jti", &["a", "bc"]));
        assert!(!format!("{a:?}").contains("pw"));
    }

    #[test]
    fn ttls_are_positive_milliseconds_or_none() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(ttl_ms(t0 + Duration::from_millis(1500), t0), Some(1500));
        assert_eq!(ttl_ms(t0 + Duration::from_micros(10), t0), Some(1));
        assert_eq!(ttl_ms(t0, t0), None);
        assert_eq!(ttl_ms(t0 - Duration::from_secs(1), t0), None);
    }

    #[test]
    fn an_invalid_url_is_refused_without_echo() {
        let error = RedisStore::new("http://user:hunter2@host/", "i")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
    }
}
