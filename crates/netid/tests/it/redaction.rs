//! The `Debug` of what an application may log, snapshotted: an operator, a subject, a reply. None
//! shows a key, a token or a whole phone number.

use std::sync::Arc;
use std::time::Duration;

use netid::description::KeyText;
use netid::{Operator, OperatorDescription, Subject};
use netid_core::phone::PhoneNumber;
use netid_core::token::AccessToken;
use netid_server::ServerConfig;
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support::{camara_request, json_response, replayed, sandbox};

/// Values that must never print.
const SECRETS: [&str; 4] = ["secret-token", "654654654", "BEGIN PRIVATE KEY", "ts43-es-maria"];

fn assert_redacted(debug: &str) {
    for secret in SECRETS {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[tokio::test]
async fn an_operator_shows_its_apis_and_provider_never_its_key() {
    // The sandbox only lends a real key: building an operator sends nothing.
    let server = sandbox(ServerConfig::demo()).await;
    let client = server.demo_client().expect("demo client");
    let description = OperatorDescription::from_toml_str(
        r#"
        issuer = "https://op.example"
        [kyc-match]
        profile = "orange-france"
        [sim-swap]
        profile = "orange-spain"
        "#,
    )
    .expect("valid");
    let operator = Operator::builder(description)
        .client_id(client.client_id())
        .key(KeyText::new("sandbox", client.expose_private_key_pem()))
        .build()
        .expect("builds");
    let debug = format!("{operator:#?}");
    assert_redacted(&debug);
    insta::assert_snapshot!(debug);
    server.shutdown().await;
}

#[test]
fn a_subject_masks_its_number_and_hides_its_token_and_hint() {
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid");
    let subject = Subject::phone_number(number)
        .with_login_hint("operatortoken:ts43-es-maria".parse().expect("hint"))
        .with_access_token(AccessToken::new("secret-token"));
    let debug = format!("{subject:#?}");
    assert_redacted(&debug);
    insta::assert_snapshot!(debug);
}

#[tokio::test]
async fn a_reply_shows_what_the_call_learned_and_no_personal_data() {
    let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(
        camara_request(
            "POST",
            "https://api.orange.com/camara/oes/sim-swap/v1/check",
            "secret-token",
            Some(r#"{"phoneNumber":"+34654654654","maxAge":24}"#),
        ),
        json_response(200, r#"{"swapped":"false"}"#),
    )]));
    let operator = replayed("[sim-swap]\nprofile = \"orange-spain\"", replay.clone());
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid");
    let subject = Subject::phone_number(number).with_access_token(AccessToken::new("secret-token"));
    let reply = operator
        .sim_swap(subject)
        .check(Duration::from_secs(24 * 3600))
        .await
        .expect("tolerated");
    replay.assert_complete();
    let debug = format!("{reply:#?}");
    assert_redacted(&debug);
    insta::assert_snapshot!(debug);
}
