use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use netid_core::test_util::ManualClock;

use crate::Sleep;

/// A [`Sleep`] that returns at once after advancing a [`ManualClock`] by the requested duration, and
/// records every duration asked for.
///
/// Clones share the record and the clock, so a test can keep one clone and hand the other to the code
/// under test.
///
/// ```
/// use std::time::{Duration, SystemTime};
///
/// use netid_core::ports::Clock;
/// use netid_core::test_util::ManualClock;
/// use netid_transport::Sleep;
/// use netid_transport::test_util::InstantSleep;
///
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
/// let sleep = InstantSleep::new(clock.clone());
/// block_on(sleep.sleep(Duration::from_secs(5)));
/// assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(5));
/// assert_eq!(sleep.recorded(), [Duration::from_secs(5)]);
/// ```
#[derive(Debug, Clone)]
pub struct InstantSleep {
    clock: ManualClock,
    recorded: Arc<Mutex<Vec<Duration>>>,
}

impl InstantSleep {
    /// An instant sleep advancing `clock`.
    #[must_use]
    pub fn new(clock: ManualClock) -> Self {
        Self {
            clock,
            recorded: Arc::default(),
        }
    }

    /// Every duration asked for so far, in order.
    #[must_use]
    pub fn recorded(&self) -> Vec<Duration> {
        self.recorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The sum of every duration asked for so far.
    #[must_use]
    pub fn total(&self) -> Duration {
        self.recorded().iter().sum()
    }
}

#[async_trait]
impl Sleep for InstantSleep {
    async fn sleep(&self, duration: Duration) {
        self.recorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
        self.clock.advance(duration);
    }
}
