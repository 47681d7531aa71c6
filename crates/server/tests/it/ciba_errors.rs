//! CIBA: refused requests, client assertions and client binding.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use netid_server::ClientRegistration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{
    Answer, CIBA, FRAUD, JWT_BEARER, OPTED_OUT, PETER, TARO, other_signer, start, start_with,
};

#[tokio::test]
async fn bc_authorize_errors() {
    let env = start().await;
    let check = |answer: Answer, status: StatusCode, error: &str| {
        assert_eq!(
            (answer.status, answer.error()),
            (status, error),
            "{}",
            answer.body
        );
    };
    let bad = StatusCode::BAD_REQUEST;
    check(
        env.bc_authorize(
            &format!("tel:{PETER}"),
            "dpv:FraudPreventionAndDetection sim-swap",
        )
        .await,
        bad,
        "invalid_scope",
    );
    check(
        env.bc_authorize(&format!("tel:{PETER}"), "openid sim-swap").await,
        bad,
        "invalid_scope",
    );
    check(
        env.bc_authorize("tel:+33700000000", &format!("{FRAUD} sim-swap"))
            .await,
        bad,
        "unknown_user_id",
    );
    check(
        env.bc_authorize("nonsense", &format!("{FRAUD} sim-swap")).await,
        bad,
        "invalid_request",
    );
    check(
        env.bc_authorize(&format!("tel:{OPTED_OUT}"), &format!("{FRAUD} sim-swap"))
            .await,
        StatusCode::FORBIDDEN,
        "access_denied",
    );
    check(
        env.bc_authorize("operatortoken:unknown", &format!("{FRAUD} sim-swap"))
            .await,
        bad,
        "unknown_user_id",
    );
    let assertion = env.assertion();
    check(
        env.form(
            "/bc-authorize",
            &[
                ("scope", FRAUD),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await,
        bad,
        "invalid_request",
    );
    check(
        env.form("/token", &[("grant_type", "password"), ("grant_type", "x")])
            .await,
        bad,
        "invalid_request",
    );
    let assertion = env.assertion();
    check(
        env.form(
            "/token",
            &[
                ("grant_type", "password"),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await,
        bad,
        "unsupported_grant_type",
    );
}

#[tokio::test]
async fn client_assertion_checks() {
    let (stranger, _) = other_signer(9, "netid-demo-client").await;
    let env = start().await;
    let issuer = env.server.issuer().to_owned();
    let token_ep = env.url("/token");
    let bc_ep = env.url("/bc-authorize");

    // Each case: an assertion for bc-authorize, and whether it is accepted.
    let check = async |name: &str, assertion: String, accepted: bool| {
        let answer = env
            .form(
                "/bc-authorize",
                &[
                    ("login_hint", "tel:+33699901040"),
                    ("scope", "openid dpv:FraudPreventionAndDetection sim-swap"),
                    ("client_assertion_type", JWT_BEARER),
                    ("client_assertion", &assertion),
                ],
            )
            .await;
        if accepted {
            assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.body);
        } else {
            assert_eq!(
                (answer.status, answer.error()),
                (StatusCode::UNAUTHORIZED, "invalid_client"),
                "{name}: {}",
                answer.body
            );
        }
        answer
    };
    let with = |f: &dyn Fn(&mut Value)| {
        let mut claims = env.claims(&env.demo, json!(bc_ep));
        f(&mut claims);
        env.sign(&env.demo, &claims)
    };

    check("aud = issuer", with(&|c| c["aud"] = json!(issuer)), true).await;
    check(
        "aud = token endpoint",
        with(&|c| c["aud"] = json!(token_ep)),
        true,
    )
    .await;
    check("aud = endpoint called", with(&|_| {}), true).await;
    check("aud array", with(&|c| c["aud"] = json!(["x", issuer])), true).await;
    check(
        "aud trailing slash",
        with(&|c| c["aud"] = json!(format!("{issuer}/"))),
        false,
    )
    .await;
    check(
        "aud elsewhere",
        with(&|c| c["aud"] = json!("https://op.example")),
        false,
    )
    .await;
    check("no aud", with(&|c| c["aud"] = Value::Null), false).await;
    let exp = env.now_secs();
    check("expired", with(&|c| c["exp"] = json!(exp)), false).await;
    check("no exp", with(&|c| c["exp"] = Value::Null), false).await;
    check("not yet valid", with(&|c| c["nbf"] = json!(exp + 30)), false).await;
    check("no jti", with(&|c| c["jti"] = Value::Null), false).await;
    check("sub differs", with(&|c| c["sub"] = json!("someone")), false).await;
    check(
        "unknown client",
        with(&|c| {
            c["iss"] = json!("nobody");
            c["sub"] = json!("nobody");
        }),
        false,
    )
    .await;
    let claims = env.claims(&stranger, json!(bc_ep));
    check("wrong key", env.sign(&stranger, &claims), false).await;
    let hs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &env.claims(&env.demo, json!(bc_ep)),
        &EncodingKey::from_secret(b"secret"),
    )
    .unwrap();
    check("HS256", hs, false).await;
    check("not a JWT", String::from("abc"), false).await;
    let once = with(&|_| {});
    check("first use", once.clone(), true).await;
    let replay = check("replayed jti", once, false).await;
    insta::assert_json_snapshot!(replay.body, @r#"
    {
      "error": "invalid_client",
      "error_description": "client_assertion jti was already used"
    }
    "#);

    // Wrong assertion type and no assertion at all.
    let answer = env
        .form(
            "/token",
            &[
                ("grant_type", CIBA),
                ("auth_req_id", "x"),
                ("client_assertion_type", "urn:other"),
                ("client_assertion", &env.assertion()),
            ],
        )
        .await;
    assert_eq!(answer.error(), "invalid_client");
    let answer = env
        .form("/token", &[("grant_type", CIBA), ("auth_req_id", "x")])
        .await;
    assert_eq!(answer.error(), "invalid_client");
}

#[tokio::test]
async fn auth_req_id_is_bound_to_its_client() {
    let (other, jwks) = other_signer(11, "other-client").await;
    let env =
        start_with(|c| c.with_client(ClientRegistration::from_jwks_json("other-client", &jwks).unwrap()))
            .await;
    let id = env
        .bc_authorize(&format!("tel:{TARO}"), &format!("{FRAUD} sim-swap"))
        .await
        .body["auth_req_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let claims = env.claims(&other, json!(env.url("/token")));
    let assertion = env.sign(&other, &claims);
    let answer = env
        .form(
            "/token",
            &[
                ("grant_type", CIBA),
                ("auth_req_id", &id),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &assertion),
            ],
        )
        .await;
    assert_eq!(answer.error(), "invalid_grant");
    // The rightful client still gets its token.
    assert_eq!(env.poll(&id).await.status, StatusCode::OK);
}
