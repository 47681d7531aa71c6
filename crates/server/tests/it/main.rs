//! End-to-end tests of `netid-server` over real HTTP on 127.0.0.1, with a plain HTTP client and
//! client assertions built with `jsonwebtoken`. Time runs on a `ManualClock`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use netid_core::ports::Clock as _;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_server::{
    AccessTokenFormat, ClientRegistration, Fault, Server, ServerConfig, ServerError, ServerHandle,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

mod call_forwarding_and_consent;
mod ciba_core;
mod hosted_operators;
mod oidc_discovery;
mod request_log;
mod rfc6749;
mod rfc6750;
#[cfg(feature = "redis")]
mod shared_state;
mod spec_exact;

const PETER: &str = "+33699901040";
const CAMILLE: &str = "+33612345678";
const MARIA: &str = "+34654654654";
const NEVER: &str = "+34600000002";
const ANNA: &str = "+31612345678";
const TARO: &str = "+819012345678";
const OPTED_OUT: &str = "+33600000009";
const FRAUD: &str = "openid dpv:FraudPreventionAndDetection";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const CIBA: &str = "urn:openid:params:grant-type:ciba";

/// The `EncodingKey` of a PKCS#8 PEM P-256 key (as the demo client hands it out).
fn es256_key(pem: &str) -> EncodingKey {
    let (label, der) = pkcs8::der::pem::decode_vec(pem.as_bytes()).unwrap();
    assert_eq!(label, "PRIVATE KEY");
    EncodingKey::from_ec_der(&der)
}

/// A signing identity for client assertions.
struct Signer {
    client_id: String,
    kid: String,
    key: EncodingKey,
}

struct Env {
    server: ServerHandle,
    clock: ManualClock,
    http: reqwest::Client,
    demo: Signer,
    jti: AtomicU64,
    /// The path of the operator the helpers address: empty for the root, `/operators/{id}` for a
    /// hosted one.
    operator: std::sync::Mutex<String>,
}

/// An HTTP answer: status, parsed JSON (or `Null`), headers.
struct Answer {
    status: StatusCode,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

impl Answer {
    fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or_default()
    }
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn base_config(clock: &ManualClock) -> ServerConfig {
    ServerConfig::new()
        .with_clock(Arc::new(clock.clone()))
        .with_random(Arc::new(SeededRandom::new(42)))
        .with_ciba_interval(Duration::from_secs(2))
}

async fn start_with(configure: impl FnOnce(ServerConfig) -> ServerConfig) -> Env {
    let clock = ManualClock::at_unix(1_767_225_600); // 2026-01-01T00:00:00Z
    let server = Server::start(configure(base_config(&clock))).await.unwrap();
    let demo = server.demo_client().unwrap();
    let signer = Signer {
        client_id: demo.client_id().to_owned(),
        kid: demo.key_id().to_owned(),
        key: es256_key(demo.expose_private_key_pem()),
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Env {
        server,
        clock,
        http,
        demo: signer,
        jti: AtomicU64::new(0),
        operator: std::sync::Mutex::default(),
    }
}

async fn start() -> Env {
    start_with(|c| c).await
}

impl Env {
    fn url(&self, path: &str) -> String {
        let operator = self.operator.lock().unwrap();
        format!("{}{operator}{path}", self.server.issuer())
    }

    /// Addresses the operator at `path` (`""` for the root) from now on.
    fn select(&self, path: &str) {
        path.clone_into(&mut self.operator.lock().unwrap());
    }

    fn now_secs(&self) -> u64 {
        self.clock
            .now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    fn claims(&self, signer: &Signer, aud: Value) -> Value {
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

    fn sign(&self, signer: &Signer, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(signer.kid.clone());
        jsonwebtoken::encode(&header, claims, &signer.key).unwrap()
    }

    /// A fresh, valid assertion of the demo client for the token endpoint.
    fn assertion(&self) -> String {
        self.sign(&self.demo, &self.claims(&self.demo, json!(self.url("/token"))))
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            headers,
        }
    }

    async fn form(&self, path: &str, pairs: &[(&str, &str)]) -> Answer {
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

    async fn bc_authorize(&self, login_hint: &str, scope: &str) -> Answer {
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

    async fn poll(&self, auth_req_id: &str) -> Answer {
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
    async fn ciba_token(&self, login_hint: &str, scope: &str) -> Value {
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

    async fn access_token(&self, number: &str, api_scope: &str) -> String {
        let token = self
            .ciba_token(&format!("tel:{number}"), &format!("{FRAUD} {api_scope}"))
            .await;
        token["access_token"].as_str().unwrap().to_owned()
    }

    async fn two_legged_token(&self, scope: &str) -> String {
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

    async fn api(&self, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
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

    async fn jwks(&self) -> JwkSet {
        let answer = self.send(self.http.get(self.url("/jwks"))).await;
        serde_json::from_value(answer.body).unwrap()
    }

    async fn verify_jwt(&self, token: &str, typ: &str) -> Value {
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
async fn other_signer(seed: u64, client_id: &str) -> (Signer, String) {
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
        kid: demo.key_id().to_owned(),
        key: es256_key(demo.expose_private_key_pem()),
    };
    server.shutdown().await;
    (signer, jwks)
}

// --- Server lifecycle -------------------------------------------------------------------------

#[tokio::test]
async fn refuses_non_loopback_bind_without_opt_in() {
    let config = ServerConfig::new().with_bind("0.0.0.0:0".parse().unwrap());
    let err = Server::start(config).await.unwrap_err();
    assert!(matches!(err, ServerError::NonLoopbackBind(_)), "{err}");
    insta::assert_snapshot!(err.to_string(), @"refusing to bind 0.0.0.0:0: not a loopback address (use ServerConfig::insecure_allow_non_loopback to opt in)");
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let env = start().await;
    let url = env.url("/jwks");
    assert_eq!(env.send(env.http.get(&url)).await.status, StatusCode::OK);
    let Env { server, .. } = env;
    server.shutdown().await;
    let fresh = reqwest::Client::new();
    assert!(fresh.get(&url).send().await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let server = Server::start(ServerConfig::new()).await.unwrap();
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback());
    drop(server);
    // The server task stops on its own once the handle is gone; give it a bounded number of turns.
    let mut stopped = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            stopped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(stopped, "still accepting connections after drop");
}

// --- Discovery and JWKS -----------------------------------------------------------------------

#[tokio::test]
async fn discovery_document() {
    let env = start().await;
    let answer = env
        .send(env.http.get(env.url("/.well-known/openid-configuration")))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let text = serde_json::to_string_pretty(&answer.body)
        .unwrap()
        .replace(env.server.issuer(), "http://127.0.0.1:PORT");
    insta::assert_snapshot!(text);
}

#[tokio::test]
async fn jwks_publishes_one_es256_signing_key() {
    let env = start().await;
    let jwks = env.jwks().await;
    assert_eq!(jwks.keys.len(), 1);
    let key = &jwks.keys[0];
    assert!(key.common.key_id.is_some());
    let text = serde_json::to_value(key).unwrap();
    assert_eq!(text["kty"], "EC");
    assert_eq!(text["crv"], "P-256");
    assert!(text.get("d").is_none(), "private part must not be published");
}

// --- CIBA -------------------------------------------------------------------------------------

#[tokio::test]
async fn ciba_approve_flow_polls_then_issues_signed_tokens() {
    let env = start().await;
    // The Orange France page's bare MSISDN form of login_hint.
    let started = env
        .bc_authorize("33699901040", &format!("{FRAUD} kyc-match:match"))
        .await;
    assert_eq!(started.status, StatusCode::OK);
    assert_eq!(started.body["expires_in"], 120);
    assert_eq!(started.body["interval"], 2);
    let id = started.body["auth_req_id"].as_str().unwrap();

    let pending = env.poll(id).await;
    assert_eq!(pending.status, StatusCode::BAD_REQUEST);
    assert_eq!(pending.error(), "authorization_pending");
    assert_eq!(pending.header("cache-control"), Some("no-store"));

    env.clock.advance(Duration::from_secs(2)); // fr-peter approves after 2 s
    let token = env.poll(id).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    assert_eq!(token.body["token_type"], "Bearer");
    assert_eq!(token.body["expires_in"], 3600);
    assert_eq!(
        token.body["scope"],
        "openid dpv:FraudPreventionAndDetection kyc-match:match"
    );
    let id_token = token.body["id_token"].as_str().unwrap();
    let claims = env.verify_jwt(id_token, "JWT").await;
    assert_eq!(claims["aud"], env.demo.client_id);
    let sub = claims["sub"].as_str().unwrap();
    assert!(!sub.contains("699901040"), "sub must not be the number");
    assert_eq!(sub.len(), 43, "base64url SHA-256");

    // The request is consumed.
    assert_eq!(env.poll(id).await.error(), "invalid_grant");
}

#[tokio::test]
async fn pairwise_subjects_differ_per_client() {
    let (other, jwks) = other_signer(7, "other-client").await;
    let env =
        start_with(|c| c.with_client(ClientRegistration::from_jwks_json("other-client", &jwks).unwrap()))
            .await;
    let scope = format!("{FRAUD} sim-swap");
    let demo_token = env.ciba_token("tel:+819012345678", &scope).await;
    let claims = env.claims(&other, json!(env.server.issuer()));
    let assertion = env.sign(&other, &claims);
    let started = env
        .form(
            "/bc-authorize",
            &[
                ("login_hint", "tel:+819012345678"),
                ("scope", &scope),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let claims = env.claims(&other, json!(env.url("/token")));
    let assertion = env.sign(&other, &claims);
    let token = env
        .form(
            "/token",
            &[
                ("grant_type", CIBA),
                ("auth_req_id", started.body["auth_req_id"].as_str().unwrap()),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let a = env
        .verify_jwt(demo_token["id_token"].as_str().unwrap(), "JWT")
        .await;
    let b = env
        .verify_jwt(token.body["id_token"].as_str().unwrap(), "JWT")
        .await;
    assert_ne!(a["sub"], b["sub"]);
}

#[tokio::test]
async fn ciba_deny_expiry_and_slow_down() {
    let env = start().await;
    let scope = format!("{FRAUD} sim-swap");
    // fr-camille denies after 1 s.
    let id = env.bc_authorize(&format!("tel:{CAMILLE}"), &scope).await.body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.poll(&id).await.error(), "authorization_pending");
    env.clock.advance(Duration::from_secs(1));
    let denied = env.poll(&id).await;
    assert_eq!(
        (denied.status, denied.error()),
        (StatusCode::BAD_REQUEST, "access_denied")
    );
    assert_eq!(env.poll(&id).await.error(), "invalid_grant");

    // es-never never answers: the request expires after expires_in.
    let id = env.bc_authorize(&format!("tel:{NEVER}"), &scope).await.body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    env.clock.advance(Duration::from_secs(119));
    assert_eq!(env.poll(&id).await.error(), "authorization_pending");
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.poll(&id).await.error(), "expired_token");

    // nl-anna's device: two slow_down answers, then approval.
    let id = env.bc_authorize(&format!("tel:{ANNA}"), &scope).await.body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.poll(&id).await.error(), "slow_down");
    assert_eq!(env.poll(&id).await.error(), "slow_down");
    assert_eq!(env.poll(&id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn enforced_interval_answers_slow_down_to_early_polls() {
    let env = start_with(|c| c.with_enforced_poll_interval(true)).await;
    let id = env
        .bc_authorize(&format!("tel:{PETER}"), &format!("{FRAUD} sim-swap"))
        .await
        .body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.poll(&id).await.error(), "authorization_pending");
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.poll(&id).await.error(), "slow_down");
    // The interval is now 2 + 5 s.
    env.clock.advance(Duration::from_secs(7));
    assert_eq!(env.poll(&id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn demo_config_overrides_delays_and_interval() {
    let clock = ManualClock::at_unix(1_767_225_600);
    let server = Server::start(
        ServerConfig::demo()
            .with_clock(Arc::new(clock.clone()))
            .with_random(Arc::new(SeededRandom::new(1))),
    )
    .await
    .unwrap();
    let env = Env {
        demo: Signer {
            client_id: server.demo_client().unwrap().client_id().to_owned(),
            kid: server.demo_client().unwrap().key_id().to_owned(),
            key: es256_key(server.demo_client().unwrap().expose_private_key_pem()),
        },
        server,
        clock,
        http: reqwest::Client::new(),
        jti: AtomicU64::new(0),
        operator: std::sync::Mutex::default(),
    };
    let started = env
        .bc_authorize(&format!("tel:{PETER}"), &format!("{FRAUD} sim-swap"))
        .await;
    assert_eq!(started.body["interval"], 1);
    let id = started.body["auth_req_id"].as_str().unwrap();
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.poll(id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn bc_authorize_errors() {
    let env = start().await;
    let check = |answer: Answer, status: StatusCode, error: &str| {
        assert_eq!(
            (answer.status, answer.error()),
            (status, error),
            "{}",
            answer.body
        );
    };
    let bad = StatusCode::BAD_REQUEST;
    check(
        env.bc_authorize(
            &format!("tel:{PETER}"),
            "dpv:FraudPreventionAndDetection sim-swap",
        )
        .await,
        bad,
        "invalid_scope",
    );
    check(
        env.bc_authorize(&format!("tel:{PETER}"), "openid sim-swap").await,
        bad,
        "invalid_scope",
    );
    check(
        env.bc_authorize("tel:+33700000000", &format!("{FRAUD} sim-swap"))
            .await,
        bad,
        "unknown_user_id",
    );
    check(
        env.bc_authorize("nonsense", &format!("{FRAUD} sim-swap")).await,
        bad,
        "invalid_request",
    );
    check(
        env.bc_authorize(&format!("tel:{OPTED_OUT}"), &format!("{FRAUD} sim-swap"))
            .await,
        StatusCode::FORBIDDEN,
        "access_denied",
    );
    check(
        env.bc_authorize("operatortoken:unknown", &format!("{FRAUD} sim-swap"))
            .await,
        bad,
        "unknown_user_id",
    );
    let assertion = env.assertion();
    check(
        env.form(
            "/bc-authorize",
            &[
                ("scope", FRAUD),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await,
        bad,
        "invalid_request",
    );
    check(
        env.form("/token", &[("grant_type", "password"), ("grant_type", "x")])
            .await,
        bad,
        "invalid_request",
    );
    let assertion = env.assertion();
    check(
        env.form(
            "/token",
            &[
                ("grant_type", "password"),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await,
        bad,
        "unsupported_grant_type",
    );
}

#[tokio::test]
async fn client_assertion_checks() {
    let (stranger, _) = other_signer(9, "netid-demo-client").await;
    let env = start().await;
    let issuer = env.server.issuer().to_owned();
    let token_ep = env.url("/token");
    let bc_ep = env.url("/bc-authorize");

    // Each case: an assertion for bc-authorize, and whether it is accepted.
    let check = async |name: &str, assertion: String, accepted: bool| {
        let answer = env
            .form(
                "/bc-authorize",
                &[
                    ("login_hint", "tel:+33699901040"),
                    ("scope", "openid dpv:FraudPreventionAndDetection sim-swap"),
                    ("client_assertion_type", JWT_BEARER),
                    ("client_assertion", &assertion),
                ],
            )
            .await;
        if accepted {
            assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.body);
        } else {
            assert_eq!(
                (answer.status, answer.error()),
                (StatusCode::UNAUTHORIZED, "invalid_client"),
                "{name}: {}",
                answer.body
            );
        }
        answer
    };
    let with = |f: &dyn Fn(&mut Value)| {
        let mut claims = env.claims(&env.demo, json!(bc_ep));
        f(&mut claims);
        env.sign(&env.demo, &claims)
    };

    check("aud = issuer", with(&|c| c["aud"] = json!(issuer)), true).await;
    check(
        "aud = token endpoint",
        with(&|c| c["aud"] = json!(token_ep)),
        true,
    )
    .await;
    check("aud = endpoint called", with(&|_| {}), true).await;
    check("aud array", with(&|c| c["aud"] = json!(["x", issuer])), true).await;
    check(
        "aud trailing slash",
        with(&|c| c["aud"] = json!(format!("{issuer}/"))),
        false,
    )
    .await;
    check(
        "aud elsewhere",
        with(&|c| c["aud"] = json!("https://op.example")),
        false,
    )
    .await;
    check("no aud", with(&|c| c["aud"] = Value::Null), false).await;
    let exp = env.now_secs();
    check("expired", with(&|c| c["exp"] = json!(exp)), false).await;
    check("no exp", with(&|c| c["exp"] = Value::Null), false).await;
    check("not yet valid", with(&|c| c["nbf"] = json!(exp + 30)), false).await;
    check("no jti", with(&|c| c["jti"] = Value::Null), false).await;
    check("sub differs", with(&|c| c["sub"] = json!("someone")), false).await;
    check(
        "unknown client",
        with(&|c| {
            c["iss"] = json!("nobody");
            c["sub"] = json!("nobody");
        }),
        false,
    )
    .await;
    let claims = env.claims(&stranger, json!(bc_ep));
    check("wrong key", env.sign(&stranger, &claims), false).await;
    let hs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &env.claims(&env.demo, json!(bc_ep)),
        &EncodingKey::from_secret(b"secret"),
    )
    .unwrap();
    check("HS256", hs, false).await;
    check("not a JWT", String::from("abc"), false).await;
    let once = with(&|_| {});
    check("first use", once.clone(), true).await;
    let replay = check("replayed jti", once, false).await;
    insta::assert_json_snapshot!(replay.body, @r#"
    {
      "error": "invalid_client",
      "error_description": "client_assertion jti was already used"
    }
    "#);

    // Wrong assertion type and no assertion at all.
    let answer = env
        .form(
            "/token",
            &[
                ("grant_type", CIBA),
                ("auth_req_id", "x"),
                ("client_assertion_type", "urn:other"),
                ("client_assertion", &env.assertion()),
            ],
        )
        .await;
    assert_eq!(answer.error(), "invalid_client");
    let answer = env
        .form("/token", &[("grant_type", CIBA), ("auth_req_id", "x")])
        .await;
    assert_eq!(answer.error(), "invalid_client");
}

#[tokio::test]
async fn auth_req_id_is_bound_to_its_client() {
    let (other, jwks) = other_signer(11, "other-client").await;
    let env =
        start_with(|c| c.with_client(ClientRegistration::from_jwks_json("other-client", &jwks).unwrap()))
            .await;
    let id = env
        .bc_authorize(&format!("tel:{TARO}"), &format!("{FRAUD} sim-swap"))
        .await
        .body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let claims = env.claims(&other, json!(env.url("/token")));
    let assertion = env.sign(&other, &claims);
    let answer = env
        .form(
            "/token",
            &[
                ("grant_type", CIBA),
                ("auth_req_id", &id),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(answer.error(), "invalid_grant");
    // The rightful client still gets its token.
    assert_eq!(env.poll(&id).await.status, StatusCode::OK);
}

// --- Access tokens on the APIs ----------------------------------------------------------------

#[tokio::test]
async fn api_token_and_scope_checks() {
    let env = start_with(|c| c.with_access_token_lifetime(Duration::from_secs(60))).await;
    let path = "/sim-swap/v2/check";
    let body = Some(json!({ "maxAge": 240 }));
    let check = |answer: Answer, status: u16, code: &str| {
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        assert_eq!(answer.body["status"], status);
        assert_eq!(
            answer.header("x-correlator"),
            Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
        );
    };
    check(env.api(path, None, body.clone()).await, 401, "UNAUTHENTICATED");
    check(
        env.api(path, Some("not-a-token"), body.clone()).await,
        401,
        "UNAUTHENTICATED",
    );
    let kyc = env.access_token(TARO, "kyc-match:match").await;
    check(
        env.api(path, Some(&kyc), body.clone()).await,
        403,
        "PERMISSION_DENIED",
    );
    let sim = env.access_token(TARO, "sim-swap:check").await;
    assert_eq!(
        env.api(path, Some(&sim), body.clone()).await.status,
        StatusCode::OK
    );
    env.clock.advance(Duration::from_secs(61));
    let expired = env.api(path, Some(&sim), body).await;
    insta::assert_json_snapshot!(expired.body, @r#"
    {
      "code": "UNAUTHENTICATED",
      "message": "Request not authenticated due to missing, invalid, or expired credentials.",
      "status": 401
    }
    "#);
}

#[tokio::test]
async fn invalid_x_correlator_is_refused() {
    let env = start().await;
    let answer = env
        .send(
            env.http
                .post(env.url("/sim-swap/v2/check"))
                .header("x-correlator", "has space")
                .body("{}"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "INVALID_ARGUMENT");
    assert_eq!(answer.header("x-correlator"), None);
}

#[tokio::test]
async fn jwt_access_tokens_are_signed_and_accepted() {
    let env = start_with(|c| c.with_access_token_format(AccessTokenFormat::Jwt)).await;
    let token = env.access_token(TARO, "sim-swap:retrieve-date").await;
    let claims = env.verify_jwt(&token, "at+jwt").await;
    assert_eq!(
        claims["scope"],
        "openid dpv:FraudPreventionAndDetection sim-swap:retrieve-date"
    );
    assert_eq!(claims["client_id"], env.demo.client_id);
    assert!(!claims.to_string().contains("9012345678"));
    let answer = env
        .api("/sim-swap/v2/retrieve-date", Some(&token), Some(json!({})))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

// --- SIM Swap ---------------------------------------------------------------------------------

#[tokio::test]
async fn sim_swap_v1_orange_spain() {
    let env = start().await;
    // Orange Spain's global scope.
    let token = env.access_token(MARIA, "sim-swap").await;
    let base = "/camara/oes/sim-swap/v1";
    // The page's requests: phoneNumber in the body, equal to the token's subscriber.
    let check = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "phoneNumber": MARIA, "maxAge": 240 })),
        )
        .await;
    assert_eq!(check.status, StatusCode::OK);
    assert_eq!(check.body, json!({ "swapped": true }));
    assert_eq!(
        check.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    let check = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "maxAge": 24 })),
        )
        .await;
    assert_eq!(check.body, json!({ "swapped": false }), "changed 48 h ago");
    // "Optionally prefixed with '+'".
    // Changed 48 h before now; the CIBA flow above moved the clock 2 s past 2026-01-01T00:00:00Z.
    let date = env
        .api(
            &format!("{base}/retrieve-date"),
            Some(&token),
            Some(json!({ "phoneNumber": "34654654654" })),
        )
        .await;
    assert_eq!(date.status, StatusCode::OK, "{}", date.body);
    assert_eq!(date.body, json!({ "latestSimChange": "2025-12-30T00:00:02Z" }));

    let peter = env.access_token(PETER, "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v1/retrieve-date", Some(&peter), Some(json!({})))
        .await;
    assert_eq!(
        date.body,
        json!({ "latestSimChange": "2023-09-05T13:57:55.707Z" })
    );

    // Errors of the 1.0.0 spec.
    let mismatch = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "phoneNumber": PETER })),
        )
        .await;
    insta::assert_json_snapshot!(mismatch.body, @r#"
    {
      "code": "INVALID_TOKEN_CONTEXT",
      "message": "Phone number cannot be deduced from access token context.",
      "status": 403
    }
    "#);
    let two_legged = env.two_legged_token("sim-swap").await;
    let missing = env
        .api(&format!("{base}/check"), Some(&two_legged), Some(json!({})))
        .await;
    assert_eq!(
        (missing.status.as_u16(), missing.code()),
        (422, "UNIDENTIFIABLE_PHONE_NUMBER")
    );
    let unknown = env
        .api(
            &format!("{base}/check"),
            Some(&two_legged),
            Some(json!({ "phoneNumber": "+34699999999" })),
        )
        .await;
    assert_eq!((unknown.status.as_u16(), unknown.code()), (404, "NOT_FOUND"));
    let known = env
        .api(
            &format!("{base}/check"),
            Some(&two_legged),
            Some(json!({ "phoneNumber": MARIA })),
        )
        .await;
    assert_eq!(known.body, json!({ "swapped": true }));
    let range = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "maxAge": 2401 })),
        )
        .await;
    assert_eq!((range.status.as_u16(), range.code()), (400, "INVALID_ARGUMENT"));
}

#[tokio::test]
async fn sim_swap_v2_identifier_rules() {
    let env = start().await;
    let token = env
        .access_token(MARIA, "sim-swap:check sim-swap:retrieve-date")
        .await;
    let two_legged = env.two_legged_token("sim-swap:check").await;
    let check = async |token: &str, body: Value, status: u16, code: &str| {
        let answer = env.api("/sim-swap/v2/check", Some(token), Some(body)).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        answer
    };
    let ok = check(&token, json!({}), 200, "").await;
    assert_eq!(ok.body, json!({ "swapped": true }), "default maxAge 240 h");
    let unnecessary = check(
        &token,
        json!({ "phoneNumber": MARIA }),
        422,
        "UNNECESSARY_IDENTIFIER",
    )
    .await;
    insta::assert_json_snapshot!(unnecessary.body, @r#"
    {
      "code": "UNNECESSARY_IDENTIFIER",
      "message": "The device is already identified by the access token.",
      "status": 422
    }
    "#);
    check(&two_legged, json!({}), 422, "MISSING_IDENTIFIER").await;
    check(
        &two_legged,
        json!({ "phoneNumber": "+34699999999" }),
        404,
        "IDENTIFIER_NOT_FOUND",
    )
    .await;
    check(
        &two_legged,
        json!({ "phoneNumber": "34654654654" }),
        400,
        "INVALID_ARGUMENT",
    )
    .await;
    check(&two_legged, json!({ "phoneNumber": MARIA, "maxAge": 1 }), 200, "").await;
    check(&token, json!({ "maxAge": 0 }), 400, "OUT_OF_RANGE").await;
    check(&token, json!({ "maxAge": "240" }), 400, "INVALID_ARGUMENT").await;
    // es-maria's operator keeps 30 days of history.
    let limited = check(&token, json!({ "maxAge": 2400 }), 400, "OUT_OF_RANGE").await;
    assert_eq!(
        limited.body["message"],
        "Check monitor period could not exceed local regulations (30 days)"
    );
    let malformed = env
        .send(
            env.http
                .post(env.url("/sim-swap/v2/check"))
                .bearer_auth(&token)
                .body("{not json"),
        )
        .await;
    assert_eq!(malformed.code(), "INVALID_ARGUMENT");

    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&token), Some(json!({})))
        .await;
    assert_eq!(date.body, json!({ "latestSimChange": "2025-12-30T00:00:02Z" }));
    // fr-peter has no monitored period; anna's change is old and kept.
    let peter = env.access_token(PETER, "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&peter), Some(json!({})))
        .await;
    assert_eq!(
        date.body,
        json!({ "latestSimChange": "2023-09-05T13:57:55.707Z" })
    );
    // Japanese subscriber: never swapped, the activation date is returned.
    let taro = env.access_token(TARO, "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&taro), Some(json!({})))
        .await;
    assert_eq!(date.body, json!({ "latestSimChange": "2016-04-01T00:00:00Z" }));
}

#[tokio::test]
async fn sim_swap_v2_hides_changes_outside_the_monitored_period() {
    let subscribers = netid_server::SubscriberStore::from_toml_str(
        r#"
        [[subscribers]]
        id = "es-private"
        phone_number = "+34611111111"
        sim_changes = [{ at = "2020-01-01T00:00:00Z" }]
        monitored_period_days = 120
        "#,
    )
    .unwrap();
    let env = start_with(|c| c.with_subscribers(subscribers)).await;
    let token = env.access_token("+34611111111", "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&token), Some(json!({})))
        .await;
    assert_eq!(
        date.body,
        json!({ "latestSimChange": null, "monitoredPeriod": 120 })
    );
}

// --- Number Verification ----------------------------------------------------------------------

/// The authorization-code flow with `prompt=none`: returns the `Location` of the redirect.
async fn authorize(env: &Env, extra: &[(&str, &str)]) -> (StatusCode, String) {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", "netid-demo-client"),
        ("redirect_uri", "http://127.0.0.1/callback"),
        (
            "scope",
            "openid dpv:FraudPreventionAndDetection number-verification:verify number-verification:device-phone-number:read",
        ),
        ("state", "st4te"),
        ("prompt", "none"),
    ];
    pairs.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    pairs.extend_from_slice(extra);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let response = env
        .http
        .get(format!("{}?{query}", env.url("/authorize")))
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), location)
}

fn query_param(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(location).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn exchange_code(env: &Env, code: &str, verifier: Option<&str>) -> Answer {
    let assertion = env.assertion();
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", "http://127.0.0.1/callback"),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", &assertion),
    ];
    if let Some(v) = verifier {
        pairs.push(("code_verifier", v));
    }
    env.form("/token", &pairs).await
}

#[tokio::test]
async fn number_verification_with_authorization_code() {
    let env = start().await;
    let verifier = "dBjftJeZ4CVP-mJ92K9-sr3p9NuU7aKhZ4k9Ykxrgg8";
    let challenge = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()));
    let (status, location) = authorize(
        &env,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("nonce", "n-0S6"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location.starts_with("http://127.0.0.1/callback?code="),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("st4te"));
    let code = query_param(&location, "code").unwrap();
    assert_eq!(
        exchange_code(&env, &code, Some("wrong-verifier")).await.error(),
        "invalid_grant"
    );
    // A code is single-use, even after a failed exchange: start again.
    let (_, location) = authorize(
        &env,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("nonce", "n-0S6"),
        ],
    )
    .await;
    let code = query_param(&location, "code").unwrap();
    let token = exchange_code(&env, &code, Some(verifier)).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let claims = env
        .verify_jwt(token.body["id_token"].as_str().unwrap(), "JWT")
        .await;
    assert_eq!(claims["nonce"], "n-0S6");
    assert_eq!(
        exchange_code(&env, &code, Some(verifier)).await.error(),
        "invalid_grant"
    );
    // Number Verification tokens are single-use, short-lived and never refreshed (issue 16).
    assert!(
        token.body["expires_in"].as_u64().is_some_and(|secs| secs <= 300),
        "{}",
        token.body
    );
    assert!(token.body.get("refresh_token").is_none(), "{}", token.body);
    let access = token.body["access_token"].as_str().unwrap();

    let verify = async |access: &str, body: Value| {
        env.api("/number-verification/v2/verify", Some(access), Some(body))
            .await
    };
    assert_eq!(
        verify(access, json!({ "phoneNumber": PETER })).await.body,
        json!({ "devicePhoneNumberVerified": true })
    );
    // The first answer spent the token: the same token again is the spec's 401.
    let again = verify(access, json!({ "phoneNumber": PETER })).await;
    assert_eq!((again.status.as_u16(), again.code()), (401, "UNAUTHENTICATED"));
    assert_eq!(
        again.header("www-authenticate"),
        Some("Bearer realm=\"netid-sandbox\", error=\"invalid_token\"")
    );
    let spent = env
        .api("/number-verification/v2/device-phone-number", Some(access), None)
        .await;
    assert_eq!(spent.status.as_u16(), 401, "{}", spent.body);
    assert_eq!(
        verify(&code_flow_token(&env).await, json!({ "phoneNumber": CAMILLE }))
            .await
            .body,
        json!({ "devicePhoneNumberVerified": false })
    );
    let hashed = hex::encode(digest::digest(&digest::SHA256, PETER.as_bytes())).to_uppercase();
    assert_eq!(
        verify(
            &code_flow_token(&env).await,
            json!({ "hashedPhoneNumber": hashed })
        )
        .await
        .body,
        json!({ "devicePhoneNumberVerified": true })
    );
    // Refused requests answer nothing and leave the token usable.
    let access = code_flow_token(&env).await;
    let both = verify(
        &access,
        json!({ "phoneNumber": PETER, "hashedPhoneNumber": hashed }),
    )
    .await;
    assert_eq!((both.status.as_u16(), both.code()), (400, "INVALID_ARGUMENT"));
    let neither = verify(&access, json!({})).await;
    assert_eq!(
        (neither.status.as_u16(), neither.code()),
        (400, "INVALID_ARGUMENT")
    );
    let bad_hash = verify(&access, json!({ "hashedPhoneNumber": "abc" })).await;
    assert_eq!(bad_hash.code(), "INVALID_ARGUMENT");

    let device = env
        .api("/number-verification/v2/device-phone-number", Some(&access), None)
        .await;
    assert_eq!(device.body, json!({ "devicePhoneNumber": PETER }));
    assert_eq!(
        device.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    let again = env
        .api("/number-verification/v2/device-phone-number", Some(&access), None)
        .await;
    assert_eq!((again.status.as_u16(), again.code()), (401, "UNAUTHENTICATED"));
}

/// A fresh Number Verification access token of the network's subscriber, by the code flow.
async fn code_flow_token(env: &Env) -> String {
    let (_, location) = authorize(env, &[]).await;
    let code = query_param(&location, "code").unwrap();
    let token = exchange_code(env, &code, None).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    token.body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn number_verification_requires_mobile_network_authentication() {
    let env = start().await;
    // CIBA with a phone number: the subscriber approved on a device, not through the network.
    let by_number = env.access_token(PETER, "number-verification:verify").await;
    let answer = env
        .api(
            "/number-verification/v2/verify",
            Some(&by_number),
            Some(json!({ "phoneNumber": PETER })),
        )
        .await;
    insta::assert_json_snapshot!(answer.body, @r#"
    {
      "code": "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK",
      "message": "Client must authenticate via the mobile network to use this service",
      "status": 403
    }
    "#);
    // CIBA with a TS.43 operator token (masstack page) is network-based.
    let token = env
        .ciba_token(
            "operatortoken:ts43-es-maria",
            &format!("{FRAUD} number-verification:verify"),
        )
        .await;
    // Wrong scope for device-phone-number (before the verify call, which spends the token).
    let answer = env
        .api(
            "/number-verification/v2/device-phone-number",
            token["access_token"].as_str(),
            None,
        )
        .await;
    assert_eq!(answer.code(), "PERMISSION_DENIED");
    let answer = env
        .api(
            "/number-verification/v2/verify",
            token["access_token"].as_str(),
            Some(json!({ "phoneNumber": MARIA })),
        )
        .await;
    assert_eq!(answer.body, json!({ "devicePhoneNumberVerified": true }));
}

#[tokio::test]
async fn authorize_errors() {
    let env = start().await;
    let (status, location) = authorize(&env, &[("redirect_uri", "http://evil.example/cb")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::BAD_REQUEST, ""));
    let (status, _) = authorize(&env, &[("client_id", "nobody")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let check = async |extra: &[(&str, &str)], error: &str| {
        let (status, location) = authorize(&env, extra).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            query_param(&location, "error").as_deref(),
            Some(error),
            "{location}"
        );
        assert_eq!(query_param(&location, "state").as_deref(), Some("st4te"));
    };
    check(&[("prompt", "login")], "interaction_required").await;
    check(&[("response_type", "token")], "unsupported_response_type").await;
    check(&[("scope", "number-verification:verify")], "invalid_scope").await;
    check(
        &[("code_challenge", "x"), ("code_challenge_method", "plain")],
        "invalid_request",
    )
    .await;

    let off_network = start_with(|c| c.with_network_subscriber(None)).await;
    let (_, location) = authorize(&off_network, &[]).await;
    assert_eq!(query_param(&location, "error").as_deref(), Some("login_required"));
}

// --- KYC Match --------------------------------------------------------------------------------

#[tokio::test]
async fn kyc_match_v0_2_orange_france_page_example() {
    let env = start().await;
    let token = env
        .ciba_token("33699901040", &format!("{FRAUD} kyc-match:match"))
        .await;
    // The request of the Orange France page, verbatim.
    let answer = env
        .api(
            "/camara/ofr/kyc-match/v0.2/match",
            token["access_token"].as_str(),
            Some(json!({
                "phoneNumber": "+33699901040",
                "givenName": "Pet er",
                "familyName": "Lefebvre",
                "address": "14 blevard de Perrier",
                "locality": "Gilbert",
                "email": "peter.lefebvre@sfr.fr",
                "country": "FR",
                "postalCode": "44000",
                "gender": "FEMALE"
            })),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    // The response of the same page, verbatim.
    assert_eq!(
        answer.body,
        json!({
            "givenNameMatch": "false",
            "givenNameMatchScore": 96,
            "familyNameMatch": "true",
            "addressMatch": "false",
            "addressMatchScore": 98,
            "postalCodeMatch": "true",
            "localityMatch": "true",
            "countryMatch": "true",
            "emailMatch": "true",
            "genderMatch": "not_available"
        })
    );
}

#[tokio::test]
async fn kyc_match_v0_4_and_errors() {
    let env = start().await;
    let token = env.access_token(TARO, "kyc-match:match").await;
    let check = async |token: &str, path: &str, body: Value, status: u16, code: &str| {
        let answer = env.api(path, Some(token), Some(body)).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        answer
    };
    let v04 = "/kyc-match/v0.4/match";
    let answer = check(
        &token,
        v04,
        json!({
            "nameKanaZenkaku": "ヤマダ タロウ",
            "nameKanaHankaku": "ﾔﾏﾀﾞ ﾀﾛｳ",
            "familyName": "山田",
            "postalCode": "1028460",
            "birthdate": "1975-09-30",
            "idDocument": "X123"
        }),
        200,
        "",
    )
    .await;
    insta::assert_json_snapshot!(answer.body);
    check(
        &token,
        v04,
        json!({ "phoneNumber": PETER, "givenName": "x" }),
        403,
        "INVALID_TOKEN_CONTEXT",
    )
    .await;
    check(
        &token,
        v04,
        json!({ "phoneNumber": TARO, "givenName": "太郎" }),
        200,
        "",
    )
    .await;
    check(
        &token,
        v04,
        json!({ "birthdate": "30/09/1975" }),
        400,
        "INVALID_ARGUMENT",
    )
    .await;
    check(&token, v04, json!({}), 400, "INVALID_ARGUMENT").await;
    let two_legged = env.two_legged_token("kyc-match:match").await;
    check(
        &two_legged,
        v04,
        json!({ "givenName": "x" }),
        422,
        "MISSING_IDENTIFIER",
    )
    .await;
    check(
        &two_legged,
        v04,
        json!({ "phoneNumber": "+34699999999", "givenName": "x" }),
        404,
        "IDENTIFIER_NOT_FOUND",
    )
    .await;
    let v02 = "/kyc-match/v0.2/match";
    check(
        &two_legged,
        v02,
        json!({ "givenName": "x" }),
        400,
        "INVALID_ARGUMENT",
    )
    .await;
    check(
        &two_legged,
        v02,
        json!({ "phoneNumber": "+34699999999", "givenName": "x" }),
        404,
        "NOT_FOUND",
    )
    .await;
    // Dutch record: name composed from given, middle and birth family names.
    let dutch = check(
        &two_legged,
        v04,
        json!({ "phoneNumber": ANNA, "name": "Anna Maria Jansen", "houseNumberExtension": "a" }),
        200,
        "",
    )
    .await;
    assert_eq!(
        dutch.body,
        json!({ "nameMatch": "true", "houseNumberExtensionMatch": "true" })
    );
    // Spanish record, through the 0.2 key names.
    let spanish = check(
        &two_legged,
        v02,
        json!({ "phoneNumber": "34654654654", "familyName": "Garcia Lopez", "idDocument": "12345678z", "nationality": "ES" }),
        200,
        "",
    )
    .await;
    assert_eq!(
        spanish.body,
        json!({ "idDocumentMatch": "true", "familyNameMatch": "true" })
    );
    // Neither version forbids additional properties: the sandbox ignores one it does not know,
    // although `KycClaims` itself refuses it.
    let extra = check(
        &two_legged,
        v04,
        json!({ "phoneNumber": ANNA, "name": "Anna Maria Jansen", "nickname": "Annie" }),
        200,
        "",
    )
    .await;
    assert_eq!(extra.body, json!({ "nameMatch": "true" }));
}

// --- Faults and routing -----------------------------------------------------------------------

#[tokio::test]
async fn fault_injection() {
    let env = start_with(|c| c.with_fault("/sim-swap/v2/check", Fault::status(503).times(1))).await;
    let token = env.access_token(MARIA, "sim-swap:check").await;
    let path = "/sim-swap/v2/check";
    let body = Some(json!({}));
    let unavailable = env.api(path, Some(&token), body.clone()).await;
    assert_eq!(unavailable.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        unavailable.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    insta::assert_json_snapshot!(unavailable.body, @r#"
    {
      "code": "UNAVAILABLE",
      "message": "Service Unavailable.",
      "status": 503
    }
    "#);
    // Only once.
    assert_eq!(
        env.api(path, Some(&token), body.clone()).await.status,
        StatusCode::OK
    );

    env.server
        .inject_fault(path, Fault::too_many_requests(Duration::from_secs(7)));
    let limited = env.api(path, Some(&token), body.clone()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("retry-after"), Some("7"));
    assert_eq!(limited.code(), "TOO_MANY_REQUESTS");

    env.server.inject_fault(path, Fault::malformed_body());
    let malformed = env.api(path, Some(&token), body.clone()).await;
    assert_eq!(malformed.status, StatusCode::OK);
    assert_eq!(malformed.body, Value::Null, "body is not JSON");

    env.server.inject_fault(
        "/token",
        Fault::status(500).with_latency(Duration::from_millis(5)).times(2),
    );
    assert_eq!(env.poll("x").await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(env.poll("x").await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(env.poll("x").await.error(), "invalid_grant");

    env.server
        .inject_fault(path, Fault::latency(Duration::from_millis(5)));
    assert_eq!(
        env.api(path, Some(&token), body.clone()).await.status,
        StatusCode::OK
    );
    env.server.clear_faults();
    assert_eq!(env.api(path, Some(&token), body).await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let env = start().await;
    let missing = env.api("/sim-swap/v9/check", None, Some(json!({}))).await;
    assert_eq!((missing.status.as_u16(), missing.code()), (404, "NOT_FOUND"));
    assert_eq!(
        missing.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    let wrong_method = env.api("/sim-swap/v2/check", None, None).await;
    assert_eq!(
        (wrong_method.status.as_u16(), wrong_method.code()),
        (405, "METHOD_NOT_ALLOWED")
    );
}

// --- SAML IdP ---------------------------------------------------------------------------------

/// The HTTP-Redirect binding of an AuthnRequest: the query of `/saml/sso`.
fn redirect_query(authn_request: &str, relay_state: Option<&str>) -> String {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(authn_request.as_bytes()).unwrap();
    let deflated = encoder.finish().unwrap();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair(
        "SAMLRequest",
        &base64::engine::general_purpose::STANDARD.encode(deflated),
    );
    if let Some(relay) = relay_state {
        query.append_pair("RelayState", relay);
    }
    query.finish()
}

fn authn_request(issuer: &str, acs: Option<&str>, format: Option<&str>) -> String {
    let acs = acs
        .map(|a| format!(r#" AssertionConsumerServiceURL="{a}""#))
        .unwrap_or_default();
    let policy = format
        .map(|f| format!(r#"<samlp:NameIDPolicy Format="{f}" AllowCreate="true"/>"#))
        .unwrap_or_default();
    format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"{acs}><saml:Issuer>{issuer}</saml:Issuer>{policy}</samlp:AuthnRequest>"#
    )
}

/// Runs the SSO endpoint; returns the status, the HTML form's action, the decoded Response XML and
/// the RelayState.
async fn sso(env: &Env, query: &str) -> (StatusCode, String, String, Option<String>) {
    let response = env
        .http
        .get(format!("{}?{query}", env.url("/saml/sso")))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();
    let field = |marker: &str| {
        html.split_once(marker)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(value, _)| value.replace("&amp;", "&"))
    };
    let action = field(r#"action=""#).unwrap_or_default();
    let xml = field(r#"name="SAMLResponse" value=""#)
        .map(|b64| String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap())
        .unwrap_or_default();
    (status, action, xml, field(r#"name="RelayState" value=""#))
}

fn verify_saml(env: &Env, xml: &str) -> bool {
    let key = bergshamra::keys::loader::load_x509_cert_pem(env.server.saml_idp_certificate_pem().as_bytes())
        .unwrap();
    let mut keys = bergshamra::KeysManager::new();
    keys.add_key(key);
    let mut ctx = bergshamra::DsigContext::new(keys);
    ctx.trusted_keys_only = true;
    matches!(
        bergshamra::verify(&ctx, xml),
        Ok(bergshamra::dsig::verify::VerifyResult::Valid { .. })
    )
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    xml.split_once(open)
        .and_then(|(_, rest)| rest.split_once(close))
        .map(|(v, _)| v)
        .unwrap_or_default()
}

#[tokio::test]
async fn saml_sso_answers_a_signed_response() {
    let env = start().await;
    let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    let query = redirect_query(
        &authn_request(
            "netid-demo-sp",
            Some("http://127.0.0.1/saml/acs"),
            Some(persistent),
        ),
        Some("back/to?page=1"),
    );
    let (status, action, xml, relay) = sso(&env, &query).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(action, "http://127.0.0.1/saml/acs");
    assert_eq!(relay.as_deref(), Some("back/to?page=1"));
    assert!(verify_saml(&env, &xml), "{xml}");
    assert!(xml.contains(r#"InResponseTo="_req1""#));
    assert!(xml.contains(r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>"#));
    assert_eq!(
        between(&xml, "<saml:Audience>", "</saml:Audience>"),
        "netid-demo-sp"
    );
    assert_eq!(
        between(&xml, "<saml:Issuer>", "</saml:Issuer>"),
        env.server.saml_idp_entity_id()
    );
    assert!(xml.contains(&format!(r#"<saml:NameID Format="{persistent}">"#)));
    let name_id = between(&xml, ">", "</saml:NameID>")
        .rsplit('>')
        .next()
        .unwrap()
        .to_owned();
    assert!(!name_id.contains("699901040"));
    for attribute in [
        "OrangeAPIToken",
        "displayname",
        "givenname",
        "surname",
        "emailaddress",
        "streetaddress",
        "postalcode",
        "locality",
        "country",
        "dateofbirth",
        "mobilephone",
        "usertype",
    ] {
        assert!(xml.contains(&format!(r#"Name="{attribute}""#)), "{attribute}");
    }
    assert!(xml.contains(">Peter Lefebvre<"));
    assert!(xml.contains(">14 boulevard de Perrier<"));

    // Tampering breaks the signature.
    let tampered = xml.replace(">Peter<", ">Pierre<");
    assert_ne!(tampered, xml);
    assert!(!verify_saml(&env, &tampered));

    // The persistent NameID is stable; a transient one is fresh every time.
    let (_, _, again, _) = sso(&env, &query).await;
    assert!(again.contains(&format!(">{name_id}</saml:NameID>")));
    let transient = redirect_query(&authn_request("netid-demo-sp", None, None), None);
    let (_, action, first, relay) = sso(&env, &transient).await;
    let (_, _, second, _) = sso(&env, &transient).await;
    assert_eq!(action, "http://127.0.0.1/saml/acs", "first registered ACS");
    assert_eq!(relay, None);
    assert!(first.contains("nameid-format:transient"));
    let nid = |x: &str| between(x, "nameid-format:transient\">", "<").to_owned();
    assert_ne!(nid(&first), nid(&second));
    assert!(verify_saml(&env, &first));
}

#[tokio::test]
async fn saml_sso_errors() {
    let env = start().await;
    let check = async |query: String, expected: &str| {
        let response = env
            .http
            .get(format!("{}?{query}", env.url("/saml/sso")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.text().await.unwrap(),
            format!("SAML request refused: {expected}\n")
        );
    };
    check(String::new(), "missing SAMLRequest").await;
    check(String::from("SAMLRequest=%25%25"), "SAMLRequest is not Base64").await;
    check(
        redirect_query(&authn_request("stranger-sp", None, None), None),
        "unknown service provider (Issuer)",
    )
    .await;
    check(
        redirect_query(
            &authn_request("netid-demo-sp", Some("http://evil.example/acs"), None),
            None,
        ),
        "AssertionConsumerServiceURL is not registered",
    )
    .await;
    check(
        redirect_query(
            r#"<!DOCTYPE a><AuthnRequest ID="x"><Issuer>netid-demo-sp</Issuer></AuthnRequest>"#,
            None,
        ),
        "AuthnRequest must not carry a DTD",
    )
    .await;

    // Off the mobile network: an unsigned failure Response still goes back to the SP.
    let off_network =
        start_with(|c| {
            c.with_network_subscriber(None).with_saml_service_provider(
                netid_server::SamlServiceProvider::new("other-sp", "http://127.0.0.1:9/acs"),
            )
        })
        .await;
    let (status, action, xml, _) = sso(
        &off_network,
        &redirect_query(&authn_request("other-sp", None, None), None),
    )
    .await;
    assert_eq!(
        (status, action.as_str()),
        (StatusCode::OK, "http://127.0.0.1:9/acs")
    );
    assert!(
        xml.contains("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"),
        "{xml}"
    );
    assert!(!xml.contains("Assertion"));
}

#[tokio::test]
async fn saml_metadata_publishes_the_certificate() {
    let env = start().await;
    let response = env.http.get(env.url("/saml/metadata")).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/samlmetadata+xml");
    let xml = response.text().await.unwrap();
    let cert: String = env
        .server
        .saml_idp_certificate_pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert!(xml.contains(&format!("<ds:X509Certificate>{cert}</ds:X509Certificate>")));
    assert!(xml.contains(&format!(r#"entityID="{}""#, env.server.saml_idp_entity_id())));
    assert!(xml.contains(&format!(r#"Location="{}""#, env.url("/saml/sso"))));
}
