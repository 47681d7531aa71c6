//! SIM Swap.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{MARIA, PETER, TARO, start, start_with};

#[tokio::test]
async fn sim_swap_v1_orange_spain() {
    let env = start().await;
    // Orange Spain's global scope.
    let token = env.access_token(MARIA, "sim-swap").await;
    let base = "/camara/oes/sim-swap/v1";
    // The page's requests: phoneNumber in the body, equal to the token's subscriber.
    let check = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "phoneNumber": MARIA, "maxAge": 240 })),
        )
        .await;
    assert_eq!(check.status, StatusCode::OK);
    assert_eq!(check.body, json!({ "swapped": true }));
    assert_eq!(
        check.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    let check = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "maxAge": 24 })),
        )
        .await;
    assert_eq!(check.body, json!({ "swapped": false }), "changed 48 h ago");
    // "Optionally prefixed with '+'".
    // Changed 48 h before now; the CIBA flow above moved the clock 2 s past 2026-01-01T00:00:00Z.
    let date = env
        .api(
            &format!("{base}/retrieve-date"),
            Some(&token),
            Some(json!({ "phoneNumber": "34654654654" })),
        )
        .await;
    assert_eq!(date.status, StatusCode::OK, "{}", date.body);
    assert_eq!(date.body, json!({ "latestSimChange": "2025-12-30T00:00:02Z" }));

    let peter = env.access_token(PETER, "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v1/retrieve-date", Some(&peter), Some(json!({})))
        .await;
    assert_eq!(
        date.body,
        json!({ "latestSimChange": "2023-09-05T13:57:55.707Z" })
    );

    // Errors of the 1.0.0 spec.
    let mismatch = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "phoneNumber": PETER })),
        )
        .await;
    insta::assert_json_snapshot!(mismatch.body, @r#"
    {
      "code": "INVALID_TOKEN_CONTEXT",
      "message": "Phone number cannot be deduced from access token context.",
      "status": 403
    }
    "#);
    let two_legged = env.two_legged_token("sim-swap").await;
    let missing = env
        .api(&format!("{base}/check"), Some(&two_legged), Some(json!({})))
        .await;
    assert_eq!(
        (missing.status.as_u16(), missing.code()),
        (422, "UNIDENTIFIABLE_PHONE_NUMBER")
    );
    let unknown = env
        .api(
            &format!("{base}/check"),
            Some(&two_legged),
            Some(json!({ "phoneNumber": "+34699999999" })),
        )
        .await;
    assert_eq!((unknown.status.as_u16(), unknown.code()), (404, "NOT_FOUND"));
    let known = env
        .api(
            &format!("{base}/check"),
            Some(&two_legged),
            Some(json!({ "phoneNumber": MARIA })),
        )
        .await;
    assert_eq!(known.body, json!({ "swapped": true }));
    let range = env
        .api(
            &format!("{base}/check"),
            Some(&token),
            Some(json!({ "maxAge": 2401 })),
        )
        .await;
    assert_eq!((range.status.as_u16(), range.code()), (400, "INVALID_ARGUMENT"));
}

#[tokio::test]
async fn sim_swap_v2_identifier_rules() {
    let env = start().await;
    let token = env
        .access_token(MARIA, "sim-swap:check sim-swap:retrieve-date")
        .await;
    let two_legged = env.two_legged_token("sim-swap:check").await;
    let check = async |token: &str, body: Value, status: u16, code: &str| {
        let answer = env.api("/sim-swap/v2/check", Some(token), Some(body)).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        answer
    };
    let ok = check(&token, json!({}), 200, "").await;
    assert_eq!(ok.body, json!({ "swapped": true }), "default maxAge 240 h");
    let unnecessary = check(
        &token,
        json!({ "phoneNumber": MARIA }),
        422,
        "UNNECESSARY_IDENTIFIER",
    )
    .await;
    insta::assert_json_snapshot!(unnecessary.body, @r#"
    {
      "code": "UNNECESSARY_IDENTIFIER",
      "message": "The device is already identified by the access token.",
      "status": 422
    }
    "#);
    check(&two_legged, json!({}), 422, "MISSING_IDENTIFIER").await;
    check(
        &two_legged,
        json!({ "phoneNumber": "+34699999999" }),
        404,
        "IDENTIFIER_NOT_FOUND",
    )
    .await;
    check(
        &two_legged,
        json!({ "phoneNumber": "34654654654" }),
        400,
        "INVALID_ARGUMENT",
    )
    .await;
    check(&two_legged, json!({ "phoneNumber": MARIA, "maxAge": 1 }), 200, "").await;
    check(&token, json!({ "maxAge": 0 }), 400, "OUT_OF_RANGE").await;
    check(&token, json!({ "maxAge": "240" }), 400, "INVALID_ARGUMENT").await;
    // es-maria's operator keeps 30 days of history.
    let limited = check(&token, json!({ "maxAge": 2400 }), 400, "OUT_OF_RANGE").await;
    assert_eq!(
        limited.body["message"],
        "Check monitor period could not exceed local regulations (30 days)"
    );
    let malformed = env
        .send(
            env.http
                .post(env.url("/sim-swap/v2/check"))
                .bearer_auth(&token)
                .body("{not json"),
        )
        .await;
    assert_eq!(malformed.code(), "INVALID_ARGUMENT");

    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&token), Some(json!({})))
        .await;
    assert_eq!(date.body, json!({ "latestSimChange": "2025-12-30T00:00:02Z" }));
    // fr-peter has no monitored period; anna's change is old and kept.
    let peter = env.access_token(PETER, "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&peter), Some(json!({})))
        .await;
    assert_eq!(
        date.body,
        json!({ "latestSimChange": "2023-09-05T13:57:55.707Z" })
    );
    // Japanese subscriber: never swapped, the activation date is returned.
    let taro = env.access_token(TARO, "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&taro), Some(json!({})))
        .await;
    assert_eq!(date.body, json!({ "latestSimChange": "2016-04-01T00:00:00Z" }));
}

#[tokio::test]
async fn sim_swap_v2_hides_changes_outside_the_monitored_period() {
    let subscribers = netid_server::SubscriberStore::from_toml_str(
        r#"
        [[subscribers]]
        id = "es-private"
        phone_number = "+34611111111"
        sim_changes = [{ at = "2020-01-01T00:00:00Z" }]
        monitored_period_days = 120
        "#,
    )
    .unwrap();
    let env = start_with(|c| c.with_subscribers(subscribers)).await;
    let token = env.access_token("+34611111111", "sim-swap:retrieve-date").await;
    let date = env
        .api("/sim-swap/v2/retrieve-date", Some(&token), Some(json!({})))
        .await;
    assert_eq!(
        date.body,
        json!({ "latestSimChange": null, "monitoredPeriod": 120 })
    );
}
