//! Shared helpers of the unit tests: fixed keys, clock origin, canned answers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::ciba::RequestEntropy;
use crate::client::ClientConfig;
use crate::jose::{SignError, Signer, SigningAlgorithm};
use crate::provider::{CibaProvider, Jwks, ProviderConfig};

pub(crate) const CLIENT_RSA_PEM: &[u8] = include_bytes!("../tests/fixtures/keys/rsa.pem");
pub(crate) const CLIENT_EC_PEM: &[u8] = include_bytes!("../tests/fixtures/keys/ec.pem");
pub(crate) const CLIENT_RSA_JWK: &str = include_str!("../tests/fixtures/keys/rsa.jwk.json");
pub(crate) const CLIENT_EC_JWK: &str = include_str!("../tests/fixtures/keys/ec.jwk.json");
pub(crate) const OP_RSA_PEM: &[u8] = include_bytes!("../tests/fixtures/keys/op-rsa.pem");
pub(crate) const OP_EC_PEM: &[u8] = include_bytes!("../tests/fixtures/keys/op-ec.pem");
pub(crate) const OTHER_EC_PEM: &[u8] = include_bytes!("../tests/fixtures/keys/other-ec.pem");
pub(crate) const OP_JWKS: &str = include_str!("../tests/fixtures/keys/op-jwks.json");

pub(crate) const CLIENT_ID: &str = "netid-test-client";
pub(crate) const ISSUER: &str = "https://op.example";

pub(crate) fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

/// A signer that labels its output ES256 but only hashes: session tests look at claims, not
/// signatures, and real ECDSA in an unoptimised test build costs tens of milliseconds a request.
/// The `jose` tests sign for real.
#[derive(Debug)]
pub(crate) struct FakeSigner;

impl Signer for FakeSigner {
    fn algorithm(&self) -> SigningAlgorithm {
        SigningAlgorithm::Es256
    }
    fn key_id(&self) -> Option<&str> {
        Some("client-ec")
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, message)
            .as_ref()
            .to_vec())
    }
}

pub(crate) fn client() -> Arc<ClientConfig> {
    Arc::new(ClientConfig::new(CLIENT_ID, Arc::new(FakeSigner)))
}

pub(crate) fn provider() -> ProviderConfig {
    ProviderConfig::new(ISSUER, "https://op.example/token")
        .unwrap()
        .with_authorization_endpoint("https://op.example/authorize")
        .unwrap()
        .with_jwks(Jwks::from_json(OP_JWKS.as_bytes()).unwrap())
}

/// `config` with the test backchannel endpoint.
pub(crate) fn ciba(config: ProviderConfig) -> CibaProvider {
    CibaProvider::new(config, "https://op.example/bc-authorize").unwrap()
}

pub(crate) fn entropy(seed: u8) -> RequestEntropy {
    let mut bytes = [0_u8; 32];
    for (index, byte) in (0_u8..).zip(bytes.iter_mut()) {
        *byte = seed.wrapping_mul(32).wrapping_add(index);
    }
    RequestEntropy::from_bytes(bytes)
}

pub(crate) fn answer(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .unwrap()
}

/// Standard ID-token claims for `CLIENT_ID` issued at `now`.
pub(crate) fn id_claims(now: SystemTime) -> Value {
    let iat = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "subscriber-42", "iat": iat, "exp": iat + 300})
}

/// Signs `claims` as the provider: ES256 with its P-256 key (`op-ec`).
pub(crate) fn mint(claims: &Value) -> String {
    mint_with(claims, jsonwebtoken::Algorithm::ES256, OP_EC_PEM, "op-ec")
}

/// Signs `claims` with `algorithm` (RS256 or ES256), `pem`, under `kid`.
pub(crate) fn mint_with(claims: &Value, algorithm: jsonwebtoken::Algorithm, pem: &[u8], kid: &str) -> String {
    let mut header = jsonwebtoken::Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    let key = match algorithm {
        jsonwebtoken::Algorithm::ES256 => jsonwebtoken::EncodingKey::from_ec_pem(pem),
        _ => jsonwebtoken::EncodingKey::from_rsa_pem(pem),
    };
    jsonwebtoken::encode(&header, claims, &key.unwrap()).unwrap()
}

/// Decodes a JWS part without checking anything.
pub(crate) fn jws_part(jws: &str, index: usize) -> Value {
    let part = jws.split('.').nth(index).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// A form body as a sorted map.
pub(crate) fn form(request: &http::Request<Bytes>) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(request.body()).into_owned().collect()
}

/// A form request rendered for snapshots: method, URL, headers, fields; JWTs decoded.
pub(crate) fn render(request: &http::Request<Bytes>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        out.push_str(&format!("{name}: {}\n", value.to_str().unwrap()));
    }
    for (name, value) in form(request) {
        if name == "client_assertion" || name == "request" || name == "assertion" {
            out.push_str(&format!("{name}.header = {}\n", jws_part(&value, 0)));
            out.push_str(&format!("{name}.claims = {}\n", jws_part(&value, 1)));
        } else {
            out.push_str(&format!("{name} = {value}\n"));
        }
    }
    out
}

/// A refused ID token as the tests compare verdicts: the `IdTokenError` variant's name, or
/// `other: …` for any other error.
pub(crate) fn error_kind(error: &crate::Error) -> String {
    match error {
        crate::Error::IdToken(err) => format!("{err:?}")
            .split('(')
            .next()
            .unwrap_or_default()
            .to_owned(),
        other => format!("other: {other}"),
    }
}
