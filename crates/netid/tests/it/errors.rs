//! Calls that end in an error before, during or after the token flow: a deadline shorter than the
//! operator's latency, a login hint the profile does not take, a description without provider.

use std::time::Duration;

use netid::description::KeyText;
use netid::{Error, Operator, Subject};
use netid_camara::CamaraError;
use netid_core::kyc::KycClaims;
use netid_core::phone::PhoneNumber;
use netid_server::{Fault, ServerConfig};

use crate::support::{Counting, describe, operator, sandbox};

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("valid number")
}

#[tokio::test]
async fn a_deadline_shorter_than_the_latency_ends_the_call() {
    let config =
        ServerConfig::demo().with_fault("/sim-swap/v2/check", Fault::latency(Duration::from_secs(3)));
    let server = sandbox(config).await;
    let (operator, counting) = operator(
        &server,
        "issuer = \"{issuer}\"\n[sim-swap]\nprofile = \"camara-2.1.0\"\nbase-url = \"{issuer}/sim-swap/v2\"",
    );
    let started = std::time::Instant::now();
    let error = operator
        .sim_swap(number("+34654654654"))
        // The deadline starts once the token is at hand: the CIBA flow's second does not count.
        .deadline(Duration::from_millis(300))
        .check(Duration::from_secs(240 * 3600))
        .await
        .expect_err("the deadline passes first");
    assert!(
        matches!(error, Error::Call(CamaraError::Deadline { attempts: 1 })),
        "{error:?}"
    );
    assert_eq!(error.kind(), "deadline");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(counting.count("/sim-swap/v2/check"), 1);
    server.shutdown().await;
}

/// The call's error is `Error::Input` reading `expected`, and nothing was sent.
fn assert_refused(result: Result<(), Error>, counting: &Counting, expected: &str) {
    let error = result.expect_err(expected);
    assert!(matches!(error, Error::Input(_)), "{error:?}");
    assert_eq!(error.to_string(), expected);
    assert!(error.is_usage());
    assert_eq!(counting.total(), 0, "{expected}");
}

#[tokio::test]
async fn login_hints_the_profile_does_not_take_are_refused_before_any_request() {
    let server = sandbox(ServerConfig::demo()).await;
    let (orange_france, counting) = operator(
        &server,
        "issuer = \"{issuer}\"\n[kyc-match]\nprofile = \"orange-france\"\nbase-url = \"{issuer}/camara/ofr/kyc-match/v0.2\"",
    );
    let device = Subject::login_hint("ipport:198.51.100.7:40404".parse().expect("hint"));
    let result = orange_france
        .kyc_match(device)
        .match_claims(KycClaims::new())
        .await;
    assert_refused(
        result.map(drop),
        &counting,
        "profile orange-france does not accept ipport login hints (accepted: msisdn, tel)",
    );
    let result = orange_france
        .kyc_match(Subject::default())
        .match_claims(KycClaims::new())
        .await;
    assert_refused(
        result.map(drop),
        &counting,
        "no subscriber: give a phone number, a login hint or an access token",
    );

    let (masstack, counting) = operator(
        &server,
        "issuer = \"{issuer}\"\n[number-verification]\nprofile = \"masstack\"\nbase-url = \"{issuer}/number-verification/v2\"",
    );
    let device = Subject::login_hint("tel:+33699901040".parse().expect("hint"));
    let result = masstack.number_verification(device).device_phone_number().await;
    assert_refused(
        result.map(drop),
        &counting,
        "profile masstack does not accept tel login hints (accepted: operatortoken, ipport)",
    );
    let result = masstack
        .number_verification(number("+33699901040"))
        .verify(number("+33699901040"))
        .await;
    assert_refused(
        result.map(drop),
        &counting,
        "this operator authenticates number-verification by its operatortoken hint: give the login hint",
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_description_without_provider_is_incomplete() {
    let server = sandbox(ServerConfig::demo()).await;
    // A plain CAMARA profile documents no provider, and the description names none.
    let (operator, counting) = operator(
        &server,
        "[sim-swap]\nprofile = \"camara-2.1.0\"\nbase-url = \"{issuer}/sim-swap/v2\"",
    );
    let error = operator
        .sim_swap(number("+34654654654"))
        .check(Duration::from_secs(3600))
        .await
        .expect_err("no provider");
    assert!(matches!(error, Error::Incomplete(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "no provider for sim-swap: give issuer, or bc-authorize-url and token-url"
    );
    let scope = "openid dpv:FraudPreventionAndDetection sim-swap:check"
        .parse()
        .expect("scope");
    let bare = operator
        .ciba(
            netid::CibaRequest::new("tel:+34654654654".parse().expect("hint"), scope).expect("openid"),
            |_| std::ops::ControlFlow::Continue(()),
        )
        .await
        .expect_err("no provider");
    assert_eq!(bare.to_string(), "give issuer, or bc-authorize-url and token-url");
    assert_eq!(counting.total(), 0);
    server.shutdown().await;
}

#[tokio::test]
async fn a_description_without_credentials_still_takes_given_tokens() {
    let server = sandbox(ServerConfig::demo()).await;
    let description = describe(
        &server,
        "issuer = \"{issuer}\"\n[sim-swap]\nprofile = \"camara-2.1.0\"\nbase-url = \"{issuer}/sim-swap/v2\"",
    );
    let operator = Operator::builder(description.clone())
        .build()
        .expect("no key is needed to build");
    let error = operator
        .sim_swap(number("+34654654654"))
        .check(Duration::from_secs(3600))
        .await
        .expect_err("no credentials");
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    // An unusable key is refused when the operator is built, not at its first call.
    let client = server.demo_client().expect("demo client");
    let broken = Operator::builder(description)
        .client_id(client.client_id())
        .key(KeyText::new("test key", "not a key"))
        .build()
        .expect_err("unusable key");
    assert!(matches!(broken, Error::Credentials(_)), "{broken:?}");
    assert!(
        broken.to_string().starts_with("client credentials: test key: "),
        "{broken}"
    );
    server.shutdown().await;
}
