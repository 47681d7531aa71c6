//! Integration tests of the test doubles, through the object-safe port.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_core::ports::Clock;
use netid_core::test_util::ManualClock;
use netid_transport::test_util::{
    Fault, FaultTransport, INVALID_JSON_BODY, InstantSleep, ReplayEvent, ReplayTransport,
};
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, Sleep, TransportError};

fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("valid test request")
}

fn response(status: u16, body: &str) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("valid")
}

fn expected() -> HttpRequest {
    request(
        "POST",
        "https://op.example/check",
        &[
            ("authorization", "Bearer secret-token"),
            ("content-type", "application/json"),
        ],
        r#"{"maxAge":240,"phoneNumber":"+34654654654"}"#,
    )
}

/// Sends `sent` through a one-exchange replay and returns the problems it reports.
async fn check(sent: HttpRequest) -> Vec<String> {
    let replay: Arc<dyn HttpTransport> = Arc::new(ReplayTransport::new([ReplayEvent::new(
        expected(),
        response(200, "{}"),
    )]));
    let outcome = replay.send(sent).await;
    assert!(!format!("{replay:?}").contains("secret-token"));
    match outcome {
        Ok(_) => Vec::new(),
        Err(TransportError::Other(problem)) => vec![problem],
        Err(other) => vec![format!("unexpected error {other}")],
    }
}

#[tokio::test]
async fn replay_compares_method_uri_headers_and_json_body() {
    let same = request(
        "POST",
        "https://op.example/check",
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer secret-token"),
            ("x-correlator", "anything"),
            ("user-agent", "anything"),
        ],
        r#"{ "phoneNumber": "+34654654654", "maxAge": 240 }"#,
    );
    assert_eq!(check(same).await, Vec::<String>::new());

    let problems = check(request("GET", "https://op.example/check", &[], "")).await;
    insta::assert_snapshot!(problems.join("\n"), @"replay: request 1: method: expected POST, got GET; headers: expected {authorization: Bearer [19 bytes]; content-type: application/json}, got {}; body: expected {\"maxAge\":240,\"phoneNumber\":\"+34654654654\"}, got ");

    let problems = check(request(
        "POST",
        "https://op.example/retrieve-date",
        &[
            ("authorization", "Bearer other-token!"),
            ("content-type", "application/json"),
        ],
        r#"{"maxAge":24,"phoneNumber":"+34654654654"}"#,
    ))
    .await;
    insta::assert_snapshot!(problems.join("\n"), @"replay: request 1: uri: expected https://op.example/check, got https://op.example/retrieve-date; headers: expected {authorization: Bearer [19 bytes]; content-type: application/json}, got {authorization: Bearer [19 bytes]; content-type: application/json}; body: expected {\"maxAge\":240,\"phoneNumber\":\"+34654654654\"}, got {\"maxAge\":24,\"phoneNumber\":\"+34654654654\"}");
}

#[tokio::test]
async fn replay_reports_extra_and_missing_exchanges() {
    let replay = ReplayTransport::new([
        ReplayEvent::new(expected(), response(200, "{}")),
        ReplayEvent::new(expected(), response(503, "{}")),
    ]);
    assert_eq!(
        replay.send(expected()).await.map(|r| r.status().as_u16()),
        Ok(200)
    );
    assert_eq!(replay.remaining(), 1);
    let mismatch = replay.verify().expect_err("one exchange left");
    insta::assert_snapshot!(mismatch, @r"
    replay mismatch:
    scripted exchange 2 never requested: POST https://op.example/check
    ");
    assert_eq!(
        replay.send(expected()).await.map(|r| r.status().as_u16()),
        Ok(503)
    );
    assert!(replay.send(expected()).await.is_err());
    let mismatch = replay.verify().expect_err("one request too many");
    insta::assert_snapshot!(mismatch, @r"
    replay mismatch:
    request 3 beyond the script: POST https://op.example/check
    ");
    assert_eq!(replay.received().len(), 3);
}

#[tokio::test]
async fn replay_echoes_the_correlator_unless_told_not_to() {
    let sent = || {
        let mut sent = expected();
        sent.headers_mut()
            .insert("x-correlator", http::HeaderValue::from_static("abc-1"));
        sent
    };
    let replay = ReplayTransport::new([ReplayEvent::new(expected(), response(200, "{}"))]);
    let answer = replay.send(sent()).await.expect("scripted");
    assert_eq!(answer.headers()["x-correlator"], "abc-1");

    let replay = ReplayTransport::new([ReplayEvent::new(expected(), response(200, "{}"))]).no_echo();
    let answer = replay.send(sent()).await.expect("scripted");
    assert!(!answer.headers().contains_key("x-correlator"));

    // Compared when asked to, so a test can pin the generated value.
    let replay = ReplayTransport::new([ReplayEvent::new(expected(), response(200, "{}"))])
        .compare_header(&http::HeaderName::from_static("x-correlator"));
    assert!(replay.send(sent()).await.is_err());
    let mismatch = replay.verify().expect_err("the x-correlator differs");
    assert!(mismatch.problems[0].contains("x-correlator: abc-1"), "{mismatch}");
}

#[tokio::test]
async fn replay_can_script_transport_failures() {
    let replay = ReplayTransport::new([ReplayEvent::failing(expected(), TransportError::timeout())]);
    assert_eq!(
        replay.send(expected()).await.map(|_| ()),
        Err(TransportError::timeout())
    );
    replay.assert_complete();
}

#[tokio::test]
async fn faults_then_the_inner_transport() {
    let inner = Arc::new(ReplayTransport::new([ReplayEvent::new(
        expected(),
        response(200, "{}"),
    )]));
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
    let sleep = InstantSleep::new(clock.clone());
    let faults = FaultTransport::new(inner.clone())
        .with_fault(Fault::ConnectionRefused)
        .with_fault(Fault::Timeout)
        .with_fault(Fault::TruncatedBody)
        .with_fault(Fault::InvalidJson)
        .with_fault(Fault::SlowBody(Duration::from_secs(3)))
        .with_sleep(Arc::new(sleep.clone()));
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        outcomes.push(match faults.send(expected()).await {
            Ok(response) => format!(
                "{} {}",
                response.status(),
                String::from_utf8_lossy(response.body())
            ),
            Err(error) => format!("{:?}", error.kind()),
        });
    }
    assert_eq!(
        outcomes,
        [
            "Connect",
            "Timeout",
            "Body",
            &format!("200 OK {}", String::from_utf8_lossy(INVALID_JSON_BODY)),
            "200 OK {}"
        ]
    );
    assert_eq!(faults.requests(), 5);
    assert_eq!(sleep.recorded(), [Duration::from_secs(3)]);
    assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(3));
    inner.assert_complete();
}

#[tokio::test]
async fn always_repeats_its_fault_and_hang_never_answers() {
    let faults = FaultTransport::always(Fault::TruncatedBody);
    for _ in 0..3 {
        assert_eq!(
            faults.send(expected()).await.map(|_| ()),
            Err(TransportError::body())
        );
    }
    let hang = FaultTransport::always(Fault::Hang);
    let mut future = std::pin::pin!(hang.send(expected()));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..3 {
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
}

#[tokio::test]
async fn instant_sleep_accumulates() {
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
    let sleep: Arc<dyn Sleep> = Arc::new(InstantSleep::new(clock.clone()));
    sleep.sleep(Duration::from_millis(1500)).await;
    sleep.sleep(Duration::from_millis(500)).await;
    assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(2));
}
