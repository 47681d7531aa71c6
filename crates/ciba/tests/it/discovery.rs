use std::sync::Arc;

use bytes::Bytes;
use netid_ciba::error::{Error, FlowError};
use netid_ciba::jose::SigningAlgorithm;
use netid_ciba::provider::ProviderConfig;
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support;

const ISSUER: &str = "https://op.example";

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url)
        .header("accept", "application/json")
        .body(Bytes::new())
        .unwrap()
}

fn ok(body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .unwrap()
}

fn document(issuer: &str) -> String {
    serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": "https://op.example/authorize",
        "token_endpoint": "https://op.example/token",
        "jwks_uri": "https://op.example/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "backchannel_authentication_endpoint": "https://op.example/backchannel",
        "backchannel_token_delivery_modes_supported": ["poll"],
        "backchannel_authentication_request_signing_alg_values_supported": ["ES256"]
    })
    .to_string()
}

#[tokio::test]
async fn discovery_then_jwks() {
    let replay = Arc::new(ReplayTransport::new([
        ReplayEvent::new(
            get("https://op.example/.well-known/openid-configuration"),
            ok(&document(ISSUER)),
        ),
        ReplayEvent::new(
            get("https://op.example/jwks"),
            ok(include_str!("../fixtures/keys/op-jwks.json")),
        ),
    ]));
    let (driver, _, _) = support::driver(replay.clone());
    let provider = driver.discover(ISSUER).await.unwrap();
    replay.assert_complete();
    assert_eq!(
        provider.backchannel_endpoint().unwrap().as_str(),
        "https://op.example/backchannel"
    );
    assert_eq!(provider.token_endpoint().as_str(), "https://op.example/token");
    assert!(provider.has_jwks());
    assert!(provider.supports_poll_mode());
    assert_eq!(
        provider.request_signing_algs(),
        Some(["ES256".to_owned()].as_slice())
    );
    assert_eq!(
        provider.id_token_algorithms(),
        [SigningAlgorithm::Rs256, SigningAlgorithm::Es256]
    );
    assert!(
        provider.accepts_client_algorithm(SigningAlgorithm::Ps256),
        "nothing announced"
    );
}

#[test]
fn discovery_failures() {
    let check = |status: u16, body: &str| -> String {
        let response = http::Response::builder()
            .status(status)
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap();
        ProviderConfig::from_discovery_response(ISSUER, &response)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        check(200, &document("https://evil.example")),
        "the discovery document names issuer `https://evil.example`, expected `https://op.example`"
    );
    let mismatch = ProviderConfig::from_discovery_response(
        ISSUER,
        &http::Response::builder()
            .status(200)
            .body(Bytes::from(document("https://op.example/")))
            .unwrap(),
    )
    .unwrap_err();
    // A trailing slash is another issuer (Discovery §4.3 compares exactly): both values are kept.
    assert!(
        matches!(
            &mismatch,
            Error::IssuerMismatch(m) if m.expected == ISSUER && m.received == "https://op.example/"
        ),
        "{mismatch:?}"
    );
    assert_eq!(
        check(404, "nope"),
        "flow ended: unexpected http status 404 from the discovery endpoint"
    );
    let http_endpoint = document(ISSUER).replace("https://op.example/token", "http://op.example/token");
    assert_eq!(
        check(200, &http_endpoint),
        "invalid use: invalid url for token endpoint: must be https (http only on a loopback host)"
    );
    let err = ProviderConfig::from_discovery_response(
        ISSUER,
        &http::Response::builder()
            .status(200)
            .body(Bytes::from_static(br#"{"issuer":5}"#))
            .unwrap(),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Decode(ref decode) if decode.path == "issuer"),
        "{err:?}"
    );
    let _ = FlowError::Cancelled;
}
