//! RFC 6750 (Bearer Token Usage) §3 on the CAMARA endpoints, next to CAMARA's own error bodies:
//! both hold, the status and body from CAMARA, the challenge from RFC 6750.
//!
//! | Section | MUST / SHOULD | Test |
//! | --- | --- | --- |
//! | §3 | a 401 for a protected resource carries `WWW-Authenticate: Bearer` | `challenges_name_the_bearer_scheme` |
//! | §3.1 | no token (or another scheme): no error code in the challenge | `challenges_name_the_bearer_scheme` |
//! | §3.1 | unknown or expired token: `error="invalid_token"`, status 401 | `challenges_name_the_bearer_scheme` |
//! | §3.1 | missing scope: `error="insufficient_scope"`, status 403, `scope` names what is needed | `challenges_name_the_bearer_scheme` |
//! | CAMARA | 401 `UNAUTHENTICATED` whatever the reason, 403 `PERMISSION_DENIED` | `challenges_name_the_bearer_scheme` |

use std::time::Duration;

use serde_json::json;

use crate::support::{Answer, TARO, start_with};

#[tokio::test]
async fn challenges_name_the_bearer_scheme() {
    let env = start_with(|c| c.with_access_token_lifetime(Duration::from_secs(60))).await;
    let path = "/sim-swap/v2/check";
    let body = Some(json!({ "maxAge": 240 }));
    let check = |answer: Answer, status: u16, code: &str, challenge: &str| {
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        assert_eq!(answer.header("www-authenticate"), Some(challenge), "{code}");
    };
    let realm = r#"Bearer realm="netid-sandbox""#;
    let invalid = r#"Bearer realm="netid-sandbox", error="invalid_token""#;
    check(
        env.api(path, None, body.clone()).await,
        401,
        "UNAUTHENTICATED",
        realm,
    );
    let basic = env
        .send(
            env.http
                .post(env.url(path))
                .header("authorization", "Basic ZGVtbzpzZWNyZXQ=")
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
    check(basic, 401, "UNAUTHENTICATED", realm);
    check(
        env.api(path, Some("not-a-token"), body.clone()).await,
        401,
        "UNAUTHENTICATED",
        invalid,
    );
    let kyc = env.access_token(TARO, "kyc-match:match").await;
    check(
        env.api(path, Some(&kyc), body.clone()).await,
        403,
        "PERMISSION_DENIED",
        r#"Bearer realm="netid-sandbox", error="insufficient_scope", scope="sim-swap:check""#,
    );
    let sim = env.access_token(TARO, "sim-swap:check").await;
    let ok = env.api(path, Some(&sim), body.clone()).await;
    assert_eq!(ok.header("www-authenticate"), None);
    env.clock.advance(Duration::from_secs(61));
    check(
        env.api(path, Some(&sim), body).await,
        401,
        "UNAUTHENTICATED",
        invalid,
    );
}
