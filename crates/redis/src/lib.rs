//! Redis adapters for the netid state ports, for services that run on several instances behind a
//! load balancer: a SAML replay cache and outstanding-request store shared by every SP instance
//! ([`netid_saml::AsyncReplayCache`], [`netid_saml::AsyncRequestStore`]), and a CIBA token store
//! ([`netid_ciba::driver::TokenStore`]) whose entries are encrypted, with a single flight that keeps
//! the instances to one CIBA flow per subject and scope.
//!
//! Built on the `redis` crate's async [`ConnectionManager`](redis::aio::ConnectionManager) (tokio),
//! which reconnects by itself after Redis restarts.
//!
//! # Semantics
//!
//! * Replay: one `SET key 1 NX PX ttl` per assertion, `ttl` reaching the assertion's NotOnOrAfter
//!   plus the allowed clock skew; of two instances consuming one assertion, exactly one succeeds.
//! * Outstanding requests: `SET … PX` when the request is sent, `GETDEL` when a Response names it;
//!   only the caller that removed the entry gets `true`, on whichever instance.
//! * Tokens: AES-256-GCM under a caller-supplied key, the Redis key an HMAC-SHA256 (under a key
//!   derived from the same secret) of operator, client, subject and scope set, so no phone
//!   number appears in Redis keys or values in clear; each entry expires with its access token,
//!   less a configurable margin. Single-use tokens never reach the store (the port cannot carry
//!   them: see [`netid_ciba::driver::Reuse`]).
//! * CIBA single flight ([`RedisSharedFlight`], the [`netid_ciba::driver::SharedFlight`] port): a
//!   lock per token key holding a random fence, with a lease its holder renews; the flow's outcome
//!   (the token, or what the failure was) is sealed like the token entries and published by a Lua
//!   script only while the fence still holds the lock, so of 50 callers on several instances one
//!   runs the flow and the others get its token or its error. A crashed holder blocks others one
//!   lease at most.
//! * Every command is bounded by [`RedisConfig::timeout`]. An unreachable or slow Redis gives a
//!   [`StoreError`](netid_core::store::StoreError): the SAML SP then refuses the Response
//!   ([`netid_saml::Error::Store`]), and the token cache runs its own flow and reports the failure
//!   in `Lookup::store_error`.
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::SystemTime;
//!
//! use netid_redis::{RedisConfig, RedisStores, TokenEncryptionKey};
//!
//! # async fn acs(verifier: &netid_saml::ResponseVerifier, form: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! let stores = RedisStores::connect(RedisConfig::new("redis://127.0.0.1:6379/").key_prefix("shop:")).await?;
//! let (replay, requests) = (stores.replay_cache(), stores.request_store());
//! let assertion = verifier
//!     .check_post(form, SystemTime::now())?
//!     .consume(&replay, &requests)
//!     .await?;
//! # let _ = assertion;
//! // Tokens: a 32-byte key from the caller's secret store.
//! let tokens = Arc::new(stores.token_store(TokenEncryptionKey::from_bytes(&[7; 32])?));
//! # let _ = tokens;
//! # Ok(())
//! # }
//! ```
//!
//! # Security notes
//!
//! * Redis sees assertion and request IDs only as SHA-256 hashes, and tokens only encrypted; the
//!   encryption binds each value to its key (GCM associated data), so an entry copied to another
//!   key does not decrypt.
//! * The URL may carry a password: it is never printed ([`RedisConfig`]'s `Debug` hides it).
//! * Use `rediss://` (TLS) or a private network: this crate does not add transport security.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flight;
#[doc(hidden)]
pub mod fuzzing;
mod saml;
mod tokens;

/// A Redis server for tests (the shared `NETID_REDIS_URL` one or a test's own).
#[cfg(feature = "test-util")]
pub mod test_util;

pub use config::{DEFAULT_TIMEOUT, DEFAULT_TOKEN_TTL_MARGIN, RedisConfig, RedisStores};
pub use error::Error;
pub use flight::{FLIGHT_OUTCOME_TTL, RedisSharedFlight};
pub use saml::{RedisReplayCache, RedisRequestStore};
pub use tokens::{RedisTokenStore, TokenEncryptionKey};
