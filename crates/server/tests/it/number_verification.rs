//! Number Verification.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Answer, CAMILLE, Env, FRAUD, JWT_BEARER, MARIA, PETER, start, start_with};

/// The authorization-code flow with `prompt=none`: returns the `Location` of the redirect.
async fn authorize(env: &Env, extra: &[(&str, &str)]) -> (StatusCode, String) {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", "netid-demo-client"),
        ("redirect_uri", "http://127.0.0.1/callback"),
        (
            "scope",
            "openid dpv:FraudPreventionAndDetection number-verification:verify number-verification:device-phone-number:read",
        ),
        ("state", "st4te"),
        ("prompt", "none"),
    ];
    pairs.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    pairs.extend_from_slice(extra);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let response = env
        .http
        .get(format!("{}?{query}", env.url("/authorize")))
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), location)
}

fn query_param(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(location).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn exchange_code(env: &Env, code: &str, verifier: Option<&str>) -> Answer {
    let assertion = env.assertion();
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", "http://127.0.0.1/callback"),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", &assertion),
    ];
    if let Some(v) = verifier {
        pairs.push(("code_verifier", v));
    }
    env.form("/token", &pairs).await
}

#[tokio::test]
async fn number_verification_with_authorization_code() {
    let env = start().await;
    let verifier = "dBjftJeZ4CVP-mJ92K9-sr3p9NuU7aKhZ4k9Ykxrgg8";
    let challenge = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()));
    let (status, location) = authorize(
        &env,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("nonce", "n-0S6"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location.starts_with("http://127.0.0.1/callback?code="),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("st4te"));
    let code = query_param(&location, "code").unwrap();
    assert_eq!(
        exchange_code(&env, &code, Some("wrong-verifier")).await.error(),
        "invalid_grant"
    );
    // A code is single-use, even after a failed exchange: start again.
    let (_, location) = authorize(
        &env,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("nonce", "n-0S6"),
        ],
    )
    .await;
    let code = query_param(&location, "code").unwrap();
    let token = exchange_code(&env, &code, Some(verifier)).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let claims = env
        .verify_jwt(token.body["id_token"].as_str().unwrap(), "JWT")
        .await;
    assert_eq!(claims["nonce"], "n-0S6");
    assert_eq!(
        exchange_code(&env, &code, Some(verifier)).await.error(),
        "invalid_grant"
    );
    // Number Verification tokens are single-use, short-lived and never refreshed (issue 16).
    assert!(
        token.body["expires_in"].as_u64().is_some_and(|secs| secs <= 300),
        "{}",
        token.body
    );
    assert!(token.body.get("refresh_token").is_none(), "{}", token.body);
    let access = token.body["access_token"].as_str().unwrap();

    let verify = async |access: &str, body: Value| {
        env.api("/number-verification/v2/verify", Some(access), Some(body))
            .await
    };
    assert_eq!(
        verify(access, json!({ "phoneNumber": PETER })).await.body,
        json!({ "devicePhoneNumberVerified": true })
    );
    // The first answer spent the token: the same token again is the spec's 401.
    let again = verify(access, json!({ "phoneNumber": PETER })).await;
    assert_eq!((again.status.as_u16(), again.code()), (401, "UNAUTHENTICATED"));
    assert_eq!(
        again.header("www-authenticate"),
        Some("Bearer realm=\"netid-sandbox\", error=\"invalid_token\"")
    );
    let spent = env
        .api("/number-verification/v2/device-phone-number", Some(access), None)
        .await;
    assert_eq!(spent.status.as_u16(), 401, "{}", spent.body);
    assert_eq!(
        verify(&code_flow_token(&env).await, json!({ "phoneNumber": CAMILLE }))
            .await
            .body,
        json!({ "devicePhoneNumberVerified": false })
    );
    let hashed = hex::encode(digest::digest(&digest::SHA256, PETER.as_bytes())).to_uppercase();
    assert_eq!(
        verify(
            &code_flow_token(&env).await,
            json!({ "hashedPhoneNumber": hashed })
        )
        .await
        .body,
        json!({ "devicePhoneNumberVerified": true })
    );
    // Refused requests answer nothing and leave the token usable.
    let access = code_flow_token(&env).await;
    let both = verify(
        &access,
        json!({ "phoneNumber": PETER, "hashedPhoneNumber": hashed }),
    )
    .await;
    assert_eq!((both.status.as_u16(), both.code()), (400, "INVALID_ARGUMENT"));
    let neither = verify(&access, json!({})).await;
    assert_eq!(
        (neither.status.as_u16(), neither.code()),
        (400, "INVALID_ARGUMENT")
    );
    let bad_hash = verify(&access, json!({ "hashedPhoneNumber": "abc" })).await;
    assert_eq!(bad_hash.code(), "INVALID_ARGUMENT");

    let device = env
        .api("/number-verification/v2/device-phone-number", Some(&access), None)
        .await;
    assert_eq!(device.body, json!({ "devicePhoneNumber": PETER }));
    assert_eq!(
        device.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    let again = env
        .api("/number-verification/v2/device-phone-number", Some(&access), None)
        .await;
    assert_eq!((again.status.as_u16(), again.code()), (401, "UNAUTHENTICATED"));
}

/// A fresh Number Verification access token of the network's subscriber, by the code flow.
async fn code_flow_token(env: &Env) -> String {
    let (_, location) = authorize(env, &[]).await;
    let code = query_param(&location, "code").unwrap();
    let token = exchange_code(env, &code, None).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    token.body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn number_verification_requires_mobile_network_authentication() {
    let env = start().await;
    // CIBA with a phone number: the subscriber approved on a device, not through the network.
    let by_number = env.access_token(PETER, "number-verification:verify").await;
    let answer = env
        .api(
            "/number-verification/v2/verify",
            Some(&by_number),
            Some(json!({ "phoneNumber": PETER })),
        )
        .await;
    insta::assert_json_snapshot!(answer.body, @r#"
    {
      "code": "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK",
      "message": "Client must authenticate via the mobile network to use this service",
      "status": 403
    }
    "#);
    // CIBA with a TS.43 operator token (masstack page) is network-based.
    let token = env
        .ciba_token(
            "operatortoken:ts43-es-maria",
            &format!("{FRAUD} number-verification:verify"),
        )
        .await;
    // Wrong scope for device-phone-number (before the verify call, which spends the token).
    let answer = env
        .api(
            "/number-verification/v2/device-phone-number",
            token["access_token"].as_str(),
            None,
        )
        .await;
    assert_eq!(answer.code(), "PERMISSION_DENIED");
    let answer = env
        .api(
            "/number-verification/v2/verify",
            token["access_token"].as_str(),
            Some(json!({ "phoneNumber": MARIA })),
        )
        .await;
    assert_eq!(answer.body, json!({ "devicePhoneNumberVerified": true }));
}

#[tokio::test]
async fn authorize_errors() {
    let env = start().await;
    let (status, location) = authorize(&env, &[("redirect_uri", "http://evil.example/cb")]).await;
    assert_eq!((status, location.as_str()), (StatusCode::BAD_REQUEST, ""));
    let (status, _) = authorize(&env, &[("client_id", "nobody")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let check = async |extra: &[(&str, &str)], error: &str| {
        let (status, location) = authorize(&env, extra).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            query_param(&location, "error").as_deref(),
            Some(error),
            "{location}"
        );
        assert_eq!(query_param(&location, "state").as_deref(), Some("st4te"));
    };
    check(&[("prompt", "login")], "interaction_required").await;
    check(&[("response_type", "token")], "unsupported_response_type").await;
    check(&[("scope", "number-verification:verify")], "invalid_scope").await;
    check(
        &[("code_challenge", "x"), ("code_challenge_method", "plain")],
        "invalid_request",
    )
    .await;

    let off_network = start_with(|c| c.with_network_subscriber(None)).await;
    let (_, location) = authorize(&off_network, &[]).await;
    assert_eq!(query_param(&location, "error").as_deref(), Some("login_required"));
}
