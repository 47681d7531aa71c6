//! [`TelcoFinder`]: which operator serves a subscriber, asked of a GSMA Open Gateway Telco Finder
//! with a two-legged token, and the facade [`Operator`](crate::Operator) of the operator found.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use netid_camara::telco_finder::{CachePolicy, PortabilitySearchMode, TelcoFinderClient};
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::{Driver, SharedFlight, TokenStore};
use netid_ciba::provider::ProviderConfig;
use netid_core::ports::{Clock, SecureRandom};
use netid_core::scope::Scope;
use netid_core::token::AccessToken;
use netid_transport::{HttpTransport, Sleep};
use tokio::sync::Mutex;

pub use netid_camara::telco_finder::{OperatorId, SearchTarget};

pub use chain::{MAX_SECOND_LEVEL, RoutingError};

use crate::credentials::client_config;
use crate::description::{EnvLookup, KeyText, OperatorDescription, SearchMode, process_env};
use crate::error::Error;
use crate::operator::Ports;
use crate::provider::TokenSharing;

mod chain;
mod operator;

/// The longest reuse of an answer when the description does not say (`cache-max-age`).
const DEFAULT_CACHE_MAX_AGE: Duration = Duration::from_secs(300);

/// The operator a Telco Finder named for a subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resolved {
    /// The operator (brand): a known profile's name when the operator is one the library knows.
    pub operator_id: OperatorId,
    /// The root URL of the operator's API gateway (the CAMARA base paths are below it).
    pub api_root: String,
    /// The operator's OpenID discovery URL (`…/.well-known/openid-configuration`).
    pub discovery_url: String,
    /// Whether the answer came from the cache.
    pub from_cache: bool,
}

/// A GSMA Open Gateway Telco Finder, built from an operator description's `[telco-finder]` table
/// and its client registration (the token is a client-credentials grant with `private_key_jwt`).
///
/// [`resolve`](Self::resolve) names the operator of a number or a device address (answers cached for the finder's
/// lifetime, at most `cache-max-age`); [`operator`](Self::operator) turns the answer into an
/// [`Operator`](crate::Operator) of the description's API tables, through the operator's
/// discovery. Cheap to clone.
#[derive(Clone)]
pub struct TelcoFinder {
    inner: Arc<Inner>,
}

struct Inner {
    client: TelcoFinderClient,
    driver: Driver,
    credentials: Option<Arc<ClientConfig>>,
    issuer: Option<String>,
    /// The OpenID Providers of the finders, by issuer: the first finder's, and those of the
    /// second-level finders followed.
    providers: Mutex<BTreeMap<String, Arc<ProviderConfig>>>,
    /// The finders' tokens by issuer, with their expiry.
    tokens: Mutex<BTreeMap<String, (AccessToken, Option<SystemTime>)>>,
    /// The clients of the second-level finders followed, by base URL (each with its own cache).
    second_level: std::sync::Mutex<BTreeMap<String, TelcoFinderClient>>,
    scope: Scope,
    mode: Option<PortabilitySearchMode>,
    template: OperatorDescription,
    ports: Ports,
    client_id: Option<String>,
    key: Option<KeyText>,
    sharing: TokenSharing,
}

impl fmt::Debug for TelcoFinder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("TelcoFinder")
            .field("url", &inner.client.base_url())
            .field("issuer", &inner.issuer)
            .field("client_id", &inner.client_id)
            .finish_non_exhaustive()
    }
}

impl TelcoFinder {
    /// The finder of `description`'s `[telco-finder]` table, over the default transport and sleep
    /// (feature `reqwest`), secrets from the process environment where the description names
    /// variables.
    ///
    /// # Errors
    ///
    /// As [`TelcoFinderBuilder::build`].
    #[cfg(feature = "reqwest")]
    pub fn new(description: OperatorDescription) -> Result<Self, Error> {
        Self::builder(description).build()
    }

    /// A builder, to give ports, credentials or a cache policy.
    pub fn builder(description: OperatorDescription) -> TelcoFinderBuilder {
        TelcoFinderBuilder {
            description,
            transport: None,
            sleep: None,
            clock: None,
            random: None,
            client_id: None,
            key: None,
            cache: None,
            sharing: (None, None),
        }
    }

    /// The operator serving `target`: a phone number (`&PhoneNumber`), or a device's public
    /// address (`IpAddr`, or `SocketAddr` with its public port); its id, API root and discovery
    /// URL. A finder may name a second-level finder instead of an operator: it is asked next,
    /// with a token of its own provider (the same client credentials), at most
    /// [`MAX_SECOND_LEVEL`] times.
    ///
    /// # Errors
    ///
    /// [`Error::NotSupported`] when a finder knows no supported operator for the target;
    /// [`Error::Routing`] for a loop of finders or too long a chain; [`Error::Incomplete`] for an
    /// answer without API root or discovery URL; [`Error::Token`] when no token was obtained;
    /// [`Error::Call`] for the finders' other errors.
    pub async fn resolve(&self, target: impl Into<SearchTarget>) -> Result<Resolved, Error> {
        self.resolve_target(target.into()).await
    }
}

/// Builds a [`TelcoFinder`] with the ports and credentials given, the defaults for the rest.
#[must_use]
pub struct TelcoFinderBuilder {
    description: OperatorDescription,
    transport: Option<Arc<dyn HttpTransport>>,
    sleep: Option<Arc<dyn Sleep>>,
    clock: Option<Arc<dyn Clock>>,
    random: Option<Arc<dyn SecureRandom>>,
    client_id: Option<String>,
    key: Option<KeyText>,
    cache: Option<CachePolicy>,
    sharing: TokenSharing,
}

impl fmt::Debug for TelcoFinderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelcoFinderBuilder")
            .field("description", &self.description)
            .field("key", &self.key)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl TelcoFinderBuilder {
    /// The token store of the operators built from resolutions
    /// (see [`OperatorBuilder::token_store`](crate::OperatorBuilder::token_store)).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.sharing.0 = Some(store);
        self
    }

    /// The shared CIBA flight of the operators built from resolutions
    /// (see [`OperatorBuilder::shared_flight`](crate::OperatorBuilder::shared_flight)).
    pub fn shared_flight(mut self, flight: Arc<dyn SharedFlight>) -> Self {
        self.sharing.1 = Some(flight);
        self
    }

    /// The HTTP transport of every request (finder, tokens, and the operators built later).
    pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// How to wait (deadlines, and the operators' polling and retries).
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// The clock (the system clock by default): token and answer lifetimes.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The random source (the OS's by default).
    pub fn random(mut self, random: Arc<dyn SecureRandom>) -> Self {
        self.random = Some(random);
        self
    }

    /// The client id, instead of the description's.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The private key (PEM or JWK text), instead of the description's.
    pub fn key(mut self, key: KeyText) -> Self {
        self.key = Some(key);
        self
    }

    /// How answers are reused, instead of `cache-max-age` (300 s by default).
    pub fn cache(mut self, policy: CachePolicy) -> Self {
        self.cache = Some(policy);
        self
    }

    /// Resolves the description's client id and key now, through `env` instead of the process
    /// environment. What was given with [`client_id`](Self::client_id) or [`key`](Self::key) stays.
    ///
    /// # Errors
    ///
    /// As [`OperatorBuilder::secrets_from`](crate::OperatorBuilder::secrets_from).
    pub fn secrets_from(mut self, env: EnvLookup<'_>) -> Result<Self, Error> {
        if self.client_id.is_none() {
            self.client_id = self.description.client.resolve_client_id(env)?;
        }
        if self.key.is_none() {
            self.key = self.description.client.resolve_key(env)?;
        }
        Ok(self)
    }

    /// The finder.
    ///
    /// # Errors
    ///
    /// [`Error::Incomplete`] without a `[telco-finder]` table, [`Error::Description`] for a
    /// scope that is not OAuth scope tokens, unusable credentials, or a missing port without the
    /// `reqwest` feature.
    pub fn build(self) -> Result<TelcoFinder, Error> {
        let section =
            self.description.telco_finder.clone().ok_or_else(|| {
                Error::Incomplete("the operator file has no [telco-finder] table".to_owned())
            })?;
        // The ports every operator built from a resolution shares with the finder.
        let ports = Ports::resolve(self.transport, self.sleep, self.clock, self.random)?;
        let client_id = match self.client_id {
            Some(id) => Some(id),
            None => self.description.client.resolve_client_id(&process_env)?,
        };
        let key = match self.key {
            Some(key) => Some(key),
            None => self.description.client.resolve_key(&process_env)?,
        };
        let credentials = client_config(
            &self.description.client,
            client_id.clone(),
            key.clone(),
            &process_env,
        )?;
        let scope_text = section
            .scope
            .as_deref()
            .unwrap_or(netid_camara::telco_finder::SCOPE);
        let scope: Scope = scope_text.parse().map_err(|_| {
            Error::Description(crate::description::DescriptionError::ScopeToken {
                key: "[telco-finder] scope".to_owned(),
            })
        })?;
        let policy = self.cache.unwrap_or_else(|| {
            CachePolicy::new(
                section
                    .cache_max_age
                    .map_or(DEFAULT_CACHE_MAX_AGE, Duration::from_secs),
            )
        });
        let client = TelcoFinderClient::with_details(
            ports.transport.clone(),
            section.url.clone(),
            ports.clock.clone(),
            ports.random.clone(),
            ports.sleep.clone(),
        )
        .with_cache(policy);
        let driver = Driver::with_details(
            ports.transport.clone(),
            ports.clock.clone(),
            ports.sleep.clone(),
            ports.random.clone(),
        );
        let mode = section.portability_search_mode.map(|mode| match mode {
            SearchMode::Shallow => PortabilitySearchMode::Shallow,
            SearchMode::Deep => PortabilitySearchMode::Deep,
        });
        let issuer = section
            .issuer
            .clone()
            .or_else(|| self.description.provider.issuer.clone());
        Ok(TelcoFinder {
            inner: Arc::new(Inner {
                client,
                driver,
                credentials,
                issuer,
                providers: Mutex::new(BTreeMap::new()),
                tokens: Mutex::new(BTreeMap::new()),
                second_level: std::sync::Mutex::new(BTreeMap::new()),
                scope,
                mode,
                template: self.description,
                ports,
                client_id,
                key,
                sharing: self.sharing,
            }),
        })
    }
}
