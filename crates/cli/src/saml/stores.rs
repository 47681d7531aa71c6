//! `--replay-store` and `--request-store`: the SAML state several processes (or SP instances)
//! share, on Redis, instead of the in-memory stores that live as long as one invocation.

use std::future::Future;

use netid::crates::saml::{AsyncReplayCache, AsyncRequestStore, Error as SamlError, InMemoryRequestStore};
use netid_cli::redis::RedisUrl;
use netid_core::store::StoreError;
use netid_redis::{RedisRequestStore, RedisStores};

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
    RedisStores::connect(url.config())
        .await
        .map_err(|error| match error {
            netid_redis::Error::Connect(store) => OpenError::Unavailable(store),
            // `Url` (and any later setup error): the message never repeats the URL.
            other => OpenError::Usage(other.to_string()),
        })
}

/// Records an outstanding request (`login-url` and `logout-url --request-store`) with `record`,
/// given the request store of the Redis at `url`: the exit status, 0 once recorded. A refused URL
/// or an unreachable store is reported as `command`'s, so that no URL is printed.
pub(crate) fn record<F, Fut>(command: &str, url: &RedisUrl, record: F) -> u8
where
    F: FnOnce(RedisRequestStore) -> Fut,
    Fut: Future<Output = Result<(), SamlError>>,
{
    netid_cli::exit::block_on(command, async {
        let stores = match connect(url).await {
            Ok(stores) => stores,
            Err(OpenError::Usage(message)) => return netid_cli::exit::usage(command, &message, false),
            Err(OpenError::Unavailable(error)) => {
                return super::verdict::store_failed(command, &SamlError::Store(error));
            }
        };
        match record(stores.request_store()).await {
            Ok(()) => netid_cli::exit::OK,
            Err(error) => super::verdict::store_failed(command, &error),
        }
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
