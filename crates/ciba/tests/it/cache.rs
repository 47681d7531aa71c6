use std::time::Duration;

use netid_ciba::driver::TokenCache;
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};

use crate::support::{self, Script, json, t0};

fn scope() -> Scope {
    Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build()
}

#[tokio::test]
async fn concurrent_callers_share_one_flow_then_refresh() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![
            json(200, r#"{"auth_req_id":"r-1","expires_in":120,"interval":2}"#),
            json(400, r#"{"error":"authorization_pending"}"#),
            json(
                200,
                r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300,"refresh_token":"rt-1"}"#,
            ),
            json(
                200,
                r#"{"access_token":"at-2","token_type":"Bearer","expires_in":300}"#,
            ),
        ],
        json(500, ""),
    );
    let (driver, clock, _) = support::driver_on(script.clone(), clock);
    let cache = TokenCache::new(
        driver,
        support::client(),
        support::provider(),
        Duration::from_secs(30),
    );
    let hint: LoginHint = "tel:+34654654654".parse().unwrap();
    let scope = scope();
    let (first, second) = tokio::join!(
        cache.access_token(&hint, &scope),
        cache.access_token(&hint, &scope)
    );
    assert_eq!(first.unwrap().expose_secret(), "at-1");
    assert_eq!(second.unwrap().expose_secret(), "at-1");
    let paths: Vec<String> = script.seen().iter().map(|seen| seen.path.clone()).collect();
    assert_eq!(
        paths,
        ["/bc-authorize", "/token", "/token"],
        "one CIBA flow for both callers"
    );

    // Within the margin of expiry the refresh token is used, not a new CIBA flow.
    clock.advance(Duration::from_secs(280));
    assert_eq!(
        cache.access_token(&hint, &scope).await.unwrap().expose_secret(),
        "at-2"
    );
    let last = script.seen().last().unwrap().clone();
    assert_eq!(last.form["grant_type"], "refresh_token");
    assert_eq!(last.form["refresh_token"], "rt-1");

    // Another subject gets its own flow.
    let other: LoginHint = "tel:+34600000000".parse().unwrap();
    assert!(
        cache.access_token(&other, &scope).await.is_err(),
        "script answers 500 from here on"
    );
    assert_eq!(script.seen().last().unwrap().path, "/bc-authorize");
}
