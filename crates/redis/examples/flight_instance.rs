//! One instance of a CIBA client sharing its single flight through Redis, as a separate process:
//! the cross-process test of `tests/it/flight.rs` runs it beside its own instance.
//!
//! Usage: `flight_instance REDIS_URL KEY_PREFIX CALLERS`. Runs `CALLERS` concurrent lookups for one
//! subject against a scripted operator of its own (granting `at-1` after one 1 s poll), and prints
//! `flows=<backchannel requests> tokens=<lookups that got at-1>`; exits 0, or 2 on bad usage.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::{Driver, FlightPolicy, TokenCache};
use netid_ciba::jose::{SignError, Signer, SigningAlgorithm};
use netid_ciba::provider::{CibaProvider, IdTokenPolicy, ProviderConfig};
use netid_core::login_hint::LoginHint;
use netid_core::ports::{OsRandom, SystemClock};
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_redis::{RedisConfig, RedisStores, TokenEncryptionKey};
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TokioSleep, TransportError};

/// Labels its output ES256 but only hashes: the scripted operator checks nothing.
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

/// Counts backchannel requests; grants `at-1` at every poll.
#[derive(Debug, Default)]
struct Operator(AtomicUsize);

#[async_trait]
impl HttpTransport for Operator {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let body = if request.uri().path() == "/bc-authorize" {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            format!(r#"{{"auth_req_id":"r-{n}","expires_in":30,"interval":1}}"#)
        } else {
            r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#.to_owned()
        };
        http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(Bytes::from(body))
            .map_err(|e| TransportError::Other(e.to_string()))
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, prefix, callers] = args.as_slice() else {
        eprintln!("usage: flight_instance REDIS_URL KEY_PREFIX CALLERS");
        return ExitCode::from(2);
    };
    let Ok(callers) = callers.parse::<usize>() else {
        return ExitCode::from(2);
    };
    let config = RedisConfig::new(url.as_str())
        .key_prefix(prefix.as_str())
        .timeout(Duration::from_secs(2));
    let (Ok(stores), Ok(key)) = (
        RedisStores::connect(config).await,
        TokenEncryptionKey::from_bytes(&[9; 32]),
    ) else {
        eprintln!("flight_instance: redis unreachable");
        return ExitCode::from(2);
    };
    let operator = Arc::new(Operator::default());
    let driver = Driver::with_details(
        operator.clone(),
        Arc::new(SystemClock),
        Arc::new(TokioSleep),
        Arc::new(OsRandom),
    );
    let (Ok(config), Ok(hint)) = (
        ProviderConfig::new("https://op.example", "https://op.example/token"),
        "tel:+34654654654".parse::<LoginHint>(),
    ) else {
        return ExitCode::from(2);
    };
    let Ok(provider) = CibaProvider::new(
        config.with_id_token_policy(IdTokenPolicy::Optional),
        "https://op.example/bc-authorize",
    ) else {
        return ExitCode::from(2);
    };
    let client = Arc::new(ClientConfig::new("netid-test-client", Arc::new(FakeSigner)));
    let policy = FlightPolicy::new()
        .lease(Duration::from_secs(1))
        .poll(Duration::from_millis(20), Duration::from_millis(100));
    let cache = Arc::new(
        TokenCache::new(driver, client, provider, Duration::from_secs(30))
            .with_flight(Arc::new(stores.shared_flight(key)), policy),
    );
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build();
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let (cache, hint, scope) = (cache.clone(), hint.clone(), scope.clone());
            tokio::spawn(async move { cache.access_token(&hint, &scope).await })
        })
        .collect();
    let mut tokens = 0;
    for task in tasks {
        if let Ok(Ok(token)) = task.await
            && token.expose_secret() == "at-1"
        {
            tokens += 1;
        }
    }
    println!("flows={} tokens={tokens}", operator.0.load(Ordering::SeqCst));
    ExitCode::SUCCESS
}
