//! The error of a state store shared by several instances (replay cache, outstanding requests,
//! token cache), so every store port in the workspace reports failures the same way.
//!
//! The ports themselves live beside the protocol that needs them (`netid-saml`'s
//! `AsyncReplayCache`, `netid-ciba`'s `TokenStore`); adapters such as `netid-redis` implement them.

use std::time::Duration;

/// Why a shared store could not answer. Carries the cause only: never a key or a stored value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or refused the command (connection refused or reset, an
    /// error reply).
    #[error("the store is unreachable: {reason}")]
    Unavailable {
        /// The client's description of the failure (no key and no value).
        reason: String,
    },
    /// The store did not answer within the configured bound.
    #[error("the store did not answer within {} ms", .0.as_millis())]
    Timeout(Duration),
    /// The store answered something the adapter cannot read (a value of the wrong type, a record
    /// that does not decrypt under the configured key).
    #[error("the store answered unexpectedly: {reason}")]
    Corrupt {
        /// What was wrong with the answer.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_cause_only() {
        let check = |e: StoreError, expected: &str| assert_eq!(e.to_string(), expected);
        check(
            StoreError::Unavailable {
                reason: "connection refused".into(),
            },
            "the store is unreachable: connection refused",
        );
        check(
            StoreError::Timeout(Duration::from_millis(250)),
            "the store did not answer within 250 ms",
        );
        check(
            StoreError::Corrupt {
                reason: "not an integer".into(),
            },
            "the store answered unexpectedly: not an integer",
        );
    }
}
