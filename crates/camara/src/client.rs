//! The thin async client: addresses an [`Endpoint`] with the profile, sends it through the
//! [`HttpTransport`] port with the bearer token and an `x-correlator`, retries when told to, honours
//! deadlines, and decodes the answer.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, SystemTime};

use netid_core::correlator::XCorrelator;
use netid_core::ports::{Clock, OsRandom, SecureRandom, SystemClock};
use netid_core::token::AccessToken;
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, Origin, Sleep, TransportError};
use tracing::Instrument;
use tracing::field::Empty;

use crate::endpoint::{Endpoint, Target, X_CORRELATOR};
use crate::error::{CamaraError, InvalidRequest};
use crate::profile::{OperatorProfile, SpecVersion};
use crate::wire::ToleratedQuirk;

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
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
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
    fn backoff(&self, attempt: u32, unit: f64) -> Duration {
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

/// What to do when a response does not echo the request's `x-correlator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CorrelatorPolicy {
    /// Report it in [`Answer::echo`] and in a `tracing` warning; the call succeeds (default: Orange
    /// pages, for one, do not echo it).
    #[default]
    Report,
    /// Fail the call with [`CamaraError::CorrelatorMismatch`] when it is missing or different.
    Require,
}

/// How the response's `x-correlator` compared with the request's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CorrelatorEcho {
    /// Echoed unchanged.
    Echoed,
    /// Absent from the response.
    Missing,
    /// Present but different.
    Different(String),
}

/// Per-call options: a deadline and a correlator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// No attempt starts, and no answer is awaited, past this time (read on the client's clock).
    pub deadline: Option<SystemTime>,
    /// The `x-correlator` to send; generated from the client's random source when `None`.
    pub correlator: Option<XCorrelator>,
}

impl CallOptions {
    /// No deadline, a generated correlator.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the deadline.
    #[must_use]
    pub fn with_deadline(mut self, deadline: SystemTime) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets the correlator.
    #[must_use]
    pub fn with_correlator(mut self, correlator: XCorrelator) -> Self {
        self.correlator = Some(correlator);
        self
    }
}

/// A successful call: the decoded body and what the client learned on the way.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answer<T> {
    /// The success body.
    pub value: T,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `x-correlator` sent.
    pub correlator: XCorrelator,
    /// How the response echoed it.
    pub echo: CorrelatorEcho,
    /// Deviations from the spec tolerated while decoding.
    pub tolerated: Vec<ToleratedQuirk>,
    /// Attempts made (1 without retry).
    pub attempts: u32,
    /// The spec version of the profile that made the call.
    pub spec: SpecVersion,
}

impl<T> Answer<T> {
    /// The same answer with its value turned by `convert` (a version's body into the
    /// version-independent result).
    pub fn map<U>(self, convert: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            value: convert(self.value),
            status: self.status,
            correlator: self.correlator,
            echo: self.echo,
            tolerated: self.tolerated,
            attempts: self.attempts,
            spec: self.spec,
        }
    }
}

/// A client for one API of one operator, as its [`OperatorProfile`] describes it.
///
/// ```
/// use std::sync::Arc;
///
/// use std::time::SystemTime;
///
/// use netid_camara::sim_swap::{MaxAge, v1};
/// use netid_camara::{CallOptions, CamaraClient, OperatorProfile};
/// use netid_core::test_util::ManualClock;
/// use netid_core::token::AccessToken;
/// use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};
///
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// // The operator, replayed: Orange Spain answers a check.
/// let expected = http::Request::post("https://api.orange.com/camara/oes/sim-swap/v1/check")
///     .header("authorization", "Bearer token-1")
///     .header("accept", "application/json")
///     .header("content-type", "application/json")
///     .body(bytes::Bytes::from_static(br#"{"maxAge": 240}"#))?;
/// let answer = http::Response::builder()
///     .status(200)
///     .body(bytes::Bytes::from_static(br#"{"swapped": true}"#))?;
/// let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(expected, answer)]));
///
/// // In production the sleep is `netid_reqwest::TokioSleep`; here one that returns at once.
/// let sleep = Arc::new(InstantSleep::new(ManualClock::new(SystemTime::UNIX_EPOCH)));
/// let client = CamaraClient::new(replay.clone(), OperatorProfile::orange_spain_sim_swap_v1(), sleep);
/// let token = AccessToken::new("token-1");
/// let request = v1::check::Request::new(MaxAge::DEFAULT);
/// let answer = block_on(client.send(&token, &request, CallOptions::new()))?;
/// assert!(answer.value.swapped);
/// replay.verify()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CamaraClient {
    transport: Arc<dyn HttpTransport>,
    profile: OperatorProfile,
    clock: Arc<dyn Clock>,
    rng: Arc<dyn SecureRandom>,
    sleep: Arc<dyn Sleep>,
    retry: RetryPolicy,
    correlator_policy: CorrelatorPolicy,
}

impl CamaraClient {
    /// A client with the system clock and the OS random source.
    ///
    /// `sleep` waits between retries and bounds an attempt by the call's deadline; it is taken
    /// here, not set later, so that no client can hold a [`RetryPolicy`] it cannot wait for
    /// (`netid_reqwest::TokioSleep` on tokio).
    #[must_use]
    pub fn new(transport: Arc<dyn HttpTransport>, profile: OperatorProfile, sleep: Arc<dyn Sleep>) -> Self {
        Self::with_details(
            transport,
            profile,
            Arc::new(SystemClock),
            Arc::new(OsRandom),
            sleep,
        )
    }

    /// A client with every port given: clock (deadlines, latency, `Retry-After` dates), random
    /// source (correlators, jitter) and sleep (backoff, deadline timer).
    #[must_use]
    pub fn with_details(
        transport: Arc<dyn HttpTransport>,
        profile: OperatorProfile,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn SecureRandom>,
        sleep: Arc<dyn Sleep>,
    ) -> Self {
        Self {
            transport,
            profile,
            clock,
            rng,
            sleep,
            retry: RetryPolicy::none(),
            correlator_policy: CorrelatorPolicy::Report,
        }
    }

    /// Sets the retry policy; the client's [`Sleep`] port waits between attempts.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets what a missing or different `x-correlator` in the response does.
    #[must_use]
    pub fn with_correlator_policy(mut self, policy: CorrelatorPolicy) -> Self {
        self.correlator_policy = policy;
        self
    }

    /// The profile.
    #[must_use]
    pub fn profile(&self) -> &OperatorProfile {
        &self.profile
    }

    /// Sends `request` with `token` and decodes the answer.
    ///
    /// Emits a `tracing` span `camara.call` with the API, version, operation, operator, correlator,
    /// final status, latency and attempts; never a body or the token.
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]: the operator's typed error, a decoding error, a transport error, the
    /// deadline, a refused correlator echo, or a request that does not fit the profile.
    pub async fn send<E: Endpoint>(
        &self,
        token: &AccessToken,
        request: &E,
        options: CallOptions,
    ) -> Result<Answer<E::Response>, CamaraError> {
        let metadata = E::METADATA;
        let spec = self.profile.spec();
        if !metadata.supports(spec) {
            return Err(InvalidRequest::ProfileMismatch {
                operation: format!("{} {}", metadata.api, metadata.name),
                profile: spec,
            }
            .into());
        }
        let correlator = match options.correlator {
            Some(correlator) => correlator,
            None => XCorrelator::generate(&*self.rng).map_err(CamaraError::Random)?,
        };
        let span = tracing::info_span!(
            "camara.call",
            api = metadata.api.as_str(),
            version = spec.as_str(),
            operation = metadata.name,
            operator = self.profile.name(),
            correlator = correlator.as_str(),
            status = Empty,
            latency_ms = Empty,
            attempts = Empty,
        );
        self.run(token, request, correlator, options.deadline, &span)
            .instrument(span.clone())
            .await
    }

    async fn run<E: Endpoint>(
        &self,
        token: &AccessToken,
        request: &E,
        correlator: XCorrelator,
        deadline: Option<SystemTime>,
        span: &tracing::Span,
    ) -> Result<Answer<E::Response>, CamaraError> {
        let started = self.clock.now();
        let target = Target::new(self.profile.base_url(), token, &correlator)
            .with_phone_style(self.profile.phone_style());
        let mut attempt = 0_u32;
        let result = loop {
            if deadline.is_some_and(|deadline| self.clock.now() >= deadline) {
                break Err(CamaraError::Deadline { attempts: attempt });
            }
            attempt += 1;
            let http_request = match request.to_http_request(&target) {
                Ok(http_request) => http_request,
                Err(error) => break Err(error.into()),
            };
            let origin = Origin::of(http_request.uri());
            let Some(exchanged) = self.exchange(http_request, deadline).await else {
                break Err(CamaraError::Deadline { attempts: attempt });
            };
            let (error, retryable, retry_after) = match exchanged {
                Err(source) => {
                    let retryable = source.is_retryable();
                    (CamaraError::Transport { origin, source }, retryable, None)
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    span.record("status", status);
                    match E::from_http_response(&response, self.profile.tolerance()) {
                        Ok(decoded) => {
                            let echo = echo_of(&response, &correlator);
                            break self.answer(decoded, status, correlator.clone(), echo, attempt);
                        }
                        Err(error) => {
                            // An error response is checked like a success: under `Require`, a
                            // response that may belong to another call is not retried or trusted.
                            let echo = echo_of(&response, &correlator);
                            if let Err(mismatch) = self.check_echo(&correlator, &echo) {
                                break Err(mismatch);
                            }
                            let retry_after = error.retry_after();
                            (error, matches!(status, 429 | 502 | 503 | 504), retry_after)
                        }
                    }
                }
            };
            if !retryable || attempt >= self.retry.max_attempts {
                break Err(error);
            }
            let now = self.clock.now();
            let delay = match retry_after {
                Some(retry_after) => retry_after.delay_from(now),
                None => match self.unit_random() {
                    Ok(unit) => self.retry.backoff(attempt, unit),
                    Err(random) => break Err(random),
                },
            };
            let past_deadline =
                |deadline: SystemTime| now.checked_add(delay).is_none_or(|end| end >= deadline);
            if delay > self.retry.max_delay || deadline.is_some_and(past_deadline) {
                break Err(error);
            }
            tracing::debug!(attempt, delay_ms = duration_ms(delay), "retrying");
            self.sleep.sleep(delay).await;
        };
        let elapsed = self.clock.now().duration_since(started).unwrap_or_default();
        span.record("latency_ms", duration_ms(elapsed));
        span.record("attempts", attempt);
        match &result {
            Ok(_) => tracing::debug!("call succeeded"),
            // Kind, status and code only: the error's Display may quote the operator's message.
            Err(error) => tracing::debug!(
                error.kind = error.kind(),
                error.status = error.status(),
                error.code = error.as_operator().map(|operator| operator.code().as_str()),
                "call failed"
            ),
        }
        result
    }

    fn answer<T>(
        &self,
        decoded: crate::endpoint::Decoded<T>,
        status: u16,
        correlator: XCorrelator,
        echo: CorrelatorEcho,
        attempts: u32,
    ) -> Result<Answer<T>, CamaraError> {
        for quirk in &decoded.tolerated {
            tracing::debug!(quirk = quirk.quirk.as_str(), path = %quirk.path, "tolerated a deviation from the spec");
        }
        self.check_echo(&correlator, &echo)?;
        Ok(Answer {
            value: decoded.value,
            status,
            correlator,
            echo,
            tolerated: decoded.tolerated,
            attempts,
            spec: self.profile.spec(),
        })
    }

    /// Applies the correlator policy to a response's echo (success or error): a mismatch is an error
    /// under [`CorrelatorPolicy::Require`], a warning event otherwise.
    fn check_echo(&self, correlator: &XCorrelator, echo: &CorrelatorEcho) -> Result<(), CamaraError> {
        if *echo == CorrelatorEcho::Echoed {
            return Ok(());
        }
        let received = match echo {
            CorrelatorEcho::Different(received) => Some(received.clone()),
            _ => None,
        };
        if self.correlator_policy == CorrelatorPolicy::Require {
            return Err(CamaraError::CorrelatorMismatch {
                sent: correlator.clone(),
                received,
            });
        }
        if received.is_some() {
            tracing::warn!("the response x-correlator differs from the request's");
        }
        Ok(())
    }

    /// Sends one request; `None` if the deadline passed first.
    async fn exchange(
        &self,
        request: HttpRequest,
        deadline: Option<SystemTime>,
    ) -> Option<Result<HttpResponse, TransportError>> {
        let send = self.transport.send(request);
        let Some(deadline) = deadline else {
            return Some(send.await);
        };
        let remaining = deadline.duration_since(self.clock.now()).unwrap_or_default();
        race(send, self.sleep.sleep(remaining)).await
    }

    /// A uniform random number in `[0, 1)` from the random port.
    fn unit_random(&self) -> Result<f64, CamaraError> {
        let mut bytes = [0_u8; 8];
        self.rng.fill(&mut bytes).map_err(CamaraError::Random)?;
        // 53 random bits fill an f64 mantissa exactly, so the conversion is lossless.
        let bits = u64::from_le_bytes(bytes) >> 11;
        #[allow(clippy::cast_precision_loss)]
        Ok(bits as f64 / (1_u64 << 53) as f64)
    }
}

fn echo_of(response: &HttpResponse, sent: &XCorrelator) -> CorrelatorEcho {
    match response.headers().get(X_CORRELATOR) {
        None => CorrelatorEcho::Missing,
        Some(value) if value.as_bytes() == sent.as_str().as_bytes() => CorrelatorEcho::Echoed,
        Some(value) => CorrelatorEcho::Different(String::from_utf8_lossy(value.as_bytes()).into_owned()),
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

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
