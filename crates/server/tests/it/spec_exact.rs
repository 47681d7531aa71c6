//! Issue 11: each spec version's own rules on negative paths — the `x-correlator` pattern only
//! where the version's file declares it, a required request body, the JSON media type, and the
//! `PhoneNumber` pattern on CAMARA paths (operator paths keep their documented leniency).

use netid_server::Fault;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{Answer, Env, MARIA, PETER, TARO, start};

/// Not CAMARA's pattern (a space), but a valid header value.
const LOOSE_CORRELATOR: &str = "order 42";
/// Every version's pattern accepts it.
const UUID: &str = "b4333c46-49c0-4f62-80d7-f0ef930f1c46";

impl Env {
    /// `POST path` with the bearer `token`, the raw `body`, `content_type` when given and a UUID
    /// correlator.
    async fn post_raw(
        &self,
        path: &str,
        token: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        self.post_correlated(path, token, UUID, content_type, body).await
    }

    /// [`Env::post_raw`] with the correlator `correlator`.
    async fn post_correlated(
        &self,
        path: &str,
        token: &str,
        correlator: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let mut request = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header("x-correlator", correlator)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        self.send(request).await
    }
}

#[tokio::test]
async fn the_correlator_pattern_applies_where_the_version_declares_it() {
    let env = start().await;
    let kyc = env.access_token(TARO, "kyc-match:match").await;
    let sim = env
        .access_token(TARO, "sim-swap:check sim-swap:retrieve-date")
        .await;
    let nv = env.access_token(TARO, "number-verification:verify").await;
    let kyc_body = r#"{"givenName":"Taro"}"#;
    // (path, token, body, pattern declared by the version served there)
    let cases = [
        ("/kyc-match/v0.2/match", &kyc, kyc_body, false),
        ("/camara/ofr/kyc-match/v0.2/match", &kyc, kyc_body, false),
        ("/kyc-match/v0.4/match", &kyc, kyc_body, true),
        ("/sim-swap/v1/check", &sim, "{}", false),
        ("/camara/oes/sim-swap/v1/retrieve-date", &sim, "{}", false),
        ("/sim-swap/v2/check", &sim, "{}", true),
        // 2.0.0 and 2.1.0 share the path, which follows the newest version.
        (
            "/number-verification/v2/verify",
            &nv,
            r#"{"phoneNumber":"+819012345678"}"#,
            true,
        ),
    ];
    for (path, token, body, constrained) in cases {
        let answer = env
            .post_correlated(path, token, LOOSE_CORRELATOR, Some("application/json"), body)
            .await;
        if constrained {
            assert_eq!(
                (answer.status, answer.code()),
                (StatusCode::BAD_REQUEST, "INVALID_ARGUMENT"),
                "{path}: {}",
                answer.body
            );
            assert_eq!(answer.header("x-correlator"), None, "{path}");
        } else {
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            assert_eq!(answer.header("x-correlator"), Some(LOOSE_CORRELATOR), "{path}");
        }
    }
}

#[tokio::test]
async fn a_required_body_must_be_sent() {
    let env = start().await;
    let kyc = env.access_token(TARO, "kyc-match:match").await;
    let sim = env
        .access_token(TARO, "sim-swap:check sim-swap:retrieve-date")
        .await;
    let nv = env.access_token(TARO, "number-verification:verify").await;
    // Every POST operation of every served version declares `requestBody.required: true`; an
    // empty JSON object is a body (SIM Swap answers it from the token).
    let cases = [
        ("/kyc-match/v0.2/match", &kyc),
        ("/kyc-match/v0.4/match", &kyc),
        ("/number-verification/v2/verify", &nv),
        ("/sim-swap/v1/check", &sim),
        ("/sim-swap/v2/check", &sim),
        ("/sim-swap/v2/retrieve-date", &sim),
    ];
    for (path, token) in cases {
        let answer = env.post_raw(path, token, None, "").await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (400, "INVALID_ARGUMENT"),
            "{path}: {}",
            answer.body
        );
    }
    let empty_object = env
        .post_raw("/sim-swap/v2/retrieve-date", &sim, Some("application/json"), "{}")
        .await;
    assert_eq!(empty_object.status, StatusCode::OK, "{}", empty_object.body);
}

#[tokio::test]
async fn only_json_in_utf_8_is_accepted() {
    let env = start().await;
    let sim = env.access_token(TARO, "sim-swap:check").await;
    let check = |answer: Answer, status: u16, code: &str, content_type: &str| {
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{content_type}: {}",
            answer.body
        );
        if !code.is_empty() {
            assert_eq!(answer.body["status"], status, "{content_type}");
        }
    };
    for content_type in [
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        "application/json;charset=\"UTF-8\"",
    ] {
        let answer = env
            .post_raw(
                "/sim-swap/v2/check",
                &sim,
                Some(content_type),
                r#"{"maxAge":240}"#,
            )
            .await;
        check(answer, 200, "", content_type);
    }
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=iso-8859-1",
        "application/json; boundary=x",
        "application/jsonx",
    ] {
        let answer = env
            .post_raw(
                "/sim-swap/v2/check",
                &sim,
                Some(content_type),
                r#"{"maxAge":240}"#,
            )
            .await;
        check(answer, 415, "UNSUPPORTED_MEDIA_TYPE", content_type);
    }
}

#[tokio::test]
async fn camara_paths_follow_the_phone_number_pattern_operator_paths_their_page() {
    let env = start().await;
    let two_legged = env.two_legged_token("sim-swap:check kyc-match:match").await;
    let bare = &MARIA[1..];
    let sim_body = json!({ "phoneNumber": bare, "maxAge": 240 }).to_string();
    // SIM Swap 1.0.0's `PhoneNumber` is `^\+[1-9][0-9]{4,14}$`; Orange Spain's page documents the
    // number "optionally prefixed with '+'".
    let camara = env
        .post_raw(
            "/sim-swap/v1/check",
            &two_legged,
            Some("application/json"),
            sim_body.clone(),
        )
        .await;
    assert_eq!(
        (camara.status, camara.code()),
        (StatusCode::BAD_REQUEST, "INVALID_ARGUMENT"),
        "{}",
        camara.body
    );
    let operator = env
        .post_raw(
            "/camara/oes/sim-swap/v1/check",
            &two_legged,
            Some("application/json"),
            sim_body,
        )
        .await;
    assert_eq!(operator.status, StatusCode::OK, "{}", operator.body);
    // KYC Match 0.2.1's file gives `phoneNumber` no pattern: its CAMARA path takes the bare
    // number too (`kyc_match_v0_4_and_errors` sends one).
    let kyc_body = json!({ "phoneNumber": &PETER[1..], "givenName": "Peter" }).to_string();
    for path in ["/kyc-match/v0.2/match", "/camara/ofr/kyc-match/v0.2/match"] {
        let answer = env
            .post_raw(path, &two_legged, Some("application/json"), kyc_body.clone())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }
}

/// A fault answers with the correlator the handler of that path would echo; a correlator the
/// path's version refuses gets the version's 400, and the fault waits for the next request.
#[tokio::test]
async fn faults_echo_the_correlator_as_the_served_version_reads_it() {
    let env = start().await;
    let kyc = env.access_token(TARO, "kyc-match:match").await;
    let sim = env
        .access_token(TARO, "sim-swap:check sim-swap:retrieve-date")
        .await;
    let nv = env.access_token(TARO, "number-verification:verify").await;
    let kyc_body = r#"{"givenName":"Taro"}"#;
    // (path, token, body, pattern declared by the version served there)
    let cases = [
        ("/kyc-match/v0.2/match", &kyc, kyc_body, false),
        ("/camara/ofr/kyc-match/v0.2/match", &kyc, kyc_body, false),
        ("/kyc-match/v0.4/match", &kyc, kyc_body, true),
        ("/sim-swap/v1/check", &sim, "{}", false),
        ("/camara/oes/sim-swap/v1/retrieve-date", &sim, "{}", false),
        ("/sim-swap/v2/check", &sim, "{}", true),
        (
            "/number-verification/v2/verify",
            &nv,
            r#"{"phoneNumber":"+819012345678"}"#,
            true,
        ),
    ];
    for (path, token, body, constrained) in cases {
        // What the path answers without a fault (Number Verification refuses TARO's CIBA token).
        let baseline = env.post_raw(path, token, Some("application/json"), body).await;
        assert_ne!(baseline.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        env.server.inject_fault(path, Fault::status(503).times(1));
        let loose = env
            .post_correlated(path, token, LOOSE_CORRELATOR, Some("application/json"), body)
            .await;
        if constrained {
            assert_eq!(
                (loose.status, loose.code()),
                (StatusCode::BAD_REQUEST, "INVALID_ARGUMENT"),
                "{path}: {}",
                loose.body
            );
            assert_eq!(loose.header("x-correlator"), None, "{path}");
            // The fault was not used up by the refused request.
            let valid = env.post_raw(path, token, Some("application/json"), body).await;
            assert_eq!(
                (valid.status, valid.code()),
                (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE"),
                "{path}: {}",
                valid.body
            );
            assert_eq!(valid.header("x-correlator"), Some(UUID), "{path}");
        } else {
            assert_eq!(
                (loose.status, loose.code()),
                (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE"),
                "{path}: {}",
                loose.body
            );
            assert_eq!(loose.header("x-correlator"), Some(LOOSE_CORRELATOR), "{path}");
        }
        // Used once either way: the path answers as without a fault again.
        let after = env.post_raw(path, token, Some("application/json"), body).await;
        assert_eq!(after.status, baseline.status, "{path}: {}", after.body);
    }
}
