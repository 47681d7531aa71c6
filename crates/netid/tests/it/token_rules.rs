//! The token rules of each API: Number Verification tokens are single-use (a fresh flow per call,
//! never cached or stored, a call never retried), the others reusable and shareable between
//! operators through a token store.

use std::sync::Arc;
use std::time::Duration;

use netid::description::KeyText;
use netid::{Error, Operator, RetryPolicy, Subject, TokenSource};
use netid_camara::CamaraError;
use netid_ciba::driver::InMemoryTokenStore;
use netid_core::phone::PhoneNumber;
use netid_core::token::AccessToken;
use netid_server::{ServerConfig, ServerHandle};
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support::{Counting, camara_request, describe, sandbox, start};

/// SIM Swap and Number Verification from one provider, so both share its token caches.
const BOTH: &str = r#"
issuer = "{issuer}"
[sim-swap]
profile = "camara-2.1.0"
base-url = "{issuer}/sim-swap/v2"
[number-verification]
profile = "camara-2.1.0"
base-url = "{issuer}/number-verification/v2"
"#;

const DEVICE: &str = "ipport:198.51.100.7:40404";

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("valid number")
}

fn device() -> Subject {
    Subject::login_hint(DEVICE.parse().expect("valid hint"))
}

fn max_age() -> Duration {
    Duration::from_secs(240 * 3600)
}

/// The operator of `BOTH` on `server`, with the demo client, a counting transport and `store`.
fn operator(server: &ServerHandle, store: &Arc<InMemoryTokenStore>) -> (Operator, Arc<Counting>) {
    let counting = Arc::new(Counting::default());
    let client = server.demo_client().expect("the sandbox registers a demo client");
    let operator = Operator::builder(describe(server, BOTH))
        .transport(counting.clone())
        .client_id(client.client_id())
        .key(KeyText::new("sandbox", client.expose_private_key_pem()))
        .token_store(store.clone())
        .build()
        .expect("the description resolves");
    (operator, counting)
}

#[tokio::test]
async fn number_verification_runs_a_flow_per_call_and_sim_swap_reuses_its_token() {
    let on_network = number("+33699901040");
    let server = sandbox(ServerConfig::demo().with_network_subscriber(Some(on_network))).await;
    let store = Arc::new(InMemoryTokenStore::new());
    let (operator, counting) = operator(&server, &store);

    for call in 1..=2 {
        let reply = operator
            .number_verification(device())
            .verify(number("+33699901040"))
            .await
            .expect("verified");
        assert!(reply.value.verified);
        assert!(
            matches!(reply.token.source, TokenSource::Ciba { .. }),
            "call {call}: {:?}",
            reply.token.source
        );
        assert_eq!(counting.count("/bc-authorize"), call, "one flow per call");
    }
    // Single-use tokens are kept nowhere, the shared store included.
    assert!(store.is_empty(), "{store:?}");

    let swap = |expected: fn(&TokenSource) -> bool| {
        let operator = operator.clone();
        async move {
            let reply = operator
                .sim_swap(number("+34654654654"))
                .check(max_age())
                .await
                .expect("approved");
            assert!(expected(&reply.token.source), "{:?}", reply.token.source);
        }
    };
    swap(|source| matches!(source, TokenSource::Ciba { .. })).await;
    swap(|source| *source == TokenSource::Cached).await;
    assert_eq!(
        counting.count("/bc-authorize"),
        3,
        "one flow for both SIM Swap calls"
    );
    assert_eq!(counting.count("/sim-swap/v2/check"), 2);
    assert_eq!(store.len(), 1, "the reusable token is shared");
    server.shutdown().await;
}

#[tokio::test]
async fn two_operators_sharing_a_store_run_one_flow() {
    let server = sandbox(ServerConfig::demo()).await;
    let store = Arc::new(InMemoryTokenStore::new());
    let (first, first_counting) = operator(&server, &store);
    let (second, second_counting) = operator(&server, &store);

    let reply = first
        .sim_swap(number("+34654654654"))
        .check(max_age())
        .await
        .expect("approved");
    assert!(
        matches!(reply.token.source, TokenSource::Ciba { .. }),
        "{reply:?}"
    );
    let reply = second
        .sim_swap(number("+34654654654"))
        .check(max_age())
        .await
        .expect("the stored token is valid");
    assert_eq!(reply.token.source, TokenSource::Cached);
    assert_eq!(first_counting.count("/bc-authorize"), 1);
    assert_eq!(second_counting.count("/bc-authorize"), 0);
    assert_eq!(second_counting.count("/token"), 0);
    assert_eq!(second_counting.count("/sim-swap/v2/check"), 1);
    server.shutdown().await;
}

/// An operator answering 503 with `Retry-After: 0` to `request`, then `then` (if any).
fn unavailable_then(
    request: netid_transport::HttpRequest,
    then: Option<ReplayEvent>,
) -> Arc<ReplayTransport> {
    let unavailable = http::Response::builder()
        .status(503)
        .header("content-type", "application/json")
        .header("retry-after", "0")
        .body(bytes::Bytes::from_static(
            br#"{"status":503,"code":"UNAVAILABLE","message":"try later"}"#,
        ))
        .expect("valid response");
    let mut script = vec![ReplayEvent::new(request, unavailable)];
    script.extend(then);
    Arc::new(ReplayTransport::new(script))
}

/// The operator `text` describes over `replay`, retrying up to three attempts.
fn retrying(text: &str, replay: Arc<ReplayTransport>) -> Operator {
    let clock = netid_core::test_util::ManualClock::new(start());
    let description = netid::OperatorDescription::from_toml_str(text).expect("valid description");
    Operator::builder(description)
        .transport(replay)
        .clock(Arc::new(clock.clone()))
        .random(Arc::new(netid_core::test_util::SeededRandom::new(7)))
        .sleep(Arc::new(netid_transport::test_util::InstantSleep::new(clock)))
        .retry(RetryPolicy::exponential(3).with_delays(Duration::from_millis(10), Duration::from_secs(1)))
        .build()
        .expect("the description resolves")
}

#[tokio::test]
async fn a_call_with_a_single_use_token_is_never_retried() {
    let request = camara_request(
        "POST",
        "https://nv.example/number-verification/v2/verify",
        "single-use",
        Some(r#"{"phoneNumber":"+33699901040"}"#),
    );
    // A second 503 would be sent if the call were retried; it stays unsent.
    let replay = unavailable_then(
        request.clone(),
        Some(ReplayEvent::new(
            request,
            crate::support::json_response(200, r#"{"devicePhoneNumberVerified":true}"#),
        )),
    );
    let operator = retrying(
        "[number-verification]\nprofile = \"camara-2.1.0\"\nbase-url = \"https://nv.example/number-verification/v2\"",
        replay.clone(),
    );
    let error = operator
        .number_verification(AccessToken::new("single-use"))
        .verify(number("+33699901040"))
        .await
        .expect_err("not retried");
    assert!(
        matches!(&error, Error::Call(CamaraError::Operator(operator)) if operator.status() == 503),
        "{error:?}"
    );
    assert_eq!(replay.received().len(), 1);
    assert_eq!(replay.remaining(), 1);
}

#[tokio::test]
async fn a_call_with_a_reusable_token_is_retried_after_a_503() {
    let request = camara_request(
        "POST",
        "https://api.orange.com/camara/oes/sim-swap/v1/check",
        "reusable",
        Some(r#"{"phoneNumber":"+34654654654","maxAge":240}"#),
    );
    let answer = crate::support::json_response(200, r#"{"swapped":false}"#);
    let replay = unavailable_then(request.clone(), Some(ReplayEvent::new(request, answer)));
    let operator = retrying("[sim-swap]\nprofile = \"orange-spain\"", replay.clone());
    let subject =
        Subject::phone_number(number("+34654654654")).with_access_token(AccessToken::new("reusable"));
    let reply = operator
        .sim_swap(subject)
        .check(max_age())
        .await
        .expect("retried");
    replay.assert_complete();
    assert_eq!(reply.attempts, 2);
    assert!(!reply.value.swapped);
}
