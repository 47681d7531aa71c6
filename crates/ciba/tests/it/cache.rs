use std::time::Duration;

use netid_ciba::driver::TokenCache;
use netid_ciba::error::{Error, FlowError, OAuthErrorCode};
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};

use crate::support::{self, Gate, Reply, Script, json, poll_once, t0};

fn scope() -> Scope {
    Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build()
}

fn cache_over(gate: std::sync::Arc<Gate>, clock: netid_core::test_util::ManualClock) -> TokenCache {
    let (driver, _, _) = support::driver_on(gate, clock);
    TokenCache::new(
        driver,
        support::client(),
        support::provider(),
        Duration::from_secs(30),
    )
}

/// Runs `callers` so that they provably overlap: the first runs until its first request is held
/// at the closed gate (so it holds the slot), then every other caller is polled once and must be
/// parked without having sent anything. The only await before a caller's first request is the
/// slot's lock, so a parked caller that sent nothing is waiting there. Then the gate opens and all
/// run to their ends; the outputs come back in order.
async fn overlapping<F: Future + Unpin>(gate: &Gate, mut callers: Vec<F>) -> Vec<F::Output> {
    let (first, rest) = callers.split_first_mut().unwrap();
    tokio::select! {
        biased;
        () = gate.wait_for_arrivals(1) => {}
        _ = &mut *first => panic!("the first caller finished while the gate was closed"),
    }
    for (index, caller) in rest.iter_mut().enumerate() {
        assert!(
            poll_once(caller).await.is_pending(),
            "caller {} finished while the gate was closed",
            index + 2
        );
        assert_eq!(
            gate.arrived(),
            1,
            "caller {} sent a request instead of waiting for the flow in flight",
            index + 2
        );
    }
    gate.open();
    let mut outputs = Vec::with_capacity(callers.len());
    for caller in callers {
        outputs.push(caller.await);
    }
    outputs
}

fn paths(script: &Script) -> Vec<String> {
    script.seen().iter().map(|seen| seen.path.clone()).collect()
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
    let gate = Gate::new(script.clone());
    let cache = cache_over(gate.clone(), clock.clone());
    let hint: LoginHint = "tel:+34654654654".parse().unwrap();
    let scope = scope();
    let callers = (0..3)
        .map(|_| Box::pin(cache.access_token(&hint, &scope)))
        .collect();
    for token in overlapping(&gate, callers).await {
        assert_eq!(token.unwrap().expose_secret(), "at-1");
    }
    assert_eq!(
        paths(&script),
        ["/bc-authorize", "/token", "/token"],
        "one CIBA flow for the three callers"
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

#[tokio::test]
async fn callers_waiting_on_a_failed_flow_get_its_error() {
    const BC: &str = r#"{"auth_req_id":"r-1","expires_in":120,"interval":2}"#;
    async fn check(name: &str, failing: Vec<Reply>, expected: fn(&Error) -> bool) {
        let clock = netid_core::test_util::ManualClock::new(t0());
        let mut replies = failing;
        // What a caller arriving after the failure gets: a flow of its own.
        replies.extend([
            json(200, r#"{"auth_req_id":"r-2","expires_in":120,"interval":2}"#),
            json(
                200,
                r#"{"access_token":"at-2","token_type":"Bearer","expires_in":300}"#,
            ),
        ]);
        let script = Script::new(clock.clone(), replies, json(500, ""));
        let gate = Gate::new(script.clone());
        let cache = cache_over(gate.clone(), clock);
        let hint: LoginHint = "tel:+34654654654".parse().unwrap();
        let scope = scope();
        let callers = (0..3)
            .map(|_| Box::pin(cache.access_token(&hint, &scope)))
            .collect();
        let outcomes = overlapping(&gate, callers).await;
        let first = outcomes[0].as_ref().map(|_| ()).unwrap_err().clone();
        assert!(expected(&first), "case {name}: {first:?}");
        for outcome in &outcomes[1..] {
            assert_eq!(
                outcome.as_ref().map(|_| ()),
                Err(&first),
                "case {name}: waiting callers get the flow's error"
            );
        }
        let flows = |script: &Script| {
            paths(script)
                .iter()
                .filter(|path| *path == "/bc-authorize")
                .count()
        };
        assert_eq!(flows(&script), 1, "case {name}: the user is notified once");

        // Once the failure is over, the next caller starts a new flow.
        assert_eq!(
            cache.access_token(&hint, &scope).await.unwrap().expose_secret(),
            "at-2",
            "case {name}"
        );
        assert_eq!(flows(&script), 2, "case {name}");
    }
    check(
        "denied",
        vec![json(200, BC), json(403, r#"{"error":"access_denied"}"#)],
        |error| matches!(error, Error::OAuth(error) if error.code == OAuthErrorCode::AccessDenied),
    )
    .await;
    check(
        "expired",
        vec![
            json(200, BC),
            json(400, r#"{"error":"authorization_pending"}"#),
            json(400, r#"{"error":"expired_token"}"#),
        ],
        |error| matches!(error, Error::OAuth(error) if error.code == OAuthErrorCode::ExpiredToken),
    )
    .await;
    check("5xx on the backchannel request", vec![json(503, "")], |error| {
        matches!(
            error,
            Error::Flow(FlowError::UnexpectedStatus { status: 503, .. })
        )
    })
    .await;
}

#[tokio::test]
async fn scope_order_and_repeats_share_an_entry() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let flow = |id: &str, token: &str| {
        vec![
            json(
                200,
                &format!(r#"{{"auth_req_id":"{id}","expires_in":120,"interval":2}}"#),
            ),
            json(
                200,
                &format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":300}}"#),
            ),
        ]
    };
    let script = Script::new(
        clock.clone(),
        [flow("r-1", "at-1"), flow("r-2", "at-2")].concat(),
        json(500, ""),
    );
    let (driver, _, _) = support::driver_on(script.clone(), clock);
    let cache = TokenCache::new(
        driver,
        support::client(),
        support::provider(),
        Duration::from_secs(30),
    );
    let hint: LoginHint = "tel:+34654654654".parse().unwrap();
    let built = Scope::builder(Purpose::FraudPreventionAndDetection)
        .apis([ApiScope::SimSwapCheck, ApiScope::SimSwapRetrieveDate])
        .build();
    assert_eq!(
        cache.access_token(&hint, &built).await.unwrap().expose_secret(),
        "at-1"
    );
    // The same set in another order, with repetitions, from the builder or from the wire.
    let same = [
        Scope::builder(Purpose::FraudPreventionAndDetection)
            .apis([
                ApiScope::SimSwapRetrieveDate,
                ApiScope::SimSwapCheck,
                ApiScope::SimSwapRetrieveDate,
            ])
            .build(),
        "sim-swap:retrieve-date openid sim-swap:check dpv:FraudPreventionAndDetection openid"
            .parse()
            .unwrap(),
    ];
    for scope in &same {
        assert_eq!(
            cache.access_token(&hint, scope).await.unwrap().expose_secret(),
            "at-1",
            "{scope}"
        );
    }
    // The bare MSISDN form of the same number (the Orange France page's hint) is the same subject.
    let msisdn: LoginHint = "34654654654".parse().unwrap();
    assert!(matches!(msisdn, LoginHint::Msisdn(_)));
    assert_eq!(
        cache.access_token(&msisdn, &built).await.unwrap().expose_secret(),
        "at-1"
    );
    assert_eq!(cache.len(), 1);
    // A different set (a subset here) is another entry with a flow of its own.
    let subset = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwapCheck)
        .build();
    assert_eq!(
        cache.access_token(&hint, &subset).await.unwrap().expose_secret(),
        "at-2"
    );
    assert_eq!(cache.len(), 2);
    let scopes: Vec<String> = script
        .seen()
        .iter()
        .filter(|seen| seen.path == "/bc-authorize")
        .map(|seen| seen.form["scope"].clone())
        .collect();
    assert_eq!(
        scopes,
        [
            "openid dpv:FraudPreventionAndDetection sim-swap:check sim-swap:retrieve-date",
            "openid dpv:FraudPreventionAndDetection sim-swap:check",
        ]
    );
}

#[tokio::test]
async fn failed_refresh_falls_back_to_a_new_ciba_flow() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![
            json(200, r#"{"auth_req_id":"r-1","expires_in":120,"interval":2}"#),
            json(
                200,
                r#"{"access_token":"at-1","token_type":"Bearer","expires_in":60,"refresh_token":"rt-1"}"#,
            ),
            json(400, r#"{"error":"invalid_grant"}"#),
            json(200, r#"{"auth_req_id":"r-2","expires_in":120,"interval":2}"#),
            json(
                200,
                r#"{"access_token":"at-2","token_type":"Bearer","expires_in":60}"#,
            ),
        ],
        json(500, ""),
    );
    let (driver, clock, _) = support::driver_on(script.clone(), clock);
    let cache = TokenCache::new(
        driver,
        support::client(),
        support::provider(),
        Duration::from_secs(10),
    );
    let hint: LoginHint = "tel:+34654654654".parse().unwrap();
    let scope = scope();
    assert_eq!(
        cache.access_token(&hint, &scope).await.unwrap().expose_secret(),
        "at-1"
    );
    clock.advance(Duration::from_secs(120));
    assert_eq!(
        cache.access_token(&hint, &scope).await.unwrap().expose_secret(),
        "at-2"
    );
    let requests: Vec<(String, String)> = script
        .seen()
        .iter()
        .map(|seen| {
            let grant = seen.form.get("grant_type").cloned().unwrap_or_default();
            (seen.path.clone(), grant)
        })
        .collect();
    let ciba = "urn:openid:params:grant-type:ciba";
    assert_eq!(
        requests,
        [
            ("/bc-authorize".to_owned(), String::new()),
            ("/token".to_owned(), ciba.to_owned()),
            ("/token".to_owned(), "refresh_token".to_owned()),
            ("/bc-authorize".to_owned(), String::new()),
            ("/token".to_owned(), ciba.to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_token_without_expires_in_is_not_reused() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let flow = |id: &str, token: &str| {
        vec![
            json(
                200,
                &format!(r#"{{"auth_req_id":"{id}","expires_in":120,"interval":2}}"#),
            ),
            json(
                200,
                &format!(r#"{{"access_token":"{token}","token_type":"Bearer"}}"#),
            ),
        ]
    };
    let script = Script::new(
        clock.clone(),
        [flow("r-1", "at-1"), flow("r-2", "at-2")].concat(),
        json(500, ""),
    );
    let (driver, _, _) = support::driver_on(script.clone(), clock);
    let cache = TokenCache::new(
        driver,
        support::client(),
        support::provider(),
        Duration::from_secs(10),
    );
    let hint: LoginHint = "tel:+34654654654".parse().unwrap();
    let scope = scope();
    assert_eq!(
        cache.access_token(&hint, &scope).await.unwrap().expose_secret(),
        "at-1"
    );
    // No time passes, yet the unknown lifetime means a new flow.
    assert_eq!(
        cache.access_token(&hint, &scope).await.unwrap().expose_secret(),
        "at-2"
    );
    let flows = script
        .seen()
        .iter()
        .filter(|seen| seen.path == "/bc-authorize")
        .count();
    assert_eq!(flows, 2);

    // Entries holding nothing reusable are pruned on the next lookup, whatever its key.
    assert_eq!(cache.len(), 1);
    let other: LoginHint = "tel:+34600000000".parse().unwrap();
    assert!(
        cache.access_token(&other, &scope).await.is_err(),
        "script answers 500 from here on"
    );
    assert_eq!(
        cache.len(),
        1,
        "the failed entry of `other` remains until the next lookup"
    );
    cache.invalidate(&hint, &scope).await;
    assert!(cache.is_empty(), "{cache:?}");
}
