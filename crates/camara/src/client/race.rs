//! A future racing a timer, shared by the client and Telco Finder's discovery.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

/// Runs `work` until it completes or `timer` does first (`None`). `work` is polled first, so a
/// ready answer wins over an expired timer. Hand-written to keep the crate free of a futures
/// dependency for eight lines.
pub(crate) async fn race<T>(work: impl Future<Output = T>, timer: impl Future<Output = ()>) -> Option<T> {
    let mut work = pin!(work);
    let mut timer = pin!(timer);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(value) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}
