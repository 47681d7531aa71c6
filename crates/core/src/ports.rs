//! Ports for the two things the domain needs from the environment: time and randomness.
//!
//! Protocol code takes `now` and random bytes through these traits (held as `Arc<dyn …>`), so tests
//! run on a manual clock and a seeded generator (feature `test-util`), and an embedder can plug in its
//! own time source or an HSM's generator.

use std::fmt::Debug;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

/// `bytes` random bytes from `rng` as base64url without padding: the one form of the random
/// identifiers netid mints (opaque tokens, codes, request ids), `ceil(4 * bytes / 3)` characters of
/// `[A-Za-z0-9_-]`, safe in URLs, headers and form bodies without escaping.
///
/// # Errors
///
/// [`RandomError`] when the source fails; no weaker fallback is tried.
pub fn random_id(rng: &dyn SecureRandom, bytes: usize) -> Result<String, RandomError> {
    let mut raw = vec![0_u8; bytes];
    rng.fill(&mut raw)?;
    Ok(URL_SAFE_NO_PAD.encode(raw))
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

    /// A source that always fails.
    #[derive(Debug)]
    struct Broken;

    impl SecureRandom for Broken {
        fn fill(&self, _: &mut [u8]) -> Result<(), RandomError> {
            Err(RandomError(String::from("unplugged")))
        }
    }

    #[test]
    fn random_ids_are_unpadded_base64url() {
        fn check(bytes: usize, chars: usize) {
            let rng = crate::test_util::SeededRandom::new(1);
            let id = random_id(&rng, bytes).expect("seeded source works");
            assert_eq!(id.len(), chars, "{bytes} bytes");
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{id}"
            );
            let again = random_id(&crate::test_util::SeededRandom::new(1), bytes).expect("works");
            assert_eq!(id, again, "same seed, same id");
        }
        check(0, 0);
        check(16, 22);
        check(24, 32);
        check(32, 43);
        assert_eq!(
            random_id(&Broken, 16),
            Err(RandomError(String::from("unplugged")))
        );
    }
}
