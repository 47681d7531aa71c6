//! The helpers every topic module shares: the subscribers' numbers, a server on a `ManualClock`
//! with its demo client, and an HTTP client that signs client assertions.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use netid_core::ports::Clock as _;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_server::{DemoClient, Server, ServerConfig, ServerHandle};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) const PETER: &str = "+33699901040";
pub(crate) const CAMILLE: &str = "+33612345678";
pub(crate) const MARIA: &str = "+34654654654";
pub(crate) const NEVER: &str = "+34600000002";
pub(crate) const ANNA: &str = "+31612345678";
pub(crate) const TARO: &str = "+819012345678";
pub(crate) const OPTED_OUT: &str = "+33600000009";
pub(crate) const FRAUD: &str = "openid dpv:FraudPreventionAndDetection";
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
pub(crate) const CIBA: &str = "urn:openid:params:grant-type:ciba";

/// The `EncodingKey` of a PKCS#8 PEM P-256 key (as the demo client hands it out).
pub(crate) fn es256_key(pem: &str) -> EncodingKey {
    let (label, der) = pkcs8::der::pem::decode_vec(pem.as_bytes()).unwrap();
    assert_eq!(label, "PRIVATE KEY");
    EncodingKey::from_ec_der(&der)
}

/// A signing identity for client assertions.
pub(crate) struct Signer {
    pub(crate) client_id: String,
    pub(crate) kid: String,
    pub(crate) key: EncodingKey,
}

impl Signer {
    /// The sandbox's demo client, signing as it hands its key out.
    pub(crate) fn demo(demo: &DemoClient) -> Self {
        Self {
            client_id: demo.client_id().to_owned(),
            kid: demo.key_id().to_owned(),
            key: es256_key(demo.expose_private_key_pem()),
        }
    }
}

/// An HTTP client that shows redirects instead of following them.
pub(crate) fn no_redirect_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) struct Env {
    pub(crate) server: ServerHandle,
    pub(crate) clock: ManualClock,
    pub(crate) http: reqwest::Client,
    pub(crate) demo: Signer,
    pub(crate) jti: AtomicU64,
    /// The path of the operator the helpers address: empty for the root, `/operators/{id}` for a
    /// hosted one.
    pub(crate) operator: std::sync::Mutex<String>,
}

/// An HTTP answer: status, parsed JSON (or `Null`), headers.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    pub(crate) headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// Sends `request` and reads its answer (a body that is not JSON reads as `Null`).
    pub(crate) async fn read(request: reqwest::RequestBuilder) -> Self {
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Self {
            status,
            body,
            headers,
        }
    }

    pub(crate) fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or_default()
    }
    pub(crate) fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub(crate) fn base_config(clock: &ManualClock) -> ServerConfig {
    ServerConfig::new()
        .with_clock(Arc::new(clock.clone()))
        .with_random(Arc::new(SeededRandom::new(42)))
        .with_ciba_interval(Duration::from_secs(2))
}

pub(crate) async fn start_with(configure: impl FnOnce(ServerConfig) -> ServerConfig) -> Env {
    let clock = ManualClock::at_unix(1_767_225_600); // 2026-01-01T00:00:00Z
    let server = Server::start(configure(base_config(&clock))).await.unwrap();
    let signer = Signer::demo(server.demo_client().unwrap());
    let http = no_redirect_client();
    Env {
        server,
        clock,
        http,
        demo: signer,
        jti: AtomicU64::new(0),
        operator: std::sync::Mutex::default(),
    }
}

pub(crate) async fn start() -> Env {
    start_with(|c| c).await
}

impl Env {
    pub(crate) fn url(&self, path: &str) -> String {
        let operator = self.operator.lock().unwrap();
        format!("{}{operator}{path}", self.server.issuer())
    }

    /// Addresses the operator at `path` (`""` for the root) from now on.
    pub(crate) fn select(&self, path: &str) {
        path.clone_into(&mut self.operator.lock().unwrap());
    }

    pub(crate) fn now_secs(&self) -> u64 {
        self.clock
            .now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    pub(crate) fn claims(&self, signer: &Signer, aud: Value) -> Value {
        let n = self.jti.fetch_add(1, Ordering::Relaxed);
        json!({
            "iss": signer.client_id,
            "sub": signer.client_id,
            "aud": aud,
            "iat": self.now_secs(),
            "exp": self.now_secs() + 60,
            "jti": format!("jti-{n}"),
        })
    }

    pub(crate) fn sign(&self, signer: &Signer, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(signer.kid.clone());
        jsonwebtoken::encode(&header, claims, &signer.key).unwrap()
    }

    /// A fresh, valid assertion of the demo client for the token endpoint.
    pub(crate) fn assertion(&self) -> String {
        self.sign(&self.demo, &self.claims(&self.demo, json!(self.url("/token"))))
    }

    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        Answer::read(request).await
    }

    pub(crate) async fn form(&self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.send(
            self.http
                .post(self.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await
    }

    pub(crate) async fn bc_authorize(&self, login_hint: &str, scope: &str) -> Answer {
        let assertion = self.assertion();
        self.form(
            "/bc-authorize",
            &[
                ("login_hint", login_hint),
                ("scope", scope),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await
    }

    pub(crate) async fn poll(&self, auth_req_id: &str) -> Answer {
        let assertion = self.assertion();
        self.form(
            "/token",
            &[
                ("grant_type", CIBA),
                ("auth_req_id", auth_req_id),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await
    }

    /// The whole CIBA flow for a subscriber that approves: returns the token answer.
    pub(crate) async fn ciba_token(&self, login_hint: &str, scope: &str) -> Value {
        let started = self.bc_authorize(login_hint, scope).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.body);
        let id = started.body["auth_req_id"].as_str().unwrap().to_owned();
        for _ in 0..10 {
            let answer = self.poll(&id).await;
            if answer.status == StatusCode::OK {
                return answer.body;
            }
            assert!(
                ["authorization_pending", "slow_down"].contains(&answer.error()),
                "{}",
                answer.body
            );
            self.clock.advance(Duration::from_secs(2));
        }
        panic!("no token after 10 polls");
    }

    pub(crate) async fn access_token(&self, number: &str, api_scope: &str) -> String {
        let token = self
            .ciba_token(&format!("tel:{number}"), &format!("{FRAUD} {api_scope}"))
            .await;
        token["access_token"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn two_legged_token(&self, scope: &str) -> String {
        let assertion = self.assertion();
        let answer = self
            .form(
                "/token",
                &[
                    ("grant_type", "client_credentials"),
                    ("scope", scope),
                    ("client_assertion_type", JWT_BEARER),
                    ("client_assertion", &assertion),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.body["access_token"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn api(&self, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut request = match &body {
            Some(body) => self
                .http
                .post(self.url(path))
                .header("content-type", "application/json")
                .body(body.to_string()),
            None => self.http.get(self.url(path)),
        };
        request = request.header("x-correlator", "b4333c46-49c0-4f62-80d7-f0ef930f1c46");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    pub(crate) async fn jwks(&self) -> JwkSet {
        let answer = self.send(self.http.get(self.url("/jwks"))).await;
        serde_json::from_value(answer.body).unwrap()
    }

    pub(crate) async fn verify_jwt(&self, token: &str, typ: &str) -> Value {
        let header = jsonwebtoken::decode_header(token).unwrap();
        assert_eq!(header.typ.as_deref(), Some(typ));
        let jwks = self.jwks().await;
        let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
        let mut validation = Validation::new(Algorithm::ES256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.set_issuer(&[self.server.issuer()]);
        jsonwebtoken::decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .unwrap()
            .claims
    }
}

/// A second key pair and client, registered through `ClientRegistration`.
pub(crate) async fn other_signer(seed: u64, client_id: &str) -> (Signer, String) {
    // Borrow a server's generator to make a key pair: start a throwaway server with another seed.
    let clock = ManualClock::at_unix(1_767_225_600);
    let server = Server::start(
        ServerConfig::new()
            .with_clock(Arc::new(clock))
            .with_random(Arc::new(SeededRandom::new(seed))),
    )
    .await
    .unwrap();
    let demo = server.demo_client().unwrap();
    let jwks = demo.public_jwks().to_string();
    let signer = Signer {
        client_id: client_id.to_owned(),
        ..Signer::demo(demo)
    };
    server.shutdown().await;
    (signer, jwks)
}
