use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use netid_core::secret::Secret;
use serde_json::{Value, json};

use super::*;
use crate::provider::Jwks;
use crate::testkit::{self, t0};

fn check_with(raw: &str, context: IdTokenContext<'_>) -> Result<VerifiedIdToken, Error> {
    validate_id_token(raw, &testkit::provider(), testkit::CLIENT_ID, t0(), context)
}

fn check(raw: &str) -> Result<VerifiedIdToken, Error> {
    check_with(raw, IdTokenContext::default())
}

fn claims_with(changes: Value) -> Value {
    let mut claims = testkit::id_claims(t0());
    for (name, value) in changes.as_object().unwrap() {
        claims[name] = value.clone();
    }
    claims
}

fn signed(changes: Value) -> String {
    testkit::mint(&claims_with(changes))
}

fn unsigned_jws(header: &Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

fn kind(result: Result<VerifiedIdToken, Error>) -> String {
    match result {
        Ok(token) => format!("ok sub={}", token.subject.expose_pii()),
        Err(error) => testkit::error_kind(&error),
    }
}

#[test]
fn valid_token_is_accepted() {
    let rs256 = testkit::mint_with(
        &claims_with(json!({})),
        jsonwebtoken::Algorithm::RS256,
        testkit::OP_RSA_PEM,
        "op-1",
    );
    assert_eq!(kind(check(&rs256)), "ok sub=subscriber-42");
    let token = check(&signed(json!({"acr": "urn:acr:2", "auth_time": 1_799_999_990}))).unwrap();
    assert_eq!(token.subject.expose_pii(), "subscriber-42");
    assert_eq!(token.issuer, testkit::ISSUER);
    assert_eq!(token.acr.as_deref(), Some("urn:acr:2"));
    assert_eq!(token.expires_at, t0() + Duration::from_secs(300));
    assert!(!format!("{token:?}").contains("subscriber-42"));
}

#[test]
fn rejections() {
    let iat = t0().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let good = signed(json!({}));
    let mut parts: Vec<&str> = good.split('.').collect();
    let tampered_claims = URL_SAFE_NO_PAD.encode(claims_with(json!({"sub": "attacker"})).to_string());
    parts[1] = &tampered_claims;
    let tampered = parts.join(".");
    let none = unsigned_jws(
        &json!({"alg": "none", "typ": "JWT"}),
        &claims_with(json!({})),
        b"",
    );
    // The classic confusion: HS256 keyed with the provider's public key material.
    let hmac_with_public_key = {
        let header = jsonwebtoken::Header {
            kid: Some("op-1".into()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
        };
        jsonwebtoken::encode(
            &header,
            &claims_with(json!({})),
            &jsonwebtoken::EncodingKey::from_secret(testkit::OP_JWKS.as_bytes()),
        )
        .unwrap()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("tampered payload", tampered, "Signature"),
        ("alg none", none, "Signature"),
        ("hmac with the public key", hmac_with_public_key, "Signature"),
        (
            "signed by another key under the same kid",
            testkit::mint_with(
                &claims_with(json!({})),
                jsonwebtoken::Algorithm::ES256,
                testkit::OTHER_EC_PEM,
                "op-ec",
            ),
            "Signature",
        ),
        (
            "expired",
            signed(json!({"iat": iat - 600, "exp": iat - 61})),
            "Expired",
        ),
        (
            "wrong audience",
            signed(json!({"aud": "someone-else"})),
            "Audience",
        ),
        (
            "extra untrusted audience without azp",
            signed(json!({"aud": [testkit::CLIENT_ID, "other"]})),
            "Audience",
        ),
        (
            "azp naming another client",
            signed(json!({"azp": "other"})),
            "Audience",
        ),
        (
            "wrong issuer",
            signed(json!({"iss": "https://evil.example"})),
            "Issuer",
        ),
        (
            "issued in the future beyond skew",
            signed(json!({"iat": iat + 61, "exp": iat + 600})),
            "Expired",
        ),
        ("not a jws", "abc.def".to_owned(), "Malformed"),
    ];
    for (name, token, expected) in cases {
        assert_eq!(kind(check(&token)), expected, "case {name}");
    }
}

#[test]
fn an_issuer_mismatch_shows_both_issuers() {
    let error = check(&signed(json!({"iss": "https://evil.example"}))).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "invalid id token: issuer mismatch: expected `{}` (found `https://evil.example`)",
            testkit::ISSUER
        )
    );
}

#[test]
fn skew_is_tolerated() {
    let iat = t0().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(
        kind(check(&signed(json!({"iat": iat - 600, "exp": iat - 59})))),
        "ok sub=subscriber-42"
    );
    assert_eq!(
        kind(check(&signed(json!({"iat": iat + 59})))),
        "ok sub=subscriber-42"
    );
}

#[test]
fn nonce_and_auth_req_id() {
    let nonce = Secret::new("n-0S6_WzA2Mj".to_owned());
    let with_nonce = signed(json!({"nonce": "n-0S6_WzA2Mj"}));
    let context = IdTokenContext {
        policy: IdTokenHandling::Required,
        nonce: Some(&nonce),
        auth_req_id: None,
    };
    assert!(check_with(&with_nonce, context).is_ok());
    assert_eq!(
        kind(check_with(&signed(json!({"nonce": "other"})), context)),
        "Nonce"
    );
    assert_eq!(kind(check_with(&signed(json!({})), context)), "Nonce");
    let context = IdTokenContext {
        policy: IdTokenHandling::Required,
        nonce: None,
        auth_req_id: Some("req-1"),
    };
    assert!(
        check_with(&signed(json!({})), context).is_ok(),
        "the claim is optional in poll mode"
    );
    assert_eq!(
        check_with(
            &signed(json!({"urn:openid:params:jwt:claim:auth_req_id": "req-9"})),
            context
        )
        .unwrap_err(),
        Error::IdToken(IdTokenError::AuthReqId)
    );
}

#[test]
fn algorithm_allow_list_is_enforced() {
    let provider = testkit::provider().with_id_token_algorithms(vec![SigningAlgorithm::Rs256]);
    let err = validate_id_token(
        &signed(json!({})),
        &provider,
        testkit::CLIENT_ID,
        t0(),
        IdTokenContext::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::IdToken(IdTokenError::Signature(_))),
        "{err:?}"
    );
}

#[test]
fn no_jwks_is_a_usage_error() {
    let provider = ProviderConfig::new(testkit::ISSUER, "https://op.example/token").unwrap();
    let err = validate_id_token(
        &signed(json!({})),
        &provider,
        testkit::CLIENT_ID,
        t0(),
        IdTokenContext::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::Usage(UsageError::MissingProviderValue("the jwks to check id tokens"))
    );
}

#[test]
fn freshness() {
    let set = TokenSet {
        access_token: AccessToken::new("at"),
        refresh_token: None,
        expires_at: Some(t0() + Duration::from_secs(60)),
        scope: None,
        id_token: None,
    };
    assert!(set.is_fresh(t0(), Duration::from_secs(30)));
    assert!(!set.is_fresh(t0() + Duration::from_secs(31), Duration::from_secs(30)));
    insta::assert_snapshot!(format!("{set:?}"), @"TokenSet { access_token: AccessToken([redacted]), refresh_token: None, expires_at: Some(SystemTime { tv_sec: 1800000060, tv_nsec: 0 }), scope: None, id_token: None }");
}

#[test]
fn ps256_token_is_accepted() {
    // The provider's RSA key published a second time for PSS (a JWK's `alg` binds it to one
    // algorithm).
    let mut jwks: Value = serde_json::from_str(testkit::OP_JWKS).unwrap();
    let mut pss = jwks["keys"][0].clone();
    pss["kid"] = json!("op-ps");
    pss["alg"] = json!("PS256");
    jwks["keys"].as_array_mut().unwrap().push(pss);
    let provider = testkit::provider().with_jwks(Jwks::from_json(jwks.to_string().as_bytes()).unwrap());
    let ps256 = testkit::mint_with(
        &claims_with(json!({})),
        jsonwebtoken::Algorithm::PS256,
        testkit::OP_RSA_PEM,
        "op-ps",
    );
    assert_eq!(testkit::jws_part(&ps256, 0)["alg"], "PS256");
    let check = |provider: &ProviderConfig| {
        kind(validate_id_token(
            &ps256,
            provider,
            testkit::CLIENT_ID,
            t0(),
            IdTokenContext::default(),
        ))
    };
    assert_eq!(check(&provider), "ok sub=subscriber-42");
    // Off the allow-list, the same token is refused.
    let rs256_only = provider.with_id_token_algorithms(vec![SigningAlgorithm::Rs256]);
    assert_eq!(check(&rs256_only), "Signature");
}
