//! CIBA: the poll-mode flow, its timing and pairwise subjects.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use netid_core::test_util::{ManualClock, SeededRandom};
use netid_server::{ClientRegistration, Server, ServerConfig};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{
    ANNA, CAMILLE, CIBA, Env, FRAUD, JWT_BEARER, NEVER, PETER, Signer, other_signer, start, start_with,
};

#[tokio::test]
async fn ciba_approve_flow_polls_then_issues_signed_tokens() {
    let env = start().await;
    // The Orange France page's bare MSISDN form of login_hint.
    let started = env
        .bc_authorize("33699901040", &format!("{FRAUD} kyc-match:match"))
        .await;
    assert_eq!(started.status, StatusCode::OK);
    assert_eq!(started.body["expires_in"], 120);
    assert_eq!(started.body["interval"], 2);
    let id = started.body["auth_req_id"].as_str().unwrap();

    let pending = env.poll(id).await;
    assert_eq!(pending.status, StatusCode::BAD_REQUEST);
    assert_eq!(pending.error(), "authorization_pending");
    assert_eq!(pending.header("cache-control"), Some("no-store"));

    env.clock.advance(Duration::from_secs(2)); // fr-peter approves after 2 s
    let token = env.poll(id).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    assert_eq!(token.body["token_type"], "Bearer");
    assert_eq!(token.body["expires_in"], 3600);
    assert_eq!(
        token.body["scope"],
        "openid dpv:FraudPreventionAndDetection kyc-match:match"
    );
    let id_token = token.body["id_token"].as_str().unwrap();
    let claims = env.verify_jwt(id_token, "JWT").await;
    assert_eq!(claims["aud"], env.demo.client_id);
    let sub = claims["sub"].as_str().unwrap();
    assert!(!sub.contains("699901040"), "sub must not be the number");
    assert_eq!(sub.len(), 43, "base64url SHA-256");

    // The request is consumed.
    assert_eq!(env.poll(id).await.error(), "invalid_grant");
}

#[tokio::test]
async fn pairwise_subjects_differ_per_client() {
    let (other, jwks) = other_signer(7, "other-client").await;
    let env =
        start_with(|c| c.with_client(ClientRegistration::from_jwks_json("other-client", &jwks).unwrap()))
            .await;
    let scope = format!("{FRAUD} sim-swap");
    let demo_token = env.ciba_token("tel:+819012345678", &scope).await;
    let claims = env.claims(&other, json!(env.server.issuer()));
    let assertion = env.sign(&other, &claims);
    let started = env
        .form(
            "/bc-authorize",
            &[
                ("login_hint", "tel:+819012345678"),
                ("scope", &scope),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let claims = env.claims(&other, json!(env.url("/token")));
    let assertion = env.sign(&other, &claims);
    let token = env
        .form(
            "/token",
            &[
                ("grant_type", CIBA),
                ("auth_req_id", started.body["auth_req_id"].as_str().unwrap()),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let a = env
        .verify_jwt(demo_token["id_token"].as_str().unwrap(), "JWT")
        .await;
    let b = env
        .verify_jwt(token.body["id_token"].as_str().unwrap(), "JWT")
        .await;
    assert_ne!(a["sub"], b["sub"]);
}

#[tokio::test]
async fn ciba_deny_expiry_and_slow_down() {
    let env = start().await;
    let scope = format!("{FRAUD} sim-swap");
    // fr-camille denies after 1 s.
    let id = env.bc_authorize(&format!("tel:{CAMILLE}"), &scope).await.body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.poll(&id).await.error(), "authorization_pending");
    env.clock.advance(Duration::from_secs(1));
    let denied = env.poll(&id).await;
    assert_eq!(
        (denied.status, denied.error()),
        (StatusCode::BAD_REQUEST, "access_denied")
    );
    assert_eq!(env.poll(&id).await.error(), "invalid_grant");

    // es-never never answers: the request expires after expires_in.
    let id = env.bc_authorize(&format!("tel:{NEVER}"), &scope).await.body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    env.clock.advance(Duration::from_secs(119));
    assert_eq!(env.poll(&id).await.error(), "authorization_pending");
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.poll(&id).await.error(), "expired_token");

    // nl-anna's device: two slow_down answers, then approval.
    let id = env.bc_authorize(&format!("tel:{ANNA}"), &scope).await.body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.poll(&id).await.error(), "slow_down");
    assert_eq!(env.poll(&id).await.error(), "slow_down");
    assert_eq!(env.poll(&id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn enforced_interval_answers_slow_down_to_early_polls() {
    let env = start_with(|c| c.with_enforced_poll_interval(true)).await;
    let id = env
        .bc_authorize(&format!("tel:{PETER}"), &format!("{FRAUD} sim-swap"))
        .await
        .body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.poll(&id).await.error(), "authorization_pending");
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.poll(&id).await.error(), "slow_down");
    // The interval is now 2 + 5 s.
    env.clock.advance(Duration::from_secs(7));
    assert_eq!(env.poll(&id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn demo_config_overrides_delays_and_interval() {
    let clock = ManualClock::at_unix(1_767_225_600);
    let server = Server::start(
        ServerConfig::demo()
            .with_clock(Arc::new(clock.clone()))
            .with_random(Arc::new(SeededRandom::new(1))),
    )
    .await
    .unwrap();
    let env = Env {
        demo: Signer::demo(server.demo_client().unwrap()),
        server,
        clock,
        http: reqwest::Client::new(),
        jti: AtomicU64::new(0),
        operator: std::sync::Mutex::default(),
    };
    let started = env
        .bc_authorize(&format!("tel:{PETER}"), &format!("{FRAUD} sim-swap"))
        .await;
    assert_eq!(started.body["interval"], 1);
    let id = started.body["auth_req_id"].as_str().unwrap();
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.poll(id).await.status, StatusCode::OK);
}
