//! The thin async client: addresses an [`Endpoint`] with the profile, sends it through the
//! [`HttpTransport`] port with the bearer token and an `x-correlator`, retries when told to, honours
//! deadlines, and decodes the answer.

use std::sync::Arc;

use netid_core::correlator::XCorrelator;
use netid_core::ports::{Clock, OsRandom, SecureRandom, SystemClock};
use netid_core::token::AccessToken;
use netid_transport::{HttpTransport, Sleep};
use tracing::Instrument;
use tracing::field::Empty;

use crate::endpoint::Endpoint;
use crate::error::{CamaraError, InvalidRequest};
use crate::profile::OperatorProfile;

mod call;
mod options;
mod race;
mod retry;

pub use options::{Answer, CallOptions, CorrelatorEcho, CorrelatorPolicy};
pub(crate) use race::race;
pub use retry::RetryPolicy;

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
}
