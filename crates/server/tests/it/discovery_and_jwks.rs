//! Discovery and JWKS.

use reqwest::StatusCode;

use crate::support::start;

#[tokio::test]
async fn discovery_document() {
    let env = start().await;
    let answer = env
        .send(env.http.get(env.url("/.well-known/openid-configuration")))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let text = serde_json::to_string_pretty(&answer.body)
        .unwrap()
        .replace(env.server.issuer(), "http://127.0.0.1:PORT");
    insta::assert_snapshot!(text);
}

#[tokio::test]
async fn jwks_publishes_one_es256_signing_key() {
    let env = start().await;
    let jwks = env.jwks().await;
    assert_eq!(jwks.keys.len(), 1);
    let key = &jwks.keys[0];
    assert!(key.common.key_id.is_some());
    let text = serde_json::to_value(key).unwrap();
    assert_eq!(text["kty"], "EC");
    assert_eq!(text["crv"], "P-256");
    assert!(text.get("d").is_none(), "private part must not be published");
}
