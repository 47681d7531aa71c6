//! Access tokens on the APIs.

use std::time::Duration;

use netid_server::AccessTokenFormat;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Answer, TARO, start, start_with};

#[tokio::test]
async fn api_token_and_scope_checks() {
    let env = start_with(|c| c.with_access_token_lifetime(Duration::from_secs(60))).await;
    let path = "/sim-swap/v2/check";
    let body = Some(json!({ "maxAge": 240 }));
    let check = |answer: Answer, status: u16, code: &str| {
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        assert_eq!(answer.body["status"], status);
        assert_eq!(
            answer.header("x-correlator"),
            Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
        );
    };
    check(env.api(path, None, body.clone()).await, 401, "UNAUTHENTICATED");
    check(
        env.api(path, Some("not-a-token"), body.clone()).await,
        401,
        "UNAUTHENTICATED",
    );
    let kyc = env.access_token(TARO, "kyc-match:match").await;
    check(
        env.api(path, Some(&kyc), body.clone()).await,
        403,
        "PERMISSION_DENIED",
    );
    let sim = env.access_token(TARO, "sim-swap:check").await;
    assert_eq!(
        env.api(path, Some(&sim), body.clone()).await.status,
        StatusCode::OK
    );
    env.clock.advance(Duration::from_secs(61));
    let expired = env.api(path, Some(&sim), body).await;
    insta::assert_json_snapshot!(expired.body, @r#"
    {
      "code": "UNAUTHENTICATED",
      "message": "Request not authenticated due to missing, invalid, or expired credentials.",
      "status": 401
    }
    "#);
}

#[tokio::test]
async fn invalid_x_correlator_is_refused() {
    let env = start().await;
    let answer = env
        .send(
            env.http
                .post(env.url("/sim-swap/v2/check"))
                .header("x-correlator", "has space")
                .body("{}"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "INVALID_ARGUMENT");
    assert_eq!(answer.header("x-correlator"), None);
}

#[tokio::test]
async fn jwt_access_tokens_are_signed_and_accepted() {
    let env = start_with(|c| c.with_access_token_format(AccessTokenFormat::Jwt)).await;
    let token = env.access_token(TARO, "sim-swap:retrieve-date").await;
    let claims = env.verify_jwt(&token, "at+jwt").await;
    assert_eq!(
        claims["scope"],
        "openid dpv:FraudPreventionAndDetection sim-swap:retrieve-date"
    );
    assert_eq!(claims["client_id"], env.demo.client_id);
    assert!(!claims.to_string().contains("9012345678"));
    let answer = env
        .api("/sim-swap/v2/retrieve-date", Some(&token), Some(json!({})))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}
