//! The CIBA single flight across instances: a lock with a lease and a fencing value, and the
//! encrypted outcome of the flow that held it, each step one atomic Lua script.

use std::fmt;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use netid_ciba::driver::{Claim, Fence, FlightFailure, FlightOutcome, FlightState, SharedFlight, TokenKey};
use netid_core::store::StoreError;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::config::{RedisStores, ttl_ms};
use crate::tokens::{Record, TokenEncryptionKey};

/// How long an outcome stays readable for the followers of its flow (they look at least once a
/// second by default), and the longest a token stays "settled" for callers arriving just after.
pub const FLIGHT_OUTCOME_TTL: Duration = Duration::from_secs(30);

/// Takes the lock when free, unless a flow that just ended left a token. KEYS: lock, settled.
/// ARGV: new fence, lease in ms.
static CLAIM: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local holder = redis.call('GET', KEYS[1])
if holder then return {'follow', holder} end
local settled = redis.call('GET', KEYS[2])
if settled then return {'settled', settled} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {'lead', ARGV[1]}
",
    )
});

/// Extends the lease if the fence still holds the lock. KEYS: lock. ARGV: fence, lease in ms.
static RENEW: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
",
    )
});

/// Publishes the outcome and releases the lock if the fence still holds it. KEYS: lock, outcome
/// of this fence, settled. ARGV: fence, sealed outcome, its ttl in ms, the settled ttl in ms (0:
/// not a token).
static PUBLISH: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[4]) end
return 1
",
    )
});

/// The holder of the lock and the outcome of one fence, '' for none. KEYS: lock, outcome.
static WATCH: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
return {redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[2]) or ''}
",
    )
});

/// What is encrypted of an outcome.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeRecord {
    Token(Record),
    Failed(FlightFailure),
    NotShared,
}

/// A [`SharedFlight`] on Redis. Per [`TokenKey`], under `prefix` + `flight:{name}` where `name` is
/// the HMAC the token store uses (no phone number in clear; the braces keep a key's entries in
/// one Redis Cluster slot):
///
/// * `…:lock` holds the holder's fence (16 random bytes, hex) and expires with its lease;
/// * `…:outcome:<fence>` the sealed outcome of that fence's flow, for its followers;
/// * `…:settled` the sealed token of the last successful flow, for callers arriving just after.
///
/// Outcomes are AES-256-GCM sealed like the token entries, bound to the key's name; they live
/// [`FLIGHT_OUTCOME_TTL`] (a token no longer than itself).
#[derive(Clone)]
pub struct RedisSharedFlight {
    stores: RedisStores,
    key: TokenEncryptionKey,
}

impl fmt::Debug for RedisSharedFlight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisSharedFlight")
            .field("stores", &self.stores)
            .finish_non_exhaustive()
    }
}

/// The Redis names of one key's flight.
struct Names {
    /// Also the associated data of its sealed outcomes.
    base: String,
}

impl Names {
    fn lock(&self) -> String {
        format!("{}:lock", self.base)
    }

    fn settled(&self) -> String {
        format!("{}:settled", self.base)
    }

    fn outcome(&self, fence: &Fence) -> String {
        format!("{}:outcome:{}", self.base, fence.as_str())
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn unexpected(what: &str) -> StoreError {
    StoreError::Corrupt {
        reason: format!("unexpected answer to the flight's {what} script"),
    }
}

impl RedisSharedFlight {
    pub(crate) fn new(stores: RedisStores, key: TokenEncryptionKey) -> Self {
        Self { stores, key }
    }

    fn names(&self, key: &TokenKey) -> Names {
        Names {
            base: format!("{}flight:{{{}}}", self.stores.prefix, self.key.name(key)),
        }
    }

    fn seal(&self, names: &Names, outcome: &FlightOutcome) -> Result<Vec<u8>, StoreError> {
        let record = match outcome {
            FlightOutcome::Token(token) => OutcomeRecord::Token(Record::of(token)),
            FlightOutcome::Failed(failure) => OutcomeRecord::Failed(failure.clone()),
            _ => OutcomeRecord::NotShared,
        };
        let plain = Zeroizing::new(serde_json::to_vec(&record).map_err(|e| StoreError::Corrupt {
            reason: format!("cannot encode a flight outcome: {e}"),
        })?);
        self.key.seal(&names.base, &plain)
    }

    fn open(&self, names: &Names, value: &[u8]) -> Result<FlightOutcome, StoreError> {
        let plain = self.key.open(&names.base, value)?;
        let record: OutcomeRecord = serde_json::from_slice(&plain).map_err(|_| unexpected("outcome"))?;
        Ok(match record {
            OutcomeRecord::Token(token) => FlightOutcome::Token(token.to_token()),
            OutcomeRecord::Failed(failure) => FlightOutcome::Failed(failure),
            OutcomeRecord::NotShared => FlightOutcome::NotShared,
        })
    }

    async fn script<T: redis::FromRedisValue>(
        &self,
        script: &redis::Script,
        keys: &[String],
        args: &[&[u8]],
    ) -> Result<T, StoreError> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        self.stores.run_script(&invocation).await
    }
}

fn new_fence() -> Result<Fence, StoreError> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Unavailable {
        reason: format!("no randomness for a fence: {e}"),
    })?;
    Ok(Fence::new(hex::encode(bytes)))
}

#[async_trait]
impl SharedFlight for RedisSharedFlight {
    async fn claim(&self, key: &TokenKey, lease: Duration, now: SystemTime) -> Result<Claim, StoreError> {
        let names = self.names(key);
        let fence = new_fence()?;
        let lease = millis(lease).to_string();
        // Twice at most: a settled token found expired (this clock ahead of Redis's) is removed
        // and the lock claimed again.
        for _ in 0..2 {
            let (kind, value): (String, Vec<u8>) = self
                .script(
                    &CLAIM,
                    &[names.lock(), names.settled()],
                    &[fence.as_str().as_bytes(), lease.as_bytes()],
                )
                .await?;
            match kind.as_str() {
                "lead" => return Ok(Claim::Lead(fence)),
                "follow" => {
                    let holder = String::from_utf8(value).map_err(|_| unexpected("claim"))?;
                    return Ok(Claim::Follow(Fence::new(holder)));
                }
                "settled" => match self.open(&names, &value)? {
                    FlightOutcome::Token(token) if token.expires_at() > now => {
                        return Ok(Claim::Settled(token));
                    }
                    _ => {
                        self.stores
                            .run::<()>(redis::cmd("DEL").arg(names.settled()))
                            .await?;
                    }
                },
                _ => return Err(unexpected("claim")),
            }
        }
        Err(unexpected("claim"))
    }

    async fn renew(
        &self,
        key: &TokenKey,
        fence: &Fence,
        lease: Duration,
        _now: SystemTime,
    ) -> Result<bool, StoreError> {
        let lease = millis(lease).to_string();
        let renewed: i64 = self
            .script(
                &RENEW,
                &[self.names(key).lock()],
                &[fence.as_str().as_bytes(), lease.as_bytes()],
            )
            .await?;
        Ok(renewed == 1)
    }

    async fn publish(
        &self,
        key: &TokenKey,
        fence: &Fence,
        outcome: &FlightOutcome,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        let names = self.names(key);
        let value = self.seal(&names, outcome)?;
        let settled = match outcome {
            FlightOutcome::Token(token) => {
                ttl_ms(token.expires_at(), now).map_or(0, |left| left.min(millis(FLIGHT_OUTCOME_TTL)))
            }
            _ => 0,
        };
        let keep = millis(FLIGHT_OUTCOME_TTL).to_string();
        let settled = settled.to_string();
        let published: i64 = self
            .script(
                &PUBLISH,
                &[names.lock(), names.outcome(fence), names.settled()],
                &[
                    fence.as_str().as_bytes(),
                    &value,
                    keep.as_bytes(),
                    settled.as_bytes(),
                ],
            )
            .await?;
        Ok(published == 1)
    }

    async fn watch(
        &self,
        key: &TokenKey,
        fence: &Fence,
        _now: SystemTime,
    ) -> Result<FlightState, StoreError> {
        let names = self.names(key);
        let (holder, outcome): (Vec<u8>, Vec<u8>) = self
            .script(&WATCH, &[names.lock(), names.outcome(fence)], &[])
            .await?;
        if !outcome.is_empty() {
            return Ok(FlightState::Done(self.open(&names, &outcome)?));
        }
        if holder == fence.as_str().as_bytes() {
            Ok(FlightState::Running)
        } else {
            Ok(FlightState::Abandoned)
        }
    }
}
