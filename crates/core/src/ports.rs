//! Ports for the two things the domain needs from the environment: time and randomness.
//!
//! Protocol code takes `now` and random bytes through these traits (held as `Arc<dyn …>`), so tests
//! run on a manual clock and a seeded generator (feature `test-util`), and an embedder can plug in its
//! own time source or an HSM's generator.

use std::fmt::Debug;
use std::time::SystemTime;

/// Wall-clock time.
pub trait Clock: Send + Sync + Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The random source failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secure random source failed: {0}")]
pub struct RandomError(pub String);

/// A cryptographically secure random generator (ids, nonces, `jti`, PKCE verifiers).
pub trait SecureRandom: Send + Sync + Debug {
    /// Fills `dest` with random bytes.
    ///
    /// # Errors
    ///
    /// [`RandomError`] when the source is unavailable; callers must not fall back to weak randomness.
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError>;
}

/// The operating system's generator (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl SecureRandom for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        getrandom::fill(dest).map_err(|err| RandomError(err.to_string()))
    }
}

impl<T: Clock + ?Sized> Clock for std::sync::Arc<T> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

impl<T: SecureRandom + ?Sized> SecureRandom for std::sync::Arc<T> {
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        (**self).fill(dest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_random_fills_and_differs() {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        OsRandom.fill(&mut a).unwrap();
        OsRandom.fill(&mut b).unwrap();
        assert_ne!(a, b);
    }
}
