//! Consent Info's capture URLs across the processes of one operator: a capture URL answered by one
//! process is shown and confirmed on the other, once, and the consent counts on both.

use super::*;

const RETRIEVE: &str = "/consent-info/v0.2/retrieve";

/// Camille's statuses for a pending (capturable) and a denied scope, asking for a capture URL.
async fn retrieve(pair: &Pair, to: &Process, token: &str) -> Answer {
    let query = json!({
        "phoneNumber": CAMILLE,
        "scopes": ["sim-swap:check", "kyc-match:match"],
        "purpose": "dpv:FraudPreventionAndDetection",
        "requestCaptureUrl": true,
    });
    let request = pair
        .http
        .post(format!("{}{RETRIEVE}", to.base))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(query.to_string());
    pair.send(request).await
}

fn reasons(answer: &Value) -> Vec<String> {
    answer["statusInfo"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|status| status["statusReason"].as_str().unwrap_or("valid").to_owned())
        .collect()
}

#[tokio::test]
async fn a_capture_url_from_one_process_is_confirmed_once_on_the_other() {
    let (url, _redis) = netid_redis::test_util::redis();
    let pair = start_pair("capture", &url).await;
    let issued = pair
        .token(
            &pair.a,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "consent-info:retrieve"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let token = issued.body["access_token"].as_str().unwrap().to_owned();

    let first = retrieve(&pair, &pair.a, &token).await;
    assert_eq!(reasons(&first.body), ["PENDING", "DENIED"], "{}", first.body);
    // The URL names the shared issuer: the port-forward may send it to either process.
    let capture = first.body["captureUrl"].as_str().expect("capture url");
    let path = capture
        .strip_prefix(&pair.issuer)
        .unwrap_or_else(|| panic!("{capture}"));
    let on_b = format!("{}{path}", pair.b.base);
    let shown = pair.http.get(&on_b).send().await.unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    let confirmed = pair.http.post(&on_b).send().await.unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    let on_a = format!("{}{path}", pair.a.base);
    let again = pair.http.post(&on_a).send().await.unwrap();
    assert_eq!(
        again.status(),
        StatusCode::NOT_FOUND,
        "single use on every process"
    );

    for process in [&pair.a, &pair.b] {
        let after = retrieve(&pair, process, &token).await;
        assert_eq!(reasons(&after.body), ["valid", "DENIED"], "{}", after.body);
        assert!(after.body.get("captureUrl").is_none(), "{}", after.body);
    }
}
