//! What ends a call without an answer: transport faults (retried or not), deadlines, and a token
//! that cannot be sent as a header.

use std::sync::Arc;
use std::time::Duration;

use netid_camara::{CallOptions, CamaraError, RetryPolicy};
use netid_core::ports::Clock;
use netid_transport::TransportError;
use netid_transport::test_util::{Fault, FaultTransport, ReplayTransport};

use super::fixtures::{event, ok, request, spain, status, with_header};
use crate::support::{harness, start, token};

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
