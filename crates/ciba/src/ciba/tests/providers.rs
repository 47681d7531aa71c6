//! What a provider must offer before a session starts, what its discovery metadata restricts, and
//! the Orange France opaque ID token.

use std::time::Duration;

use super::support::{at_plus, request};
use crate::ciba::CibaSession;
use crate::error::{Error, UsageError};
use crate::provider::{CibaProvider, IdTokenPolicy, Jwks, ProviderConfig};
use crate::testkit::{self, answer, entropy, t0};
use crate::tokens::TokenSet;

#[test]
fn a_provider_missing_what_ciba_needs_is_refused_before_any_session() {
    // What used to fail at the first request (no endpoint) or after the user's approval (no keys
    // for a required ID token) now fails when the CibaProvider is built.
    let keys = || Jwks::from_json(testkit::OP_JWKS.as_bytes()).unwrap();
    let bare = || ProviderConfig::new("https://op.example", "https://op.example/token").unwrap();
    let no_endpoint = "a backchannel authentication endpoint";
    let no_keys = "the jwks to check the required id tokens (load it, or make id tokens optional)";
    let check = |built: Result<CibaProvider, Error>, expected: Option<&'static str>| {
        let outcome = built.map(|provider| provider.backchannel_endpoint().to_string());
        match expected {
            None => assert_eq!(outcome, Ok("https://op.example/bc-authorize".to_owned())),
            Some(what) => assert_eq!(outcome, Err(Error::Usage(UsageError::MissingProviderValue(what)))),
        }
    };
    let bc = "https://op.example/bc-authorize";
    check(
        CibaProvider::from_discovered(bare().with_jwks(keys())),
        Some(no_endpoint),
    );
    check(CibaProvider::new(bare(), bc), Some(no_keys));
    // A JWKS URI is not keys: the session cannot fetch them, so it must be done before.
    let uri_only = bare().with_jwks_uri("https://op.example/jwks").unwrap();
    check(CibaProvider::new(uri_only, bc), Some(no_keys));
    check(CibaProvider::new(bare().with_jwks(keys()), bc), None);
    check(
        CibaProvider::new(bare().with_id_token_policy(IdTokenPolicy::Optional), bc),
        None,
    );
    check(CibaProvider::new(bare().insecure_ignore_id_token(), bc), None);
    let plain_http = CibaProvider::new(bare().with_jwks(keys()), "http://op.example/bc");
    assert!(
        matches!(plain_http, Err(Error::Usage(UsageError::InvalidUrl { .. }))),
        "{plain_http:?}"
    );
}

/// The token response printed on the Orange France KYC Match page (operator doc 000): its
/// `id_token` is an opaque string, not a JWT.
const ORANGE_FRANCE_BC: &str =
    include_str!("../../../../../tests/fixtures/orange-france/ciba/bc-authorize.200.json");
const ORANGE_FRANCE_TOKEN: &str =
    include_str!("../../../../../tests/fixtures/orange-france/ciba/token.200.json");

#[test]
fn orange_france_opaque_id_token_needs_the_insecure_opt_out() {
    let check = |provider: ProviderConfig| -> Result<TokenSet, Error> {
        let mut session = CibaSession::new(testkit::client(), testkit::ciba(provider), request());
        session.poll_request(t0(), entropy(1)).unwrap().unwrap();
        session
            .handle_response(t0(), answer(200, ORANGE_FRANCE_BC))
            .unwrap();
        let at = t0() + Duration::from_secs(2);
        session.poll_request(at, entropy(2)).unwrap().unwrap();
        let _ = session.handle_response(at, answer(200, ORANGE_FRANCE_TOKEN));
        session.poll_outcome().unwrap()
    };
    // Strict by default: the opaque value cannot be verified, so the flow fails.
    for strict in [
        testkit::provider(),
        testkit::provider().with_id_token_policy(IdTokenPolicy::Optional),
    ] {
        let err = check(strict).map(|_| ()).unwrap_err();
        assert!(
            matches!(err, Error::IdToken(crate::error::IdTokenError::Malformed(_))),
            "{err:?}"
        );
    }
    // The loudly named opt-out drops it and keeps the access and refresh tokens.
    let tokens = check(testkit::provider().insecure_ignore_id_token()).unwrap();
    assert!(tokens.id_token.is_none());
    assert!(tokens.access_token.expose_secret().starts_with("OFR_28Fp"));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(tokens.expires_at, Some(at_plus(2 + 120)));
}

/// A provider built from a discovery document with these CIBA and client-auth fields, and its
/// JWKS fetched (as the driver's `discover` does).
fn discovered(fields: serde_json::Value) -> ProviderConfig {
    let mut document = serde_json::json!({
        "issuer": testkit::ISSUER,
        "authorization_endpoint": "https://op.example/authorize",
        "token_endpoint": "https://op.example/token",
        "jwks_uri": "https://op.example/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "backchannel_authentication_endpoint": "https://op.example/bc-authorize"
    });
    for (name, value) in fields.as_object().unwrap() {
        document[name] = value.clone();
    }
    ProviderConfig::from_discovery_response(testkit::ISSUER, &answer(200, &document.to_string()))
        .unwrap()
        .with_jwks(Jwks::from_json(testkit::OP_JWKS.as_bytes()).unwrap())
}

#[test]
fn discovered_metadata_is_enforced() {
    use serde_json::json;

    // The test client signs ES256.
    let check = |provider: ProviderConfig, signed: bool| -> String {
        let request = if signed { request().signed() } else { request() };
        let mut session = CibaSession::new(testkit::client(), testkit::ciba(provider), request);
        match session.poll_request(t0(), entropy(1)) {
            Ok(Some(_)) => "sent".to_owned(),
            Ok(None) => "nothing".to_owned(),
            Err(err) => err.to_string(),
        }
    };
    let cases = [
        (
            "explicit endpoints: nothing announced, nothing refused",
            testkit::provider(),
            true,
            "sent",
        ),
        (
            "discovery without the fields",
            discovered(json!({})),
            true,
            "sent",
        ),
        (
            "poll announced, algorithms listed",
            discovered(json!({
                "backchannel_token_delivery_modes_supported": ["ping", "poll"],
                "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
                "backchannel_authentication_request_signing_alg_values_supported": ["ES256"]
            })),
            true,
            "sent",
        ),
        (
            "ping and push only",
            discovered(json!({"backchannel_token_delivery_modes_supported": ["ping", "push"]})),
            false,
            "invalid use: `poll` is not among the provider's backchannel_token_delivery_modes_supported",
        ),
        (
            "client assertion algorithm not listed",
            discovered(json!({"token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256"]})),
            false,
            "invalid use: `ES256` is not among the provider's token_endpoint_auth_signing_alg_values_supported",
        ),
        (
            "request object algorithm not listed",
            discovered(json!({"backchannel_authentication_request_signing_alg_values_supported": ["PS256"]})),
            true,
            "invalid use: `ES256` is not among the provider's backchannel_authentication_request_signing_alg_values_supported",
        ),
        (
            "request object list ignored for an unsigned request",
            discovered(json!({"backchannel_authentication_request_signing_alg_values_supported": ["PS256"]})),
            false,
            "sent",
        ),
    ];
    for (name, provider, signed, expected) in cases {
        assert_eq!(check(provider, signed), expected, "case {name}");
    }
}
