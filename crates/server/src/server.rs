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
    /// [`ServerError::Key`] when keys cannot be generated, [`ServerError::Jwks`] when a client's
    /// JWKS URL does not answer a JWK Set.
    pub async fn start(config: ServerConfig) -> Result<ServerHandle, ServerError> {
        if !config.bind.ip().is_loopback() && !config.insecure_allow_non_loopback {
            return Err(ServerError::NonLoopbackBind(config.bind));
        }
        let mut config = config;
        // Keys published at a JWKS URL are fetched once, before the server answers anything.
        for client in &mut config.clients {
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
        let issuer = format!("http://{local_addr}");
        let base_url = Url::parse(&issuer).map_err(|e| ServerError::Key(e.to_string()))?;
        let (shared, demo_client) = Shared::build(config, issuer)?;
        let shared = Arc::new(shared);
        let router = router(&shared);
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
            stop: Some(stop),
            task: Some(task),
        })
    }
}

fn router(shared: &Arc<Shared>) -> Router {
    let mut router = Router::new()
        .route("/", get(index::index))
        .route("/.well-known/openid-configuration", get(oauth::discovery))
        .route("/jwks", get(oauth::jwks))
        .route("/bc-authorize", post(oauth::bc_authorize))
        .route("/token", post(oauth::token))
        .route("/authorize", get(oauth::authorize))
        .route("/saml/sso", get(saml::sso))
        .route("/saml/metadata", get(saml::metadata))
        .route("/telco-finder/v1/search", post(telco_finder::search))
        .route("/telco-routing/v1/routing", get(telco_finder::routing))
        .route(
            "/consent-capture/{id}",
            get(camara::consent_capture::show).post(camara::consent_capture::confirm),
        )
        .with_state(shared.clone());
    // Every API at every base path of the mount table. Two versions sharing a base path (Number
    // Verification 2.0.0 and 2.1.0) share its handlers, so a path is routed once, with the rules of
    // the newest version at it: the request does not say which version its client speaks.
    let mut by_path = std::collections::BTreeMap::new();
    for mount in mounts::api_mounts() {
        let Some(spec) = mounts::spec_of(&mount) else {
            continue;
        };
        let served = Served {
            spec,
            lenient_phone: mount.lenient_phone_number,
        };
        let newest = by_path
            .get(&mount.base_path)
            .is_none_or(|(_, known): &(ApiMount, Served)| known.spec < spec);
        if newest {
            by_path.insert(mount.base_path.clone(), (mount, served));
        }
    }
    for (mount, served) in by_path.into_values() {
        let spec = served.spec;
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
        .fallback(camara::not_found)
        .method_not_allowed_fallback(camara::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            faults::inject,
        ))
        // Outermost, so faults are logged with the status they forced.
        .layer(axum::middleware::from_fn(request_log::log))
}

/// A running server. Stops when [`ServerHandle::shutdown`] is called or when it is dropped.
pub struct ServerHandle {
    base_url: Url,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    demo_client: Option<DemoClient>,
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
    /// The base URL, `http://127.0.0.1:<port>/`.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The issuer identifier: the base URL without trailing slash (`http://127.0.0.1:<port>`).
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

    /// The SAML IdP's entity id (`<issuer>/saml`), the `Issuer` of its Responses.
    pub fn saml_idp_entity_id(&self) -> String {
        saml::idp_entity_id(&self.shared)
    }

    /// The SAML IdP's signing certificate, PEM: a committed test certificate whose private key is
    /// public (`data/saml/idp-test.key`), for sandbox use only.
    pub fn saml_idp_certificate_pem(&self) -> &'static str {
        saml::IDP_CERT_PEM
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
