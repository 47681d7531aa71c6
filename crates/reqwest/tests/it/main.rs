//! The reqwest adapter against a scripted loopback server: statuses, headers, bodies, redirects,
//! timeouts and broken connections.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use netid_reqwest::test_util::{LoopbackServer, Reply};
use netid_reqwest::{ReqwestTransport, TokioSleep};
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, Sleep, TransportError};

fn post(url: &str, body: &'static str) -> HttpRequest {
    http::Request::post(url)
        .header("content-type", "application/json")
        .header("authorization", "Bearer t0ken")
        .header("x-correlator", "c-1")
        .body(Bytes::from_static(body.as_bytes()))
        .expect("valid request")
}

fn transport() -> Arc<dyn HttpTransport> {
    Arc::new(ReqwestTransport::new().expect("default client"))
}

fn with_header(reply: Reply, name: &'static str, value: &'static str) -> Reply {
    match reply {
        Reply::Response(mut response) => {
            response
                .headers_mut()
                .insert(name, http::HeaderValue::from_static(value));
            Reply::Response(response)
        }
        other => other,
    }
}

#[tokio::test]
async fn every_status_is_a_response_with_headers_and_body() {
    let transport = transport();
    for status in [
        200_u16, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504,
    ] {
        let server = LoopbackServer::start(move |_| {
            let body = if status == 204 { "" } else { r#"{"code":"X"}"# };
            with_header(Reply::json(status, body), "x-correlator", "c-1")
        })
        .await
        .expect("bind loopback");
        let response = transport
            .send(post(&format!("{}/check", server.base_url()), "{}"))
            .await
            .expect("a response");
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["x-correlator"], "c-1");
        if status != 204 {
            assert_eq!(response.headers()["content-type"], "application/json");
            assert_eq!(response.body().as_ref(), br#"{"code":"X"}"#);
        }
    }
}

#[tokio::test]
async fn the_request_reaches_the_server_unchanged() {
    let server = LoopbackServer::start(|_| Reply::json(200, "{}"))
        .await
        .expect("bind loopback");
    let url = format!("{}/sim-swap/v1/check?x=1", server.base_url());
    transport()
        .send(post(&url, r#"{"maxAge":240}"#))
        .await
        .expect("a response");
    let get = http::Request::get(format!("{}/device-phone-number", server.base_url()))
        .body(Bytes::new())
        .expect("valid");
    transport().send(get).await.expect("a response");

    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method(), "POST");
    assert_eq!(received[0].uri(), "/sim-swap/v1/check?x=1");
    assert_eq!(received[0].headers()["authorization"], "Bearer t0ken");
    assert_eq!(received[0].headers()["x-correlator"], "c-1");
    assert_eq!(received[0].headers()["content-type"], "application/json");
    assert_eq!(received[0].body().as_ref(), br#"{"maxAge":240}"#);
    assert_eq!(received[1].method(), "GET");
    assert!(received[1].body().is_empty());
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let server = LoopbackServer::start(|request: &HttpRequest| {
        if request.uri().path() == "/moved" {
            Reply::json(200, r#"{"followed":true}"#)
        } else {
            with_header(Reply::json(302, ""), "location", "/moved")
        }
    })
    .await
    .expect("bind loopback");
    let response = transport()
        .send(post(&format!("{}/check", server.base_url()), "{}"))
        .await
        .expect("302");
    assert_eq!(response.status(), 302);
    assert_eq!(server.received().len(), 1);

    // A caller-supplied client that follows redirects: the adapter refuses the redirected answer.
    let following = reqwest::Client::builder().build().expect("client");
    let outcome = ReqwestTransport::from_client(following)
        .send(post(&format!("{}/check", server.base_url()), "{}"))
        .await;
    assert_eq!(outcome.err(), Some(TransportError::redirect()));
}

#[tokio::test]
async fn broken_exchanges_map_to_typed_errors() {
    async fn check(reply: fn() -> Reply, transport: &ReqwestTransport, expected: TransportError) {
        let server = LoopbackServer::start(move |_| reply())
            .await
            .expect("bind loopback");
        let outcome = transport
            .send(post(&format!("{}/check", server.base_url()), "{}"))
            .await;
        assert_eq!(outcome.err(), Some(expected));
    }
    let default = ReqwestTransport::new().expect("client");
    let fast =
        ReqwestTransport::with_timeouts(Duration::from_secs(1), Duration::from_millis(50)).expect("client");

    let truncated = || {
        Reply::Raw(Bytes::from_static(
            b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"swapped\":",
        ))
    };
    check(
        truncated,
        &default,
        TransportError::body().with_cause(
            "request or response body error: error reading a body from connection: end of file before message length reached",
        ),
    )
    .await;
    let slow = || {
        let response = http::Response::new(Bytes::from_static(br#"{"swapped": true}"#));
        Reply::SlowBody(response, Duration::from_secs(5))
    };
    check(
        slow,
        &fast,
        TransportError::timeout().with_cause("request or response body error: operation timed out"),
    )
    .await;
    // Closed without a response: reqwest reports a request error, not a connect error.
    let server = LoopbackServer::start(|_| Reply::Close)
        .await
        .expect("bind loopback");
    let outcome = default
        .send(post(&format!("{}/check", server.base_url()), "{}"))
        .await;
    assert!(matches!(outcome, Err(TransportError::Other(_))), "{outcome:?}");
}

#[tokio::test]
async fn refused_connections_are_connect_errors() {
    // Bind, note the port, release it: nothing listens there any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let outcome = transport()
        .send(post(&format!("http://{addr}/check"), "{}"))
        .await;
    let error = outcome.expect_err("refused");
    assert_eq!(
        error,
        TransportError::connect().with_cause("tcp connect error: Connection refused (os error 111)")
    );
    insta::assert_snapshot!(error, @"could not connect to the server: tcp connect error: Connection refused (os error 111)");
}

#[tokio::test]
async fn unresolvable_hosts_are_connect_errors_naming_dns() {
    // `.invalid` never resolves (RFC 6761); the resolver's own wording varies by system.
    let outcome = transport()
        .send(post("http://nonexistent.invalid/check", "{}"))
        .await;
    let error = outcome.expect_err("unresolvable");
    assert_eq!(
        error.kind(),
        netid_transport::TransportErrorKind::Connect,
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("could not connect to the server: dns error: "),
        "{text}"
    );
    assert!(!text.contains("/check"), "{text}");
}

#[tokio::test]
async fn invalid_uris_are_other_errors() {
    let request: HttpRequest = http::Request::get("/relative-only")
        .body(Bytes::new())
        .expect("valid");
    let outcome: Result<HttpResponse, _> = transport().send(request).await;
    assert!(matches!(outcome, Err(TransportError::Other(_))), "{outcome:?}");
}

#[tokio::test]
async fn tokio_sleep_waits() {
    let sleep: Arc<dyn Sleep> = Arc::new(TokioSleep);
    let start = tokio::time::Instant::now();
    sleep.sleep(Duration::from_millis(2)).await;
    assert!(start.elapsed() >= Duration::from_millis(2));
}
