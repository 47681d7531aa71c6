//! Operators sharing a `SharedFlight` run one CIBA flow between them, even when they call at once.

use std::sync::Arc;
use std::time::Duration;

use netid::description::KeyText;
use netid::{Operator, TokenSource};
use netid_ciba::driver::{InMemorySharedFlight, SharedFlight};
use netid_core::phone::PhoneNumber;
use netid_server::{ServerConfig, ServerHandle};

use crate::support::{Counting, describe, sandbox};

const SIM_SWAP: &str = r#"
issuer = "{issuer}"
[sim-swap]
profile = "camara-2.1.0"
base-url = "{issuer}/sim-swap/v2"
"#;

fn operator(server: &ServerHandle, flight: &Arc<dyn SharedFlight>) -> (Operator, Arc<Counting>) {
    let counting = Arc::new(Counting::default());
    let client = server.demo_client().expect("the sandbox registers a demo client");
    let operator = Operator::builder(describe(server, SIM_SWAP))
        .transport(counting.clone())
        .client_id(client.client_id())
        .key(KeyText::new("sandbox", client.expose_private_key_pem()))
        .shared_flight(flight.clone())
        .build()
        .expect("the description resolves");
    (operator, counting)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_operators_calling_at_once_share_one_flow() {
    let server = sandbox(ServerConfig::demo()).await;
    let flight: Arc<dyn SharedFlight> = Arc::new(InMemorySharedFlight::new());
    let (first, first_counting) = operator(&server, &flight);
    let (second, second_counting) = operator(&server, &flight);
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid number");
    let max_age = Duration::from_secs(240 * 3600);
    let (a, b) = tokio::join!(
        first.sim_swap(number.clone()).check(max_age),
        second.sim_swap(number.clone()).check(max_age),
    );
    let sources = [
        a.expect("approved").token.source,
        b.expect("approved").token.source,
    ];
    assert_eq!(
        first_counting.count("/bc-authorize") + second_counting.count("/bc-authorize"),
        1,
        "{sources:?}"
    );
    assert_eq!(
        sources
            .iter()
            .filter(|source| matches!(source, TokenSource::Ciba { .. }))
            .count(),
        1,
        "{sources:?}"
    );
    assert!(sources.contains(&TokenSource::Cached), "{sources:?}");
    server.shutdown().await;
}
