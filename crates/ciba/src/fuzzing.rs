//! Entry points for the cargo-fuzz targets in `fuzz/` (`ciba_token_response`, `ciba_jwt`,
//! `ciba_id_token`, `ciba_discovery`).
//!
//! Not part of the public API; they exist so the fuzz targets stay one-liners and reach private
//! decoders. None may panic on any input.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};

use crate::ciba::{BackchannelRequest, CibaSession, RequestEntropy};
use crate::client::ClientConfig;
use crate::jose::{SignError, Signer, SigningAlgorithm};
use crate::provider::{CibaProvider, IdTokenHandling, Jwks, ProviderConfig};
use crate::tokens::{self, IdTokenContext};

mod id_token;

pub use id_token::fuzz_id_token;

const OP_JWKS: &str = include_str!("../tests/fixtures/keys/op-jwks.json");
const STATUSES: [u16; 8] = [200, 400, 401, 403, 429, 500, 503, 302];

/// A signer that signs nothing: decoding is under test, not signing.
#[derive(Debug)]
struct NullSigner;

impl Signer for NullSigner {
    fn algorithm(&self) -> SigningAlgorithm {
        SigningAlgorithm::Es256
    }
    fn key_id(&self) -> Option<&str> {
        None
    }
    fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(vec![0; 64])
    }
}

/// The test provider with its JWKS, built once: the fuzzer should spend its time in the code under
/// test, not in decoding the same key set again.
fn provider() -> Option<&'static CibaProvider> {
    static PROVIDER: OnceLock<Option<CibaProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| {
            let provider = ProviderConfig::new("https://op.example", "https://op.example/token")
                .ok()?
                .with_jwks(Jwks::from_json(OP_JWKS.as_bytes()).ok()?);
            CibaProvider::new(provider, "https://op.example/bc-authorize").ok()
        })
        .as_ref()
}

/// The answer `data` describes: its first byte picks the HTTP status from [`STATUSES`], the rest is
/// the body (also returned, for the properties that read it).
fn answer(data: &[u8]) -> Option<(http::Response<Bytes>, &[u8])> {
    let (&selector, body) = data.split_first()?;
    let status = STATUSES[usize::from(selector) % STATUSES.len()];
    let response = http::Response::builder()
        .status(status)
        .body(Bytes::copy_from_slice(body))
        .ok()?;
    Some((response, body))
}

/// Feeds `data` (first byte: HTTP status from a small table; rest: body) to the backchannel and
/// token answer decoders through a CIBA session (discovery and JWKS: [`fuzz_discovery`]).
pub fn fuzz_token_response(data: &[u8]) {
    let Some((response, _)) = answer(data) else {
        return;
    };
    let Some(provider) = provider().cloned() else {
        return;
    };
    let client = Arc::new(ClientConfig::new("fuzz", Arc::new(NullSigner)));
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build();
    let Ok(hint) = "tel:+34654654654".parse::<LoginHint>() else {
        return;
    };
    let t0 = UNIX_EPOCH + Duration::from_secs(1_800_000_000);

    // The body as the backchannel answer.
    let mut session = CibaSession::new(
        client.clone(),
        provider.clone(),
        BackchannelRequest::new(scope.clone(), hint.clone()),
    );
    let _ = session.poll_request(t0, RequestEntropy::from_bytes([1; 32]));
    let _ = session.handle_response(t0, response.clone());
    let _ = session.poll_outcome();

    // The body as a token answer.
    let mut session = CibaSession::new(client, provider, BackchannelRequest::new(scope, hint));
    let _ = session.poll_request(t0, RequestEntropy::from_bytes([1; 32]));
    let Ok(accepted) = http::Response::builder().status(200).body(Bytes::from_static(
        br#"{"auth_req_id":"r","expires_in":600,"interval":1}"#,
    )) else {
        return;
    };
    let _ = session.handle_response(t0, accepted);
    let poll_at = t0 + Duration::from_secs(1);
    let _ = session.poll_request(poll_at, RequestEntropy::from_bytes([2; 32]));
    let _ = session.handle_response(poll_at, response);
    let _ = session.poll_outcome();
}

/// Feeds `data` as a compact JWS to the ID-token validator.
pub fn fuzz_jwt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(provider) = provider() else { return };
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let context = IdTokenContext {
        policy: IdTokenHandling::Required,
        nonce: None,
        auth_req_id: Some("r"),
    };
    let _ = tokens::validate_id_token(text, provider.config(), "fuzz", now, context);
}

/// Feeds `data` (first byte: HTTP status from a small table; rest: body) to the discovery and JWKS
/// decoders. Properties: only valid JSON is accepted; an accepted discovery document is the
/// configured issuer's, and narrows the ID-token algorithms to a non-empty part of the allow-list.
pub fn fuzz_discovery(data: &[u8]) {
    let Some((response, body)) = answer(data) else {
        return;
    };
    let status = response.status().as_u16();
    // The grammar only: `serde_json::Value` also refuses numbers beyond f64, which RFC 8259 allows.
    // JSON text is UTF-8 (RFC 8259 §8.1), which `from_slice` checks only in the values it keeps.
    let valid_json = || {
        std::str::from_utf8(body)
            .is_ok_and(|text| serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok())
    };
    if let Ok(config) = ProviderConfig::from_discovery_response("https://op.example", &response) {
        assert_eq!(status, 200, "accepted a discovery answer that is not a 200");
        assert!(valid_json(), "accepted a discovery document that is not JSON");
        assert_eq!(
            config.issuer, "https://op.example",
            "accepted another issuer's document"
        );
        let allowed = ProviderConfig::new("https://op.example", "https://op.example/token")
            .map(|default| default.id_token_algorithms)
            .unwrap_or_default();
        assert!(
            !config.id_token_algorithms.is_empty()
                && config.id_token_algorithms.iter().all(|alg| allowed.contains(alg)),
            "ID-token algorithms left the allow-list"
        );
    }
    if let Ok(jwks) = Jwks::from_json(body) {
        assert!(valid_json(), "accepted a JWKS that is not JSON");
        let reparsed = Jwks::from_json(body).map(|again| again.len()).ok();
        assert_eq!(reparsed, Some(jwks.len()), "JWKS decoding is not deterministic");
    }
    if let Ok(jwks) = Jwks::from_response(&response) {
        assert_eq!(status, 200, "accepted a JWKS answer that is not a 200");
        let direct = Jwks::from_json(body).map(|same| same.len()).ok();
        assert_eq!(
            direct,
            Some(jwks.len()),
            "a 200 JWKS answer decodes unlike its body"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_accept_anything() {
        let inputs: [&[u8]; 6] = [
            b"",
            b"\x00{\"access_token\":\"a\",\"token_type\":\"Bearer\"}",
            b"\x01{\"error\":\"slow_down\"}",
            b"\x05<html>",
            b"eyJhbGciOiJub25lIn0.e30.",
            &[0xff, 0xfe, 0x00],
        ];
        for input in inputs {
            fuzz_token_response(input);
            fuzz_jwt(input);
            fuzz_discovery(input);
            fuzz_id_token(input);
        }
    }

    /// The `ciba_jwt` seeds reach past the signature check (valid ones) or stop at it (`none`).
    #[test]
    fn jwt_seeds_are_what_their_names_say() {
        let provider = provider().unwrap();
        let check = |seed: &[u8]| {
            let text = std::str::from_utf8(seed).unwrap();
            let context = IdTokenContext {
                policy: IdTokenHandling::Required,
                nonce: None,
                auth_req_id: Some("r"),
            };
            let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
            tokens::validate_id_token(text, provider.config(), "fuzz", now, context).map(|token| token.issuer)
        };
        let es256 = include_bytes!("../../../fuzz/seeds/ciba_jwt/es256-valid");
        let rs256 = include_bytes!("../../../fuzz/seeds/ciba_jwt/rs256-valid");
        let none = include_bytes!("../../../fuzz/seeds/ciba_jwt/alg-none");
        assert_eq!(check(es256).unwrap(), "https://op.example");
        assert_eq!(check(rs256).unwrap(), "https://op.example");
        assert!(matches!(
            check(none),
            Err(crate::Error::IdToken(crate::error::IdTokenError::Signature(_)))
        ));
    }
}
