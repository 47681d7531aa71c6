//! The async driver: runs the sans-I/O sessions over the `netid-transport` ports.
//!
//! It is the only async code of the crate and the only place that reads the clock, sleeps and
//! draws randomness (through the injected [`Clock`], [`Sleep`] and [`SecureRandom`] ports). Every
//! CIBA loop ends at the protocol deadline (`expires_in`), and the progress callback can cancel it;
//! dropping the future cancels too.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::SystemTime;

use netid_core::ports::{Clock, OsRandom, SecureRandom, SystemClock};
use netid_transport::{HttpTransport, Origin, Sleep, TransportError};

use crate::ciba::{BackchannelRequest, CibaSession, Progress, RequestEntropy};
use crate::client::ClientConfig;
use crate::error::{Error, TransportFailure, UsageError};
use crate::grant::TokenRequestSession;
use crate::provider::{CibaProvider, Jwks, ProviderConfig};
use crate::tokens::TokenSet;

mod cache;
mod flight;
mod store;

pub use cache::{Lookup, TokenCache, TokenOrigin};
pub use flight::{
    Claim, Fence, FlightFailure, FlightOutcome, FlightPolicy, FlightState, InMemorySharedFlight, SharedFlight,
};
pub use store::{InMemoryTokenStore, Reuse, StoredToken, TokenKey, TokenStore};

/// Upper bound of driver-loop iterations: far above any real flow (a 10-minute `expires_in` at the
/// 1 s floor is 600 polls); reached only when a [`Sleep`] returns without the [`Clock`] moving.
const MAX_ITERATIONS: u32 = 100_000;

impl From<TransportError> for TransportFailure {
    fn from(error: TransportError) -> Self {
        // Sessions retry only requests that are safe to repeat (a CIBA poll carries a fresh
        // assertion for the same auth_req_id), so every failure is worth a bounded retry except a
        // refused redirect, which will not change. Unclassified failures include a pooled
        // keep-alive connection the server closed while we waited (Node closes idle ones after
        // 5 s; the oidc-provider interop slow-down case runs into it).
        let retryable = !matches!(error, TransportError::Redirect { .. });
        Self::new(error.to_string(), retryable)
    }
}

/// Runs flows over a transport, a clock, a sleep and a random source.
#[derive(Debug, Clone)]
pub struct Driver {
    transport: Arc<dyn HttpTransport>,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
    random: Arc<dyn SecureRandom>,
}

impl Driver {
    /// A driver with the system clock and the OS random source.
    pub fn new(transport: Arc<dyn HttpTransport>, sleep: Arc<dyn Sleep>) -> Self {
        Self::with_details(transport, Arc::new(SystemClock), sleep, Arc::new(OsRandom))
    }

    /// A driver with every port given.
    pub fn with_details(
        transport: Arc<dyn HttpTransport>,
        clock: Arc<dyn Clock>,
        sleep: Arc<dyn Sleep>,
        random: Arc<dyn SecureRandom>,
    ) -> Self {
        Self {
            transport,
            clock,
            sleep,
            random,
        }
    }

    /// The clock this driver reads.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    async fn send(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> Result<http::Response<bytes::Bytes>, TransportFailure> {
        let origin = Origin::of(request.uri());
        self.transport
            .send(request)
            .await
            .map_err(|error| TransportFailure::from(error).with_origin(origin.to_string()))
    }

    /// Discovers `issuer` and fetches its JWKS.
    ///
    /// # Errors
    ///
    /// Transport, status and decoding errors of either request; see
    /// [`ProviderConfig::from_discovery_response`].
    pub async fn discover(&self, issuer: &str) -> Result<ProviderConfig, Error> {
        let response = self.send(ProviderConfig::discovery_request(issuer)?).await?;
        let provider = ProviderConfig::from_discovery_response(issuer, &response)?;
        self.fetch_jwks(provider).await
    }

    /// Discovers `issuer`, fetches its JWKS, and checks that it can run CIBA
    /// ([`CibaProvider::from_discovered`]).
    ///
    /// # Errors
    ///
    /// Those of [`discover`](Self::discover); [`UsageError::MissingProviderValue`] when the
    /// document announces no backchannel authentication endpoint.
    pub async fn discover_ciba(&self, issuer: &str) -> Result<CibaProvider, Error> {
        CibaProvider::from_discovered(self.discover(issuer).await?)
    }

    /// Fetches the provider's JWKS from its `jwks_uri` and stores it in the configuration.
    ///
    /// # Errors
    ///
    /// [`UsageError::MissingProviderValue`] without a `jwks_uri`; transport, status and decoding
    /// errors.
    pub async fn fetch_jwks(&self, provider: ProviderConfig) -> Result<ProviderConfig, Error> {
        let response = self.send(provider.jwks_request()?).await?;
        Ok(provider.with_jwks(Jwks::from_response(&response)?))
    }

    /// Runs a whole CIBA flow and returns its tokens.
    ///
    /// # Errors
    ///
    /// The flow's final error (see [`CibaSession`]).
    pub async fn ciba(
        &self,
        client: Arc<ClientConfig>,
        provider: CibaProvider,
        request: BackchannelRequest,
    ) -> Result<TokenSet, Error> {
        let mut session = CibaSession::new(client, provider, request);
        self.run_ciba(&mut session, |_| ControlFlow::Continue(())).await
    }

    /// Drives `session` to its end, calling `progress` before every wait; returning
    /// [`ControlFlow::Break`] from it cancels the flow ([`crate::error::FlowError::Cancelled`]).
    ///
    /// # Errors
    ///
    /// The flow's final error (see [`CibaSession`]).
    pub async fn run_ciba<F>(&self, session: &mut CibaSession, mut progress: F) -> Result<TokenSet, Error>
    where
        F: FnMut(Progress) -> ControlFlow<()> + Send,
    {
        for _ in 0..MAX_ITERATIONS {
            if let Some(outcome) = session.poll_outcome() {
                return outcome;
            }
            let now = self.clock.now();
            let entropy = RequestEntropy::generate(self.random.as_ref())?;
            if let Some(request) = session.poll_request(now, entropy)? {
                // Handler errors are final and come back from `poll_outcome` on the next turn.
                let _ = match self.send(request).await {
                    Ok(response) => session.handle_response(self.clock.now(), response),
                    Err(failure) => session.handle_transport_error(self.clock.now(), failure),
                };
                continue;
            }
            let Some(wake_at) = session.poll_timeout() else {
                return Err(UsageError::SessionState("session neither finished nor waiting").into());
            };
            if progress(session.progress()).is_break() {
                session.cancel();
                continue;
            }
            self.sleep_until(now, wake_at).await;
        }
        session.cancel();
        Err(UsageError::SessionState("the clock does not advance while sleeping").into())
    }

    async fn sleep_until(&self, now: SystemTime, wake_at: SystemTime) {
        if let Ok(wait) = wake_at.duration_since(now) {
            self.sleep.sleep(wait).await;
        }
    }

    /// Runs a one-shot token request (code exchange, refresh, JWT-bearer).
    ///
    /// # Errors
    ///
    /// The session's error (see [`TokenRequestSession`]).
    pub async fn exchange(&self, mut session: TokenRequestSession) -> Result<TokenSet, Error> {
        let entropy = RequestEntropy::generate(self.random.as_ref())?;
        if let Some(request) = session.poll_request(self.clock.now(), entropy)? {
            let _ = match self.send(request).await {
                Ok(response) => session.handle_response(self.clock.now(), response),
                Err(failure) => session.handle_transport_error(failure),
            };
        }
        session
            .poll_outcome()
            .unwrap_or_else(|| Err(UsageError::SessionState("token request session was already used").into()))
    }
}
