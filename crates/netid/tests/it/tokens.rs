//! How calls obtain tokens from the sandbox: a denied subscriber, a flow cancelled from the
//! progress callback, a token the caller gives, and one CIBA flow shared by concurrent calls.

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netid::{Error, Subject, TokenSource};
use netid_ciba::error::{FlowError, OAuthErrorCode};
use netid_core::phone::PhoneNumber;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_server::ServerConfig;
use tokio::task::JoinSet;

use crate::support::{operator, sandbox};

const SIM_SWAP_V2: &str = r#"
issuer = "{issuer}"
[sim-swap]
profile = "camara-2.1.0"
base-url = "{issuer}/sim-swap/v2"
"#;

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("valid number")
}

fn max_age() -> Duration {
    Duration::from_secs(240 * 3600)
}

#[tokio::test]
async fn a_denied_subscriber_gives_a_token_error_with_access_denied() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, counting) = operator(&server, SIM_SWAP_V2);
    // fr-camille refuses every CIBA request.
    let error = operator
        .sim_swap(number("+33612345678"))
        .check(max_age())
        .await
        .expect_err("denied");
    let Error::Token { source, polls } = &error else {
        panic!("expected a token error, got {error:?}");
    };
    let netid_ciba::Error::OAuth(oauth) = source else {
        panic!("expected an OAuth error, got {source:?}");
    };
    assert_eq!(oauth.code, OAuthErrorCode::AccessDenied);
    assert_eq!(*polls, Some(1));
    assert_eq!(error.kind(), "token");
    assert!(!error.is_usage());
    // The call itself is never made.
    assert_eq!(counting.count("/sim-swap/v2/check"), 0);
    server.shutdown().await;
}

#[tokio::test]
async fn a_progress_callback_that_breaks_cancels_the_flow_and_the_call() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, counting) = operator(&server, SIM_SWAP_V2);
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = reports.clone();
    let error = operator
        .sim_swap(number("+34654654654"))
        .on_progress(move |progress| {
            seen.lock().expect("not poisoned").push(progress.polls);
            ControlFlow::Break(())
        })
        .check(max_age())
        .await
        .expect_err("cancelled");
    assert!(
        matches!(
            &error,
            Error::Token {
                source: netid_ciba::Error::Flow(FlowError::Cancelled),
                polls: Some(0)
            }
        ),
        "{error:?}"
    );
    // Called once, before the first wait; no token request and no call followed.
    assert_eq!(*reports.lock().expect("not poisoned"), vec![0]);
    assert_eq!(counting.count("/bc-authorize"), 1);
    assert_eq!(counting.count("/token"), 0);
    assert_eq!(counting.count("/sim-swap/v2/check"), 0);
    server.shutdown().await;
}

#[tokio::test]
async fn a_progress_callback_sees_every_wait_of_a_flow_it_lets_run() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, _) = operator(&server, SIM_SWAP_V2);
    let mut reports = Vec::new();
    let reply = operator
        .sim_swap(number("+34654654654"))
        .on_progress(|progress| {
            reports.push((progress.polls, progress.interval));
            ControlFlow::Continue(())
        })
        .check(max_age())
        .await
        .expect("approved");
    assert_eq!(reply.token.source, TokenSource::Ciba { polls: 1 });
    assert_eq!(reports, vec![(0, Some(Duration::from_secs(1)))]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_given_token_runs_no_flow() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, counting) = operator(&server, SIM_SWAP_V2);
    // A token obtained elsewhere: here by a bare CIBA flow of the same operator.
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwapCheck)
        .build();
    let maria = number("+34654654654");
    let grant = operator
        .ciba(
            netid::CibaRequest::new(
                format!("tel:{}", maria.expose_e164()).parse().expect("hint"),
                scope,
            )
            .expect("openid"),
            |_| ControlFlow::Continue(()),
        )
        .await
        .expect("the flow starts");
    let token = grant.result.expect("approved").access_token;
    let flows = counting.count("/bc-authorize");
    assert_eq!(flows, 1);

    let subject = Subject::phone_number(maria).with_access_token(token);
    let reply = operator
        .sim_swap(subject)
        .on_progress(|_| panic!("no flow runs, so nothing reports progress"))
        .check(max_age())
        .await
        .expect("the given token is valid");
    assert!(reply.value.swapped);
    assert_eq!(reply.token.source, TokenSource::Given);
    assert_eq!(reply.token.scope, None);
    assert_eq!(counting.count("/bc-authorize"), flows);
    assert_eq!(counting.count("/token"), 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_for_one_subscriber_and_scope_share_one_flow() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, counting) = operator(&server, SIM_SWAP_V2);
    let mut calls = JoinSet::new();
    for _ in 0..20 {
        let operator = operator.clone();
        calls.spawn(async move {
            operator
                .sim_swap(number("+34654654654"))
                .check(max_age())
                .await
                .map(|reply| reply.token.source)
        });
    }
    let mut sources = Vec::new();
    while let Some(done) = calls.join_next().await {
        sources.push(done.expect("no panic").expect("approved"));
    }
    let flows: Vec<_> = sources
        .iter()
        .filter(|source| matches!(source, TokenSource::Ciba { .. }))
        .collect();
    assert_eq!(flows.len(), 1, "{sources:?}");
    assert_eq!(
        sources
            .iter()
            .filter(|source| **source == TokenSource::Cached)
            .count(),
        19,
        "{sources:?}"
    );
    assert_eq!(counting.count("/.well-known/openid-configuration"), 1);
    assert_eq!(counting.count("/bc-authorize"), 1);
    assert_eq!(counting.count("/sim-swap/v2/check"), 20);

    // A later call takes the cached token too; another subscriber gets a flow of their own.
    let later = operator
        .sim_swap(number("+34654654654"))
        .check(max_age())
        .await
        .expect("cached");
    assert_eq!(later.token.source, TokenSource::Cached);
    let other = operator
        .sim_swap(number("+33699901040"))
        .check(max_age())
        .await
        .expect("approved");
    assert!(matches!(other.token.source, TokenSource::Ciba { .. }));
    assert_eq!(counting.count("/bc-authorize"), 2);
    server.shutdown().await;
}

/// Regression: the description's CIBA request options were sent only by `Operator::ciba`, never by
/// the flows the calls run through the token cache.
#[tokio::test]
async fn the_description_binding_message_and_requested_expiry_reach_the_flows_of_calls() {
    let server = sandbox(ServerConfig::demo()).await;
    let text = format!("binding-message = \"netid-test\"\nrequested-expiry = 90\n{SIM_SWAP_V2}");
    let (operator, counting) = operator(&server, &text);
    operator
        .sim_swap(number("+34654654654"))
        .check(max_age())
        .await
        .expect("approved");
    let body = counting.last_body("/bc-authorize").expect("a flow ran");
    let form: Vec<&str> = body.split('&').collect();
    // Parameter names only in the message: the form carries a client assertion.
    let names: Vec<&str> = form.iter().filter_map(|pair| pair.split('=').next()).collect();
    assert!(form.contains(&"binding_message=netid-test"), "{names:?}");
    assert!(form.contains(&"requested_expiry=90"), "{names:?}");
    server.shutdown().await;
}
