//! The transport contract, checked for `netid-reqwest` against the reference operator: every HTTP
//! status comes back as a response (never an error), headers and bodies arrive intact, redirects
//! are not followed, and only a missing response is an error.

use std::time::Duration;

use bytes::Bytes;
use netid_server::Fault;
use netid_transport::{HttpTransport, TransportError};

use crate::support::Sandbox;

async fn get(sandbox: &Sandbox, path: &str) -> Result<http::Response<Bytes>, TransportError> {
    let url = format!("{}{}", sandbox.base_url(), path.trim_start_matches('/'));
    let request = http::Request::get(url).body(Bytes::new()).expect("request");
    sandbox.transport.send(request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_headers_and_bodies_come_back_as_responses() {
    let sandbox = Sandbox::start().await;
    let discovery = get(&sandbox, "/.well-known/openid-configuration")
        .await
        .expect("response");
    assert_eq!(discovery.status(), 200);
    let document: serde_json::Value = serde_json::from_slice(discovery.body()).expect("JSON body");
    assert_eq!(document["issuer"], sandbox.server.issuer());

    let missing = get(&sandbox, "/no-such-path").await.expect("a 404 is a response");
    assert_eq!(missing.status(), 404);

    sandbox.server.inject_fault("/jwks", Fault::status(503).times(1));
    let unavailable = get(&sandbox, "/jwks").await.expect("a 503 is a response");
    assert_eq!(unavailable.status(), 503);
    assert_eq!(
        get(&sandbox, "/jwks").await.expect("response").status(),
        200,
        "the fault applied once"
    );

    sandbox
        .server
        .inject_fault("/jwks", Fault::too_many_requests(Duration::from_secs(7)));
    let limited = get(&sandbox, "/jwks").await.expect("a 429 is a response");
    assert_eq!(limited.status(), 429);
    assert_eq!(
        limited.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"7"[..])
    );

    sandbox.server.inject_fault("/jwks", Fault::malformed_body());
    let malformed = get(&sandbox, "/jwks")
        .await
        .expect("a bad body is still a response");
    assert_eq!(malformed.status(), 200);
    assert!(serde_json::from_slice::<serde_json::Value>(malformed.body()).is_err());
    sandbox.server.clear_faults();
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_returned_not_followed() {
    let sandbox = Sandbox::start().await;
    // The authorization endpoint answers the prompt=none flow with a 302 to the redirect URI.
    let path = "/authorize?response_type=code&client_id=netid-demo-client&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&scope=openid%20number-verification%3Averify&state=s1&prompt=none";
    let response = get(&sandbox, path).await.expect("a 3xx is a response");
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers().get("location").expect("location header");
    assert!(
        location.as_bytes().starts_with(b"http://127.0.0.1/callback"),
        "{location:?}"
    );
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_listener_is_a_connect_error() {
    let sandbox = Sandbox::start().await;
    let url = sandbox.base_url();
    sandbox.server.shutdown().await;
    let transport = netid_reqwest::ReqwestTransport::new().expect("client");
    let request = http::Request::get(url).body(Bytes::new()).expect("request");
    let error = transport
        .send(request)
        .await
        .expect_err("nothing listens any more");
    assert_eq!(
        error,
        TransportError::connect().with_cause("tcp connect error: Connection refused (os error 111)")
    );
}
