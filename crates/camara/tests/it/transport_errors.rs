//! A call that gets no response says where it went and why, through the real reqwest adapter:
//! connection refused, an unresolvable host, a server that never answers.

use std::sync::Arc;
use std::time::Duration;

use netid_camara::sim_swap::{MaxAge, v1};
use netid_camara::{CallOptions, CamaraClient, CamaraError, OperatorProfile};
use netid_reqwest::{ReqwestTransport, TokioSleep};
use netid_transport::TransportErrorKind;

use crate::support::token;

/// Sends a SIM Swap check to `base` (scheme, host, port) and returns the error.
async fn fail(base: &str, transport: ReqwestTransport) -> CamaraError {
    let profile =
        OperatorProfile::orange_spain_sim_swap_v1().with_base_url(format!("{base}/camara/oes/sim-swap/v1"));
    let client = CamaraClient::new(Arc::new(transport), profile, Arc::new(TokioSleep));
    client
        .send(
            &token(),
            &v1::check::Request::new(MaxAge::DEFAULT),
            CallOptions::new(),
        )
        .await
        .expect_err("no response")
}

fn kind(error: &CamaraError) -> Option<TransportErrorKind> {
    error.as_transport().map(|(_, source)| source.kind())
}

#[tokio::test]
async fn a_closed_port_names_the_host_and_the_refusal() {
    // Bind, note the port, release it: nothing listens there any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let error = fail(
        &format!("http://127.0.0.1:{port}"),
        ReqwestTransport::new().expect("client"),
    )
    .await;
    assert_eq!(kind(&error), Some(TransportErrorKind::Connect), "{error:?}");
    let text = error.to_string().replace(&port.to_string(), "PORT");
    insta::assert_snapshot!(text, @"the request to http://127.0.0.1:PORT could not be completed: could not connect to the server: tcp connect error: Connection refused (os error 111)");
}

#[tokio::test]
async fn an_unresolvable_host_names_the_host_and_dns() {
    let error = fail(
        "https://nonexistent.invalid",
        ReqwestTransport::new().expect("client"),
    )
    .await;
    assert_eq!(kind(&error), Some(TransportErrorKind::Connect), "{error:?}");
    // The resolver's own words differ between systems ("Name or service not known", "Temporary
    // failure in name resolution"): the snapshot stops before them.
    let text = error.to_string();
    let (stable, _resolver) = text.split_at(text.find("dns error").map_or(text.len(), |at| at + 9));
    insta::assert_snapshot!(stable, @"the request to https://nonexistent.invalid could not be completed: could not connect to the server: dns error");
    assert!(!text.contains("/camara"), "the path is not shown: {text}");
}

#[tokio::test]
async fn a_silent_server_names_the_host_and_the_timeout() {
    // Accepted by the kernel's backlog, never answered: only the total timeout ends the call.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("address").port();
    let transport =
        ReqwestTransport::with_timeouts(Duration::from_secs(5), Duration::from_millis(200)).expect("client");
    let error = fail(&format!("http://127.0.0.1:{port}"), transport).await;
    drop(listener);
    assert_eq!(kind(&error), Some(TransportErrorKind::Timeout), "{error:?}");
    let text = error.to_string().replace(&port.to_string(), "PORT");
    insta::assert_snapshot!(text, @"the request to http://127.0.0.1:PORT could not be completed: the request timed out: operation timed out");
}
