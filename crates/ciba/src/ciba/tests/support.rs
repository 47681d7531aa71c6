//! The scripted session runner and request builders the topic modules share.

use std::time::{Duration, SystemTime};

use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};

use crate::ciba::{BackchannelRequest, CibaSession};
use crate::error::TransportFailure;
use crate::provider::ProviderConfig;
use crate::testkit::{self, answer, entropy, t0};

/// One scripted answer to the next request.
pub(super) enum Step {
    Answer(u16, &'static str),
    /// A transport failure; the flag says whether it is retryable.
    Fail(bool),
    /// A 200 token response carrying an ID token built from the standard claims plus these.
    IdToken(serde_json::Value),
}

pub(super) const PENDING: Step = Step::Answer(400, r#"{"error":"authorization_pending"}"#);
pub(super) const SLOW_DOWN: Step = Step::Answer(400, r#"{"error":"slow_down"}"#);
pub(super) const TOKENS: Step = Step::Answer(
    200,
    r#"{"access_token":"at-1","token_type":"Bearer","expires_in":120}"#,
);

pub(super) fn request() -> BackchannelRequest {
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::KycMatchMatch)
        .build();
    BackchannelRequest::new(scope, "tel:+33699901040".parse::<LoginHint>().unwrap())
}

fn ms(since: SystemTime) -> u64 {
    u64::try_from(since.duration_since(t0()).unwrap().as_millis()).unwrap()
}

/// Runs a session like the driver does, answering each request with the next step at the time it
/// is sent. Returns the request times (ms after t0) and the outcome (`ok <token>` or the error's
/// Display).
pub(super) fn run(provider: ProviderConfig, steps: Vec<Step>) -> (Vec<u64>, String) {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(provider), request());
    let mut steps = steps.into_iter();
    let mut now = t0();
    let mut times = Vec::new();
    for round in 0..100_u8 {
        if let Some(outcome) = session.poll_outcome() {
            let outcome = match outcome {
                Ok(tokens) => format!("ok {}", tokens.access_token.expose_secret()),
                Err(err) => err.to_string(),
            };
            return (times, outcome);
        }
        match session.poll_request(now, entropy(round)) {
            Ok(Some(_)) => {
                times.push(ms(now));
                let step = steps.next().expect("script too short");
                let _ = match step {
                    Step::Answer(status, body) => session.handle_response(now, answer(status, body)),
                    Step::Fail(retryable) => session
                        .handle_transport_error(now, TransportFailure::new("connection reset", retryable)),
                    Step::IdToken(extra) => {
                        let mut claims = testkit::id_claims(now);
                        for (name, value) in extra.as_object().unwrap() {
                            claims[name] = value.clone();
                        }
                        let id_token = testkit::mint(&claims);
                        let body = serde_json::json!({
                            "access_token": "at-id", "token_type": "bearer", "expires_in": 60, "id_token": id_token
                        });
                        session.handle_response(now, answer(200, &body.to_string()))
                    }
                };
            }
            Ok(None) => now = session.poll_timeout().expect("waiting without a timeout"),
            Err(_) => {}
        }
    }
    panic!("session did not finish");
}

pub(super) const BC_2S: &str = r#"{"auth_req_id":"req-1","expires_in":120,"interval":2}"#;

pub(super) fn at_plus(seconds: u64) -> SystemTime {
    t0() + Duration::from_secs(seconds)
}
