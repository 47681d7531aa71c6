//! Shared fixtures of the operation tests: the subscriber, the token, a client over a replay and
//! one replayed exchange.

use std::sync::Arc;

use bytes::Bytes;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};

use crate::client::CamaraClient;
use crate::operation::*;
use crate::profile::OperatorProfile;

pub(super) fn number() -> PhoneNumber {
    PhoneNumber::parse_strict("+34654654654").expect("valid number")
}

pub(super) fn token() -> AccessToken {
    AccessToken::new("t")
}

pub(super) fn client(replay: &Arc<ReplayTransport>, spec: SpecVersion) -> CamaraClient {
    let clock = ManualClock::new(std::time::SystemTime::UNIX_EPOCH);
    CamaraClient::with_details(
        replay.clone(),
        OperatorProfile::camara(spec, "https://op.example"),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(1)),
        Arc::new(InstantSleep::new(clock)),
    )
}

pub(super) fn exchange(method: &str, url: &str, body: Option<&str>, answer: &'static str) -> ReplayEvent {
    let mut request = http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", "Bearer t")
        .header("accept", "application/json");
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(Bytes::copy_from_slice(body.unwrap_or_default().as_bytes()))
        .expect("valid request");
    let response = http::Response::builder()
        .status(200)
        .body(Bytes::from_static(answer.as_bytes()))
        .expect("valid response");
    ReplayEvent::new(request, response)
}
