//! Two servers on two ports, one Redis, one issuer and one signing key: the sandbox processes of
//! one operator behind a port-forward. What one starts, issues or records, the other continues,
//! accepts or refuses; a Redis that stops answering gives 503, never a success.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use netid_core::ports::Clock as _;
use netid_core::test_util::ManualClock;
use netid_server::{Server, ServerConfig, ServerError, ServerHandle};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::support::*;

mod consent_capture;
mod single_use;

/// One process of the operator, reached at its own address; URLs in tokens name the issuer.
struct Process {
    server: ServerHandle,
    base: String,
}

struct Pair {
    a: Process,
    b: Process,
    issuer: String,
    clock: ManualClock,
    http: reqwest::Client,
    demo: Signer,
    jti: AtomicU64,
}

/// An issuer no other test (or earlier run against a shared Redis) uses, so keys never collide.
fn unique_issuer(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("http://{test}-{}-{nanos}.sandbox.test", std::process::id())
}

/// The P-256 key of the scalar `[0x42; 32]`, PKCS#8 PEM (test material only).
fn signing_key_pem() -> String {
    concat!(
        "-----BEGIN PRIVATE KEY-----\n",
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQkJCQkJCQkJCQkJC\n",
        "QkJCQkJCQkJCQkJCQkJCQkJCQkKhRANCAAQ604YalWITklFrtZPvBVg+0uWGb1y2\n",
        "JgowFyN/2JuQr9CWHH43B1pnkaOcYfVilbArbSZWe2FeYKpB7hyOgziN\n",
        "-----END PRIVATE KEY-----\n",
    )
    .to_owned()
}

async fn start_pair(test: &str, redis_url: &str) -> Pair {
    let clock = ManualClock::at_unix(1_767_225_600);
    let issuer = unique_issuer(test);
    let config = || {
        ServerConfig::demo()
            .with_clock(Arc::new(clock.clone()))
            .with_issuer(issuer.clone())
            .with_signing_key_pem(signing_key_pem())
            .with_redis_state(redis_url)
    };
    let mut processes = Vec::new();
    for _ in 0..2 {
        let server = Server::start(config()).await.unwrap();
        let base = format!("http://{}", server.local_addr());
        processes.push(Process { server, base });
    }
    let (b, a) = (processes.pop().unwrap(), processes.pop().unwrap());
    let demo = a.server.demo_client().unwrap();
    // The demo client derives from the shared key: one client key works with both processes.
    assert_eq!(Some(demo.key_id()), b.server.demo_client().map(|d| d.key_id()));
    let signer = Signer::demo(demo);
    let http = no_redirect_client();
    Pair {
        a,
        b,
        issuer,
        clock,
        http,
        demo: signer,
        jti: AtomicU64::new(0),
    }
}

impl Pair {
    /// A fresh client assertion for the issuer (what a client behind the port-forward signs).
    fn assertion(&self) -> String {
        let n = self.jti.fetch_add(1, Ordering::Relaxed);
        let now = self
            .clock
            .now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = json!({
            "iss": self.demo.client_id, "sub": self.demo.client_id, "aud": self.issuer,
            "exp": now + 60, "jti": format!("jti-{n}"),
        });
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.demo.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.demo.key).unwrap()
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        Answer::read(request).await
    }

    async fn form(&self, to: &Process, path: &str, pairs: &[(&str, &str)]) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let request = self
            .http
            .post(format!("{}{path}", to.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    async fn token(&self, to: &Process, pairs: &[(&str, &str)]) -> Answer {
        let assertion = self.assertion();
        let mut pairs = pairs.to_vec();
        pairs.extend([
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &assertion),
        ]);
        self.form(to, "/token", &pairs).await
    }

    async fn sim_swap(&self, to: &Process, token: &str) -> Answer {
        let request = self
            .http
            .post(format!("{}/sim-swap/v2/check", to.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(json!({ "maxAge": 240 }).to_string());
        self.send(request).await
    }
}

#[tokio::test]
async fn a_ciba_request_started_on_one_process_is_answered_by_the_other() {
    let (url, _redis) = netid_redis::test_util::redis();
    let pair = start_pair("ciba", &url).await;
    let assertion = pair.assertion();
    let scope = format!("{FRAUD} sim-swap:check");
    let started = pair
        .form(
            &pair.a,
            "/bc-authorize",
            &[
                ("login_hint", &format!("tel:{PETER}")),
                ("scope", &scope),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let id = started.body["auth_req_id"].as_str().unwrap().to_owned();
    let poll = [("grant_type", CIBA), ("auth_req_id", id.as_str())];
    assert_eq!(pair.token(&pair.b, &poll).await.error(), "authorization_pending");
    pair.clock.advance(Duration::from_secs(2));
    let answer = pair.token(&pair.b, &poll).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // The approval is handed out once, whichever process is polled next.
    assert_eq!(pair.token(&pair.a, &poll).await.error(), "invalid_grant");
    assert_eq!(pair.token(&pair.b, &poll).await.error(), "invalid_grant");

    // The ID token of B verifies with A's JWKS and names the shared issuer.
    let jwks = pair.send(pair.http.get(format!("{}/jwks", pair.a.base))).await;
    let jwks: JwkSet = serde_json::from_value(jwks.body).unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&[pair.demo.client_id.as_str()]);
    validation.set_issuer(&[pair.issuer.as_str()]);
    validation.validate_exp = false;
    let id_token = answer.body["id_token"].as_str().unwrap();
    let key = DecodingKey::from_jwk(&jwks.keys[0]).unwrap();
    jsonwebtoken::decode::<Value>(id_token, &key, &validation).unwrap();

    // The access token B issued is accepted by both processes' CAMARA APIs.
    let token = answer.body["access_token"].as_str().unwrap();
    for process in [&pair.a, &pair.b] {
        let api = pair.sim_swap(process, token).await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    }
    assert_eq!(
        pair.sim_swap(&pair.a, "not-a-token").await.code(),
        "UNAUTHENTICATED"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_polled_on_both_processes_at_once_is_handed_out_once() {
    let (url, _redis) = netid_redis::test_util::redis();
    let pair = start_pair("race", &url).await;
    for _ in 0..5 {
        let assertion = pair.assertion();
        let login_hint = format!("tel:{PETER}");
        let started = pair
            .form(
                &pair.a,
                "/bc-authorize",
                &[
                    ("login_hint", login_hint.as_str()),
                    ("scope", FRAUD),
                    ("client_assertion_type", JWT_BEARER),
                    ("client_assertion", &assertion),
                ],
            )
            .await;
        let id = started.body["auth_req_id"].as_str().unwrap().to_owned();
        pair.clock.advance(Duration::from_secs(2));
        let poll = [("grant_type", CIBA), ("auth_req_id", id.as_str())];
        let (first, second) = tokio::join!(pair.token(&pair.a, &poll), pair.token(&pair.b, &poll));
        let mut statuses = [first.status.as_u16(), second.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 400], "{} {}", first.body, second.body);
    }
}

#[tokio::test]
async fn a_code_issued_by_one_process_is_exchanged_once_on_the_other() {
    let (url, _redis) = netid_redis::test_util::redis();
    let pair = start_pair("code", &url).await;
    let redirect_uri = "http://127.0.0.1/callback";
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", pair.demo.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            (
                "scope",
                "openid dpv:FraudPreventionAndDetection number-verification:verify",
            ),
        ])
        .finish();
    let request = pair.http.get(format!("{}/authorize?{query}", pair.a.base));
    let redirect = pair.send(request).await;
    assert_eq!(redirect.status, StatusCode::FOUND);
    let location = url::Url::parse(redirect.header("location").unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri),
    ];
    let first = pair.token(&pair.b, &exchange).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = pair.token(&pair.a, &exchange).await;
    assert_eq!(
        (second.status, second.error()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
}

#[tokio::test]
async fn a_client_assertion_used_on_one_process_is_refused_by_the_other() {
    let (url, _redis) = netid_redis::test_util::redis();
    let pair = start_pair("jti", &url).await;
    let assertion = pair.assertion();
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "sim-swap:check"),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", assertion.as_str()),
    ];
    let first = pair.form(&pair.a, "/token", &form).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let replayed = pair.form(&pair.b, "/token", &form).await;
    assert_eq!(
        (replayed.status, replayed.error()),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
    assert!(
        replayed.body["error_description"]
            .as_str()
            .unwrap()
            .contains("jti")
    );
}

/// A TCP relay to Redis that can be cut, as a Redis that stops (or a network that fails) looks.
struct Relay {
    url: String,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn to(redis_url: &str) -> Self {
        let target = url::Url::parse(redis_url).unwrap();
        let target = format!("{}:{}", target.host_str().unwrap(), target.port().unwrap_or(6379));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("redis://{}/", listener.local_addr().unwrap());
        let tasks: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let registry = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                registry.lock().unwrap().push(relay);
            }
        });
        tasks.lock().unwrap().push(accept);
        Self { url, tasks }
    }

    /// Closes the listener and every relayed connection.
    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

#[tokio::test]
async fn a_redis_that_stops_answering_gives_503_never_a_success() {
    let (url, _redis) = netid_redis::test_util::redis();
    let relay = Relay::to(&url).await;
    let pair = start_pair("down", &relay.url).await;
    let issued = pair
        .token(
            &pair.a,
            &[("grant_type", "client_credentials"), ("scope", "sim-swap:check")],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let token = issued.body["access_token"].as_str().unwrap().to_owned();
    relay.cut();
    tokio::time::sleep(Duration::from_millis(50)).await;

    let api = pair.sim_swap(&pair.b, &token).await;
    assert_eq!(
        (api.status, api.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE")
    );
    let refused = pair
        .token(
            &pair.b,
            &[("grant_type", "client_credentials"), ("scope", "sim-swap:check")],
        )
        .await;
    assert_eq!(
        (refused.status, refused.error()),
        (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable")
    );
}

#[tokio::test]
async fn a_server_whose_redis_does_not_answer_refuses_to_start() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", unused.local_addr().unwrap());
    drop(unused);
    let config = ServerConfig::new().with_redis_state(url);
    assert!(matches!(Server::start(config).await, Err(ServerError::State(_))));
    let config = ServerConfig::new().with_redis_state("http://not-redis/");
    assert!(matches!(
        Server::start(config).await,
        Err(ServerError::StateUrl { .. })
    ));
    let config = ServerConfig::new().with_issuer("ftp://sandbox.test");
    assert!(matches!(Server::start(config).await, Err(ServerError::Issuer(_))));
}
