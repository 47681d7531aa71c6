//! RFC 6749 (OAuth 2.0) MUSTs of the token endpoint, against the sandbox.
//!
//! | Section | MUST | Test |
//! | --- | --- | --- |
//! | §5.1 | `Cache-Control: no-store` and `Pragma: no-cache` on an answer carrying tokens | `successful_token_response` |
//! | §5.1 | `access_token`, `token_type` (case-insensitive `Bearer`), `expires_in` as a JSON number | `successful_token_response` |
//! | §5.1 | the parameters in an `application/json` body | `successful_token_response` |
//! | §5.2 | errors as JSON with `error` from the registered codes, status 400 | `error_response_is_json_with_a_registered_code` |
//! | §5.2 | `invalid_client` after client authentication through the `Authorization` header: 401 with `WWW-Authenticate` of the scheme used | `client_authenticated_by_header_gets_a_challenge` |
//! | §3.1 | a repeated parameter is refused (`invalid_request`) | `error_response_is_json_with_a_registered_code` |

use reqwest::StatusCode;

use crate::support::{Answer, FRAUD, JWT_BEARER, PETER, start};

/// Form parameters of one request.
type Form<'a> = Vec<(&'a str, &'a str)>;

fn assert_no_store(answer: &Answer, context: &str) {
    assert_eq!(answer.header("cache-control"), Some("no-store"), "{context}");
    assert_eq!(answer.header("pragma"), Some("no-cache"), "{context}");
}

#[tokio::test]
async fn successful_token_response() {
    let env = start().await;
    // Every grant the sandbox issues: CIBA, client credentials (authorization code in
    // `number_verification_with_authorization_code`).
    let started = env
        .bc_authorize(&format!("tel:{PETER}"), &format!("{FRAUD} sim-swap"))
        .await;
    assert_no_store(&started, "bc-authorize");
    let id = started.body["auth_req_id"].as_str().unwrap().to_owned();
    env.clock.advance(std::time::Duration::from_secs(2));
    let ciba = env.poll(&id).await;
    let assertion = env.assertion();
    let two_legged = env
        .form(
            "/token",
            &[
                ("grant_type", "client_credentials"),
                ("scope", "sim-swap:check"),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    for (grant, answer) in [("ciba", ciba), ("client_credentials", two_legged)] {
        assert_eq!(answer.status, StatusCode::OK, "{grant}: {}", answer.body);
        assert_no_store(&answer, grant);
        assert_eq!(answer.header("content-type"), Some("application/json"), "{grant}");
        assert!(answer.body["access_token"].is_string(), "{grant}");
        assert!(
            answer.body["token_type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("bearer")),
            "{grant}"
        );
        assert!(answer.body["expires_in"].is_u64(), "{grant}: {}", answer.body);
    }
}

#[tokio::test]
async fn error_response_is_json_with_a_registered_code() {
    const REGISTERED: [&str; 6] = [
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    ];
    let env = start().await;
    let assertion = env.assertion();
    // (form, expected status, expected error)
    let cases: [(Form<'_>, u16, &str); 4] = [
        (vec![("grant_type", "client_credentials")], 401, "invalid_client"),
        (
            vec![
                ("grant_type", "password"),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
            400,
            "unsupported_grant_type",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("grant_type", "client_credentials"),
            ],
            400,
            "invalid_request",
        ),
        (vec![], 400, "invalid_request"),
    ];
    for (form, status, error) in cases {
        let answer = env.form("/token", &form).await;
        assert_eq!(
            (answer.status.as_u16(), answer.error()),
            (status, error),
            "{form:?}: {}",
            answer.body
        );
        assert!(REGISTERED.contains(&answer.error()), "{form:?}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_no_store(&answer, error);
        // Body-based authentication sends no header: no challenge is owed.
        assert_eq!(answer.header("www-authenticate"), None, "{form:?}");
    }
}

#[tokio::test]
async fn client_authenticated_by_header_gets_a_challenge() {
    let env = start().await;
    for (scheme, credentials) in [("Basic", "ZGVtbzpzZWNyZXQ="), ("Bearer", "abc")] {
        let answer = env
            .send(
                env.http
                    .post(env.url("/token"))
                    .header("authorization", format!("{scheme} {credentials}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("grant_type=client_credentials"),
            )
            .await;
        assert_eq!(
            (answer.status, answer.error()),
            (StatusCode::UNAUTHORIZED, "invalid_client"),
            "{scheme}"
        );
        assert_eq!(
            answer.header("www-authenticate"),
            Some(format!("{scheme} realm=\"netid-sandbox\"").as_str()),
            "{scheme}"
        );
    }
}
