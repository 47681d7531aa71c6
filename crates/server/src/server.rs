//! Starting and stopping the server.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use netid_core::spec::Api;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use crate::camara::{self, Served};
use crate::config::{Fault, ServerConfig};
use crate::error::ServerError;
use crate::faults;
use crate::hosted::{self, HostedOperatorInfo};
use crate::index;
use crate::jwks_fetch;
use crate::keys::DemoClient;
use crate::mounts::{self, ApiMount};
use crate::oauth;
use crate::request_log;
use crate::saml;
use crate::state::{Shared, lock};
use crate::telco_finder;

/// The reference operator. See the crate docs.
#[derive(Debug)]
pub struct Server;

impl Server {
    /// Binds the configured address, generates the keys, registers the clients and serves until the
    /// returned handle is shut down or dropped. Must be called inside a Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`ServerError::NonLoopbackBind`] for a non-loopback address without the opt-in,
    /// [`ServerError::Bind`] when the socket cannot be opened, [`ServerError::Random`] or
    /// [`ServerError::Key`] when keys cannot be generated or the configured signing key is not
    /// one, [`ServerError::Jwks`] when a client's JWKS URL does not answer a JWK Set,
    /// [`ServerError::Issuer`] for a configured issuer that is not an `http(s)` URL,
    /// [`ServerError::StateUrl`] or [`ServerError::State`] when the shared state store is
    /// misconfigured or does not answer.
    pub async fn start(config: ServerConfig) -> Result<ServerHandle, ServerError> {
        if !config.bind.ip().is_loopback() && !config.insecure_allow_non_loopback {
            return Err(ServerError::NonLoopbackBind(config.bind));
        }
        let mut config = config;
        hosted::check_ids(&config)?;
        // Keys published at a JWKS URL are fetched once, before the server answers anything.
        for client in &mut config.clients {
            jwks_fetch::resolve(client).await?;
        }
        for client in config
            .operators
            .iter_mut()
            .flat_map(|operator| operator.clients.iter_mut().flatten())
        {
            jwks_fetch::resolve(client).await?;
        }
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.bind,
                source,
            })?;
        let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: config.bind,
            source,
        })?;
        let issuer = match &config.issuer {
            Some(issuer) => checked_issuer(issuer)?,
            None => format!("http://{local_addr}"),
        };
        let base_url = Url::parse(&format!("{issuer}/")).map_err(|_| ServerError::Issuer(issuer.clone()))?;
        let (shared, demo_client) = Shared::build(config, issuer)?;
        // A shared store that does not answer now would fail every request: refuse to start.
        shared.store.ping().await.map_err(ServerError::State)?;
        let hosted = hosted::build(&shared)?;
        let hosted_info = hosted::info(&shared);
        let shared = Arc::new(shared);
        let router = router(&shared, &hosted);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                // Either a shutdown call or the handle's drop (sender dropped) stops the server.
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::warn!(%error, "netid sandbox server stopped with an error");
            }
        });
        tracing::info!(%local_addr, "netid sandbox server listening");
        Ok(ServerHandle {
            base_url,
            local_addr,
            shared,
            demo_client,
            hosted: hosted_info,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// The configured issuer without its trailing `/`, if it is an `http(s)` URL with a host and no
/// query or fragment (the endpoints are the issuer followed by their paths).
fn checked_issuer(issuer: &str) -> Result<String, ServerError> {
    let trimmed = issuer.trim_end_matches('/');
    match Url::parse(trimmed) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.has_host()
                && url.query().is_none()
                && url.fragment().is_none() =>
        {
            Ok(trimmed.to_owned())
        }
        _ => Err(ServerError::Issuer(issuer.to_owned())),
    }
}

/// The root operator's routes, each hosted operator's nested under its path, then the fault and
/// logging layers, outermost, so they see every request with its full path.
fn router(shared: &Arc<Shared>, hosted: &[(String, Arc<Shared>)]) -> Router {
    let mut router = operator_routes(shared);
    for (path, operator) in hosted {
        router = router.nest(path, operator_routes(operator));
    }
    router
        .fallback(camara::not_found)
        .method_not_allowed_fallback(camara::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            faults::inject,
        ))
        // Outermost, so faults are logged with the status they forced.
        .layer(axum::middleware::from_fn(request_log::log))
}

/// Every route of one operator, on its state.
fn operator_routes(shared: &Arc<Shared>) -> Router {
    let mut router = Router::new()
        .route("/", get(index::index))
        .route("/.well-known/openid-configuration", get(oauth::discovery))
        .route("/jwks", get(oauth::jwks))
        .route("/bc-authorize", post(oauth::bc_authorize))
        .route("/token", post(oauth::token))
        .route("/authorize", get(oauth::authorize))
        .route("/saml/sso", get(saml::sso))
        .route("/saml/metadata", get(saml::metadata))
        .route("/saml/slo", get(saml::slo_redirect).post(saml::slo_post))
        .route("/saml/slo/initiate", get(saml::slo_initiate))
        .route("/telco-finder/v1/search", post(telco_finder::search))
        .route("/telco-routing/v1/routing", get(telco_finder::routing))
        .route(
            "/consent-capture/{id}",
            get(camara::consent_capture::show).post(camara::consent_capture::confirm),
        )
        .with_state(shared.clone());
    // Every API at every base path of the mount table, each path once (`mounts::routed`).
    for (mount, spec) in mounts::routed().into_values() {
        let served = Served {
            spec,
            lenient_phone: mount.lenient_phone_number,
        };
        let prefix = &mount.base_path;
        let api: Router = match spec.api() {
            Api::KycMatch => Router::new()
                .route(&format!("{prefix}/match"), post(camara::kyc_match::match_claims))
                .with_state((shared.clone(), served)),
            Api::SimSwap => Router::new()
                .route(&format!("{prefix}/check"), post(camara::sim_swap::check))
                .route(
                    &format!("{prefix}/retrieve-date"),
                    post(camara::sim_swap::retrieve_date),
                )
                .with_state((shared.clone(), served)),
            Api::NumberVerification => Router::new()
                .route(
                    &format!("{prefix}/verify"),
                    post(camara::number_verification::verify),
                )
                .route(
                    &format!("{prefix}/device-phone-number"),
                    get(camara::number_verification::device_phone_number),
                )
                .with_state((shared.clone(), served)),
            Api::DeviceSwap => Router::new()
                .route(&format!("{prefix}/check"), post(camara::device_swap::check))
                .route(
                    &format!("{prefix}/retrieve-date"),
                    post(camara::device_swap::retrieve_date),
                )
                .with_state((shared.clone(), served)),
            Api::NumberRecycling => Router::new()
                .route(&format!("{prefix}/check"), post(camara::number_recycling_check))
                .with_state((shared.clone(), served)),
            Api::KycTenure => Router::new()
                .route(&format!("{prefix}/check-tenure"), post(camara::kyc_tenure_check))
                .with_state((shared.clone(), served)),
            Api::KycAgeVerification => Router::new()
                .route(
                    &format!("{prefix}/verify"),
                    post(camara::kyc_age_verification::verify),
                )
                .with_state((shared.clone(), served)),
            Api::KycFillIn => Router::new()
                .route(&format!("{prefix}/fill-in"), post(camara::kyc_fill_in::fill_in))
                .with_state((shared.clone(), served)),
            Api::CallForwardingSignal => Router::new()
                .route(
                    &format!("{prefix}/unconditional-call-forwardings"),
                    post(camara::unconditional_call_forwardings),
                )
                .route(
                    &format!("{prefix}/call-forwardings"),
                    post(camara::call_forwardings),
                )
                .with_state((shared.clone(), served)),
            Api::ConsentInfo => Router::new()
                .route(&format!("{prefix}/retrieve"), post(camara::consent_info_retrieve))
                .with_state((shared.clone(), served)),
            // An API this server does not implement yet has no mount; nothing to route.
            _ => continue,
        };
        router = router.merge(api);
    }
    router
}

/// A running server. Stops when [`ServerHandle::shutdown`] is called or when it is dropped.
pub struct ServerHandle {
    base_url: Url,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    demo_client: Option<DemoClient>,
    hosted: Vec<HostedOperatorInfo>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle")
            .field("base_url", &self.base_url.as_str())
            .field("demo_client", &self.demo_client)
            .finish_non_exhaustive()
    }
}

impl ServerHandle {
    /// The base URL: `http://127.0.0.1:<port>/`, or the configured issuer followed by `/`
    /// ([`ServerConfig::with_issuer`]).
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The issuer identifier: the base URL without trailing slash (`http://127.0.0.1:<port>`
    /// unless configured).
    pub fn issuer(&self) -> &str {
        &self.shared.issuer
    }

    /// The socket address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The demo client registered at start, unless disabled in the configuration.
    pub fn demo_client(&self) -> Option<&DemoClient> {
        self.demo_client.as_ref()
    }

    /// The operators hosted beside the root one ([`ServerConfig::with_operator`]), in
    /// configuration order.
    pub fn hosted_operators(&self) -> &[HostedOperatorInfo] {
        &self.hosted
    }

    /// The SAML IdP's entity id (`<issuer>/saml`), the `Issuer` of its Responses.
    pub fn saml_idp_entity_id(&self) -> String {
        saml::idp_entity_id(&self.shared)
    }

    /// The SAML IdP's signing certificate, PEM: a committed test certificate whose private key is
    /// public (`data/saml/idp-test.key`), for sandbox use only.
    pub fn saml_idp_certificate_pem(&self) -> &'static str {
        saml::IDP_CERT_PEM
    }

    /// The SAML IdP's next signing certificate, PEM (`data/saml/idp-test-next.crt`, test only): it
    /// signs Responses during a key rollover ([`ServerConfig::with_saml_key_rollover`]).
    pub fn saml_idp_next_certificate_pem(&self) -> &'static str {
        saml::IDP_NEXT_CERT_PEM
    }

    /// The certificate that signs the SAML IdP's metadata (`GET /saml/metadata`), PEM
    /// (`data/saml/metadata-test.crt`, test only): what an SP configures to verify the metadata.
    pub fn saml_metadata_certificate_pem(&self) -> &'static str {
        saml::METADATA_CERT_PEM
    }

    /// Every base path the APIs are served at, per API and client profile.
    pub fn api_mounts(&self) -> Vec<ApiMount> {
        mounts::api_mounts()
    }

    /// The index of `GET /` as JSON: endpoints, APIs per profile, registered parties and
    /// subscribers (numbers masked; no key, no token).
    pub fn index(&self) -> serde_json::Value {
        index::document(&self.shared)
    }

    /// Injects (or replaces) a fault on a request path while the server runs.
    pub fn inject_fault(&self, path: impl Into<String>, fault: Fault) {
        lock(&self.shared.faults).insert(path.into(), fault);
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Stops accepting connections, lets in-flight requests finish and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
