//! Starting and stopping the server.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use netid_core::spec::SpecVersion;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

use crate::camara;
use crate::config::{Fault, ServerConfig};
use crate::error::ServerError;
use crate::faults;
use crate::keys::DemoClient;
use crate::oauth;
use crate::saml;
use crate::state::{Shared, lock};

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
    /// [`ServerError::Key`] when keys cannot be generated.
    pub async fn start(config: ServerConfig) -> Result<ServerHandle, ServerError> {
        if !config.bind.ip().is_loopback() && !config.insecure_allow_non_loopback {
            return Err(ServerError::NonLoopbackBind(config.bind));
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

/// The CAMARA base path of `spec`, as the spec's `servers` entry writes it (`/sim-swap/v2`).
fn camara_path(spec: SpecVersion) -> String {
    format!("/{}/{}", spec.api(), spec.path_segment())
}

fn router(shared: &Arc<Shared>) -> Router {
    // Number Verification 2.0.0 and 2.1.0 share one base path and one behaviour here.
    let nv = camara_path(SpecVersion::NumberVerification2_1_0);
    let oidc = Router::new()
        .route("/.well-known/openid-configuration", get(oauth::discovery))
        .route("/jwks", get(oauth::jwks))
        .route("/bc-authorize", post(oauth::bc_authorize))
        .route("/token", post(oauth::token))
        .route("/authorize", get(oauth::authorize))
        .route("/saml/sso", get(saml::sso))
        .route("/saml/metadata", get(saml::metadata))
        .route(&format!("{nv}/verify"), post(camara::nv_verify))
        .route(
            &format!("{nv}/device-phone-number"),
            get(camara::nv_device_phone_number),
        )
        .with_state(shared.clone());
    // Each version is served at the CAMARA base path and at the operators' paths listed.
    let prefixes = |spec: SpecVersion, operators: &[&str]| {
        let mut prefixes: Vec<String> = operators.iter().map(|p| (*p).to_owned()).collect();
        prefixes.push(camara_path(spec));
        prefixes
    };
    let sim_swap = |spec: SpecVersion, operators: &[&str]| {
        let mut router = Router::new();
        for prefix in prefixes(spec, operators) {
            router = router
                .route(&format!("{prefix}/check"), post(camara::sim_swap_check))
                .route(
                    &format!("{prefix}/retrieve-date"),
                    post(camara::sim_swap_retrieve_date),
                );
        }
        router.with_state((shared.clone(), spec))
    };
    let kyc = |spec: SpecVersion, operators: &[&str]| {
        let mut router = Router::new();
        for prefix in prefixes(spec, operators) {
            router = router.route(&format!("{prefix}/match"), post(camara::kyc_match));
        }
        router.with_state((shared.clone(), spec))
    };
    // Orange Spain's SIM Swap v1 path and Orange France's KYC Match v0.2 path.
    oidc.merge(sim_swap(SpecVersion::SimSwap1_0_0, &["/camara/oes/sim-swap/v1"]))
        .merge(sim_swap(SpecVersion::SimSwap2_1_0, &[]))
        .merge(kyc(SpecVersion::KycMatch0_2_1, &["/camara/ofr/kyc-match/v0.2"]))
        .merge(kyc(SpecVersion::KycMatch0_4_0, &[]))
        .fallback(camara::not_found)
        .method_not_allowed_fallback(camara::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            faults::inject,
        ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camara_paths_follow_the_specs_servers_entries() {
        fn check(spec: SpecVersion, expected: &str) {
            assert_eq!(camara_path(spec), expected, "{spec}");
        }
        check(SpecVersion::KycMatch0_2_1, "/kyc-match/v0.2");
        check(SpecVersion::KycMatch0_4_0, "/kyc-match/v0.4");
        check(SpecVersion::SimSwap1_0_0, "/sim-swap/v1");
        check(SpecVersion::SimSwap2_1_0, "/sim-swap/v2");
        check(SpecVersion::NumberVerification2_0_0, "/number-verification/v2");
        check(SpecVersion::NumberVerification2_1_0, "/number-verification/v2");
    }
}
