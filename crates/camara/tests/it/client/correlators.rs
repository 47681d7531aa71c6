//! The `x-correlator`: generated or given, sent, and its echo reported or refused on success and
//! error responses.

use std::sync::Arc;

use netid_camara::{CallOptions, CamaraError, CorrelatorEcho, CorrelatorPolicy, RetryPolicy};
use netid_core::correlator::XCorrelator;
use netid_transport::HttpResponse;
use netid_transport::test_util::ReplayTransport;

use super::fixtures::{event, ok, request, spain, status, with_header};
use crate::support::{fixture, harness, response, token};

#[tokio::test]
async fn correlators_are_generated_sent_and_checked() {
    // Generated from the seeded RNG, so stable; echoed by the replay.
    let replay = Arc::new(ReplayTransport::new([event(ok()), event(ok())]));
    let h = harness(replay.clone(), spain());
    let first = h
        .client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect("ok");
    let second = h
        .client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect("ok");
    assert_eq!(first.echo, CorrelatorEcho::Echoed);
    assert_ne!(first.correlator, second.correlator);
    let sent = replay.received();
    assert_eq!(sent[0].headers()["x-correlator"], first.correlator.as_str());
    assert_eq!(sent[0].headers()["x-correlator"].len(), 36);

    // Given by the caller.
    let given: XCorrelator = "order-42".parse().expect("valid");
    let replay = Arc::new(ReplayTransport::new([event(ok())]));
    let h = harness(replay.clone(), spain());
    let answer = h
        .client
        .send(
            &token(),
            &request(),
            CallOptions::new().with_correlator(given.clone()),
        )
        .await
        .expect("ok");
    assert_eq!(answer.correlator, given);
    assert_eq!(replay.received()[0].headers()["x-correlator"], "order-42");
}

#[tokio::test]
async fn correlator_mismatch_is_reported_or_refused() {
    let check = |policy: CorrelatorPolicy, answer: HttpResponse| async move {
        let replay = Arc::new(ReplayTransport::new([event(answer)]).no_echo());
        let h = harness(replay, spain());
        let client = h.client.with_correlator_policy(policy);
        let options = CallOptions::new().with_correlator("abc".parse().expect("valid"));
        match client.send(&token(), &request(), options).await {
            Ok(answer) => format!("{:?}", answer.echo),
            Err(error) => error.to_string(),
        }
    };
    assert_eq!(check(CorrelatorPolicy::Report, ok()).await, "Missing");
    assert_eq!(
        check(CorrelatorPolicy::Report, with_header(ok(), "x-correlator", "xyz")).await,
        r#"Different("xyz")"#
    );
    assert_eq!(
        check(
            CorrelatorPolicy::Require,
            with_header(ok(), "x-correlator", "abc")
        )
        .await,
        "Echoed"
    );
    assert_eq!(
        check(
            CorrelatorPolicy::Require,
            with_header(ok(), "x-correlator", "xyz")
        )
        .await,
        "the response x-correlator does not echo the request's"
    );
    assert_eq!(
        check(CorrelatorPolicy::Require, ok()).await,
        "the response x-correlator does not echo the request's"
    );
}

#[tokio::test]
async fn correlators_are_checked_on_error_responses_too() {
    let not_found = || response(404, fixture("orange-spain/sim-swap/error.404.json"));
    let check = |policy: CorrelatorPolicy, answer: HttpResponse| async move {
        let replay = Arc::new(ReplayTransport::new([event(answer)]).no_echo());
        let h = harness(replay.clone(), spain());
        let client = h
            .client
            .with_correlator_policy(policy)
            .with_retry(RetryPolicy::exponential(3));
        let options = CallOptions::new().with_correlator("abc".parse().expect("valid"));
        let error = client
            .send(&token(), &request(), options)
            .await
            .expect_err("an error either way");
        replay.assert_complete();
        error
    };
    // Report (the default): the operator error comes back as it is.
    let error = check(
        CorrelatorPolicy::Report,
        with_header(not_found(), "x-correlator", "xyz"),
    )
    .await;
    assert_eq!(error.status(), Some(404));
    let error = check(
        CorrelatorPolicy::Require,
        with_header(not_found(), "x-correlator", "abc"),
    )
    .await;
    assert_eq!(error.status(), Some(404));
    // Require: a differing or missing echo is refused, and such a response is not retried.
    let error = check(
        CorrelatorPolicy::Require,
        with_header(not_found(), "x-correlator", "xyz"),
    )
    .await;
    assert_eq!(
        error,
        CamaraError::CorrelatorMismatch {
            sent: "abc".parse().expect("valid"),
            received: Some("xyz".into()),
        }
    );
    let error = check(CorrelatorPolicy::Require, status(503)).await;
    assert!(
        matches!(&error, CamaraError::CorrelatorMismatch { received: None, .. }),
        "{error:?}"
    );
}
