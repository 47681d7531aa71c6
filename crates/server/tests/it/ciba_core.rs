//! OpenID Connect CIBA Core 1.0 (poll mode) MUSTs of the sandbox.
//!
//! | Section | MUST | Test |
//! | --- | --- | --- |
//! | §7.1 | exactly one of `login_hint_token`, `id_token_hint`, `login_hint` | `exactly_one_hint` |
//! | §7.1 | `scope` with `openid` | `bc_authorize_errors` (ciba_errors.rs) |
//! | §7.3 | `auth_req_id` (string), `expires_in` (positive integer), `interval` (integer) | `backchannel_answer_fields` |
//! | §7.3 | a poll-mode client waits `interval` seconds; the default is 5 when absent | `backchannel_answer_fields` |
//! | §11 | `authorization_pending`, `slow_down`, `expired_token`, `access_denied` as 400 JSON errors | `token_errors_while_polling` |
//! | §11 | after `slow_down`, polls come at least 5 s further apart | `enforced_interval_answers_slow_down_to_early_polls` (ciba_flow.rs) |
//! | §13 | `unknown_user_id` 400, `invalid_client` 401, `access_denied` 403 | `bc_authorize_errors` (ciba_errors.rs), `exactly_one_hint` |

use std::time::Duration;

use reqwest::StatusCode;

use crate::support::{ANNA, CAMILLE, FRAUD, JWT_BEARER, NEVER, PETER, start};

/// Form parameters of one request.
type Form<'a> = Vec<(&'a str, &'a str)>;

#[tokio::test]
async fn backchannel_answer_fields() {
    let env = start().await;
    let answer = env
        .bc_authorize(&format!("tel:{PETER}"), &format!("{FRAUD} sim-swap"))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer.body["auth_req_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert!(
        answer.body["expires_in"].as_u64().is_some_and(|s| s > 0),
        "{}",
        answer.body
    );
    let interval = answer.body["interval"].as_u64().expect("interval is an integer");
    assert_eq!(interval, 2, "the configured interval");
}

#[tokio::test]
async fn exactly_one_hint() {
    let env = start().await;
    let scope = format!("{FRAUD} sim-swap");
    let hint = format!("tel:{PETER}");
    // (extra parameters, expected status, expected error)
    let cases: [(Form<'_>, u16, &str); 4] = [
        (vec![], 400, "invalid_request"),
        (
            vec![("login_hint", &hint), ("id_token_hint", "eyJ.e30.x")],
            400,
            "invalid_request",
        ),
        (
            vec![("login_hint", &hint), ("login_hint_token", "eyJ.e30.x")],
            400,
            "invalid_request",
        ),
        (vec![("login_hint", &hint)], 200, ""),
    ];
    for (extra, status, error) in cases {
        let assertion = env.assertion();
        let mut form = vec![
            ("scope", scope.as_str()),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion.as_str()),
        ];
        form.extend(extra.iter().copied());
        let answer = env.form("/bc-authorize", &form).await;
        assert_eq!(
            (answer.status.as_u16(), answer.error()),
            (status, error),
            "{extra:?}: {}",
            answer.body
        );
    }
}

#[tokio::test]
async fn token_errors_while_polling() {
    let env = start().await;
    let scope = format!("{FRAUD} sim-swap");
    let start_for = |number: &'static str| {
        let env = &env;
        let scope = scope.clone();
        async move {
            env.bc_authorize(&format!("tel:{number}"), &scope).await.body["auth_req_id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let camille = start_for(CAMILLE).await;
    let never = start_for(NEVER).await;
    let anna = start_for(ANNA).await;
    let mut seen = Vec::new();
    seen.push(env.poll(&camille).await);
    seen.push(env.poll(&anna).await);
    env.clock.advance(Duration::from_secs(1));
    seen.push(env.poll(&camille).await);
    env.clock.advance(Duration::from_secs(119));
    seen.push(env.poll(&never).await);
    let errors: Vec<&str> = seen.iter().map(|a| a.error()).collect();
    assert_eq!(
        errors,
        [
            "authorization_pending",
            "slow_down",
            "access_denied",
            "expired_token"
        ]
    );
    for answer in &seen {
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.header("cache-control"), Some("no-store"));
    }
}
