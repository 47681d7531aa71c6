//! Errors of setting the adapter up; the operations report `netid_core::store::StoreError`.

use netid_core::store::StoreError;

/// Why the adapter could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Redis URL is not one the client accepts (`redis://`, `rediss://`, `unix://`).
    #[error("invalid redis url: {reason}")]
    Url {
        /// What is wrong with it (the URL itself is not repeated: it may carry a password).
        reason: String,
    },
    /// The first connection failed.
    #[error("cannot connect to redis")]
    Connect(#[source] StoreError),
    /// The token encryption key is not 32 bytes.
    #[error("the token encryption key must be 32 bytes, not {0}")]
    KeyLength(usize),
}

/// Maps a client error to the port's error, keeping its kind and message (which name the
/// failure, never our keys or values).
pub(crate) fn store_error(error: &redis::RedisError, bound: std::time::Duration) -> StoreError {
    if error.is_timeout() {
        StoreError::Timeout(bound)
    } else {
        StoreError::Unavailable {
            reason: error.to_string(),
        }
    }
}
