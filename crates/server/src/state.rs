//! The operator's state behind the handlers: registered clients, and, in an [`OpStore`], pending
//! CIBA requests keyed by `auth_req_id`, authorization codes, issued access tokens (single-use
//! ones spent atomically), used assertion `jti`s, and Consent Info's capture URLs with the
//! consents given through them.
//!
//! The store is in memory ([`memory`], the default) or, with the `redis` feature, in Redis
//! (`redis`), so that several sandbox processes act as one operator. Every operation takes `now`
//! as an argument; the handlers read it from the configured [`Clock`](netid_core::ports::Clock)
//! once per request. The CIBA poll state machine is [`poll_step`], one pure function both stores
//! run, so they cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_lc_rs::digest;
use netid_core::phone::PhoneNumber;
use netid_core::scope::Scope;
use netid_core::store::StoreError;

mod memory;
#[cfg(feature = "redis")]
mod redis;

mod single_use;

pub(crate) use memory::MemoryStore;
pub(crate) use single_use::{is_single_use, token_lifetime};

use crate::camara::consent_capture::PendingCapture;
use crate::config::{DEMO_CLIENT_ID, DEMO_REDIRECT_URIS, Fault, ServerConfig};
use crate::error::ServerError;
use crate::keys::{DemoClient, Es256KeyPair, b64url};
use crate::registration::ClientRegistration;
use crate::subscribers::CibaBehaviour;
use crate::telco_finder::{self, TelcoRoute};

/// How the subscriber was authenticated, which Number Verification cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "redis", derive(serde::Serialize, serde::Deserialize))]
pub(crate) enum AuthMethod {
    /// CIBA with a phone number hint: the subscriber approved on a device, not through the network.
    CibaPhoneNumber,
    /// CIBA with a TS.43 operator token, or the authorization endpoint on the mobile network.
    MobileNetwork,
    /// `client_credentials`: no subscriber.
    TwoLegged,
    /// SAML single sign-on (the `OrangeAPIToken` of the IdP's Response).
    SamlSso,
}

/// A CIBA request waiting for the subscriber.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "redis", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct PendingAuth {
    pub(crate) client_id: String,
    pub(crate) subscriber: PhoneNumber,
    pub(crate) scope: Scope,
    pub(crate) method: AuthMethod,
    pub(crate) created: SystemTime,
    pub(crate) expires: SystemTime,
    #[cfg_attr(feature = "redis", serde(with = "redis::CibaBehaviourDef"))]
    pub(crate) behaviour: CibaBehaviour,
    pub(crate) slow_downs_sent: u32,
    pub(crate) interval: Duration,
    pub(crate) last_poll: Option<SystemTime>,
}

/// An authorization code waiting for its exchange.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "redis", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct IssuedCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) subscriber: PhoneNumber,
    pub(crate) scope: Scope,
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) expires: SystemTime,
}

/// What an access token grants.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "redis", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) subscriber: Option<PhoneNumber>,
    pub(crate) scope: Scope,
    pub(crate) method: AuthMethod,
    pub(crate) expires: SystemTime,
}

/// The answer to one CIBA token poll.
#[derive(Debug)]
pub(crate) enum PollOutcome {
    Unknown,
    Pending,
    SlowDown,
    Denied,
    Expired,
    Approved(PendingAuth),
}

/// What a poll does to the stored request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PollWrite {
    /// Nothing changed (a poll by another client).
    Keep,
    /// The request changed (`last_poll`, `interval`, `slow_downs_sent`): store it back.
    Update,
    /// A final answer was handed out: remove the request, so it is handed out once.
    Remove,
}

/// One poll of the token endpoint for `auth` by `client_id` at `now`: the answer, and what
/// becomes of the stored request.
///
/// A final answer (approval, denial, expiry) removes the request, so a later poll of the same id
/// gets [`PollOutcome::Unknown`] (`invalid_grant`), as panva's oidc-provider does.
pub(crate) fn poll_step(
    auth: &mut PendingAuth,
    client_id: &str,
    now: SystemTime,
    enforce_interval: bool,
) -> (PollOutcome, PollWrite) {
    if auth.client_id != client_id {
        return (PollOutcome::Unknown, PollWrite::Keep);
    }
    if now >= auth.expires {
        return (PollOutcome::Expired, PollWrite::Remove);
    }
    let previous = auth.last_poll.replace(now);
    if enforce_interval && previous.is_some_and(|p| now.duration_since(p).unwrap_or_default() < auth.interval)
    {
        // RFC 8628 §3.5: the client must add 5 s to its interval from now on.
        auth.interval += Duration::from_secs(5);
        return (PollOutcome::SlowDown, PollWrite::Update);
    }
    let elapsed = now.duration_since(auth.created).unwrap_or_default();
    match auth.behaviour {
        CibaBehaviour::Never => (PollOutcome::Pending, PollWrite::Update),
        CibaBehaviour::Deny { after } if elapsed >= after => (PollOutcome::Denied, PollWrite::Remove),
        CibaBehaviour::SlowDown { times, .. } if auth.slow_downs_sent < times => {
            auth.slow_downs_sent += 1;
            (PollOutcome::SlowDown, PollWrite::Update)
        }
        CibaBehaviour::Approve { after } | CibaBehaviour::SlowDown { after, .. } if elapsed >= after => {
            (PollOutcome::Approved(auth.clone()), PollWrite::Remove)
        }
        _ => (PollOutcome::Pending, PollWrite::Update),
    }
}

/// Where the operator keeps what its handlers create: every operation is atomic on its own
/// (a code, a `jti` and a CIBA approval are handed out once even when several processes share
/// the store), and an error means "unknown", never a wrong success: the handlers answer 503.
#[async_trait]
pub(crate) trait OpStore: Send + Sync + fmt::Debug {
    /// Records a CIBA request until its expiry.
    async fn insert_pending(&self, id: &str, auth: PendingAuth, now: SystemTime) -> Result<(), StoreError>;

    /// One poll of `auth_req_id` by `client_id` ([`poll_step`], applied atomically).
    async fn poll(
        &self,
        auth_req_id: &str,
        client_id: &str,
        now: SystemTime,
        enforce_interval: bool,
    ) -> Result<PollOutcome, StoreError>;

    /// Records an authorization code until its expiry.
    async fn insert_code(&self, code: &str, issued: IssuedCode, now: SystemTime) -> Result<(), StoreError>;

    /// Removes and returns the code: codes are single-use whatever the outcome of the exchange.
    async fn take_code(&self, code: &str) -> Result<Option<IssuedCode>, StoreError>;

    /// Records what an access token grants, until its expiry.
    async fn insert_token(&self, token: &str, grant: Grant, now: SystemTime) -> Result<(), StoreError>;

    /// What `token` grants, if it is known (the caller checks the expiry).
    async fn grant(&self, token: &str) -> Result<Option<Grant>, StoreError>;

    /// Spends a single-use token: removes it and tells whether it was there, in one atomic step,
    /// so of concurrent calls with one token (on any process sharing the store) exactly one
    /// gets `true`.
    async fn spend_token(&self, token: &str) -> Result<bool, StoreError>;

    /// Records a client assertion's `jti` until `exp`; `false` when it was already used.
    async fn use_jti(
        &self,
        client_id: &str,
        jti: &str,
        exp: SystemTime,
        now: SystemTime,
    ) -> Result<bool, StoreError>;

    /// Records a Consent Info capture URL's question under `id` until its expiry.
    async fn insert_capture(
        &self,
        id: &str,
        capture: PendingCapture,
        now: SystemTime,
    ) -> Result<(), StoreError>;

    /// The question of capture `id`, while it is unexpired at `now` (the capture page shows it).
    async fn capture(&self, id: &str, now: SystemTime) -> Result<Option<PendingCapture>, StoreError>;

    /// Removes capture `id` and returns it if it was unexpired at `now`: of concurrent
    /// confirmations, exactly one gets it.
    async fn take_capture(&self, id: &str, now: SystemTime) -> Result<Option<PendingCapture>, StoreError>;

    /// Records that the subscriber `subscriber_id` (the subscriber file's key) consented to
    /// `scopes` for `purpose` on a capture page. Kept as long as the store is (no expiry).
    async fn give_consent(
        &self,
        subscriber_id: &str,
        purpose: &str,
        scopes: &[String],
    ) -> Result<(), StoreError>;

    /// The scopes `subscriber_id` consented to for `purpose` on a capture page.
    async fn consented_scopes(
        &self,
        subscriber_id: &str,
        purpose: &str,
    ) -> Result<BTreeSet<String>, StoreError>;

    /// Whether the store answers: checked at start, so a sandbox never serves without its state.
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) issuer: String,
    pub(crate) config: ServerConfig,
    pub(crate) signing_key: Es256KeyPair,
    pub(crate) pairwise_salt: [u8; 32],
    pub(crate) clients: BTreeMap<String, ClientRegistration>,
    pub(crate) store: Arc<dyn OpStore>,
    pub(crate) faults: Mutex<BTreeMap<String, Fault>>,
    /// IdP-initiated SAML LogoutRequests awaiting the SP's answer. Kept per process, like the
    /// faults: an SP answers the process that sent it the request (see ARCHITECTURE.md).
    pub(crate) logout_requests: Mutex<LogoutRequests>,
    /// The Telco Finder's routes, URLs absolute; hosted operators get the root's.
    pub(crate) telco_routes: Vec<TelcoRoute>,
}

/// IdP-initiated SAML LogoutRequests awaiting the SP's answer: ID → (SP entity id, expiry).
#[derive(Debug, Default)]
pub(crate) struct LogoutRequests(BTreeMap<String, (String, SystemTime)>);

impl LogoutRequests {
    /// Records an IdP-initiated LogoutRequest sent to the SP `entity_id`, outstanding until `until`.
    pub(crate) fn insert(&mut self, id: String, entity_id: String, until: SystemTime, now: SystemTime) {
        self.0.retain(|_, (_, exp)| *exp > now);
        self.0.insert(id, (entity_id, until));
    }

    /// Takes the outstanding LogoutRequest `id` if `entity_id` was sent it and it is unexpired.
    pub(crate) fn take(&mut self, id: &str, entity_id: &str, now: SystemTime) -> bool {
        match self.0.get(id) {
            Some((sp, exp)) if sp == entity_id && *exp > now => self.0.remove(id).is_some(),
            _ => false,
        }
    }
}

/// Locks a mutex, recovering the data if a handler panicked while holding it: every critical
/// section leaves the maps consistent between statements, so the data is still valid.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Generates the keys from the configured random source and registers the clients (the demo
    /// client's key pair is returned to its holder): everything [`crate::Server::start`] serves,
    /// without a socket, so the fuzz entry points run the handlers on the same state.
    pub(crate) fn build(
        config: ServerConfig,
        issuer: String,
    ) -> Result<(Self, Option<DemoClient>), ServerError> {
        let rng = config.rng.clone();
        let mut pairwise_salt = [0u8; 32];
        // A configured signing key is what several processes acting as one operator share: the
        // pairwise salt and the demo client's key derive from it, so `sub`s and client
        // assertions are the same whichever process answers. Otherwise all is drawn at random.
        let (signing_key, shared_seed) = match &config.signing_key_pem {
            Some(pem) => {
                let key = Es256KeyPair::from_pem(pem.expose_secret())?;
                pairwise_salt = key.derive_seed(b"netid-sandbox pairwise salt");
                let seed = key.derive_seed(b"netid-sandbox demo client");
                (key, Some(seed))
            }
            None => {
                let key = Es256KeyPair::generate(rng.as_ref())?;
                rng.fill(&mut pairwise_salt)?;
                (key, None)
            }
        };
        let mut clients: BTreeMap<String, ClientRegistration> = config
            .clients
            .iter()
            .map(|c| (c.client_id.clone(), c.clone()))
            .collect();
        let demo_client = if config.demo_client {
            let key = match &shared_seed {
                Some(seed) => Es256KeyPair::derive(seed)?,
                None => Es256KeyPair::generate(rng.as_ref())?,
            };
            let demo = DemoClient::new(
                DEMO_CLIENT_ID.to_owned(),
                key,
                DEMO_REDIRECT_URIS.iter().map(|s| (*s).to_owned()).collect(),
            );
            clients.insert(
                DEMO_CLIENT_ID.to_owned(),
                ClientRegistration {
                    client_id: DEMO_CLIENT_ID.to_owned(),
                    keys: vec![demo.public_jwk().clone()],
                    redirect_uris: demo.redirect_uris().to_vec(),
                    jwks_url: None,
                },
            );
            Some(demo)
        } else {
            None
        };
        let store = store_for(&config, &issuer)?;
        let faults = Mutex::new(config.faults.clone());
        let telco_routes = telco_finder::table(&config, &issuer);
        let shared = Self {
            issuer,
            config,
            signing_key,
            pairwise_salt,
            clients,
            store,
            faults,
            logout_requests: Mutex::new(LogoutRequests::default()),
            telco_routes,
        };
        Ok((shared, demo_client))
    }

    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// The pairwise subject of `subscriber_id` for `client_id` (OpenID Connect Core §8.1: a hash of
    /// the sector, the local account id and a secret salt), so clients never see the number.
    pub(crate) fn pairwise_sub(&self, client_id: &str, subscriber_id: &str) -> String {
        let mut hasher = digest::Context::new(&digest::SHA256);
        hasher.update(&self.pairwise_salt);
        hasher.update(client_id.as_bytes());
        hasher.update(&[0]);
        hasher.update(subscriber_id.as_bytes());
        b64url(hasher.finish().as_ref())
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }
}

/// The store the configuration asks for: Redis under a key prefix derived from the issuer (so the
/// operators hosted on one server, and sandboxes that are different operators, never share keys),
/// or memory.
#[cfg(feature = "redis")]
fn store_for(config: &ServerConfig, issuer: &str) -> Result<Arc<dyn OpStore>, ServerError> {
    match &config.redis_state {
        Some(url) => Ok(Arc::new(redis::RedisStore::new(url.expose_secret(), issuer)?)),
        None => Ok(Arc::new(MemoryStore::default())),
    }
}

/// Without the `redis` feature there is no other store (and no setter to ask for one).
#[cfg(not(feature = "redis"))]
fn store_for(_config: &ServerConfig, _issuer: &str) -> Result<Arc<dyn OpStore>, ServerError> {
    Ok(Arc::new(MemoryStore::default()))
}

/// Seconds since the Unix epoch (0 before it).
pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
