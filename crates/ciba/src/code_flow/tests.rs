use std::sync::Arc;

use netid_core::scope::{ApiScope, Purpose, Scope};

use super::*;
use crate::provider::IdTokenPolicy;
use crate::testkit::{self, answer, entropy, t0};

fn start() -> (Url, PendingAuthorization) {
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::NumberVerificationVerify)
        .build();
    let request = AuthorizationRequest::new(scope, "https://app.example/callback").unwrap();
    let entropy = AuthorizationEntropy::from_bytes(std::array::from_fn(|index| u8::try_from(index).unwrap()));
    authorization_url(&testkit::client(), &testkit::provider(), &request, &entropy).unwrap()
}

fn state_of(url: &Url) -> String {
    url.query_pairs()
        .find(|(name, _)| name == "state")
        .unwrap()
        .1
        .into_owned()
}

#[test]
fn authorize_url() {
    let (url, pending) = start();
    let pairs: Vec<String> = url
        .query_pairs()
        .map(|(name, value)| format!("{name} = {value}"))
        .collect();
    insta::assert_snapshot!(format!("{}\n{}", url.path(), pairs.join("\n")));
    assert!(!format!("{pending:?}").contains(&state_of(&url)));
}

#[test]
fn callbacks() {
    let (url, _) = start();
    let state = state_of(&url);
    let check = |query: String| -> String {
        let (_, pending) = start();
        match pending.handle_callback(testkit::client(), Arc::new(testkit::provider()), &query) {
            Ok(session) => format!("exchange {session:?}"),
            Err(err) => err.to_string(),
        }
    };
    let cases = [
        (
            format!("?code=c-1&state={state}"),
            "exchange TokenRequestSession { grant: \"authorization_code\", client_id: \"netid-test-client\", state: \"start\", .. }",
        ),
        (
            format!("code=c-1&state={state}&iss=https%3A%2F%2Fop.example"),
            "exchange TokenRequestSession { grant: \"authorization_code\", client_id: \"netid-test-client\", state: \"start\", .. }",
        ),
        (
            format!("code=c-1&state={state}&iss=https%3A%2F%2Fevil.example"),
            "flow ended: authorization callback does not match the pending request",
        ),
        (
            "code=c-1&state=forged".to_owned(),
            "flow ended: authorization callback does not match the pending request",
        ),
        (
            "code=c-1".to_owned(),
            "flow ended: authorization callback does not match the pending request",
        ),
        (
            format!("error=login_required&state={state}"),
            "authorization server error: `login_required`",
        ),
        (
            format!("error=interaction_required&error_description=not+on+mobile+data&state={state}"),
            "authorization server error: `interaction_required`: not on mobile data",
        ),
        (
            format!("state={state}"),
            "invalid use: invalid parameter code: the callback carries neither a code nor an error",
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(check(query.clone()), expected, "query {query}");
    }
}

#[test]
fn code_exchange_checks_the_nonce() {
    let (url, pending) = start();
    let nonce = url
        .query_pairs()
        .find(|(name, _)| name == "nonce")
        .unwrap()
        .1
        .into_owned();
    let query = format!("code=c-1&state={}", state_of(&url));
    let mut session = pending
        .handle_callback(testkit::client(), Arc::new(testkit::provider()), &query)
        .unwrap();
    let request = session.poll_request(t0(), entropy(3)).unwrap().unwrap();
    insta::assert_snapshot!(testkit::render(&request));

    let mut claims = testkit::id_claims(t0());
    claims["nonce"] = serde_json::Value::String(nonce);
    let id_token = testkit::mint(&claims);
    let body = serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60, "id_token": id_token});
    session
        .handle_response(t0(), answer(200, &body.to_string()))
        .unwrap();
    assert!(session.poll_outcome().unwrap().unwrap().id_token.is_some());

    // The same exchange with another nonce in the ID token is refused.
    let (url, pending) = start();
    let query = format!("code=c-1&state={}", state_of(&url));
    let mut session = pending
        .handle_callback(testkit::client(), Arc::new(testkit::provider()), &query)
        .unwrap();
    session.poll_request(t0(), entropy(3)).unwrap().unwrap();
    claims["nonce"] = serde_json::Value::String("replayed".to_owned());
    let id_token = testkit::mint(&claims);
    let body = serde_json::json!({"access_token": "at", "token_type": "Bearer", "id_token": id_token});
    let err = session
        .handle_response(t0(), answer(200, &body.to_string()))
        .unwrap_err();
    assert_eq!(err, Error::IdToken(crate::error::IdTokenError::Nonce));
}

#[test]
fn pkce_matches_rfc_7636_appendix_b() {
    let verifier_octets: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105,
        214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    let mut bytes = [0_u8; 64];
    bytes[32..].copy_from_slice(&verifier_octets);
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::NumberVerificationVerify)
        .build();
    let request = AuthorizationRequest::new(scope, "https://app.example/callback").unwrap();
    let (url, _) = authorization_url(
        &testkit::client(),
        &testkit::provider(),
        &request,
        &AuthorizationEntropy::from_bytes(bytes),
    )
    .unwrap();
    let challenge = url
        .query_pairs()
        .find(|(name, _)| name == "code_challenge")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

#[test]
fn code_exchange_requires_an_id_token_whatever_the_profile() {
    // An answer without an ID token would skip the nonce check: the code flow refuses it even for
    // providers whose CIBA profile tolerates or ignores ID tokens.
    let check = |provider: ProviderConfig| -> Error {
        let (url, pending) = start();
        let query = format!("code=c-1&state={}", state_of(&url));
        let mut session = pending
            .handle_callback(testkit::client(), Arc::new(provider), &query)
            .unwrap();
        session.poll_request(t0(), entropy(3)).unwrap().unwrap();
        let body = r#"{"access_token":"at","token_type":"Bearer","expires_in":60}"#;
        let err = session.handle_response(t0(), answer(200, body)).unwrap_err();
        assert!(
            matches!(session.poll_outcome(), Some(Err(ref final_err)) if *final_err == err),
            "the error is final"
        );
        err
    };
    let profiles = [
        testkit::provider(),
        testkit::provider().with_id_token_policy(IdTokenPolicy::Optional),
        testkit::provider().insecure_ignore_id_token(),
    ];
    for provider in profiles {
        let policy = provider.id_token_handling;
        assert_eq!(
            check(provider),
            Error::IdToken(crate::error::IdTokenError::Missing),
            "policy {policy:?}"
        );
    }
}
