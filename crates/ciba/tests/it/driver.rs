use std::ops::ControlFlow;
use std::time::Duration;

use netid_ciba::ciba::{BackchannelRequest, CibaSession, Progress};
use netid_ciba::error::{Error, FlowError};
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_transport::TransportError;

use crate::support::{self, Reply, Script, json, t0};

fn request() -> BackchannelRequest {
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build();
    BackchannelRequest::new(scope, "tel:+34654654654".parse::<LoginHint>().unwrap())
}

const PENDING: &str = r#"{"error":"authorization_pending"}"#;

#[tokio::test]
async fn approve_on_poll_three_with_progress() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![
            json(200, r#"{"auth_req_id":"r-1","expires_in":120,"interval":2}"#),
            json(400, PENDING),
            json(400, r#"{"error":"slow_down"}"#),
            json(
                200,
                r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1"}"#,
            ),
        ],
        json(500, ""),
    );
    let (driver, _, sleep) = support::driver_on(script.clone(), clock);
    let mut session = CibaSession::new(support::real_client(), support::provider(), request());
    let mut reports: Vec<Progress> = Vec::new();
    let tokens = driver
        .run_ciba(&mut session, |progress| {
            reports.push(progress);
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at-1");
    assert_eq!(tokens.refresh_token.unwrap().expose_secret(), "rt-1");
    assert_eq!(
        tokens.expires_at,
        Some(t0() + Duration::from_secs(2 + 2 + 7 + 3600))
    );
    let times: Vec<u64> = script.seen().iter().map(|seen| seen.at.as_secs()).collect();
    assert_eq!(times, [0, 2, 4, 11]);
    assert_eq!(
        sleep.recorded(),
        [
            Duration::from_secs(2),
            Duration::from_secs(2),
            Duration::from_secs(7)
        ]
    );
    let polls: Vec<u32> = reports.iter().map(|report| report.polls).collect();
    assert_eq!(polls, [0, 1, 2]);
    assert!(
        reports
            .iter()
            .all(|report| report.deadline == Some(t0() + Duration::from_secs(120)))
    );
    // Each request authenticated with a fresh jti.
    let jtis: std::collections::BTreeSet<String> = script
        .seen()
        .iter()
        .map(|seen| seen.form["client_assertion"].clone())
        .collect();
    assert_eq!(jtis.len(), 4);
}

#[tokio::test]
async fn cancel_from_the_progress_callback() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![json(200, r#"{"auth_req_id":"r-1","expires_in":120}"#)],
        json(400, PENDING),
    );
    let (driver, _, _) = support::driver_on(script.clone(), clock);
    let mut session = CibaSession::new(support::client(), support::provider(), request());
    let err = driver
        .run_ciba(&mut session, |progress| {
            if progress.polls >= 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .await
        .unwrap_err();
    assert_eq!(err, Error::Flow(FlowError::Cancelled));
    assert_eq!(script.seen().len(), 3, "backchannel request and two polls");
}

#[tokio::test]
async fn deadline_ends_an_unanswered_flow() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![json(200, r#"{"auth_req_id":"r-1","expires_in":30}"#)],
        json(400, PENDING),
    );
    let (driver, clock, _) = support::driver_on(script.clone(), clock);
    let err = driver
        .ciba(support::client(), support::provider(), request())
        .await
        .unwrap_err();
    assert_eq!(err, Error::Flow(FlowError::DeadlineReached));
    let times: Vec<u64> = script.seen().iter().map(|seen| seen.at.as_secs()).collect();
    assert_eq!(times, [0, 5, 10, 15, 20, 25]);
    assert!(netid_core::ports::Clock::now(&clock) < t0() + Duration::from_secs(30));
}

#[tokio::test]
async fn transport_errors_back_off_then_succeed() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![
            json(200, r#"{"auth_req_id":"r-1","expires_in":300,"interval":1}"#),
            Reply::Fail(TransportError::timeout()),
            Reply::Fail(TransportError::connect()),
            json(503, r#"{"error":"temporarily_unavailable"}"#),
            json(
                200,
                r#"{"access_token":"at","token_type":"Bearer","expires_in":60}"#,
            ),
        ],
        json(500, ""),
    );
    let (driver, _, _) = support::driver_on(script.clone(), clock);
    driver
        .ciba(support::client(), support::provider(), request())
        .await
        .unwrap();
    let times: Vec<u64> = script.seen().iter().map(|seen| seen.at.as_secs()).collect();
    // Interval 1 s, back-off 2 s, 4 s, 8 s after consecutive failures.
    assert_eq!(times, [0, 1, 3, 7, 15]);
}

#[tokio::test]
async fn a_refused_redirect_is_final() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![
            json(200, r#"{"auth_req_id":"r-1","expires_in":300,"interval":1}"#),
            Reply::Fail(TransportError::redirect()),
        ],
        json(500, ""),
    );
    let (driver, _, _) = support::driver_on(script, clock);
    let err = driver
        .ciba(support::client(), support::provider(), request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport(ref failure) if !failure.retryable),
        "{err:?}"
    );
    // The failure names the server (scheme, host, port; never the path) and the transport's cause.
    insta::assert_snapshot!(err, @"transport failed: the request to https://op.example could not be completed: the server answered with a redirect, which is not followed");
}

#[tokio::test]
async fn a_transport_cause_is_kept_with_the_origin() {
    let clock = netid_core::test_util::ManualClock::new(t0());
    let refused =
        TransportError::connect().with_cause("tcp connect error: Connection refused (os error 111)");
    let script = Script::new(clock.clone(), vec![Reply::Fail(refused)], json(500, ""));
    let (driver, _, _) = support::driver_on(script, clock);
    let err = driver.discover("https://op.example").await.unwrap_err();
    let Error::Transport(failure) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(failure.origin.as_deref(), Some("https://op.example"));
    assert!(failure.retryable);
    insta::assert_snapshot!(err, @"transport failed: the request to https://op.example could not be completed: could not connect to the server: tcp connect error: Connection refused (os error 111)");
}
