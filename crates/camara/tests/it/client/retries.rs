//! Retries: off by default, the retryable statuses, jittered backoff, the attempt cap and
//! `Retry-After` (in seconds, as a date, on an undecodable body).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use netid_camara::{CallOptions, CamaraError, RetryPolicy};
use netid_core::test_util::ManualClock;
use netid_transport::test_util::{InstantSleep, ReplayTransport};

use super::fixtures::{event, httpdate_in, ok, request, spain, status, with_header};
use crate::support::{fixture, harness, response, start, token};

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
