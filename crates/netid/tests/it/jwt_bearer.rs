//! The JWT-bearer grant. No profile of the registry uses it, and an [`Operator`](netid::Operator)
//! takes its profiles only by name from the registry (`ApiProfile::with_flow` builds one, but no
//! public path hands it to an operator), so the facade's JWT-bearer branch cannot be reached from
//! outside the crate. What can be shown from outside is the token request the facade's branch makes
//! (`TokenRequestSession::jwt_bearer` driven by `Driver::exchange`), with the scope a facade
//! profile writes, on a replayed token endpoint.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use netid::Operation;
use netid::profile::{self, TokenFlow};
use netid_camara::Api;
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::Driver;
use netid_ciba::grant::TokenRequestSession;
use netid_ciba::jose::{SignError, Signer, SigningAlgorithm};
use netid_ciba::provider::{IdTokenPolicy, ProviderConfig};
use netid_core::scope::Purpose;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};
use serde_json::Value;

use crate::support::{json_response, start};

const TOKEN_URL: &str = "https://op.example/token";

/// A signer that does not sign: the test reads the assertion's claims, and a fixed signature keeps
/// the request the same on every run.
#[derive(Debug)]
struct UnsignedSigner;

impl Signer for UnsignedSigner {
    fn algorithm(&self) -> SigningAlgorithm {
        SigningAlgorithm::Es256
    }
    fn key_id(&self) -> Option<&str> {
        Some("test-key")
    }
    fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(vec![7; 64])
    }
}

/// Runs one JWT-bearer exchange for `tel:+34654654654` over `replay`, with the scope the
/// `orange-spain` profile writes for SIM Swap check; same inputs, same request.
async fn exchange(replay: Arc<ReplayTransport>) -> Result<netid_ciba::tokens::TokenSet, netid_ciba::Error> {
    let clock = ManualClock::new(start());
    let driver = Driver::with_details(
        replay,
        Arc::new(clock.clone()),
        Arc::new(InstantSleep::new(clock)),
        Arc::new(SeededRandom::new(11)),
    );
    let client = Arc::new(ClientConfig::new("netid-test-client", Arc::new(UnsignedSigner)));
    let provider = ProviderConfig::new("https://op.example", TOKEN_URL)
        .expect("valid")
        .with_id_token_policy(IdTokenPolicy::Optional);
    let scope = profile::find(Api::SimSwap, "orange-spain")
        .expect("known")
        .scope(Operation::SimSwapCheck, &Purpose::FraudPreventionAndDetection);
    let subject = "tel:+34654654654".parse().expect("hint");
    let session =
        TokenRequestSession::jwt_bearer(client, Arc::new(provider), subject, scope).expect("a tel: subject");
    driver.exchange(session).await
}

#[test]
fn no_registry_profile_uses_jwt_bearer() {
    assert!(
        profile::all().all(|profile| profile.flow() != TokenFlow::JwtBearer),
        "a JWT-bearer profile exists: test it through an Operator instead"
    );
}

#[tokio::test]
async fn the_jwt_bearer_token_request_carries_the_profile_scope_in_its_assertion() {
    // First run: record the request (nothing is scripted, so the exchange fails after it).
    let recorder = Arc::new(ReplayTransport::new([]));
    exchange(recorder.clone()).await.expect_err("nothing scripted");
    let request = recorder.received().pop().expect("one request");
    assert_eq!(
        (request.method().as_str(), request.uri().to_string().as_str()),
        ("POST", TOKEN_URL)
    );
    assert_eq!(
        request.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    let body = std::str::from_utf8(request.body()).expect("form text");
    let form: Vec<(&str, &str)> = body
        .split('&')
        .map(|pair| pair.split_once('=').expect("name=value"))
        .collect();
    let names: Vec<&str> = form.iter().map(|(name, _)| *name).collect();
    // The assertion doubles as client authentication, and the scope travels inside it only.
    assert_eq!(names, vec!["grant_type", "assertion"], "{body}");
    assert_eq!(form[0].1, "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
    let payload = form[1].1.split('.').nth(1).expect("a compact JWS");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON claims");
    assert_eq!(claims["iss"], "netid-test-client");
    assert_eq!(claims["sub"], "tel:+34654654654");
    assert_eq!(claims["aud"], TOKEN_URL);
    assert_eq!(claims["scope"], "openid dpv:FraudPreventionAndDetection sim-swap");
    assert!(claims["jti"].is_string() && claims["exp"].as_u64() > claims["iat"].as_u64());

    // Second run, same inputs: the replayed endpoint expects that request and grants a token.
    let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(
        request,
        json_response(
            200,
            r#"{"access_token":"jwt-bearer-token","token_type":"Bearer","expires_in":3600}"#,
        ),
    )]));
    let tokens = exchange(replay.clone()).await.expect("granted");
    replay.assert_complete();
    assert_eq!(tokens.access_token.expose_secret(), "jwt-bearer-token");
}
