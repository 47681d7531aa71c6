use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::client::{AssertionAudience, ClientConfig};
use crate::testkit::{self, t0};

/// Verifies `jws` with the public half of the client key (from the committed client JWKS).
fn verify(jws: &str, algorithm: Algorithm) -> bool {
    let (message, signature) = jws.rsplit_once('.').unwrap();
    let jwks: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/keys/client-jwks.json")).unwrap();
    let index = usize::from(algorithm == Algorithm::ES256);
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwks["keys"][index].clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key, algorithm).unwrap()
}

#[test]
fn every_algorithm_and_key_form_signs_verifiably() {
    let cases: Vec<(&str, KeySigner, Algorithm)> = vec![
        (
            "rs256 pem",
            KeySigner::from_pem(SigningAlgorithm::Rs256, testkit::CLIENT_RSA_PEM, None).unwrap(),
            Algorithm::RS256,
        ),
        (
            "ps256 pem",
            KeySigner::from_pem(SigningAlgorithm::Ps256, testkit::CLIENT_RSA_PEM, None).unwrap(),
            Algorithm::PS256,
        ),
        (
            "es256 pem",
            KeySigner::from_pem(SigningAlgorithm::Es256, testkit::CLIENT_EC_PEM, None).unwrap(),
            Algorithm::ES256,
        ),
        (
            "rs256 jwk",
            KeySigner::from_jwk(testkit::CLIENT_RSA_JWK).unwrap(),
            Algorithm::RS256,
        ),
        (
            "es256 jwk",
            KeySigner::from_jwk(testkit::CLIENT_EC_JWK).unwrap(),
            Algorithm::ES256,
        ),
        ("ps256 jwk", ps256_jwk_signer(), Algorithm::PS256),
    ];
    for (name, signer, algorithm) in cases {
        let jws = sign_jwt(&signer, "JWT", &serde_json::json!({"a": 1})).unwrap();
        assert!(verify(&jws, algorithm), "case {name}");
        assert_eq!(
            testkit::jws_part(&jws, 0)["alg"],
            algorithm_name(algorithm),
            "case {name}"
        );
    }
}

/// The client RSA JWK with `"alg": "PS256"`: the JWK's `alg` picks PSS over PKCS#1 v1.5.
fn ps256_jwk_signer() -> KeySigner {
    let mut jwk: serde_json::Value = serde_json::from_str(testkit::CLIENT_RSA_JWK).unwrap();
    jwk["alg"] = serde_json::Value::String("PS256".to_owned());
    let signer = KeySigner::from_jwk(&jwk.to_string()).unwrap();
    assert_eq!(signer.algorithm(), SigningAlgorithm::Ps256);
    signer
}

fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::RS256 => "RS256",
        Algorithm::PS256 => "PS256",
        _ => "ES256",
    }
}

#[test]
fn jwk_kid_is_kept() {
    let signer = KeySigner::from_jwk(testkit::CLIENT_EC_JWK).unwrap();
    assert_eq!(signer.key_id(), Some("client-ec"));
    assert_eq!(signer.algorithm(), SigningAlgorithm::Es256);
}

#[test]
fn bad_keys_are_typed_errors() {
    let cases: Vec<(&str, Result<KeySigner, Error>)> = vec![
        (
            "ec pem as rsa",
            KeySigner::from_pem(SigningAlgorithm::Rs256, testkit::CLIENT_EC_PEM, None),
        ),
        (
            "rsa pem as ec",
            KeySigner::from_pem(SigningAlgorithm::Es256, testkit::CLIENT_RSA_PEM, None),
        ),
        (
            "garbage pem",
            KeySigner::from_pem(SigningAlgorithm::Rs256, b"-----BEGIN NOTHING-----", None),
        ),
        (
            "public jwk",
            KeySigner::from_jwk(r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#),
        ),
        ("hmac jwk", KeySigner::from_jwk(r#"{"kty":"oct","k":"c2VjcmV0"}"#)),
        (
            "other curve",
            KeySigner::from_jwk(r#"{"kty":"EC","crv":"P-384","d":"AA"}"#),
        ),
        ("not json", KeySigner::from_jwk("nope")),
        ("alg none", KeySigner::from_jwk(r#"{"kty":"RSA","alg":"none"}"#)),
    ];
    for (name, result) in cases {
        assert!(
            matches!(result, Err(Error::Usage(UsageError::InvalidKey(_)))),
            "case {name}: {result:?}"
        );
    }
}

#[test]
fn signer_debug_is_redacted() {
    let signer = KeySigner::from_jwk(testkit::CLIENT_EC_JWK).unwrap();
    insta::assert_snapshot!(format!("{signer:?}"), @r#"KeySigner { algorithm: Es256, key_id: Some("client-ec"), key: "[redacted]" }"#);
}

#[test]
fn assertion_claims_follow_the_audience_policy() {
    let provider = testkit::provider();
    let endpoint = url::Url::parse("https://op.example/bc-authorize").unwrap();
    let jti = Jti::from_bytes([7; 16]);
    let signer: Arc<dyn Signer> = Arc::new(KeySigner::from_jwk(testkit::CLIENT_EC_JWK).unwrap());
    let audiences = [
        AssertionAudience::Endpoint,
        AssertionAudience::Issuer,
        AssertionAudience::TokenEndpoint,
        AssertionAudience::Fixed("urn:op".to_owned()),
    ];
    let rendered: Vec<String> = audiences
        .into_iter()
        .map(|audience| {
            let client = ClientConfig::new("client-1", signer.clone())
                .with_assertion_audience(audience)
                .with_assertion_lifetime(Duration::from_secs(300))
                .unwrap();
            let assertion = client.client_assertion(&provider, &endpoint, t0(), &jti).unwrap();
            assert_eq!(format!("{assertion:?}"), "ClientAssertion([redacted])");
            testkit::jws_part(assertion.expose_secret(), 1).to_string()
        })
        .collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

#[test]
fn assertion_lifetime_is_capped_at_300_seconds() {
    let signer: Arc<dyn Signer> = Arc::new(KeySigner::from_jwk(testkit::CLIENT_EC_JWK).unwrap());
    let client = ClientConfig::new("c", signer);
    assert!(
        client
            .clone()
            .with_assertion_lifetime(Duration::from_secs(301))
            .is_err()
    );
    assert!(client.with_assertion_lifetime(Duration::ZERO).is_err());
}

#[derive(Debug)]
struct FailingSigner;

impl Signer for FailingSigner {
    fn algorithm(&self) -> SigningAlgorithm {
        SigningAlgorithm::Es256
    }
    fn key_id(&self) -> Option<&str> {
        Some("hsm-1")
    }
    fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, SignError> {
        Err(SignError("hsm offline".to_owned()))
    }
}

#[test]
fn signer_failure_is_an_environment_error() {
    let err = sign_jwt(&FailingSigner, "JWT", &serde_json::json!({})).unwrap_err();
    assert_eq!(
        err,
        Error::Environment(EnvironmentError::Signing("hsm offline".to_owned()))
    );
    assert_eq!(
        err.to_string(),
        "environment failure: signing failed: hsm offline"
    );
}

#[test]
fn assertion_claims_debug_redacts_a_subscriber_subject() {
    let claims = |sub: &str| AssertionClaims {
        iss: "client-1".to_owned(),
        sub: sub.to_owned(),
        aud: "https://op.example/token".to_owned(),
        jti: "j-1".to_owned(),
        iat: 1_800_000_000,
        exp: 1_800_000_060,
        scope: None,
    };
    insta::assert_snapshot!(format!("{:?}", claims("client-1")), @r#"AssertionClaims { iss: "client-1", sub: "client-1", aud: "https://op.example/token", jti: "j-1", iat: 1800000000, exp: 1800000060, scope: None }"#);
    for subject in ["tel:+33699901040", "operatortoken:ts43-abc"] {
        let text = format!("{:?}", claims(subject));
        assert!(text.contains(r#"sub: "[redacted]""#), "{text}");
        assert!(!text.contains(subject), "{text}");
    }
}
