//! Client behaviour: correlators, deadlines, retries, `Retry-After`, faults.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use netid_camara::sim_swap::{MaxAge, v1};
use netid_camara::{
    CallOptions, CamaraError, CorrelatorEcho, CorrelatorPolicy, OperatorProfile, RetryPolicy,
};
use netid_core::correlator::XCorrelator;
use netid_core::ports::Clock;
use netid_core::test_util::ManualClock;
use netid_transport::test_util::{Fault, FaultTransport, InstantSleep, ReplayEvent, ReplayTransport};
use netid_transport::{HttpResponse, TransportError};

use crate::support::{expected, fixture, harness, response, start, token};

const CHECK: &str = "https://api.orange.com/camara/oes/sim-swap/v1/check";

fn request() -> v1::check::Request {
    v1::check::Request::new(MaxAge::DEFAULT)
}

fn event(answer: HttpResponse) -> ReplayEvent {
    ReplayEvent::new(expected("POST", CHECK, Some(r#"{"maxAge":240}"#)), answer)
}

fn ok() -> HttpResponse {
    response(200, fixture("orange-spain/sim-swap/check.200.json"))
}

fn status(code: u16) -> HttpResponse {
    let body = match code {
        429 | 503 | 504 => fixture(&format!("orange-spain/sim-swap/error.{code}.json")),
        _ => Bytes::from_static(b"<html>bad gateway</html>"),
    };
    response(code, body)
}

fn with_header(mut response: HttpResponse, name: &'static str, value: &str) -> HttpResponse {
    response
        .headers_mut()
        .insert(name, value.parse().expect("header value"));
    response
}

fn spain() -> OperatorProfile {
    OperatorProfile::orange_spain_sim_swap_v1()
}

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
async fn no_retry_by_default() {
    let replay = Arc::new(ReplayTransport::new([event(status(503))]));
    let h = harness(replay.clone(), spain());
    let error = h
        .client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect_err("503");
    assert_eq!(error.status(), Some(503));
    replay.assert_complete();
    assert!(h.sleep.recorded().is_empty());
}

#[tokio::test]
async fn retries_retryable_statuses_with_jittered_backoff() {
    let replay = Arc::new(ReplayTransport::new([
        event(status(502)),
        event(status(503)),
        event(status(504)),
        event(ok()),
    ]));
    let h = harness(replay.clone(), spain());
    let client = h.client.with_retry(
        RetryPolicy::exponential(4).with_delays(Duration::from_millis(100), Duration::from_secs(10)),
    );
    let answer = client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect("fourth attempt");
    assert_eq!(answer.attempts, 4);
    replay.assert_complete();
    let waits = h.sleep.recorded();
    assert_eq!(waits.len(), 3);
    for (index, wait) in waits.iter().enumerate() {
        let ceiling = Duration::from_millis(100 << index);
        assert!(*wait >= ceiling / 2 && *wait <= ceiling, "wait {index}: {wait:?}");
    }
}

#[tokio::test]
async fn retries_stop_at_max_attempts_and_skip_other_statuses() {
    let replay = Arc::new(ReplayTransport::new([event(status(503)), event(status(503))]));
    let h = harness(replay.clone(), spain());
    let client = h.client.with_retry(RetryPolicy::exponential(2));
    let error = client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect_err("503 twice");
    assert_eq!(error.status(), Some(503));
    replay.assert_complete();

    for code in [400, 401, 403, 404, 409, 500] {
        let body = fixture(&format!("orange-spain/sim-swap/error.{code}.json"));
        let replay = Arc::new(ReplayTransport::new([event(response(code, body))]));
        let h = harness(replay.clone(), spain());
        let client = h.client.with_retry(RetryPolicy::exponential(5));
        let error = client
            .send(&token(), &request(), CallOptions::new())
            .await
            .expect_err("error");
        assert_eq!(error.status(), Some(code));
        replay.assert_complete();
    }
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date() {
    let date = httpdate_in(start(), 12);
    for (header, wait) in [
        ("3", Duration::from_secs(3)),
        (date.as_str(), Duration::from_secs(12)),
    ] {
        let replay = Arc::new(ReplayTransport::new([
            event(with_header(status(429), "retry-after", header)),
            event(ok()),
        ]));
        let h = harness(replay.clone(), spain());
        let client = h.client.with_retry(RetryPolicy::exponential(3));
        let answer = client
            .send(&token(), &request(), CallOptions::new())
            .await
            .expect("after waiting");
        assert_eq!(answer.attempts, 2);
        assert_eq!(h.sleep.recorded(), [wait]);
        replay.assert_complete();
    }
    // Longer than the policy's cap: no retry, and the caller sees the delay.
    let replay = Arc::new(ReplayTransport::new([event(with_header(
        status(429),
        "retry-after",
        "3600",
    ))]));
    let h = harness(replay.clone(), spain());
    let client = h.client.with_retry(RetryPolicy::exponential(3));
    let error = client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect_err("429");
    let retry_after = error
        .as_operator()
        .and_then(netid_camara::OperatorError::retry_after)
        .expect("kept");
    assert_eq!(retry_after.delay_from(start()), Duration::from_secs(3600));
    assert!(h.sleep.recorded().is_empty());
}

fn httpdate_in(now: std::time::SystemTime, seconds: u64) -> String {
    // Formatted by hand for the test: 2025-01-01T00:00:00Z plus `seconds` (< 60).
    assert_eq!(now, start());
    format!("Wed, 01 Jan 2025 00:00:{seconds:02} GMT")
}

#[tokio::test]
async fn connection_faults_are_retried_others_are_not() {
    let inner = Arc::new(ReplayTransport::new([event(ok())]));
    let faults = Arc::new(
        FaultTransport::new(inner.clone())
            .with_fault(Fault::ConnectionRefused)
            .with_fault(Fault::Timeout)
            .with_fault(Fault::TruncatedBody),
    );
    let h = harness(faults.clone(), spain());
    let client = h.client.with_retry(RetryPolicy::exponential(4));
    let answer = client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect("fourth attempt");
    assert_eq!(answer.attempts, 4);
    inner.assert_complete();

    let h = harness(Arc::new(FaultTransport::always(Fault::InvalidJson)), spain());
    let client = h.client.with_retry(RetryPolicy::exponential(4));
    let error = client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect_err("invalid JSON");
    assert!(
        matches!(&error, CamaraError::Decode(e) if e.status() == 200),
        "{error:?}"
    );
    assert!(h.sleep.recorded().is_empty());

    let h = harness(
        Arc::new(FaultTransport::always(Fault::ConnectionRefused)),
        spain(),
    );
    let error = h
        .client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect_err("refused");
    assert_eq!(
        error
            .as_transport()
            .map(|(origin, source)| (origin.as_str(), source)),
        Some(("https://api.orange.com", &TransportError::connect()))
    );
    insta::assert_snapshot!(error, @"the request to https://api.orange.com could not be completed: could not connect to the server");
}

#[tokio::test]
async fn deadlines_bound_attempts_and_waits() {
    // A hanging server: the deadline timer ends the call.
    let h = harness(Arc::new(FaultTransport::always(Fault::Hang)), spain());
    let deadline = start() + Duration::from_secs(5);
    let error = h
        .client
        .send(&token(), &request(), CallOptions::new().with_deadline(deadline))
        .await
        .expect_err("deadline");
    assert_eq!(error, CamaraError::Deadline { attempts: 1 });
    assert_eq!(h.clock.now(), deadline);

    // A deadline already past: nothing is sent.
    let replay = Arc::new(ReplayTransport::new([]));
    let h = harness(replay.clone(), spain());
    let error = h
        .client
        .send(&token(), &request(), CallOptions::new().with_deadline(start()))
        .await
        .expect_err("past");
    assert_eq!(error, CamaraError::Deadline { attempts: 0 });
    assert!(replay.received().is_empty());

    // A retry that would end past the deadline is not started: the last error is returned.
    let replay = Arc::new(ReplayTransport::new([event(with_header(
        status(429),
        "retry-after",
        "10",
    ))]));
    let h = harness(replay.clone(), spain());
    let client = h.client.with_retry(RetryPolicy::exponential(3));
    let options = CallOptions::new().with_deadline(start() + Duration::from_secs(5));
    let error = client.send(&token(), &request(), options).await.expect_err("429");
    assert_eq!(error.status(), Some(429));
    assert!(h.sleep.recorded().is_empty());
    replay.assert_complete();
}

#[tokio::test]
async fn the_short_constructor_retries_with_its_sleep() {
    // `new` takes the sleep, so a retry policy set on it always waits and tries again (before,
    // a client built without a sleep silently made one attempt).
    let replay = Arc::new(ReplayTransport::new([
        event(with_header(status(503), "retry-after", "2")),
        event(status(503)),
        event(ok()),
    ]));
    let sleep = InstantSleep::new(ManualClock::new(start()));
    let client = netid_camara::CamaraClient::new(replay.clone(), spain(), Arc::new(sleep.clone()))
        .with_retry(
            RetryPolicy::exponential(3).with_delays(Duration::from_millis(10), Duration::from_secs(5)),
        );
    let answer = client
        .send(&token(), &request(), CallOptions::new())
        .await
        .expect("third attempt");
    assert_eq!(answer.attempts, 3);
    let waits = sleep.recorded();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert_eq!(waits[0], Duration::from_secs(2), "Retry-After honoured");
    assert!(waits[1] <= Duration::from_millis(20), "{waits:?}");
    replay.assert_complete();
}

#[tokio::test]
async fn retry_after_survives_an_undecodable_error_body() {
    let date = httpdate_in(start(), 7);
    for (code, header, wait) in [
        (429, "3", Duration::from_secs(3)),
        (429, date.as_str(), Duration::from_secs(7)),
        (503, "3", Duration::from_secs(3)),
    ] {
        // Empty body: the error cannot be decoded, the header must still be honoured.
        let empty = with_header(response(code, Bytes::new()), "retry-after", header);
        let replay = Arc::new(ReplayTransport::new([event(empty.clone()), event(ok())]));
        let h = harness(replay.clone(), spain());
        let client = h.client.with_retry(RetryPolicy::exponential(3));
        let answer = client
            .send(&token(), &request(), CallOptions::new())
            .await
            .expect("after waiting");
        assert_eq!(answer.attempts, 2, "{code} {header}");
        assert_eq!(h.sleep.recorded(), [wait], "{code} {header}");
        replay.assert_complete();

        // Without retries the caller sees the decoding error, with its status and the delay.
        let replay = Arc::new(ReplayTransport::new([event(empty)]));
        let h = harness(replay.clone(), spain());
        let error = h
            .client
            .send(&token(), &request(), CallOptions::new())
            .await
            .expect_err("undecodable");
        assert!(
            matches!(&error, CamaraError::Decode(e) if e.status() == code),
            "{error:?}"
        );
        let retry_after = error.retry_after().expect("kept on the decode error");
        assert_eq!(retry_after.delay_from(start()), wait);
        assert_eq!(error.kind(), "decode");
    }
}

#[tokio::test]
async fn a_token_that_cannot_be_a_header_is_refused_before_sending() {
    let replay = Arc::new(ReplayTransport::new([]));
    let h = harness(replay.clone(), spain());
    for bad in ["line\nbreak", "carriage\rreturn", "nul\0byte"] {
        let error = h
            .client
            .send(
                &netid_core::token::AccessToken::new(bad),
                &request(),
                CallOptions::new(),
            )
            .await
            .expect_err("refused");
        assert_eq!(
            error,
            CamaraError::InvalidRequest(netid_camara::InvalidRequest::InvalidHeader),
            "{bad:?}"
        );
        assert_eq!(
            error.to_string(),
            "the access token or the x-correlator cannot be sent as an HTTP header"
        );
    }
    assert!(replay.received().is_empty());
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
