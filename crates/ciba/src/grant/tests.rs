use std::sync::Arc;

use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::token::RefreshToken;

use super::*;
use crate::testkit::{self, answer, entropy, t0};

fn scope() -> Scope {
    Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::NumberVerificationVerify)
        .build()
}

#[test]
fn jwt_bearer_with_an_operator_token() {
    let hint: LoginHint = "operatortoken:ts43-abc".parse().unwrap();
    let mut session =
        TokenRequestSession::jwt_bearer(testkit::client(), Arc::new(testkit::provider()), hint, scope())
            .unwrap();
    let request = session.poll_request(t0(), entropy(5)).unwrap().unwrap();
    insta::assert_snapshot!(testkit::render(&request));
    assert!(
        session.poll_request(t0(), entropy(6)).unwrap().is_none(),
        "sent once"
    );
    session
        .handle_response(
            t0(),
            answer(
                200,
                r#"{"access_token":"at","token_type":"Bearer","expires_in":60}"#,
            ),
        )
        .unwrap();
    let tokens = session.poll_outcome().unwrap().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at");
    assert!(session.poll_outcome().is_none(), "tokens are handed out once");
}

#[test]
fn jwt_bearer_refuses_other_subjects() {
    let hint: LoginHint = "ipport:80.90.34.2".parse().unwrap();
    let err =
        TokenRequestSession::jwt_bearer(testkit::client(), Arc::new(testkit::provider()), hint, scope())
            .unwrap_err();
    assert!(matches!(
        err,
        Error::Usage(UsageError::InvalidParameter { name: "subject", .. })
    ));
}

#[test]
fn jwt_bearer_invalid_grant() {
    let hint: LoginHint = "tel:+34654654654".parse().unwrap();
    let mut session =
        TokenRequestSession::jwt_bearer(testkit::client(), Arc::new(testkit::provider()), hint, scope())
            .unwrap();
    session.poll_request(t0(), entropy(5)).unwrap().unwrap();
    let err = session
        .handle_response(t0(), answer(400, r#"{"error":"invalid_grant"}"#))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "authorization server error: `invalid_grant` (http 400)"
    );
    assert_eq!(session.poll_request(t0(), entropy(6)).unwrap_err(), err);
}

#[test]
fn refresh_request() {
    let mut session = TokenRequestSession::refresh(
        testkit::client(),
        Arc::new(testkit::provider()),
        RefreshToken::new("rt-1"),
        Some(&scope()),
    );
    let request = session.poll_request(t0(), entropy(7)).unwrap().unwrap();
    insta::assert_snapshot!(testkit::render(&request));
    let err = session
        .handle_transport_error(crate::error::TransportFailure::new("timeout", true))
        .unwrap_err();
    assert_eq!(err.to_string(), "transport failed: timeout");
}

#[test]
fn discovered_client_auth_algorithms_are_enforced() {
    let document = serde_json::json!({
        "issuer": testkit::ISSUER,
        "authorization_endpoint": "https://op.example/authorize",
        "token_endpoint": "https://op.example/token",
        "jwks_uri": "https://op.example/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"]
    });
    let provider = Arc::new(
        ProviderConfig::from_discovery_response(testkit::ISSUER, &answer(200, &document.to_string()))
            .unwrap(),
    );
    let expected = Error::Usage(UsageError::UnsupportedByProvider {
        what: "token_endpoint_auth_signing_alg_values_supported",
        value: "ES256".to_owned(),
    });
    let hint: LoginHint = "operatortoken:ts43-abc".parse().unwrap();
    let sessions = [
        TokenRequestSession::jwt_bearer(testkit::client(), provider.clone(), hint, scope()).unwrap(),
        TokenRequestSession::refresh(testkit::client(), provider, RefreshToken::new("rt"), None),
    ];
    for mut session in sessions {
        assert_eq!(
            session.poll_request(t0(), entropy(1)).unwrap_err(),
            expected,
            "{session:?}"
        );
    }
}

#[test]
fn client_credentials_with_a_private_key_jwt() {
    let scope: Scope = "telcofinder".parse().unwrap();
    let mut session =
        TokenRequestSession::client_credentials(testkit::client(), Arc::new(testkit::provider()), scope);
    assert!(format!("{session:?}").contains("client_credentials"));
    let request = session.poll_request(t0(), entropy(8)).unwrap().unwrap();
    let body = String::from_utf8(request.body().to_vec()).unwrap();
    assert!(
        body.starts_with("grant_type=client_credentials&scope=telcofinder&"),
        "{body}"
    );
    assert!(
        body.contains(
            "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        ),
        "{body}"
    );
    assert!(body.contains("client_assertion="), "{body}");
    session
        .handle_response(
            t0(),
            answer(
                200,
                r#"{"access_token":"tf","token_type":"Bearer","expires_in":300}"#,
            ),
        )
        .unwrap();
    let tokens = session.poll_outcome().unwrap().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "tf");
    assert!(tokens.id_token.is_none());
}
