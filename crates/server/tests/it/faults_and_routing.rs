//! Faults and routing.

use std::time::Duration;

use netid_server::Fault;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{MARIA, start, start_with};

#[tokio::test]
async fn fault_injection() {
    let env = start_with(|c| c.with_fault("/sim-swap/v2/check", Fault::status(503).times(1))).await;
    let token = env.access_token(MARIA, "sim-swap:check").await;
    let path = "/sim-swap/v2/check";
    let body = Some(json!({}));
    let unavailable = env.api(path, Some(&token), body.clone()).await;
    assert_eq!(unavailable.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        unavailable.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    insta::assert_json_snapshot!(unavailable.body, @r#"
    {
      "code": "UNAVAILABLE",
      "message": "Service Unavailable.",
      "status": 503
    }
    "#);
    // Only once.
    assert_eq!(
        env.api(path, Some(&token), body.clone()).await.status,
        StatusCode::OK
    );

    env.server
        .inject_fault(path, Fault::too_many_requests(Duration::from_secs(7)));
    let limited = env.api(path, Some(&token), body.clone()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("retry-after"), Some("7"));
    assert_eq!(limited.code(), "TOO_MANY_REQUESTS");

    env.server.inject_fault(path, Fault::malformed_body());
    let malformed = env.api(path, Some(&token), body.clone()).await;
    assert_eq!(malformed.status, StatusCode::OK);
    assert_eq!(malformed.body, Value::Null, "body is not JSON");

    env.server.inject_fault(
        "/token",
        Fault::status(500).with_latency(Duration::from_millis(5)).times(2),
    );
    assert_eq!(env.poll("x").await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(env.poll("x").await.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(env.poll("x").await.error(), "invalid_grant");

    env.server
        .inject_fault(path, Fault::latency(Duration::from_millis(5)));
    assert_eq!(
        env.api(path, Some(&token), body.clone()).await.status,
        StatusCode::OK
    );
    env.server.clear_faults();
    assert_eq!(env.api(path, Some(&token), body).await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let env = start().await;
    let missing = env.api("/sim-swap/v9/check", None, Some(json!({}))).await;
    assert_eq!((missing.status.as_u16(), missing.code()), (404, "NOT_FOUND"));
    assert_eq!(
        missing.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    let wrong_method = env.api("/sim-swap/v2/check", None, None).await;
    assert_eq!(
        (wrong_method.status.as_u16(), wrong_method.code()),
        (405, "METHOD_NOT_ALLOWED")
    );
}
