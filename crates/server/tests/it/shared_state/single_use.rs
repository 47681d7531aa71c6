//! Single-use Number Verification tokens across the processes of one operator: the store spends a
//! token atomically, so whichever process answers first, the token yields one answer.

use super::*;

/// A Number Verification token of the network's subscriber: the code issued by `a`, exchanged on
/// `b`.
async fn number_verification_token(pair: &Pair) -> String {
    let redirect_uri = "http://127.0.0.1/callback";
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", pair.demo.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            (
                "scope",
                "openid dpv:FraudPreventionAndDetection number-verification:verify",
            ),
        ])
        .finish();
    let redirect = pair
        .send(pair.http.get(format!("{}/authorize?{query}", pair.a.base)))
        .await;
    assert_eq!(redirect.status, StatusCode::FOUND);
    let location = url::Url::parse(redirect.header("location").unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri),
    ];
    let token = pair.token(&pair.b, &exchange).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    token.body["access_token"].as_str().unwrap().to_owned()
}

async fn verify(pair: &Pair, to: &Process, token: &str) -> Answer {
    let request = pair
        .http
        .post(format!("{}/number-verification/v2/verify", to.base))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(json!({ "phoneNumber": PETER }).to_string());
    pair.send(request).await
}

#[tokio::test]
async fn a_number_verification_token_spent_on_one_process_is_refused_by_the_other() {
    let (url, _redis) = netid_redis::test_util::redis();
    let pair = start_pair("single-use", &url).await;
    let token = number_verification_token(&pair).await;
    let first = verify(&pair, &pair.a, &token).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body, json!({ "devicePhoneNumberVerified": true }));
    for process in [&pair.b, &pair.a] {
        let again = verify(&pair, process, &token).await;
        assert_eq!(
            (again.status, again.code()),
            (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_verification_token_used_on_both_processes_at_once_answers_once() {
    let (url, _redis) = netid_redis::test_util::redis();
    let pair = start_pair("single-use-race", &url).await;
    for _ in 0..5 {
        let token = number_verification_token(&pair).await;
        let (first, second) = tokio::join!(verify(&pair, &pair.a, &token), verify(&pair, &pair.b, &token));
        let mut statuses = [first.status.as_u16(), second.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 401], "{} {}", first.body, second.body);
    }
}
