//! Interop tests against a real third-party OpenID Provider: panva's `oidc-provider` (npm) in CIBA
//! poll mode with `private_key_jwt`, reached through `netid-reqwest`.
//!
//! Built only with the private `__interop` feature. Start the provider and run these tests with
//! `tests/oidc-provider/run-interop.sh` (see `tests/oidc-provider/README.md`), which exports
//! `NETID_OIDC_PROVIDER_URL`. Without that variable every test fails with a message saying so when
//! `CI` is set (so CI cannot silently skip the suite), and otherwise returns after printing that it
//! did not run (so `cargo test --all-features` on a laptop without Node does not fail).

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use netid_ciba::ciba::{BackchannelRequest, CibaSession, Progress};
use netid_ciba::client::{AssertionAudience, ClientConfig};
use netid_ciba::driver::Driver;
use netid_ciba::error::{Error, FlowError, OAuthErrorCode};
use netid_ciba::jose::{KeySigner, SigningAlgorithm};
use netid_ciba::provider::CibaProvider;
use netid_ciba::tokens::TokenSet;
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_reqwest::{ReqwestTransport, TokioSleep};

const CLIENT_ID: &str = "netid-interop";
const EC_PEM: &[u8] = include_bytes!("../fixtures/keys/ec.pem");
const RSA_PEM: &[u8] = include_bytes!("../fixtures/keys/rsa.pem");
const OTHER_RSA_PEM: &[u8] = include_bytes!("../fixtures/keys/other-rsa.pem");

const NOT_SET: &str = "NETID_OIDC_PROVIDER_URL is not set: start the provider with \
    tests/oidc-provider/run-interop.sh (or `node tests/oidc-provider/server.mjs`) and export the URL it prints";

/// The provider's URL; `None` (after saying so) when it is unset outside CI.
#[allow(clippy::print_stderr, reason = "tells the developer the suite did not run")]
fn provider_url() -> Option<String> {
    match std::env::var("NETID_OIDC_PROVIDER_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let in_ci = std::env::var("CI").is_ok_and(|ci| !ci.is_empty() && ci != "false" && ci != "0");
            assert!(!in_ci, "{NOT_SET}");
            eprintln!("interop test not run: {NOT_SET}");
            None
        }
    }
}

fn issuer() -> String {
    provider_url().unwrap_or_else(|| panic!("{NOT_SET}"))
}

fn driver() -> Driver {
    let transport = ReqwestTransport::with_timeouts(Duration::from_secs(5), Duration::from_secs(10)).unwrap();
    Driver::new(Arc::new(transport), Arc::new(TokioSleep))
}

async fn provider(driver: &Driver) -> CibaProvider {
    // Discovery and the JWKS come from the provider itself.
    let provider = driver.discover_ciba(&issuer()).await.unwrap();
    assert!(provider.config().supports_poll_mode());
    provider
}

fn es256_client() -> Arc<ClientConfig> {
    let signer = KeySigner::from_pem(SigningAlgorithm::Es256, EC_PEM, Some("client-ec".into())).unwrap();
    Arc::new(ClientConfig::new(CLIENT_ID, Arc::new(signer)))
}

fn request(number: &str) -> BackchannelRequest {
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build();
    BackchannelRequest::new(scope, format!("tel:{number}").parse::<LoginHint>().unwrap())
}

/// Runs a flow and returns its outcome and every progress report.
async fn run(
    client: Arc<ClientConfig>,
    request: BackchannelRequest,
) -> (Result<TokenSet, Error>, Vec<Progress>) {
    let driver = driver();
    let provider = provider(&driver).await;
    let mut session = CibaSession::new(client, provider, request);
    let mut reports = Vec::new();
    let outcome = driver
        .run_ciba(&mut session, |progress| {
            reports.push(progress);
            ControlFlow::Continue(())
        })
        .await;
    (outcome, reports)
}

#[tokio::test]
async fn approve() {
    if provider_url().is_none() {
        return;
    }
    let (outcome, reports) = run(es256_client(), request("+33699900001")).await;
    let tokens = outcome.unwrap();
    let id_token = tokens.id_token.expect("oidc-provider sends an id_token");
    assert_eq!(id_token.subject.expose_pii(), "+33699900001");
    assert_eq!(id_token.issuer, issuer());
    assert!(tokens.expires_at.is_some());
    assert!(
        reports.last().unwrap().polls >= 1,
        "pending at least once: {reports:?}"
    );
    assert!(
        reports
            .iter()
            .all(|report| report.interval == Some(Duration::from_secs(1)))
    );
}

#[tokio::test]
async fn approve_with_rs256_and_the_issuer_as_audience() {
    if provider_url().is_none() {
        return;
    }
    let signer = KeySigner::from_pem(SigningAlgorithm::Rs256, RSA_PEM, Some("client-rsa".into())).unwrap();
    let client = Arc::new(
        ClientConfig::new(CLIENT_ID, Arc::new(signer)).with_assertion_audience(AssertionAudience::Issuer),
    );
    let (outcome, _) = run(client, request("+33699900001")).await;
    assert!(outcome.unwrap().id_token.is_some());
}

/// CIBA Core 7.1.1: oidc-provider refuses a request object whose `aud` is not its issuer
/// (`invalid_request_object`), and requires `exp`, `iat`, `nbf` and `jti` in it. The client
/// assertions keep their own `aud` (the endpoint, by default).
#[tokio::test]
async fn approve_with_a_signed_request_object() {
    if provider_url().is_none() {
        return;
    }
    let driver = driver();
    let provider = provider(&driver).await;
    assert!(
        provider
            .config()
            .accepts_request_algorithm(SigningAlgorithm::Es256),
        "oidc-provider accepts ES256 request objects"
    );
    let request = request("+33699900001")
        .with_binding_message("netid interop")
        .unwrap()
        .signed();
    let mut session = CibaSession::new(es256_client(), provider, request);
    let tokens = driver
        .run_ciba(&mut session, |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    let id_token = tokens.id_token.expect("oidc-provider sends an id_token");
    assert_eq!(id_token.subject.expose_pii(), "+33699900001");
}

#[tokio::test]
async fn deny() {
    if provider_url().is_none() {
        return;
    }
    let (outcome, _) = run(es256_client(), request("+33699900002")).await;
    match outcome {
        Err(Error::OAuth(error)) => assert_eq!(error.code, OAuthErrorCode::AccessDenied),
        other => panic!("expected access_denied, got {other:?}"),
    }
}

#[tokio::test]
async fn expire() {
    if provider_url().is_none() {
        return;
    }
    let request = request("+33699900003")
        .with_requested_expiry(Duration::from_secs(3))
        .unwrap();
    let (outcome, reports) = run(es256_client(), request).await;
    assert_eq!(outcome.unwrap_err(), Error::Flow(FlowError::DeadlineReached));
    let last = reports.last().unwrap();
    assert!(last.polls <= 2, "polls at 1 s and 2 s only: {reports:?}");
}

#[tokio::test]
async fn slow_down() {
    if provider_url().is_none() {
        return;
    }
    let (outcome, reports) = run(es256_client(), request("+33699900004")).await;
    outcome.unwrap();
    let intervals: Vec<Option<Duration>> = reports.iter().map(|report| report.interval).collect();
    assert_eq!(intervals.first(), Some(&Some(Duration::from_secs(1))));
    assert_eq!(
        intervals.last(),
        Some(&Some(Duration::from_secs(6))),
        "slow_down adds 5 s: {reports:?}"
    );
}

#[tokio::test]
async fn default_interval_when_none_is_announced() {
    if provider_url().is_none() {
        return;
    }
    let (outcome, reports) = run(es256_client(), request("+33699900005")).await;
    outcome.unwrap();
    assert_eq!(reports.first().unwrap().interval, Some(Duration::from_secs(5)));
}

#[tokio::test]
async fn unknown_subscriber() {
    if provider_url().is_none() {
        return;
    }
    let (outcome, _) = run(es256_client(), request("+33699900099")).await;
    match outcome {
        Err(Error::OAuth(error)) => {
            assert_eq!((error.status, error.code), (400, OAuthErrorCode::UnknownUserId))
        }
        other => panic!("expected unknown_user_id, got {other:?}"),
    }
}

#[tokio::test]
async fn assertion_signed_with_an_unregistered_key() {
    if provider_url().is_none() {
        return;
    }
    let signer =
        KeySigner::from_pem(SigningAlgorithm::Rs256, OTHER_RSA_PEM, Some("client-rsa".into())).unwrap();
    let client = Arc::new(ClientConfig::new(CLIENT_ID, Arc::new(signer)));
    let (outcome, _) = run(client, request("+33699900001")).await;
    match outcome {
        Err(Error::OAuth(error)) => {
            assert_eq!((error.status, error.code), (401, OAuthErrorCode::InvalidClient))
        }
        other => panic!("expected invalid_client, got {other:?}"),
    }
}
