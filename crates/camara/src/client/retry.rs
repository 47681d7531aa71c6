//! The retry policy: which failures are sent again and how long to wait before each attempt.

use std::time::Duration;

#[cfg(doc)]
use netid_transport::Sleep;

#[cfg(doc)]
use super::CamaraClient;

/// When to send a failed call again. Off by default ([`RetryPolicy::none`]).
///
/// Every [`CamaraClient`] holds a [`Sleep`] port (its constructors take one), so a policy set with
/// [`CamaraClient::with_retry`] always has a way to wait between attempts.
///
/// A call is retried on a connection failure, a timeout or a truncated body, and on the statuses 429,
/// 502, 503 and 504; never on anything else. The wait before attempt `n + 1` is an "equal jitter"
/// exponential backoff: half of `min(max_delay, initial_delay * 2^(n-1))` plus a random part up to the
/// other half. A `Retry-After` header, when present, replaces the backoff; one longer than
/// `max_delay` ends the retries. No retry is started if its wait would end past the caller's
/// deadline, and the last error is returned instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(super) max_attempts: u32,
    initial_delay: Duration,
    pub(super) max_delay: Duration,
}

impl RetryPolicy {
    /// One attempt, no retry.
    #[must_use]
    pub const fn none() -> Self {
        Self {
            max_attempts: 1,
            initial_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    /// Up to `max_attempts` attempts (at least 1), starting at 500 ms of backoff, capped at 30 s.
    #[must_use]
    pub const fn exponential(max_attempts: u32) -> Self {
        Self {
            max_attempts: if max_attempts == 0 { 1 } else { max_attempts },
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }

    /// Sets the first backoff and the cap of every wait (`Retry-After` included).
    #[must_use]
    pub const fn with_delays(mut self, initial_delay: Duration, max_delay: Duration) -> Self {
        self.initial_delay = initial_delay;
        self.max_delay = max_delay;
        self
    }

    /// The largest number of attempts.
    #[must_use]
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before attempt `attempt + 1`, given a random `unit` in `[0, 1)`.
    pub(super) fn backoff(&self, attempt: u32, unit: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .initial_delay
            .saturating_mul(1_u32 << exponent)
            .min(self.max_delay);
        let half = ceiling / 2;
        half + half.mul_f64(unit.clamp(0.0, 1.0))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let policy =
            RetryPolicy::exponential(5).with_delays(Duration::from_millis(100), Duration::from_millis(350));
        let check = |attempt, unit, ms| assert_eq!(policy.backoff(attempt, unit), Duration::from_millis(ms));
        check(1, 0.0, 50);
        check(1, 0.5, 75);
        check(2, 0.0, 100);
        check(3, 0.0, 175);
        check(3, 1.0, 350);
        check(40, 0.0, 175);
        assert_eq!(RetryPolicy::exponential(0).max_attempts(), 1);
        assert_eq!(RetryPolicy::default(), RetryPolicy::none());
    }
}
