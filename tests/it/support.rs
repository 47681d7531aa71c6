//! What every end-to-end test needs: the sandbox, the real transport, the demo client.

use std::sync::Arc;
use std::time::Duration;

use netid_camara::{CamaraClient, OperatorProfile, SpecVersion};
use netid_ciba::ciba::{BackchannelRequest, CibaSession};
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::Driver;
use netid_ciba::jose::{Jti, KeySigner, SigningAlgorithm};
use netid_ciba::provider::CibaProvider;
use netid_ciba::tokens::TokenSet;
use netid_core::ports::OsRandom;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::token::AccessToken;
use netid_reqwest::{ReqwestTransport, TokioSleep};
use netid_server::{Server, ServerConfig, ServerHandle};
use netid_transport::HttpTransport;

/// A running sandbox with fast CIBA timings and the clients wired to it.
pub(crate) struct Sandbox {
    pub(crate) server: ServerHandle,
    pub(crate) transport: Arc<dyn HttpTransport>,
    pub(crate) driver: Driver,
    pub(crate) client: Arc<ClientConfig>,
}

impl Sandbox {
    /// Interval 1 s, approvals after 1 s, requests expiring after 3 s.
    pub(crate) async fn start() -> Self {
        Self::with_config(ServerConfig::demo().with_ciba_expires_in(Duration::from_secs(3))).await
    }

    pub(crate) async fn with_config(config: ServerConfig) -> Self {
        let server = Server::start(config).await.expect("sandbox starts");
        let demo = server.demo_client().expect("demo client registered");
        let signer = KeySigner::from_pem(
            SigningAlgorithm::Es256,
            demo.expose_private_key_pem().as_bytes(),
            Some(demo.key_id().to_owned()),
        )
        .expect("demo key loads");
        let client = Arc::new(ClientConfig::new(demo.client_id(), Arc::new(signer)));
        let transport: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::new().expect("reqwest client"));
        let driver = Driver::new(transport.clone(), Arc::new(TokioSleep));
        Self {
            server,
            transport,
            driver,
            client,
        }
    }

    pub(crate) fn base_url(&self) -> String {
        self.server.base_url().as_str().to_owned()
    }

    pub(crate) async fn provider(&self) -> CibaProvider {
        self.driver
            .discover_ciba(self.server.issuer())
            .await
            .expect("discovery")
    }

    /// Runs a CIBA flow for `hint` with the fraud-prevention purpose and `apis`.
    pub(crate) async fn ciba(&self, hint: &str, apis: &[ApiScope]) -> Result<TokenSet, netid_ciba::Error> {
        let mut scope = Scope::builder(Purpose::FraudPreventionAndDetection);
        for api in apis {
            scope = scope.api(api.clone());
        }
        let request = BackchannelRequest::new(scope.build(), hint.parse().expect("login hint"));
        let session = CibaSession::new(self.client.clone(), self.provider().await, request);
        let mut session = session;
        self.driver
            .run_ciba(&mut session, |_| std::ops::ControlFlow::Continue(()))
            .await
    }

    /// A token for `hint` and `apis`, or a panic naming the error.
    pub(crate) async fn token(&self, hint: &str, apis: &[ApiScope]) -> AccessToken {
        self.ciba(hint, apis).await.expect("CIBA grant").access_token
    }

    /// A two-legged token (client credentials, `private_key_jwt`) for `apis`: it names no
    /// subscriber, so each call names one in its body.
    pub(crate) async fn two_legged_token(&self, apis: &[ApiScope]) -> AccessToken {
        let provider = self
            .driver
            .discover(self.server.issuer())
            .await
            .expect("discovery");
        let endpoint = provider.token_endpoint().clone();
        let jti = Jti::generate(&OsRandom).expect("entropy");
        let assertion = self
            .client
            .client_assertion(&provider, &endpoint, std::time::SystemTime::now(), &jti)
            .expect("client assertion");
        let scope = apis.iter().map(ApiScope::as_str).collect::<Vec<_>>().join(" ");
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", &scope)
            .append_pair(
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            )
            .append_pair("client_assertion", assertion.expose_secret())
            .finish();
        let request = http::Request::post(endpoint.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(bytes::Bytes::from(form))
            .expect("token request");
        let response = self
            .transport
            .send(request)
            .await
            .expect("token endpoint answers");
        let body: serde_json::Value = serde_json::from_slice(response.body()).expect("JSON token response");
        let token = body["access_token"].as_str().expect("client_credentials granted");
        AccessToken::new(token)
    }

    /// The CAMARA client for `spec` at the sandbox's CAMARA paths.
    pub(crate) fn camara(&self, spec: SpecVersion) -> CamaraClient {
        CamaraClient::new(
            self.transport.clone(),
            OperatorProfile::camara(spec, &self.base_url()),
            Arc::new(TokioSleep),
        )
    }

    /// An operator profile served by the sandbox at `path` (its operator-specific base path).
    pub(crate) fn operator(&self, profile: OperatorProfile, path: &str) -> CamaraClient {
        let base = format!("{}{}", self.base_url(), path.trim_start_matches('/'));
        CamaraClient::new(
            self.transport.clone(),
            profile.with_base_url(base),
            Arc::new(TokioSleep),
        )
    }
}
