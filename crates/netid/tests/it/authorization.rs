//! The authorization-code flow with `prompt=none` through the facade, against the sandbox: the
//! device opens the URL over the (simulated) mobile network, comes back with a code, and the token
//! the operator issues verifies the device's number.

use netid::{Operation, Subject, TokenSource};
use netid_core::phone::PhoneNumber;
use netid_reqwest::ReqwestTransport;
use netid_server::{DEMO_REDIRECT_URIS, ServerConfig};
use netid_transport::HttpTransport as _;

use crate::support::{operator, sandbox};

const NUMBER_VERIFICATION: &str = r#"
issuer = "{issuer}"
[number-verification]
profile = "camara-2.1.0"
base-url = "{issuer}/number-verification/v2"
flow = "authorization-code"
"#;

/// What the device's browser does: open `url` and return the query of the redirect back.
async fn device_opens(url: &str) -> String {
    let request = http::Request::get(url).body(bytes::Bytes::new()).expect("a GET");
    let response = ReqwestTransport::new()
        .expect("an HTTP client")
        .send(request)
        .await
        .expect("the operator answers");
    assert_eq!(response.status(), 302, "a redirect back");
    let location = response.headers()["location"].to_str().expect("text").to_owned();
    assert!(location.starts_with(DEMO_REDIRECT_URIS[0]), "{location}");
    location
        .split_once('?')
        .map(|(_, query)| query.to_owned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_flow_gives_the_token_of_the_device_on_the_network() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, _) = operator(&server, NUMBER_VERIFICATION);
    let authorization = operator
        .authorize(Operation::NumberVerificationVerify, DEMO_REDIRECT_URIS[0], None)
        .await
        .expect("the URL");
    assert!(
        authorization.url().contains("prompt=none"),
        "{}",
        authorization.url()
    );
    assert!(authorization.url().contains("code_challenge_method=S256"));
    let debug = format!("{authorization:?}");
    assert!(
        debug.contains("code_verifier: \"[redacted]\""),
        "the PKCE verifier is redacted: {debug}"
    );
    let query = device_opens(authorization.url()).await;
    let tokens = operator
        .complete_authorization(authorization, &query)
        .await
        .expect("the code exchanged");
    assert!(tokens.id_token.is_some(), "the ID token was checked");

    // The sandbox's network sees +33699901040.
    let device = Subject::access_token(tokens.access_token);
    let reply = operator
        .number_verification(device)
        .verify(PhoneNumber::parse_strict("+33699901040").expect("valid"))
        .await
        .expect("verified");
    assert!(reply.value.verified);
    assert_eq!(reply.token.source, TokenSource::Given);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_state_is_refused_before_any_exchange() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, counting) = operator(&server, NUMBER_VERIFICATION);
    let authorization = operator
        .authorize(Operation::NumberVerificationVerify, DEMO_REDIRECT_URIS[0], None)
        .await
        .expect("the URL");
    let query = device_opens(authorization.url()).await;
    let forged: String = query
        .split('&')
        .map(|pair| {
            if pair.starts_with("state=") {
                "state=forged"
            } else {
                pair
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    let before = counting.count("/token");
    let error = operator
        .complete_authorization(authorization, &forged)
        .await
        .expect_err("state mismatch");
    assert_eq!(error.kind(), "token");
    assert_eq!(
        error.to_string(),
        "no token: flow ended: authorization callback does not match the pending request"
    );
    assert_eq!(counting.count("/token"), before, "no code exchange");
    server.shutdown().await;
}
