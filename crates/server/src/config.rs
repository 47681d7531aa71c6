//! Server configuration: bind address, CIBA timings, token format, clients, subscribers, faults and
//! the clock and random ports.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use netid_core::phone::PhoneNumber;
use netid_core::ports::{Clock, OsRandom, SecureRandom, SystemClock};
use netid_core::secret::Secret;

use crate::hosted::HostedOperator;
use crate::registration::{ClientRegistration, SamlServiceProvider};
use crate::subscribers::SubscriberStore;
use crate::telco_finder::TelcoRoute;

/// The `client_id` of the demo client registered at start (see [`crate::DemoClient`]).
pub const DEMO_CLIENT_ID: &str = "netid-demo-client";

/// The redirect URIs registered for the demo client.
pub const DEMO_REDIRECT_URIS: [&str; 2] = ["http://127.0.0.1/callback", "http://localhost/callback"];

/// The entity id of the demo SAML service provider registered by default.
pub const DEMO_SAML_SP_ENTITY_ID: &str = "netid-demo-sp";

/// The assertion consumer service URLs of the demo SAML service provider.
pub const DEMO_SAML_ACS_URLS: [&str; 2] = ["http://127.0.0.1/saml/acs", "http://localhost/saml/acs"];

/// How access tokens look on the wire. Either way the server keeps the grant (subscriber, scopes,
/// client, expiry) and checks API calls against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AccessTokenFormat {
    /// 32 random bytes, base64url (the default, like the operators' `OFR_…` tokens).
    #[default]
    Opaque,
    /// An ES256-signed JWT (RFC 9068 style) carrying the pairwise subject, scope and client.
    Jwt,
}

/// What a fault does to the requests of one route.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer this status with a CAMARA error body (`INTERNAL`, `UNAVAILABLE`, `TIMEOUT`, ...).
    Status(u16),
    /// Answer `429 TOO_MANY_REQUESTS` with `Retry-After` in whole seconds.
    TooManyRequests {
        /// The `Retry-After` value.
        retry_after: Duration,
    },
    /// Answer `200` with a truncated JSON body.
    MalformedBody,
}

/// A fault injected on one route (exact request path): optional latency, then optional failure,
/// for every request or for the first `times` requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Fault {
    /// Delay before the request is handled (real time).
    pub latency: Option<Duration>,
    /// The failure; `None` adds latency only.
    pub kind: Option<FaultKind>,
    /// How many requests the fault applies to; `None` for all.
    pub times: Option<u32>,
}

impl Fault {
    /// Delays every request by `latency`.
    pub fn latency(latency: Duration) -> Self {
        Self {
            latency: Some(latency),
            ..Self::default()
        }
    }

    /// Answers `status` with a CAMARA error body.
    pub fn status(status: u16) -> Self {
        Self {
            kind: Some(FaultKind::Status(status)),
            ..Self::default()
        }
    }

    /// Answers `429` with `Retry-After`.
    pub fn too_many_requests(retry_after: Duration) -> Self {
        Self {
            kind: Some(FaultKind::TooManyRequests { retry_after }),
            ..Self::default()
        }
    }

    /// Answers `200` with a body that is not valid JSON.
    pub fn malformed_body() -> Self {
        Self {
            kind: Some(FaultKind::MalformedBody),
            ..Self::default()
        }
    }

    /// Applies to the first `times` requests only.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// Adds latency before the failure.
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = Some(latency);
        self
    }
}

/// Configuration of [`crate::Server`]. Built from [`ServerConfig::new`] (defaults) or
/// [`ServerConfig::demo`] (fast timings) and `with_*` setters.
#[derive(Clone)]
pub struct ServerConfig {
    pub(crate) bind: SocketAddr,
    pub(crate) insecure_allow_non_loopback: bool,
    pub(crate) subscribers: SubscriberStore,
    pub(crate) clients: Vec<ClientRegistration>,
    pub(crate) demo_client: bool,
    pub(crate) ciba_interval: Duration,
    pub(crate) ciba_expires_in: Duration,
    pub(crate) approve_delay_override: Option<Duration>,
    pub(crate) enforce_poll_interval: bool,
    pub(crate) access_token_lifetime: Duration,
    pub(crate) access_token_format: AccessTokenFormat,
    pub(crate) network_subscriber: Option<PhoneNumber>,
    pub(crate) faults: BTreeMap<String, Fault>,
    pub(crate) saml_service_providers: Vec<SamlServiceProvider>,
    /// Whether the SAML IdP is in a key rollover (two signing certificates, the next key signs).
    pub(crate) saml_key_rollover: bool,
    /// The Telco Finder's routes; `None` routes the subscribers' country codes to this server.
    pub(crate) telco_routes: Option<Vec<TelcoRoute>>,
    /// Operators served under `/operators/{id}` beside this one.
    pub(crate) operators: Vec<HostedOperator>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rng: Arc<dyn SecureRandom>,
    /// The announced issuer; `None` derives it from the bound address.
    pub(crate) issuer: Option<String>,
    /// The ES256 signing key (PEM); `None` generates one at start.
    pub(crate) signing_key_pem: Option<Secret<String>>,
    /// The Redis URL of the shared state (it may carry a password); `None` keeps it in memory.
    pub(crate) redis_state: Option<Secret<String>>,
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("bind", &self.bind)
            .field("insecure_allow_non_loopback", &self.insecure_allow_non_loopback)
            .field("subscribers", &self.subscribers.len())
            .field("clients", &self.clients)
            .field("demo_client", &self.demo_client)
            .field("ciba_interval", &self.ciba_interval)
            .field("ciba_expires_in", &self.ciba_expires_in)
            .field("approve_delay_override", &self.approve_delay_override)
            .field("enforce_poll_interval", &self.enforce_poll_interval)
            .field("access_token_lifetime", &self.access_token_lifetime)
            .field("access_token_format", &self.access_token_format)
            .field("network_subscriber", &self.network_subscriber)
            .field("faults", &self.faults)
            .field("saml_service_providers", &self.saml_service_providers)
            .field("saml_key_rollover", &self.saml_key_rollover)
            .field("telco_routes", &self.telco_routes)
            .field("operators", &self.operators)
            .field("clock", &self.clock)
            .field("rng", &self.rng)
            .field("issuer", &self.issuer)
            .field(
                "signing_key",
                &self.signing_key_pem.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "state",
                &if self.redis_state.is_some() {
                    "redis"
                } else {
                    "memory"
                },
            )
            .finish()
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerConfig {
    /// Defaults: `127.0.0.1:0`, the default subscriber set, the demo client, CIBA `interval` 5 s and
    /// `expires_in` 120 s (the Orange pages' value), opaque access tokens valid one hour, the
    /// network (for `prompt=none` and SAML single sign-on) attributing the connection to `+33699901040`, the system clock and
    /// the OS random source.
    pub fn new() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            insecure_allow_non_loopback: false,
            subscribers: SubscriberStore::default_set(),
            clients: Vec::new(),
            demo_client: true,
            ciba_interval: Duration::from_secs(5),
            ciba_expires_in: Duration::from_secs(120),
            approve_delay_override: None,
            enforce_poll_interval: false,
            access_token_lifetime: Duration::from_secs(3600),
            access_token_format: AccessTokenFormat::Opaque,
            network_subscriber: PhoneNumber::parse_strict("+33699901040").ok(),
            faults: BTreeMap::new(),
            saml_service_providers: vec![
                SamlServiceProvider::new(DEMO_SAML_SP_ENTITY_ID, DEMO_SAML_ACS_URLS[0])
                    .with_acs_url(DEMO_SAML_ACS_URLS[1]),
            ],
            saml_key_rollover: false,
            telco_routes: None,
            operators: Vec::new(),
            clock: Arc::new(SystemClock),
            rng: Arc::new(OsRandom),
            issuer: None,
            signing_key_pem: None,
            redis_state: None,
        }
    }

    /// [`ServerConfig::new`] tuned for demos: `interval` 1 s and every scripted approval after 1 s.
    pub fn demo() -> Self {
        Self::new()
            .with_ciba_interval(Duration::from_secs(1))
            .with_approve_delay_override(Some(Duration::from_secs(1)))
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port). A non-loopback address is
    /// refused at start unless [`ServerConfig::insecure_allow_non_loopback`] is set.
    pub fn with_bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Allows a non-loopback bind address: the sandbox then serves fake identities and tokens over
    /// plain HTTP to the network. For controlled environments only. The issuer is derived from the
    /// bound address, so bind a concrete address (not `0.0.0.0`) that clients can reach.
    pub fn insecure_allow_non_loopback(mut self) -> Self {
        self.insecure_allow_non_loopback = true;
        self
    }

    /// Replaces the subscriber store.
    pub fn with_subscribers(mut self, store: SubscriberStore) -> Self {
        self.subscribers = store;
        self
    }

    /// Registers a client.
    pub fn with_client(mut self, client: ClientRegistration) -> Self {
        self.clients.push(client);
        self
    }

    /// Whether to register the demo client at start (default on).
    pub fn with_demo_client(mut self, enabled: bool) -> Self {
        self.demo_client = enabled;
        self
    }

    /// The `interval` sent in bc-authorize answers (default 5 s; whole seconds, at least 1).
    pub fn with_ciba_interval(mut self, interval: Duration) -> Self {
        self.ciba_interval = interval.max(Duration::from_secs(1));
        self
    }

    /// The lifetime of a CIBA request, `expires_in` (default 120 s).
    pub fn with_ciba_expires_in(mut self, expires_in: Duration) -> Self {
        self.ciba_expires_in = expires_in;
        self
    }

    /// Replaces every subscriber's scripted approval (and denial) delay.
    pub fn with_approve_delay_override(mut self, delay: Option<Duration>) -> Self {
        self.approve_delay_override = delay;
        self
    }

    /// Answers `slow_down` to a poll that comes before `interval` has elapsed since the previous one
    /// (RFC 8628 §3.5 semantics; default off).
    pub fn with_enforced_poll_interval(mut self, enforce: bool) -> Self {
        self.enforce_poll_interval = enforce;
        self
    }

    /// Lifetime of access tokens (default one hour).
    pub fn with_access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.access_token_lifetime = lifetime;
        self
    }

    /// The access token format.
    pub fn with_access_token_format(mut self, format: AccessTokenFormat) -> Self {
        self.access_token_format = format;
        self
    }

    /// The subscriber whose device the sandbox's "mobile network" sees on every connection (used by
    /// the authorization endpoint with `prompt=none` and by `login_hint=ipport:…`); `None` for a
    /// device off the mobile network (Wi-Fi).
    pub fn with_network_subscriber(mut self, number: Option<PhoneNumber>) -> Self {
        self.network_subscriber = number;
        self
    }

    /// Injects a fault on a request path (such as `/sim-swap/v2/check` or `/token`).
    pub fn with_fault(mut self, path: impl Into<String>, fault: Fault) -> Self {
        self.faults.insert(path.into(), fault);
        self
    }

    /// Registers a SAML service provider with the IdP (the demo one, [`DEMO_SAML_SP_ENTITY_ID`],
    /// is registered by default).
    pub fn with_saml_service_provider(mut self, sp: SamlServiceProvider) -> Self {
        self.saml_service_providers.push(sp);
        self
    }

    /// Puts the SAML IdP in a signing key rollover (default off): its metadata lists the current
    /// and the next signing certificate, and Responses are signed by the next key. An SP that
    /// refreshed its metadata then accepts Responses signed by either, as during a real rollover.
    pub fn with_saml_key_rollover(mut self, rollover: bool) -> Self {
        self.saml_key_rollover = rollover;
        self
    }

    /// Adds a route to the Telco Finder (`/telco-finder/v1/search`, `/telco-routing/v1/routing`).
    /// Without any, the finder routes the country codes of the subscribers to this server
    /// (operator id [`SANDBOX_OPERATOR_ID`](crate::SANDBOX_OPERATOR_ID)).
    pub fn with_telco_route(mut self, route: TelcoRoute) -> Self {
        self.telco_routes.get_or_insert_with(Vec::new).push(route);
        self
    }

    /// Hosts another operator on this server, under `/operators/{operator_id}`: its own issuer
    /// (`{base}/operators/{operator_id}`, discovery below it), signing key, subscribers, tokens and
    /// CAMARA API roots (the same mount table as the root operator, below its issuer). The Telco
    /// Finder answers its prefixes with it, before the configured routes when a prefix of the
    /// same length is in both. Unless [`HostedOperator::with_client`] says otherwise it knows the
    /// root's clients, the demo client included, so one application key works with every hosted
    /// operator. Its other settings are this configuration's; faults are injected by full
    /// request path (`/operators/{operator_id}/sim-swap/v2/check`). Two hosted operators with
    /// the same id (or the root's, [`SANDBOX_OPERATOR_ID`](crate::SANDBOX_OPERATOR_ID)) are
    /// refused at start.
    pub fn with_operator(mut self, operator: HostedOperator) -> Self {
        self.operators.push(operator);
        self
    }

    /// The clock (default the system clock; tests use `ManualClock`).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The random source for keys, ids and tokens (default the OS).
    pub fn with_random(mut self, rng: Arc<dyn SecureRandom>) -> Self {
        self.rng = rng;
        self
    }

    /// The issuer the server announces (and its base URL), instead of `http://<bound address>`:
    /// the address clients reach it at behind a port-forward or proxy, the same for every process
    /// of one operator. An `http(s)` URL with no query or fragment; a trailing `/` is dropped.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The key that signs ID tokens and JWT access tokens: an ES256 (P-256) private key, PEM
    /// (PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`), checked at start. Processes given the same
    /// key also share the pairwise-subject salt and the demo client's key (derived from it), so
    /// tokens, `sub`s and client assertions are valid whichever process answers. Default: a key
    /// generated at start.
    pub fn with_signing_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.signing_key_pem = Some(Secret::new(pem.into()));
        self
    }

    /// Keeps the operator's state (pending CIBA requests, authorization codes, access tokens,
    /// used assertion `jti`s) in the Redis at `url` (`redis://[:password@]host:port/db`) instead
    /// of memory, under a key prefix derived from the issuer: processes with the same issuer and
    /// signing key ([`ServerConfig::with_issuer`], [`ServerConfig::with_signing_key_pem`]) then
    /// act as one operator. Tokens, codes and ids are stored under their SHA-256 only. A Redis
    /// that does not answer makes the server refuse to start, and later requests answer 503.
    #[cfg(feature = "redis")]
    pub fn with_redis_state(mut self, url: impl Into<String>) -> Self {
        self.redis_state = Some(Secret::new(url.into()));
        self
    }
}
