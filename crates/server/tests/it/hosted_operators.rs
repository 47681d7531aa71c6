//! Operators hosted beside the root on one server (issue 16): each has its own issuer, keys,
//! subscribers and tokens under `/operators/{id}`, and the root's Telco Finder routes to them.

use jsonwebtoken::jwk::JwkSet;
use netid_server::{Fault, HostedOperator, Server, ServerConfig, ServerError, SubscriberStore};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::*;

/// Peter's number, with a SIM changed on another day than the root's record of him.
const FR_SUBSCRIBERS: &str = r#"
[[subscribers]]
id = "fr-hosted-peter"
phone_number = "+33699901040"
sim_changes = [{ at = "2025-11-02T08:00:00Z" }]
ciba = { action = "approve", after_secs = 0 }
"#;

/// The root (default subscribers) hosting `operator-es` (the root's Spanish subscribers) and
/// `operator-fr` (a document of its own).
async fn start_hosting() -> Env {
    start_with(|config| {
        let fr = SubscriberStore::from_toml_str(FR_SUBSCRIBERS).unwrap();
        config
            .with_operator(HostedOperator::new("operator-es", ["+34"]).unwrap())
            .with_operator(
                HostedOperator::new("operator-fr", ["+33"])
                    .unwrap()
                    .with_subscribers(fr),
            )
    })
    .await
}

async fn retrieve_date(env: &Env, number: &str) -> Answer {
    let token = env.access_token(number, "sim-swap:retrieve-date").await;
    env.api("/sim-swap/v2/retrieve-date", Some(&token), Some(json!({})))
        .await
}

#[tokio::test]
async fn a_hosted_operator_has_its_own_issuer_endpoints_and_keys() {
    let env = start_hosting().await;
    let root = env.server.issuer().to_owned();
    let root_jwks = env.jwks().await;
    env.select("/operators/operator-es");
    let issuer = format!("{root}/operators/operator-es");
    let discovery = env
        .send(env.http.get(env.url("/.well-known/openid-configuration")))
        .await;
    assert_eq!(discovery.status, StatusCode::OK);
    assert_eq!(discovery.body["issuer"], issuer.as_str());
    for (key, path) in [
        ("token_endpoint", "/token"),
        ("backchannel_authentication_endpoint", "/bc-authorize"),
        ("jwks_uri", "/jwks"),
    ] {
        assert_eq!(discovery.body[key], format!("{issuer}{path}"), "{key}");
    }
    let jwks = env.jwks().await;
    let kid = |set: &JwkSet| set.keys[0].common.key_id.clone();
    assert_ne!(kid(&jwks), kid(&root_jwks), "a signing key of its own");
    let listed: Vec<(&str, &str)> = env
        .server
        .hosted_operators()
        .iter()
        .map(|o| (o.operator_id.as_str(), o.issuer.as_str()))
        .collect();
    let fr = format!("{root}/operators/operator-fr");
    assert_eq!(
        listed,
        [("operator-es", issuer.as_str()), ("operator-fr", fr.as_str())]
    );
}

#[tokio::test]
async fn a_token_of_one_operator_is_refused_by_another() {
    let env = start_hosting().await;
    env.select("/operators/operator-es");
    let hosted = env.access_token(MARIA, "sim-swap:check").await;
    let body = json!({ "maxAge": 240 });
    let answer = env
        .api("/sim-swap/v2/check", Some(&hosted), Some(body.clone()))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["swapped"], true);
    let sibling = env
        .url("/sim-swap/v2/check")
        .replace("operator-es", "operator-fr");
    let answer = env
        .send(
            env.http
                .post(sibling)
                .bearer_auth(&hosted)
                .header("content-type", "application/json")
                .body(body.to_string()),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);

    env.select("");
    let answer = env
        .api("/sim-swap/v2/check", Some(&hosted), Some(body.clone()))
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    let root = env.access_token(MARIA, "sim-swap:check").await;
    env.select("/operators/operator-es");
    let answer = env.api("/sim-swap/v2/check", Some(&root), Some(body)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
}

#[tokio::test]
async fn a_client_assertion_for_another_issuer_is_refused() {
    let env = start_hosting().await;
    // Signed for the root's token endpoint, presented at the hosted operator's.
    let assertion = env.assertion();
    env.select("/operators/operator-es");
    let answer = env
        .form(
            "/token",
            &[
                ("grant_type", "client_credentials"),
                ("scope", "telcofinder"),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    assert_eq!(answer.error(), "invalid_client");
}

#[tokio::test]
async fn each_operator_answers_from_its_own_subscribers() {
    let env = start_hosting().await;
    let root = retrieve_date(&env, PETER).await;
    assert_eq!(root.status, StatusCode::OK, "{}", root.body);
    assert_eq!(root.body["latestSimChange"], "2023-09-05T13:57:55.707Z");
    env.select("/operators/operator-fr");
    let hosted = retrieve_date(&env, PETER).await;
    assert_eq!(hosted.status, StatusCode::OK, "{}", hosted.body);
    assert_eq!(hosted.body["latestSimChange"], "2025-11-02T08:00:00Z");
    // Camille is the root's subscriber, not in operator-fr's document.
    let unknown = env
        .bc_authorize(&format!("tel:{CAMILLE}"), &format!("{FRAUD} sim-swap:check"))
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert_eq!(unknown.error(), "unknown_user_id");
    // operator-es has the root's Spanish subscribers only.
    env.select("/operators/operator-es");
    let french = env
        .bc_authorize(&format!("tel:{PETER}"), &format!("{FRAUD} sim-swap:check"))
        .await;
    assert_eq!(french.error(), "unknown_user_id", "{}", french.body);
}

#[tokio::test]
async fn the_roots_telco_finder_routes_to_the_hosted_operators() {
    let env = start_hosting().await;
    let root = env.server.issuer().to_owned();
    let token = env.two_legged_token("telcofinder").await;
    let search = |number: &str| {
        json!({
            "target": { "phoneNumber": number },
            "includeApiRoot": true,
            "includeAuthProviderConfiguration": true,
        })
    };
    let found = env
        .api("/telco-finder/v1/search", Some(&token), Some(search(MARIA)))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let es = format!("{root}/operators/operator-es");
    assert_eq!(
        found.body,
        json!({
            "operatorId": "operator-es",
            "apiRoot": es,
            "authProviderConfiguration": format!("{es}/.well-known/openid-configuration"),
        })
    );
    let found = env
        .api("/telco-finder/v1/search", Some(&token), Some(search(ANNA)))
        .await;
    assert_eq!(found.body["operatorId"], "netid-sandbox", "the root keeps +31");
    assert_eq!(found.body["apiRoot"], root.as_str());
    let none = env
        .api(
            "/telco-finder/v1/search",
            Some(&token),
            Some(search("+447709558432")),
        )
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "{}", none.body);
    assert_eq!(none.code(), "NOT_SUPPORTED");
    let table = env.api("/telco-routing/v1/routing", Some(&token), None).await;
    let operators: Vec<&str> = table
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|rule| rule["static"]["operatorId"].as_str())
        .collect();
    assert_eq!(operators, ["operator-es", "operator-fr", "netid-sandbox"]);

    // A hosted operator answers the same table, with a token of its own.
    env.select("/operators/operator-fr");
    let token = env.two_legged_token("telcofinder").await;
    let found = env
        .api("/telco-finder/v1/search", Some(&token), Some(search(MARIA)))
        .await;
    assert_eq!(found.body["operatorId"], "operator-es", "{}", found.body);
}

#[tokio::test]
async fn configured_routes_stay_and_hosted_ones_win_a_tie() {
    let env = start_with(|config| {
        config
            .with_telco_route(
                netid_server::TelcoRoute::new("elsewhere", ["+34", "+44"])
                    .unwrap()
                    .with_api_root("http://127.0.0.1:9"),
            )
            .with_operator(HostedOperator::new("operator-es", ["+34"]).unwrap())
    })
    .await;
    let token = env.two_legged_token("telcofinder").await;
    let search = |number: &str| json!({ "target": { "phoneNumber": number } });
    let found = env
        .api("/telco-finder/v1/search", Some(&token), Some(search(MARIA)))
        .await;
    assert_eq!(found.body["operatorId"], "operator-es", "{}", found.body);
    let found = env
        .api(
            "/telco-finder/v1/search",
            Some(&token),
            Some(search("+447709558432")),
        )
        .await;
    assert_eq!(found.body["operatorId"], "elsewhere", "{}", found.body);
    let none = env
        .api("/telco-finder/v1/search", Some(&token), Some(search(PETER)))
        .await;
    assert_eq!(
        none.code(),
        "NOT_SUPPORTED",
        "configured routes replace the default"
    );
}

#[tokio::test]
async fn faults_and_the_index_see_hosted_paths() {
    let env = start_hosting().await;
    env.server
        .inject_fault("/operators/operator-es/jwks", Fault::status(503));
    env.select("/operators/operator-es");
    let answer = env.send(env.http.get(env.url("/jwks"))).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    env.select("");
    assert_eq!(
        env.send(env.http.get(env.url("/jwks"))).await.status,
        StatusCode::OK
    );
    let index = env.server.index();
    let root = env.server.issuer();
    let operators = index["operators"].as_array().unwrap();
    assert_eq!(operators.len(), 2);
    assert_eq!(operators[0]["operator_id"], "operator-es");
    assert_eq!(operators[0]["api_root"], format!("{root}/operators/operator-es"));
    assert_eq!(operators[1]["subscribers"][0]["phone_number"], "+33*******40");
    assert!(!index.to_string().contains(PETER), "numbers are masked");
}

#[tokio::test]
async fn two_hosted_operators_with_one_id_are_refused() {
    for second in ["operator-es", "netid-sandbox"] {
        let config = ServerConfig::new()
            .with_operator(HostedOperator::new("operator-es", ["+34"]).unwrap())
            .with_operator(HostedOperator::new(second, ["+33"]).unwrap());
        let error = Server::start(config).await.unwrap_err();
        assert!(matches!(error, ServerError::DuplicateOperator(_)), "{error}");
        if second == "netid-sandbox" {
            assert_eq!(
                error.to_string(),
                "hosted operator id \"netid-sandbox\" is used twice"
            );
        }
    }
}
