//! `--replay-store` and `--request-store`: the SAML state several processes (or SP instances)
//! share, on Redis, instead of the in-memory stores that live as long as one invocation.

use std::fmt;

use netid::crates::saml::{AsyncReplayCache, AsyncRequestStore, InMemoryRequestStore};
use netid_core::store::StoreError;
use netid_redis::{RedisConfig, RedisStores};

/// A `redis://` or `rediss://` URL from the command line. Kept out of Debug output: it may carry
/// a password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct RedisUrl(String);

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RedisUrl([redacted])")
    }
}

/// The clap value parser of the store flags: only Redis URLs, so that a typo (a file path, an
/// `http://` URL) is a usage error rather than a store that silently does not exist.
pub(crate) fn parse_redis_url(s: &str) -> Result<RedisUrl, String> {
    if s.starts_with("redis://") || s.starts_with("rediss://") {
        Ok(RedisUrl(s.to_owned()))
    } else {
        Err("not a redis:// or rediss:// URL".to_owned())
    }
}

/// Why the stores could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The client refuses the URL (a usage error: exit status 2).
    Usage(String),
    /// Redis could not be reached: every Response is refused with this error (fail closed).
    Unavailable(StoreError),
}

/// Connects to Redis at `url`, the failure sorted into a usage error or an unreachable store.
pub(crate) async fn connect(url: &RedisUrl) -> Result<RedisStores, OpenError> {
    RedisStores::connect(RedisConfig::new(url.0.as_str()))
        .await
        .map_err(|error| match error {
            netid_redis::Error::Connect(store) => OpenError::Unavailable(store),
            // `Url` (and any later setup error): the message never repeats the URL.
            other => OpenError::Usage(other.to_string()),
        })
}

/// The two stores `netid saml verify` consumes Responses against.
pub(crate) struct VerifyStores {
    /// Consumed assertion IDs.
    pub(crate) replay: Box<dyn AsyncReplayCache>,
    /// Outstanding AuthnRequest IDs.
    pub(crate) requests: Box<dyn AsyncRequestStore>,
}

/// The stores of one `netid saml verify`: Redis where a URL is given (one connection when both
/// flags name the same URL), in memory otherwise (`requests`, filled from `--request-id`, and an
/// empty replay cache).
pub(crate) async fn open(
    replay: Option<&RedisUrl>,
    requests: Option<&RedisUrl>,
    in_memory_requests: InMemoryRequestStore,
) -> Result<VerifyStores, OpenError> {
    let replay_stores = match replay {
        Some(url) => Some(connect(url).await?),
        None => None,
    };
    let request_stores = match (requests, &replay_stores) {
        (Some(url), Some(shared)) if Some(url) == replay => Some(shared.clone()),
        (Some(url), _) => Some(connect(url).await?),
        (None, _) => None,
    };
    Ok(VerifyStores {
        replay: match replay_stores {
            Some(stores) => Box::new(stores.replay_cache()),
            None => Box::new(netid::crates::saml::InMemoryReplayCache::new()),
        },
        requests: match request_stores {
            Some(stores) => Box::new(stores.request_store()),
            None => Box::new(in_memory_requests),
        },
    })
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
            assert_eq!(parse_redis_url(input).is_ok(), accepted, "{input}");
        }
    }

    #[test]
    fn debug_hides_the_url() {
        let url = parse_redis_url("redis://:hunter2@127.0.0.1:6379/").unwrap();
        assert!(!format!("{url:?}").contains("hunter2"));
    }
}
