//! Timing every HTTP request of the generator, and the statistics of a phase.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use netid_reqwest::ReqwestTransport;
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};

/// A transport that times every request and counts failures (transport errors and 5xx).
#[derive(Debug)]
pub(crate) struct Timed {
    inner: ReqwestTransport,
    latencies_us: Mutex<Vec<u64>>,
    errors: AtomicU64,
}

#[async_trait]
impl HttpTransport for Timed {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let started = Instant::now();
        let result = self.inner.send(request).await;
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.latencies_us
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(micros);
        if result
            .as_ref()
            .map_or(true, |response| response.status().is_server_error())
        {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        result
    }
}

impl Timed {
    /// Times requests sent through `inner`.
    pub(crate) fn new(inner: ReqwestTransport) -> Self {
        Self {
            inner,
            latencies_us: Mutex::new(Vec::new()),
            errors: AtomicU64::new(0),
        }
    }

    /// The latencies recorded since the last call, in microseconds.
    pub(crate) fn take(&self) -> Vec<u64> {
        std::mem::take(
            &mut *self
                .latencies_us
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// The failed requests counted since the last call.
    pub(crate) fn take_errors(&self) -> u64 {
        self.errors.swap(0, Ordering::Relaxed)
    }
}

/// Statistics of one phase: count, failures, requests per second, nearest-rank p50/p99/max (ms).
pub(crate) fn phase(
    name: &str,
    mut latencies: Vec<u64>,
    elapsed: Duration,
    failures: u64,
) -> serde_json::Value {
    latencies.sort_unstable();
    let at = |q: f64| {
        if latencies.is_empty() {
            return 0.0;
        }
        let rank = ((q * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
        latencies[rank - 1] as f64 / 1000.0
    };
    serde_json::json!({
        "phase": name,
        "requests": latencies.len(),
        "failures": failures,
        "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "requests_per_second": (latencies.len() as f64 / elapsed.as_secs_f64()).round(),
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "max_ms": at(1.0),
    })
}

/// Peak resident set size of this process (`VmHWM`), in MiB; Linux only.
pub(crate) fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kib / 1024.0 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let latencies: Vec<u64> = (1..=100).map(|ms| ms * 1000).collect();
        let stats = phase("api", latencies, Duration::from_secs(2), 3);
        assert_eq!(stats["requests"], 100);
        assert_eq!(stats["failures"], 3);
        assert_eq!(stats["requests_per_second"], 50.0);
        assert_eq!(stats["p50_ms"], 50.0);
        assert_eq!(stats["p99_ms"], 99.0);
        assert_eq!(stats["max_ms"], 100.0);
        let empty = phase("ciba", Vec::new(), Duration::from_secs(1), 0);
        assert_eq!(empty["p99_ms"], 0.0);
    }
}
