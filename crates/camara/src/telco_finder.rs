//! GSMA Open Gateway Telco Finder: which operator serves a phone number or a device's public IP
//! address, and where its APIs and its OpenID Provider are. Not a CAMARA file: built from the
//! published shape (Open-Gateway-Documents, chapter 5, "Routing / Telco Finder").
//!
//! - [`search`]: `POST {finder}/search` with a [`SearchTarget`] → [`SearchOutcome`]: the
//!   operator id, its API root and discovery URL, or `NotSupported`.
//! - [`routing`]: `GET {routing}/routing`, an operator's [`RoutingTable`] (rules by MSISDN
//!   prefix, IP range or MCC-MNC → a static operator or a second-level finder), and its pure
//!   resolver.
//! - [`TelcoFinderClient`]: both over the transport port, answers cached for the lifetime the
//!   finder gives, bounded by the caller's [`CachePolicy`].
//!
//! The finder is called with a two-legged token (client credentials, `private_key_jwt`, scope
//! `telcofinder`); obtaining it is the caller's business, as for every API of this crate.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::{Duration, SystemTime};
//!
//! use netid_camara::CallOptions;
//! use netid_camara::telco_finder::{CachePolicy, SearchOutcome, SearchRequest, SearchTarget, TelcoFinderClient};
//! use netid_core::phone::PhoneNumber;
//! use netid_core::test_util::{ManualClock, SeededRandom};
//! use netid_core::token::AccessToken;
//! use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! let expected = http::Request::post("https://finder.example/telco-finder/v1/search")
//!     .header("authorization", "Bearer 2-legged")
//!     .header("accept", "application/json")
//!     .header("content-type", "application/json")
//!     .body(bytes::Bytes::from_static(
//!         br#"{"target":{"phoneNumber":"+447709558432"},"includeApiRoot":true,"includeAuthProviderConfiguration":true}"#,
//!     ))?;
//! let answered = http::Response::builder()
//!     .status(200)
//!     .header("cache-control", "max-age=300")
//!     .body(bytes::Bytes::from_static(
//!         br#"{"operatorId":"OPERATOR_ID","apiRoot":"https://example.operator.com","authProviderConfiguration":"https://auth.operator.com/.well-known/openid-configuration"}"#,
//!     ))?;
//! let transport = Arc::new(ReplayTransport::new([ReplayEvent::new(expected, answered)]));
//! let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
//! let finder = TelcoFinderClient::with_details(
//!     transport.clone(),
//!     "https://finder.example/telco-finder/v1",
//!     Arc::new(clock.clone()),
//!     Arc::new(SeededRandom::new(7)),
//!     Arc::new(InstantSleep::new(clock)),
//! )
//! .with_cache(CachePolicy::new(Duration::from_secs(3600)));
//!
//! let number = PhoneNumber::parse_strict("+447709558432")?;
//! let request = SearchRequest::full(SearchTarget::PhoneNumber(number));
//! let token = AccessToken::new("2-legged");
//! let first = block_on(finder.search(&token, &request, CallOptions::new()))?;
//! let SearchOutcome::Found(found) = &first.value else { panic!("found") };
//! assert_eq!(found.operator_id.as_str(), "OPERATOR_ID");
//! // Within max-age the answer comes from the cache: the replay holds one exchange only.
//! let again = block_on(finder.search(&token, &request, CallOptions::new()))?;
//! assert!(again.from_cache);
//! transport.verify()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use netid_core::correlator::XCorrelator;
use netid_core::ports::{Clock, OsRandom, SecureRandom, SystemClock};
use netid_core::token::AccessToken;
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, Origin, Sleep};

use crate::client::{CallOptions, race};
use crate::error::CamaraError;

mod cache;
pub mod routing;
pub mod search;

pub use cache::CachePolicy;
pub use routing::{
    DynamicRoute, MsisdnPrefix, NetworkId, RoutingAction, RoutingRule, RoutingTable, StaticRoute,
};
pub use search::{
    Cacheable, PortabilitySearchMode, SearchOutcome, SearchRequest, SearchResult, SearchTarget,
};

/// The path of the Telco Finder API below an operator's API root.
pub const FINDER_BASE_PATH: &str = "/telco-finder/v1";

/// The path of the Telco Routing API below an operator's API root.
pub const ROUTING_BASE_PATH: &str = "/telco-routing/v1";

/// The scope of a token for the Telco Finder and Telco Routing APIs.
pub const SCOPE: &str = "telcofinder";

/// An operator (brand) identifier as a finder names it (`OPERATOR_ID`, `orange-spain`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperatorId(String);

impl OperatorId {
    /// An operator id: any non-empty text without control characters.
    ///
    /// # Errors
    ///
    /// [`InvalidId::OperatorId`] for an empty id or one with a control character.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidId> {
        let id = id.into();
        if id.is_empty() || id.chars().any(char::is_control) {
            return Err(InvalidId::OperatorId);
        }
        Ok(Self(id))
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OperatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An identifier of the Telco Finder shape that cannot be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidId {
    /// An empty operator id, or one with a control character.
    #[error("an operator id must be non-empty text without control characters")]
    OperatorId,
    /// Not `+` followed by 1 to 15 digits.
    #[error("an msisdn prefix must be `+` followed by 1 to 15 digits")]
    MsisdnPrefix,
    /// Not 5 or 6 digits.
    #[error("a network id (mcc and mnc) must be 5 or 6 digits")]
    NetworkId,
}

/// An answer and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lookup<T> {
    /// The answer.
    pub value: T,
    /// Whether it came from the cache (no request was sent).
    pub from_cache: bool,
    /// Until when the cache keeps it; `None` when it is not kept.
    pub expires: Option<SystemTime>,
}

/// A client of one Telco Finder (and of routing tables), over the transport port.
///
/// One attempt per call (a finder's answer is cheap to ask again); the call's deadline bounds
/// it. With [`with_cache`](Self::with_cache), search answers (`NotSupported` included) are reused
/// for their lifetime, bounded by the policy.
#[derive(Debug, Clone)]
pub struct TelcoFinderClient {
    transport: Arc<dyn HttpTransport>,
    base_url: String,
    clock: Arc<dyn Clock>,
    rng: Arc<dyn SecureRandom>,
    sleep: Arc<dyn Sleep>,
    cache: Option<Arc<Mutex<cache::TtlCache<SearchOutcome>>>>,
}

impl TelcoFinderClient {
    /// A client of the finder at `base_url` (`https://finder.example/telco-finder/v1`; a trailing
    /// `/` is dropped), with the system clock and the OS random source. `sleep` bounds a call by
    /// its deadline.
    #[must_use]
    pub fn new(
        transport: Arc<dyn HttpTransport>,
        base_url: impl Into<String>,
        sleep: Arc<dyn Sleep>,
    ) -> Self {
        Self::with_details(
            transport,
            base_url,
            Arc::new(SystemClock),
            Arc::new(OsRandom),
            sleep,
        )
    }

    /// A client with every port given: clock (cache lifetimes, deadlines), random source
    /// (correlators) and sleep (deadline timer).
    #[must_use]
    pub fn with_details(
        transport: Arc<dyn HttpTransport>,
        base_url: impl Into<String>,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn SecureRandom>,
        sleep: Arc<dyn Sleep>,
    ) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self {
            transport,
            base_url,
            clock,
            rng,
            sleep,
            cache: None,
        }
    }

    /// Reuses search answers as `policy` says.
    #[must_use]
    pub fn with_cache(mut self, policy: CachePolicy) -> Self {
        self.cache = Some(Arc::new(Mutex::new(cache::TtlCache::new(policy))));
        self
    }

    /// A client of the finder at `base_url` (a second-level finder a route or an answer named)
    /// over the same transport, clock, random source and sleep, with a cache of its own under the
    /// same policy: answers of two finders never mix.
    #[must_use]
    pub fn for_finder(&self, base_url: impl Into<String>) -> Self {
        let mut client = Self::with_details(
            self.transport.clone(),
            base_url,
            self.clock.clone(),
            self.rng.clone(),
            self.sleep.clone(),
        );
        if let Some(cache) = &self.cache {
            let policy = cache.lock().unwrap_or_else(PoisonError::into_inner).policy();
            client = client.with_cache(policy);
        }
        client
    }

    /// The finder's base URL.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Asks the finder who serves `request.target`, or answers from the cache.
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]: the finder's typed error (other than `NotSupported`, which is an
    /// outcome), a decoding error, a transport error, the deadline, or the random source.
    pub async fn search(
        &self,
        token: &AccessToken,
        request: &SearchRequest,
        options: CallOptions,
    ) -> Result<Lookup<SearchOutcome>, CamaraError> {
        // The flags change the answer: they are part of the key.
        let key = format!(
            "{}|{}|{}|{:?}",
            request.target.expose_key(),
            request.include_api_root,
            request.include_auth_provider_configuration,
            request.portability_search_mode
        );
        if let Some(cache) = &self.cache {
            let hit = cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&key, self.clock.now());
            if let Some((value, expires)) = hit {
                return Ok(Lookup {
                    value,
                    from_cache: true,
                    expires: Some(expires),
                });
            }
        }
        let correlator = self.correlator(&options)?;
        let http_request = request.to_http_request(&self.base_url, token, &correlator)?;
        let response = self.exchange(http_request, options.deadline).await?;
        let answer = search::from_http_response(&response)?;
        tracing::debug!(
            status = response.status().as_u16(),
            found = matches!(answer.value, SearchOutcome::Found(_)),
            "telco finder answered"
        );
        let expires = self.cache.as_ref().and_then(|cache| {
            cache.lock().unwrap_or_else(PoisonError::into_inner).insert(
                key,
                answer.value.clone(),
                answer.ttl,
                self.clock.now(),
            )
        });
        Ok(Lookup {
            value: answer.value,
            from_cache: false,
            expires,
        })
    }

    /// Fetches the routing table of the routing API at `routing_base_url`
    /// (`https://operator.example/telco-routing/v1`). Not cached: a finder refreshes routing
    /// tables on its own schedule, using [`Cacheable::ttl`].
    ///
    /// # Errors
    ///
    /// As [`search`](Self::search); a table that is not the published shape is a decoding error.
    pub async fn routing_table(
        &self,
        routing_base_url: &str,
        token: &AccessToken,
        options: CallOptions,
    ) -> Result<Cacheable<RoutingTable>, CamaraError> {
        let correlator = self.correlator(&options)?;
        let base = routing_base_url.trim_end_matches('/');
        let http_request = routing::to_http_request(base, token, &correlator)?;
        let response = self.exchange(http_request, options.deadline).await?;
        routing::from_http_response(&response)
    }

    fn correlator(&self, options: &CallOptions) -> Result<XCorrelator, CamaraError> {
        match &options.correlator {
            Some(correlator) => Ok(correlator.clone()),
            None => XCorrelator::generate(&*self.rng).map_err(CamaraError::Random),
        }
    }

    async fn exchange(
        &self,
        request: HttpRequest,
        deadline: Option<SystemTime>,
    ) -> Result<HttpResponse, CamaraError> {
        let origin = Origin::of(request.uri());
        let send = self.transport.send(request);
        let sent = match deadline {
            None => send.await,
            Some(deadline) => {
                let remaining = deadline.duration_since(self.clock.now()).unwrap_or_default();
                race(send, self.sleep.sleep(remaining))
                    .await
                    .ok_or(CamaraError::Deadline { attempts: 1 })?
            }
        };
        sent.map_err(|source| CamaraError::Transport { origin, source })
    }
}

#[cfg(test)]
mod tests;
