//! The JWT-bearer grant and the authorization-code flow, which an operator file chooses per API
//! (`flow = "jwt-bearer"`, `flow = "authorization-code"`): the token request the facade makes, on a
//! replayed token endpoint, and the operator's calls with the token it obtains.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use netid::description::KeyText;
use netid::profile;
use netid::{Operation, Operator, OperatorDescription, Subject, TokenSource};
use netid_camara::Api;
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::Driver;
use netid_ciba::grant::TokenRequestSession;
use netid_ciba::jose::{SignError, Signer, SigningAlgorithm};
use netid_ciba::provider::{IdTokenPolicy, ProviderConfig};
use netid_core::phone::PhoneNumber;
use netid_core::scope::Purpose;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_core::token::AccessToken;
use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};
use serde_json::Value;

use crate::support::{camara_request, json_response, start};

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

/// An operator whose SIM Swap table names the JWT-bearer flow, over `transport`.
fn jwt_bearer_operator(flow: &str, transport: Arc<ReplayTransport>) -> Operator {
    let text = format!(
        "client-id = \"netid-test-client\"\nbc-authorize-url = \"https://op.example/bc-authorize\"\n\
         token-url = \"{TOKEN_URL}\"\n[sim-swap]\nprofile = \"orange-spain\"\n\
         base-url = \"https://op.example/sim-swap/v1\"\nflow = \"{flow}\"\n"
    );
    let clock = ManualClock::new(start());
    // RS256 (PKCS#1 v1.5) signatures are deterministic, so the second run sends the recorded
    // request byte for byte; aws-lc's ES256 signatures are randomised (no RFC 6979).
    let key = include_str!("../../../ciba/tests/fixtures/keys/rsa.pem");
    Operator::builder(OperatorDescription::from_toml_str(&text).expect("valid"))
        .transport(transport)
        .clock(Arc::new(clock.clone()))
        .random(Arc::new(SeededRandom::new(3)))
        .sleep(Arc::new(InstantSleep::new(clock)))
        .key(KeyText::new("rsa.pem", key))
        .build()
        .expect("the description resolves")
}

#[tokio::test]
async fn an_operator_file_can_name_the_jwt_bearer_flow() {
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid");
    let max_age = Duration::from_secs(240 * 3600);
    // First run: record the token request (nothing is scripted, so no token comes back).
    let recorder = Arc::new(ReplayTransport::new([]));
    let error = jwt_bearer_operator("jwt-bearer", recorder.clone())
        .sim_swap(number.clone())
        .check(max_age)
        .await
        .expect_err("nothing scripted");
    assert!(
        matches!(error, netid::Error::Token { polls: None, .. }),
        "{error:?}"
    );
    let token_request = recorder.received().pop().expect("the token request");
    assert_eq!(token_request.uri(), TOKEN_URL);
    let body = std::str::from_utf8(token_request.body()).expect("form text");
    assert!(
        body.starts_with("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="),
        "{body}"
    );

    // Second run, same inputs: the token, then the call with it.
    let replay = Arc::new(ReplayTransport::new([
        ReplayEvent::new(
            token_request,
            json_response(
                200,
                r#"{"access_token":"by-assertion","token_type":"Bearer","expires_in":3600}"#,
            ),
        ),
        ReplayEvent::new(
            camara_request(
                "POST",
                "https://op.example/sim-swap/v1/check",
                "by-assertion",
                Some(r#"{"phoneNumber":"+34654654654","maxAge":240}"#),
            ),
            json_response(200, r#"{"swapped": false}"#),
        ),
    ]));
    let reply = jwt_bearer_operator("jwt-bearer", replay.clone())
        .sim_swap(number)
        .check(max_age)
        .await
        .expect("granted and answered");
    replay.assert_complete();
    assert!(!reply.value.swapped);
    assert_eq!(reply.token.source, TokenSource::JwtBearer);
}

#[tokio::test]
async fn the_authorization_code_flow_takes_the_token_from_the_caller() {
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid");
    let max_age = Duration::from_secs(240 * 3600);
    let nothing = Arc::new(ReplayTransport::new([]));
    let error = jwt_bearer_operator("authorization-code", nothing.clone())
        .sim_swap(number.clone())
        .check(max_age)
        .await
        .expect_err("no token of its own");
    assert!(
        matches!(error, netid::Error::TokenFromCaller { api: Api::SimSwap }),
        "{error:?}"
    );
    assert!(nothing.received().is_empty(), "nothing is sent");
    let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(
        camara_request(
            "POST",
            "https://op.example/sim-swap/v1/check",
            "from-the-device",
            Some(r#"{"phoneNumber":"+34654654654","maxAge":240}"#),
        ),
        json_response(200, r#"{"swapped": true}"#),
    )]));
    let subject = Subject::phone_number(number).with_access_token(AccessToken::new("from-the-device"));
    let reply = jwt_bearer_operator("authorization-code", replay.clone())
        .sim_swap(subject)
        .check(max_age)
        .await
        .expect("answered");
    assert!(reply.value.swapped);
    assert_eq!(reply.token.source, TokenSource::Given);
}
