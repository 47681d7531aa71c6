//! Call Forwarding Signal 0.4.0 and Consent Info 0.2.0 against the default subscribers: every
//! outcome the default set is written to give, and the identifier rules of both.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{CAMILLE, MARIA, NEVER, OPTED_OUT, PETER, TARO, start};

const UNCONDITIONAL: &str = "/call-forwarding-signal/v0.4/unconditional-call-forwardings";
const LIST: &str = "/call-forwarding-signal/v0.4/call-forwardings";
const RETRIEVE: &str = "/consent-info/v0.2/retrieve";
const CFS_SCOPES: &str =
    "call-forwarding-signal:unconditional-call-forwardings:read call-forwarding-signal:call-forwardings:read";

#[tokio::test]
async fn call_forwarding_signal_from_the_subscriber_file() {
    let env = start().await;
    let two_legged = env.two_legged_token(CFS_SCOPES).await;
    // (number, unconditional answer, call-forwardings answer)
    let table = [
        (
            PETER,
            json!({"active": true}),
            json!(["unconditional", "conditional_busy"]),
        ),
        (
            CAMILLE,
            json!({"active": false}),
            json!(["conditional_not_reachable", "conditional_no_answer"]),
        ),
        (MARIA, json!({"active": false}), json!(["inactive"])),
    ];
    for (number, unconditional, list) in table {
        let body = json!({ "phoneNumber": number });
        let answer = env
            .api(UNCONDITIONAL, Some(&two_legged), Some(body.clone()))
            .await;
        assert_eq!(
            (answer.status, &answer.body),
            (StatusCode::OK, &unconditional),
            "{number}"
        );
        assert_eq!(
            answer.header("x-correlator"),
            Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
        );
        let answer = env.api(LIST, Some(&two_legged), Some(body)).await;
        assert_eq!((answer.status, &answer.body), (StatusCode::OK, &list), "{number}");
    }
    let check = async |path: &str, token: &str, body: Option<Value>, status: u16, code: &str| {
        let answer = match body {
            Some(body) => env.api(path, Some(token), Some(body)).await,
            None => env.send(env.http.post(env.url(path)).bearer_auth(token)).await,
        };
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{path} {}",
            answer.body
        );
    };
    for path in [UNCONDITIONAL, LIST] {
        let body = |number: &str| Some(json!({ "phoneNumber": number }));
        check(path, &two_legged, body(NEVER), 422, "SERVICE_NOT_APPLICABLE").await;
        check(
            path,
            &two_legged,
            body("+33699999999"),
            404,
            "IDENTIFIER_NOT_FOUND",
        )
        .await;
        check(path, &two_legged, body("33699901040"), 400, "INVALID_ARGUMENT").await;
        check(path, &two_legged, Some(json!({})), 422, "MISSING_IDENTIFIER").await;
        // The spec requires a body: none at all is refused, unlike `{}`.
        check(path, &two_legged, None, 400, "INVALID_ARGUMENT").await;
    }
    let consent_only = env.two_legged_token("consent-info:retrieve").await;
    check(
        UNCONDITIONAL,
        &consent_only,
        Some(json!({"phoneNumber": PETER})),
        403,
        "PERMISSION_DENIED",
    )
    .await;
    let three_legged = env.access_token(PETER, CFS_SCOPES).await;
    check(
        LIST,
        &three_legged,
        Some(json!({"phoneNumber": PETER})),
        422,
        "UNNECESSARY_IDENTIFIER",
    )
    .await;
    check(LIST, &three_legged, Some(json!({})), 200, "").await;
}

fn query(number: &str, scopes: &[&str], capture: bool) -> Value {
    json!({
        "phoneNumber": number,
        "scopes": scopes,
        "purpose": "dpv:FraudPreventionAndDetection",
        "requestCaptureUrl": capture,
    })
}

#[tokio::test]
async fn consent_info_from_records_and_opt_outs() {
    let env = start().await;
    let token = env.two_legged_token("consent-info:retrieve").await;
    let scopes = [
        "sim-swap:check",
        "kyc-match:match",
        "call-forwarding-signal:call-forwardings:read",
        "sim-swap:retrieve-date",
        "number-verification:verify",
    ];
    let peter = env
        .api(RETRIEVE, Some(&token), Some(query(PETER, &scopes, true)))
        .await;
    assert_eq!(peter.status, StatusCode::OK, "{}", peter.body);
    let capture = peter.body["captureUrl"].as_str().unwrap_or_default().to_owned();
    assert!(capture.starts_with(&env.url("/consent-capture/")), "{capture}");
    let fraud = "dpv:FraudPreventionAndDetection";
    assert_eq!(
        peter.body["statusInfo"],
        json!([
            {"scopes": ["sim-swap:check", "sim-swap:retrieve-date"], "purpose": fraud,
             "statusValidForProcessing": true, "expirationDate": "2026-06-30T00:00:00Z"},
            {"scopes": ["kyc-match:match"], "purpose": fraud, "statusValidForProcessing": false,
             "statusReason": "EXPIRED", "expirationDate": "2025-12-29T00:00:00Z"},
            {"scopes": ["call-forwarding-signal:call-forwardings:read"], "purpose": fraud,
             "statusValidForProcessing": false, "statusReason": "REQUESTED"},
            {"scopes": ["number-verification:verify"], "purpose": fraud, "statusValidForProcessing": true},
        ])
    );
    // (number, scopes, capture URL asked, reasons in order, capture URL answered)
    type Row = (
        &'static str,
        &'static [&'static str],
        bool,
        &'static [&'static str],
        bool,
    );
    let table: [Row; 5] = [
        (
            CAMILLE,
            &["sim-swap:check", "kyc-match:match"],
            true,
            &["PENDING", "DENIED"],
            true,
        ),
        (CAMILLE, &["kyc-match:match"], true, &["DENIED"], false),
        (
            OPTED_OUT,
            &["sim-swap:check", "kyc-match:match"],
            true,
            &["OBJECTED"],
            false,
        ),
        (NEVER, &["sim-swap:check"], false, &["PENDING"], false),
        (MARIA, &["sim-swap:check"], true, &["valid"], false),
    ];
    for (number, scopes, capture, reasons, captured) in table {
        let answer = env
            .api(RETRIEVE, Some(&token), Some(query(number, scopes, capture)))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{number} {}", answer.body);
        let got: Vec<&str> = answer.body["statusInfo"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|status| status["statusReason"].as_str().unwrap_or("valid"))
            .collect();
        assert_eq!(got, reasons, "{number} {scopes:?}");
        assert_eq!(
            answer.body.get("captureUrl").is_some(),
            captured,
            "{number} {scopes:?}"
        );
    }
    let check = async |body: Value, status: u16, code: &str| {
        let answer = env.api(RETRIEVE, Some(&token), Some(body)).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
    };
    check(
        query(TARO, &["sim-swap:check"], false),
        422,
        "SERVICE_NOT_APPLICABLE",
    )
    .await;
    check(
        query(NEVER, &["sim-swap:check"], true),
        403,
        "CONSENT_INFO.CAPTURE_FREQUENCY_EXCEEDED",
    )
    .await;
    check(
        query(PETER, &["location-verification:verify"], false),
        403,
        "CONSENT_INFO.NOT_ALLOWED_SCOPES_PURPOSE",
    )
    .await;
    let mut callback = query(PETER, &["sim-swap:check"], true);
    callback["callbackUrl"] = json!("http://consumer.example.com/back");
    check(callback.clone(), 403, "CONSENT_INFO.INVALID_CALLBACK_URL").await;
    // Not a URI at all breaks the schema's `format: uri`: a 400, not the provider's 403.
    callback["callbackUrl"] = json!("not a uri");
    check(callback.clone(), 400, "INVALID_ARGUMENT").await;
    callback["callbackUrl"] = json!("https://consumer.example.com/back");
    check(callback, 200, "").await;
    check(json!({}), 400, "INVALID_ARGUMENT").await;
    let mut no_purpose = query(PETER, &["sim-swap:check"], false);
    no_purpose["purpose"] = json!("FraudPreventionAndDetection");
    check(no_purpose, 400, "INVALID_ARGUMENT").await;
    check(query(PETER, &[], false), 400, "INVALID_ARGUMENT").await;
    check(
        query("+33699999999", &["sim-swap:check"], false),
        404,
        "IDENTIFIER_NOT_FOUND",
    )
    .await;
    let mut anonymous = query(PETER, &["sim-swap:check"], false);
    anonymous.as_object_mut().map(|body| body.remove("phoneNumber"));
    check(anonymous.clone(), 422, "MISSING_IDENTIFIER").await;
    let three_legged = env.access_token(PETER, "consent-info:retrieve").await;
    let answer = env.api(RETRIEVE, Some(&three_legged), Some(anonymous)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let answer = env
        .api(
            RETRIEVE,
            Some(&three_legged),
            Some(query(PETER, &["sim-swap:check"], false)),
        )
        .await;
    assert_eq!(answer.code(), "UNNECESSARY_IDENTIFIER");
}

#[tokio::test]
async fn a_consent_confirmed_on_the_capture_page_is_valid_next_time() {
    let env = start().await;
    let token = env.two_legged_token("consent-info:retrieve").await;
    // Camille: sim-swap:check pending (capturable), kyc-match:match denied (not capturable).
    let scopes = ["sim-swap:check", "kyc-match:match"];
    let reasons = |answer: &Value| -> Vec<String> {
        answer["statusInfo"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|status| status["statusReason"].as_str().unwrap_or("valid").to_owned())
            .collect()
    };
    let first = env
        .api(RETRIEVE, Some(&token), Some(query(CAMILLE, &scopes, true)))
        .await;
    assert_eq!(reasons(&first.body), ["PENDING", "DENIED"], "{}", first.body);
    let capture = first.body["captureUrl"].as_str().expect("capture url").to_owned();

    let page = env.http.get(&capture).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers().get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let html = page.text().await.expect("html");
    assert!(html.contains("<code>sim-swap:check</code>"), "{html}");
    assert!(
        !html.contains("kyc-match:match"),
        "a denial is not asked again: {html}"
    );
    assert!(html.contains("method=\"post\""), "{html}");
    assert!(!html.contains(CAMILLE), "the page names no subscriber");

    // Nothing is recorded before the subscriber confirms.
    let before = env
        .api(RETRIEVE, Some(&token), Some(query(CAMILLE, &scopes, false)))
        .await;
    assert_eq!(reasons(&before.body), ["PENDING", "DENIED"]);

    let confirmed = env.http.post(&capture).send().await.expect("confirm");
    assert_eq!(confirmed.status(), StatusCode::OK);
    let after = env
        .api(RETRIEVE, Some(&token), Some(query(CAMILLE, &scopes, true)))
        .await;
    assert_eq!(reasons(&after.body), ["valid", "DENIED"], "{}", after.body);
    assert!(
        after.body.get("captureUrl").is_none(),
        "nothing capturable is left: {}",
        after.body
    );
    // A capture URL is single-use; an unknown one is not found.
    let again = env.http.post(&capture).send().await.expect("again");
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let shown = env.http.get(&capture).send().await.expect("again");
    assert_eq!(shown.status(), StatusCode::NOT_FOUND);
    let unknown = env
        .http
        .get(env.url("/consent-capture/unknown"))
        .send()
        .await
        .expect("unknown");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}
