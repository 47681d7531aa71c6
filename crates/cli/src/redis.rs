//! State on Redis from the command line: the `redis://…` URLs of `--replay-store`,
//! `--request-store` and `--token-cache`, and the encrypted token cache (with its single flight) of
//! `netid token` and the API commands.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use netid::crates::ciba::driver::{
    Claim, Fence, FlightOutcome, FlightState, SharedFlight, StoredToken, TokenKey, TokenStore,
};
use netid::description::EnvLookup;
use netid_core::store::StoreError;
use netid_redis::{RedisConfig, RedisSharedFlight, RedisStores, RedisTokenStore, TokenEncryptionKey};
use tokio::sync::OnceCell;

/// The environment variable holding the `--token-cache` encryption key: 32 bytes, as 64 hex
/// digits or standard Base64.
pub const TOKEN_CACHE_KEY_ENV: &str = "NETID_TOKEN_CACHE_KEY";

/// A `redis://` or `rediss://` URL from the command line. Never printed: it may carry a password.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl(String);

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RedisUrl([redacted])")
    }
}

impl RedisUrl {
    /// The adapter's configuration for this URL (its defaults otherwise).
    pub fn config(&self) -> RedisConfig {
        RedisConfig::new(self.0.as_str())
    }
}

/// The clap value parser of the Redis flags: only Redis URLs, so that a typo (a file path, an
/// `http://` URL) is a usage error rather than a store that silently does not exist.
///
/// # Errors
///
/// A usage message when `s` is not a `redis://` or `rediss://` URL.
pub fn parse_url(s: &str) -> Result<RedisUrl, String> {
    if s.starts_with("redis://") || s.starts_with("rediss://") {
        Ok(RedisUrl(s.to_owned()))
    } else {
        Err("not a redis:// or rediss:// URL".to_owned())
    }
}

/// What `--token-cache url` shares between runs and instances: the encrypted token store and the
/// single flight that keeps concurrent commands to one CIBA flow per subject and scope.
#[derive(Debug, Clone)]
pub struct SharedTokens {
    /// Tokens, reused until they expire.
    pub store: Arc<dyn TokenStore>,
    /// One flow at a time per subject and scope set.
    pub flight: Arc<dyn SharedFlight>,
}

/// The token store and flight of `--token-cache url`, keyed by [`TOKEN_CACHE_KEY_ENV`] from `env`.
/// They connect on first use, inside the command's runtime: an unreachable Redis then fails that
/// use with a [`StoreError`] (the command goes on without it, with a warning).
///
/// # Errors
///
/// A usage message when the key variable is missing or not 32 bytes of hex or Base64.
pub fn token_cache(url: &RedisUrl, env: EnvLookup<'_>) -> Result<SharedTokens, String> {
    let text = env(TOKEN_CACHE_KEY_ENV)
        .ok_or_else(|| format!("--token-cache needs the encryption key in ${TOKEN_CACHE_KEY_ENV}"))?;
    let lazy = Arc::new(LazyTokenStore {
        config: url.config(),
        key: encryption_key(&text)?,
        store: OnceCell::new(),
    });
    Ok(SharedTokens {
        store: lazy.clone(),
        flight: lazy,
    })
}

/// 32 bytes from 64 hex digits or standard Base64; the message never quotes the value.
fn encryption_key(text: &str) -> Result<TokenEncryptionKey, String> {
    use base64::Engine as _;
    let text = text.trim();
    let bytes = match hex::decode(text) {
        Ok(bytes) => bytes,
        Err(_) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| format!("${TOKEN_CACHE_KEY_ENV} is neither hex nor Base64"))?,
    };
    let bytes = zeroize::Zeroizing::new(bytes);
    TokenEncryptionKey::from_bytes(&bytes).map_err(|error| format!("${TOKEN_CACHE_KEY_ENV}: {error}"))
}

/// A [`RedisTokenStore`] and its [`RedisSharedFlight`], connected on first use: the operator is built before the runtime starts,
/// and the connection must live on that runtime. A failed connection is tried again next time.
struct LazyTokenStore {
    config: RedisConfig,
    key: TokenEncryptionKey,
    store: OnceCell<(RedisTokenStore, RedisSharedFlight)>,
}

impl fmt::Debug for LazyTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyTokenStore")
            .field("connected", &self.store.initialized())
            .finish_non_exhaustive()
    }
}

impl LazyTokenStore {
    async fn connected(&self) -> Result<&(RedisTokenStore, RedisSharedFlight), StoreError> {
        self.store
            .get_or_try_init(|| async {
                let stores =
                    RedisStores::connect(self.config.clone())
                        .await
                        .map_err(|error| match error {
                            netid_redis::Error::Connect(store) => store,
                            other => StoreError::Unavailable {
                                reason: other.to_string(),
                            },
                        })?;
                let store = stores.token_store(self.key.clone());
                let flight = store.shared_flight();
                Ok((store, flight))
            })
            .await
    }
}

#[async_trait]
impl TokenStore for LazyTokenStore {
    async fn get(&self, key: &TokenKey, now: SystemTime) -> Result<Option<StoredToken>, StoreError> {
        self.connected().await?.0.get(key, now).await
    }

    async fn put(&self, key: &TokenKey, token: &StoredToken, now: SystemTime) -> Result<(), StoreError> {
        self.connected().await?.0.put(key, token, now).await
    }

    async fn remove(&self, key: &TokenKey) -> Result<(), StoreError> {
        self.connected().await?.0.remove(key).await
    }
}

#[async_trait]
impl SharedFlight for LazyTokenStore {
    async fn claim(&self, key: &TokenKey, lease: Duration, now: SystemTime) -> Result<Claim, StoreError> {
        self.connected().await?.1.claim(key, lease, now).await
    }

    async fn renew(
        &self,
        key: &TokenKey,
        fence: &Fence,
        lease: Duration,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        self.connected().await?.1.renew(key, fence, lease, now).await
    }

    async fn publish(
        &self,
        key: &TokenKey,
        fence: &Fence,
        outcome: &FlightOutcome,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        self.connected().await?.1.publish(key, fence, outcome, now).await
    }

    async fn watch(&self, key: &TokenKey, fence: &Fence, now: SystemTime) -> Result<FlightState, StoreError> {
        self.connected().await?.1.watch(key, fence, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_redis_urls_are_accepted() {
        for (input, accepted) in [
            ("redis://127.0.0.1:6379/", true),
            ("rediss://:pw@cache.example:6380/0", true),
            ("http://127.0.0.1:6379/", false),
            ("/tmp/replay.db", false),
            ("REDIS://127.0.0.1/", false),
            ("", false),
        ] {
            assert_eq!(parse_url(input).is_ok(), accepted, "{input}");
        }
    }

    #[test]
    fn debug_hides_the_url() {
        let url = parse_url("redis://:hunter2@127.0.0.1:6379/").unwrap();
        assert!(!format!("{url:?}").contains("hunter2"));
    }

    #[test]
    fn the_key_is_32_bytes_of_hex_or_base64() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let base64 = "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=";
        for (text, ok) in [
            (hex, true),
            (base64, true),
            (
                "  00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
                true,
            ),
            ("00112233", false),
            ("not a key!", false),
            ("", false),
        ] {
            let result = encryption_key(text);
            assert_eq!(result.is_ok(), ok, "{text}");
            if let Err(message) = result {
                assert!(text.len() < 4 || !message.contains(text.trim()), "{message}");
            }
        }
    }

    #[test]
    fn a_missing_key_is_a_usage_error() {
        let url = parse_url("redis://127.0.0.1:1/").unwrap();
        let error = token_cache(&url, &|_| None).unwrap_err();
        assert!(error.contains(TOKEN_CACHE_KEY_ENV), "{error}");
        let key = |_: &str| Some("ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=".to_owned());
        assert!(token_cache(&url, &key).is_ok());
    }

    #[tokio::test]
    async fn an_unreachable_redis_fails_each_use() {
        let url = parse_url("redis://127.0.0.1:1/").unwrap();
        let key = |_: &str| Some("ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=".to_owned());
        let shared = token_cache(&url, &key).unwrap();
        let hint: netid_core::login_hint::LoginHint = "tel:+33600000000".parse().unwrap();
        let scope: netid_core::scope::Scope = "openid".parse().unwrap();
        let token_key = TokenKey::new("https://op.example", "client", &hint, &scope);
        for _ in 0..2 {
            assert!(shared.store.get(&token_key, SystemTime::now()).await.is_err());
            let claim = shared
                .flight
                .claim(&token_key, Duration::from_secs(1), SystemTime::now());
            assert!(claim.await.is_err());
        }
    }
}
