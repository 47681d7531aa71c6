//! Shared fixtures of the client tests: Orange Spain's SIM Swap check, replayed answers and
//! headers.

use std::time::SystemTime;

use bytes::Bytes;
use netid_camara::OperatorProfile;
use netid_camara::sim_swap::{MaxAge, v1};
use netid_transport::HttpResponse;
use netid_transport::test_util::ReplayEvent;

use crate::support::{expected, fixture, response, start};

const CHECK: &str = "https://api.orange.com/camara/oes/sim-swap/v1/check";

pub(super) fn request() -> v1::check::Request {
    v1::check::Request::new(MaxAge::DEFAULT)
}

pub(super) fn event(answer: HttpResponse) -> ReplayEvent {
    ReplayEvent::new(expected("POST", CHECK, Some(r#"{"maxAge":240}"#)), answer)
}

pub(super) fn ok() -> HttpResponse {
    response(200, fixture("orange-spain/sim-swap/check.200.json"))
}

pub(super) fn status(code: u16) -> HttpResponse {
    let body = match code {
        429 | 503 | 504 => fixture(&format!("orange-spain/sim-swap/error.{code}.json")),
        _ => Bytes::from_static(b"<html>bad gateway</html>"),
    };
    response(code, body)
}

pub(super) fn with_header(mut response: HttpResponse, name: &'static str, value: &str) -> HttpResponse {
    response
        .headers_mut()
        .insert(name, value.parse().expect("header value"));
    response
}

pub(super) fn spain() -> OperatorProfile {
    OperatorProfile::orange_spain_sim_swap_v1()
}

pub(super) fn httpdate_in(now: SystemTime, seconds: u64) -> String {
    // Formatted by hand for the test: 2025-01-01T00:00:00Z plus `seconds` (< 60).
    assert_eq!(now, start());
    format!("Wed, 01 Jan 2025 00:00:{seconds:02} GMT")
}
