//! The CIBA single flight on a real Redis: two `TokenCache` instances, each on its own connection,
//! against one scripted operator that counts backchannel requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::{Driver, FlightPolicy, TokenCache, TokenOrigin};
use netid_ciba::error::{Error, OAuthErrorCode};
use netid_ciba::jose::{SignError, Signer, SigningAlgorithm};
use netid_ciba::provider::{CibaProvider, IdTokenPolicy, ProviderConfig};
use netid_core::login_hint::LoginHint;
use netid_core::ports::{OsRandom, SystemClock};
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_redis::{RedisStores, TokenEncryptionKey};
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TokioSleep, TransportError};

use crate::support::{self, Server};

/// The CIBA deadline the operator announces.
const EXPIRES_IN: u64 = 30;

/// Labels its output ES256 but only hashes: the operator here checks nothing.
#[derive(Debug)]
struct FakeSigner;

impl Signer for FakeSigner {
    fn algorithm(&self) -> SigningAlgorithm {
        SigningAlgorithm::Es256
    }
    fn key_id(&self) -> Option<&str> {
        Some("client-ec")
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(message.iter().rev().take(32).copied().collect())
    }
}

/// An operator answering every backchannel request (counted) with a new `auth_req_id`, and every
/// token poll with `token` (status and body).
#[derive(Debug)]
struct Operator {
    backchannel: AtomicUsize,
    token: (u16, String),
}

impl Operator {
    fn granting() -> Arc<Self> {
        Self::answering(
            200,
            r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#,
        )
    }

    fn denying() -> Arc<Self> {
        Self::answering(403, r#"{"error":"access_denied"}"#)
    }

    fn answering(status: u16, body: &str) -> Arc<Self> {
        Arc::new(Self {
            backchannel: AtomicUsize::new(0),
            token: (status, body.to_owned()),
        })
    }

    fn flows(&self) -> usize {
        self.backchannel.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl HttpTransport for Operator {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (status, body) = if request.uri().path() == "/bc-authorize" {
            let n = self.backchannel.fetch_add(1, Ordering::SeqCst) + 1;
            (
                200,
                format!(r#"{{"auth_req_id":"r-{n}","expires_in":{EXPIRES_IN},"interval":1}}"#),
            )
        } else {
            self.token.clone()
        };
        Ok(http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Bytes::from(body))
            .expect("a valid response"))
    }
}

fn scope() -> Scope {
    Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build()
}

fn hint() -> LoginHint {
    "tel:+34654654654".parse().unwrap()
}

fn secret() -> TokenEncryptionKey {
    TokenEncryptionKey::from_bytes(&[9; 32]).unwrap()
}

/// One instance: its own Redis connection, its own token cache, the shared operator.
fn instance(operator: Arc<Operator>, stores: &RedisStores, policy: FlightPolicy) -> Arc<TokenCache> {
    let driver = Driver::with_details(
        operator,
        Arc::new(SystemClock),
        Arc::new(TokioSleep),
        Arc::new(OsRandom),
    );
    let config = ProviderConfig::new("https://op.example", "https://op.example/token")
        .unwrap()
        .with_id_token_policy(IdTokenPolicy::Optional);
    let provider = CibaProvider::new(config, "https://op.example/bc-authorize").unwrap();
    let client = Arc::new(ClientConfig::new("netid-test-client", Arc::new(FakeSigner)));
    Arc::new(
        TokenCache::new(driver, client, provider, Duration::from_secs(30))
            .with_flight(Arc::new(stores.shared_flight(secret())), policy),
    )
}

fn policy() -> FlightPolicy {
    FlightPolicy::new()
        .lease(Duration::from_secs(1))
        .poll(Duration::from_millis(20), Duration::from_millis(100))
}

/// Two instances on separate connections to the same Redis and prefix.
async fn two_instances(url: &str, operator: &Arc<Operator>) -> [Arc<TokenCache>; 2] {
    let prefix = support::prefix();
    let mut out = Vec::new();
    for _ in 0..2 {
        let stores = support::connect(url, &prefix, Duration::from_secs(2)).await;
        out.push(instance(operator.clone(), &stores, policy()));
    }
    [out[0].clone(), out[1].clone()]
}

/// 50 concurrent lookups, alternating between the instances.
async fn fifty_callers(instances: &[Arc<TokenCache>; 2]) -> Vec<(Result<String, Error>, TokenOrigin)> {
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let cache = instances[i % 2].clone();
            tokio::spawn(async move {
                let lookup = cache
                    .lookup(&hint(), &scope(), |_| std::ops::ControlFlow::Continue(()))
                    .await;
                (
                    lookup.result.map(|token| token.expose_secret().to_owned()),
                    lookup.origin,
                )
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("no panic"));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_callers_on_two_instances_share_one_flow() {
    let (url, _server) = support::redis();
    let operator = Operator::granting();
    let instances = two_instances(&url, &operator).await;
    let results = fifty_callers(&instances).await;
    assert_eq!(operator.flows(), 1, "exactly one backchannel request");
    for (result, _) in &results {
        assert_eq!(result.as_deref().ok(), Some("at-1"), "{result:?}");
    }
    let from_flow = results
        .iter()
        .filter(|(_, origin)| matches!(origin, TokenOrigin::Flow { .. }))
        .count();
    assert_eq!(from_flow, 1);
    assert!(
        results
            .iter()
            .any(|(_, origin)| *origin == TokenOrigin::OtherInstance),
        "the other instance waited on the flight"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_waiter_gets_the_error_of_the_one_flow() {
    let (url, _server) = support::redis();
    let operator = Operator::denying();
    let instances = two_instances(&url, &operator).await;
    let results = fifty_callers(&instances).await;
    assert_eq!(operator.flows(), 1, "no second flow after the denial");
    for (result, _) in &results {
        match result {
            Err(Error::OAuth(error)) => assert_eq!(error.code, OAuthErrorCode::AccessDenied),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_holder_is_taken_over_once_its_lease_expires() {
    let (url, _server) = support::redis();
    let operator = Operator::granting();
    let [a, b] = two_instances(&url, &operator).await;
    let holder = tokio::spawn({
        let a = a.clone();
        async move { a.access_token(&hint(), &scope()).await }
    });
    // Killed once its flow is under way (between two polls), lease held.
    while operator.flows() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    holder.abort();
    let killed_at = Instant::now();
    let token = b.access_token(&hint(), &scope()).await.expect("a token");
    assert_eq!(token.expose_secret(), "at-1");
    assert_eq!(operator.flows(), 2, "the follower ran the flow itself");
    let waited = killed_at.elapsed();
    assert!(
        waited < Duration::from_secs(EXPIRES_IN),
        "within the CIBA deadline: {waited:?}"
    );
}

#[tokio::test]
async fn an_unreachable_redis_gives_a_direct_flow_and_no_hang() {
    // A server of this test's own: it is frozen below.
    let server = Server::start();
    let operator = Operator::granting();
    let stores = support::connect(&server.url(), &support::prefix(), Duration::from_millis(200)).await;
    let cache = instance(operator.clone(), &stores, policy());
    server.pause();
    let started = Instant::now();
    let lookup = cache
        .lookup(&hint(), &scope(), |_| std::ops::ControlFlow::Continue(()))
        .await;
    server.resume();
    assert_eq!(lookup.result.unwrap().expose_secret(), "at-1");
    assert!(lookup.store_error.is_some(), "reported for the caller to log");
    assert_eq!(operator.flows(), 1);
    // One timed-out claim, then the flow's own interval (1 s).
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

/// Runs the `flight_instance` example (built by `cargo test` beside this binary) as a second
/// process with `callers` lookups; it prints its backchannel requests and granted lookups.
fn other_process(url: &str, prefix: &str, callers: usize) -> std::process::Child {
    let exe = std::env::current_exe().expect("test binary path");
    let example = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps")
        .join("examples/flight_instance");
    std::process::Command::new(&example)
        .args([url, prefix, &callers.to_string()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", example.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_callers_in_two_processes_share_one_flow() {
    let (url, _server) = support::redis();
    let prefix = support::prefix();
    let child = other_process(&url, &prefix, 25);
    let operator = Operator::granting();
    let stores = support::connect(&url, &prefix, Duration::from_secs(2)).await;
    let here = instance(operator.clone(), &stores, policy());
    let tasks: Vec<_> = (0..25)
        .map(|_| {
            let here = here.clone();
            tokio::spawn(async move { here.access_token(&hint(), &scope()).await })
        })
        .collect();
    for task in tasks {
        let token = task.await.expect("no panic").expect("a token");
        assert_eq!(token.expose_secret(), "at-1");
    }
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("joined")
        .expect("the other process ran");
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8_lossy(&out.stdout);
    let flows_there: usize = printed
        .trim()
        .strip_prefix("flows=")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output: {printed}"));
    assert!(printed.trim().ends_with("tokens=25"), "{printed}");
    assert_eq!(
        operator.flows() + flows_there,
        1,
        "one backchannel request in both processes: {printed}"
    );
}
