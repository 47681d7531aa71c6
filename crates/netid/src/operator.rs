//! [`Operator`]: one operator, built from its description, with the wiring defaulted and every port
//! replaceable.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use netid_camara::{Api, CamaraClient, RetryPolicy};
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::{Driver, Reuse, SharedFlight, TokenStore};
use netid_core::ports::{Clock, OsRandom, SecureRandom, SystemClock};
use netid_core::scope::{Purpose, Scope};
use netid_transport::{HttpTransport, Sleep};

use crate::credentials::client_config;
use crate::description::{
    EnvLookup, KeyText, OperatorDescription, RequestDescription, ResolvedApi, process_env,
};
use crate::error::Error;
use crate::provider::{ProviderSlot, ProviderSource};

/// One operator: the APIs its description names, each called in one line, with tokens obtained
/// the way its profile says (CIBA through a shared token cache with single flight, JWT-bearer, or
/// the caller's).
///
/// Cheap to clone (an `Arc`); share one per operator across the application, so concurrent calls
/// for one subscriber share one CIBA flow.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
///
/// use netid::{Operator, OperatorDescription};
/// use netid_core::phone::PhoneNumber;
///
/// let operator = Operator::new(OperatorDescription::read("netid.toml".as_ref())?)?;
/// let number = PhoneNumber::parse_lenient("+34 654 654 654")?;
/// let reply = operator.sim_swap(number).check(Duration::from_secs(240 * 3600)).await?;
/// println!("swapped: {}", reply.value.swapped);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Operator {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) purpose: Purpose,
    pub(crate) request: RequestDescription,
    pub(crate) apis: BTreeMap<Api, ApiRuntime>,
    pub(crate) providers: Vec<ProviderSlot>,
    /// The provider of bare token requests (the description's top level), if any.
    pub(crate) default_provider: Option<usize>,
    pub(crate) client: Option<Arc<ClientConfig>>,
    pub(crate) driver: Driver,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn SecureRandom>,
}

/// One API of the operator: its resolved profile, its client, and its provider.
pub(crate) struct ApiRuntime {
    pub(crate) resolved: ResolvedApi,
    pub(crate) client: CamaraClient,
    pub(crate) provider: Option<usize>,
}

impl fmt::Debug for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Operator")
            .field("apis", &inner.apis.keys().collect::<Vec<_>>())
            .field("providers", &inner.providers)
            .field(
                "client_id",
                &inner.client.as_ref().map(|client| client.client_id().to_owned()),
            )
            .finish_non_exhaustive()
    }
}

impl Operator {
    /// The operator `description` describes, over the default transport and sleep (feature
    /// `reqwest`), with secrets from the process environment where the description names variables.
    ///
    /// # Errors
    ///
    /// An [`Error`] naming what in the description is wrong or missing.
    #[cfg(feature = "reqwest")]
    pub fn new(description: OperatorDescription) -> Result<Self, Error> {
        Self::builder(description).build()
    }

    /// A builder, to give ports (transport, sleep, clock, random source), credentials or a retry
    /// policy.
    pub fn builder(description: OperatorDescription) -> OperatorBuilder {
        OperatorBuilder {
            description,
            transport: None,
            sleep: None,
            clock: None,
            random: None,
            client_id: None,
            key: None,
            retry: RetryPolicy::none(),
            token_store: None,
            flight: None,
        }
    }

    /// The APIs the description names.
    pub fn apis(&self) -> impl Iterator<Item = Api> + '_ {
        self.inner.apis.keys().copied()
    }

    /// The resolved profile of `api`.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::NoApi`](crate::description::DescriptionError::NoApi).
    pub fn api(&self, api: Api) -> Result<&ResolvedApi, Error> {
        Ok(&self.inner.runtime(api)?.resolved)
    }

    /// The purpose of the data processing every token is asked for.
    #[must_use]
    pub fn purpose(&self) -> &Purpose {
        &self.inner.purpose
    }

    /// The scope a token for `operation` is asked with, written the operator's way.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::NoApi`](crate::description::DescriptionError::NoApi).
    pub fn scope(&self, operation: crate::Operation) -> Result<Scope, Error> {
        Ok(self
            .inner
            .runtime(operation.api())?
            .resolved
            .scope(operation, &self.inner.purpose))
    }
}

impl Inner {
    pub(crate) fn runtime(&self, api: Api) -> Result<&ApiRuntime, Error> {
        self.apis
            .get(&api)
            .ok_or_else(|| crate::description::DescriptionError::NoApi { api }.into())
    }
}

/// Builds an [`Operator`] with the ports and credentials given, the defaults for the rest.
#[must_use]
pub struct OperatorBuilder {
    description: OperatorDescription,
    transport: Option<Arc<dyn HttpTransport>>,
    sleep: Option<Arc<dyn Sleep>>,
    clock: Option<Arc<dyn Clock>>,
    random: Option<Arc<dyn SecureRandom>>,
    client_id: Option<String>,
    key: Option<KeyText>,
    retry: RetryPolicy,
    token_store: Option<Arc<dyn TokenStore>>,
    flight: Option<Arc<dyn SharedFlight>>,
}

impl fmt::Debug for OperatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperatorBuilder")
            .field("description", &self.description)
            .field("transport", &self.transport)
            .field("key", &self.key)
            .field("retry", &self.retry)
            .field("token_store", &self.token_store)
            .field("flight", &self.flight)
            .finish_non_exhaustive()
    }
}

impl OperatorBuilder {
    /// The HTTP transport of every request (token flows and API calls).
    pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// How to wait (CIBA polling, retry backoff, deadlines).
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// The clock (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The random source (the OS's by default).
    pub fn random(mut self, random: Arc<dyn SecureRandom>) -> Self {
        self.random = Some(random);
        self
    }

    /// Resolves the description's client id and key now: `client-id-env` and `key-env` through
    /// `env` instead of the process environment, the key file read. What was given with
    /// [`client_id`](Self::client_id) or [`key`](Self::key) stays.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::UnsetVariable`](crate::description::DescriptionError::UnsetVariable),
    /// [`DescriptionError::Conflict`](crate::description::DescriptionError::Conflict),
    /// [`DescriptionError::Read`](crate::description::DescriptionError::Read).
    pub fn secrets_from(mut self, env: EnvLookup<'_>) -> Result<Self, Error> {
        if self.client_id.is_none() {
            self.client_id = self.description.client.resolve_client_id(env)?;
        }
        if self.key.is_none() {
            self.key = self.description.client.resolve_key(env)?;
        }
        Ok(self)
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

    /// Retries of API calls on 429, 502, 503, 504 and connection failures (none by default). The
    /// wait uses the operator's sleep, so a policy always takes effect.
    ///
    /// Calls of an API whose tokens are single-use ([`Reuse::SingleUse`]: Number Verification) are
    /// never retried: the first attempt may have reached the operator and spent the token.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shares reusable tokens through `store` (for example Redis, with `netid-redis`): a call
    /// that finds no live token in this operator looks there before running a flow, and every
    /// reusable token obtained here is left there, so several operators (in one process or in
    /// several) built with stores over the same data run one flow per subject and scope. Single-use
    /// tokens never reach the store. A store that fails is logged and otherwise ignored.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// use netid::{Operator, OperatorDescription};
    /// use netid::crates::ciba::driver::InMemoryTokenStore;
    ///
    /// let text = "issuer = \"https://op.example\"\n[sim-swap]\nprofile = \"camara-2.1.0\"\nbase-url = \"https://api.example/sim-swap/v2\"";
    /// let store = Arc::new(InMemoryTokenStore::new());
    /// let builder = Operator::builder(OperatorDescription::from_toml_str(text)?).token_store(store);
    /// # drop(builder);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Runs one CIBA flow per subject and scope across every operator (in this process or others)
    /// sharing `flight` (for example `netid-redis`'s `RedisSharedFlight`, usually beside its token
    /// store): the others wait for that flow's token or error instead of asking the user again.
    /// Default [`FlightPolicy`](netid_ciba::driver::FlightPolicy); single-use tokens never use it; a flight that fails is logged and
    /// the call runs its own flow.
    pub fn shared_flight(mut self, flight: Arc<dyn SharedFlight>) -> Self {
        self.flight = Some(flight);
        self
    }

    /// The operator.
    ///
    /// # Errors
    ///
    /// An [`Error`]: a description that does not resolve (an unknown profile, a missing base URL, a
    /// provider half given), unusable credentials, or a missing port without the `reqwest` feature.
    pub fn build(self) -> Result<Operator, Error> {
        let Ports {
            transport,
            sleep,
            clock,
            random,
        } = Ports::resolve(self.transport, self.sleep, self.clock, self.random)?;
        let description = self.description;
        let client = client_config(&description.client, self.client_id, self.key, &process_env)?;
        let mut providers: Vec<ProviderSlot> = Vec::new();
        let mut slot_of =
            |source: ProviderSource| match providers.iter().position(|slot| *slot.source() == source) {
                Some(index) => index,
                None => {
                    let shared = (self.token_store.clone(), self.flight.clone());
                    providers.push(ProviderSlot::new(source, shared));
                    providers.len() - 1
                }
            };
        let default_provider = ProviderSource::choose(&description.provider, None)
            .ok()
            .flatten()
            .map(&mut slot_of);
        let mut apis = BTreeMap::new();
        for api in description.apis.keys().copied() {
            let resolved = description.api(api)?;
            let provider = ProviderSource::choose(&description.provider, resolved.profile().provider())?
                .map(&mut slot_of);
            let client = CamaraClient::with_details(
                transport.clone(),
                resolved.profile().client().clone(),
                clock.clone(),
                random.clone(),
                sleep.clone(),
            )
            // A call sent with a single-use token may have spent it: sending it again is unsafe.
            .with_retry(match resolved.profile().reuse() {
                Reuse::SingleUse => RetryPolicy::none(),
                _ => self.retry,
            });
            apis.insert(
                api,
                ApiRuntime {
                    resolved,
                    client,
                    provider,
                },
            );
        }
        let driver = Driver::with_details(transport, clock.clone(), sleep, random.clone());
        Ok(Operator {
            inner: Arc::new(Inner {
                purpose: description.purpose(),
                request: description.request,
                apis,
                providers,
                default_provider,
                client,
                driver,
                clock,
                random,
            }),
        })
    }
}

/// The ports an operator (or a Telco Finder) runs on: the caller's, or the defaults.
#[derive(Clone)]
pub(crate) struct Ports {
    pub(crate) transport: Arc<dyn HttpTransport>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn SecureRandom>,
}

impl Ports {
    /// The given ports, each missing one replaced by its default: reqwest and tokio (with the
    /// `reqwest` feature), the system clock and the OS random source.
    pub(crate) fn resolve(
        transport: Option<Arc<dyn HttpTransport>>,
        sleep: Option<Arc<dyn Sleep>>,
        clock: Option<Arc<dyn Clock>>,
        random: Option<Arc<dyn SecureRandom>>,
    ) -> Result<Self, Error> {
        Ok(Self {
            transport: match transport {
                Some(transport) => transport,
                None => default_transport()?,
            },
            sleep: match sleep {
                Some(sleep) => sleep,
                None => default_sleep()?,
            },
            clock: clock.unwrap_or_else(|| Arc::new(SystemClock)),
            random: random.unwrap_or_else(|| Arc::new(OsRandom)),
        })
    }
}

#[cfg(feature = "reqwest")]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    netid_reqwest::ReqwestTransport::new()
        .map(|transport| Arc::new(transport) as Arc<dyn HttpTransport>)
        .map_err(|error| Error::Incomplete(format!("cannot build the HTTP client: {error}")))
}

#[cfg(not(feature = "reqwest"))]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    Err(Error::MissingPort("transport"))
}

#[cfg(feature = "reqwest")]
#[allow(clippy::unnecessary_wraps)]
fn default_sleep() -> Result<Arc<dyn Sleep>, Error> {
    Ok(Arc::new(netid_reqwest::TokioSleep))
}

#[cfg(not(feature = "reqwest"))]
fn default_sleep() -> Result<Arc<dyn Sleep>, Error> {
    Err(Error::MissingPort("sleep"))
}
