//! Every way a scripted poll-mode flow ends: tokens, OAuth errors, deadlines, transient failures
//! and ID-token checks, with the times each request is sent.

use super::support::{BC_2S, PENDING, SLOW_DOWN, Step, TOKENS, run};
use crate::provider::{IdTokenPolicy, ProviderConfig};
use crate::testkit;

#[test]
fn every_ciba_outcome() {
    fn check(name: &str, provider: ProviderConfig, steps: Vec<Step>, times: &[u64], outcome: &str) {
        let (got_times, got_outcome) = run(provider, steps);
        assert_eq!(
            (got_times.as_slice(), got_outcome.as_str()),
            (times, outcome),
            "case {name}"
        );
    }
    let optional = || testkit::provider().with_id_token_policy(IdTokenPolicy::Optional);
    let bc = |body| Step::Answer(200, body);

    check(
        "approve on first poll",
        optional(),
        vec![bc(BC_2S), TOKENS],
        &[0, 2_000],
        "ok at-1",
    );
    check(
        "approve on poll 3",
        optional(),
        vec![bc(BC_2S), PENDING, PENDING, TOKENS],
        &[0, 2_000, 4_000, 6_000],
        "ok at-1",
    );
    check(
        "slow_down twice adds 5 s each time, for good",
        optional(),
        vec![bc(BC_2S), SLOW_DOWN, SLOW_DOWN, PENDING, TOKENS],
        &[0, 2_000, 9_000, 21_000, 33_000],
        "ok at-1",
    );
    check(
        "no interval means 5 s",
        optional(),
        vec![bc(r#"{"auth_req_id":"r","expires_in":60}"#), PENDING, TOKENS],
        &[0, 5_000, 10_000],
        "ok at-1",
    );
    check(
        "interval 0 is raised to the 1 s floor",
        optional(),
        vec![
            bc(r#"{"auth_req_id":"r","expires_in":60,"interval":0}"#),
            PENDING,
            TOKENS,
        ],
        &[0, 1_000, 2_000],
        "ok at-1",
    );
    check(
        "denied",
        optional(),
        vec![
            bc(BC_2S),
            PENDING,
            Step::Answer(
                400,
                r#"{"error":"access_denied","error_description":"user said no"}"#,
            ),
        ],
        &[0, 2_000, 4_000],
        "authorization server error: `access_denied` (http 400): user said no",
    );
    check(
        "expired at the provider",
        optional(),
        vec![bc(BC_2S), Step::Answer(400, r#"{"error":"expired_token"}"#)],
        &[0, 2_000],
        "authorization server error: `expired_token` (http 400)",
    );
    check(
        "invalid_grant ends the flow",
        optional(),
        vec![bc(BC_2S), Step::Answer(400, r#"{"error":"invalid_grant"}"#)],
        &[0, 2_000],
        "authorization server error: `invalid_grant` (http 400)",
    );
    check(
        "never polls at or past expires_in",
        optional(),
        vec![
            bc(r#"{"auth_req_id":"r","expires_in":5,"interval":2}"#),
            PENDING,
            PENDING,
        ],
        &[0, 2_000, 4_000],
        "flow ended: authentication request expired before the user answered",
    );
    check(
        "slow_down past the deadline ends the flow at once",
        optional(),
        vec![
            bc(r#"{"auth_req_id":"r","expires_in":8,"interval":2}"#),
            SLOW_DOWN,
        ],
        &[0, 2_000],
        "flow ended: authentication request expired before the user answered",
    );
    check(
        "malformed JSON (the Orange Spain trailing comma)",
        optional(),
        vec![
            bc(BC_2S),
            Step::Answer(
                200,
                "{\n\"access_token\": \"OFR_28Fp\",\n\"token_type\": \"Bearer\",\n\"expires_in\": 119,\n}",
            ),
        ],
        &[0, 2_000],
        "undecodable response: token response (http 200) at `.`: Syntax error at line 5 column 1 (74 bytes)",
    );
    check(
        "missing access_token",
        optional(),
        vec![bc(BC_2S), Step::Answer(200, r#"{"token_type":"Bearer"}"#)],
        &[0, 2_000],
        "undecodable response: token response (http 200) at `.`: Data error at line 1 column 23: missing field `access_token` (23 bytes)",
    );
    check(
        "wrong token_type",
        optional(),
        vec![
            bc(BC_2S),
            Step::Answer(200, r#"{"access_token":"a","token_type":"mac"}"#),
        ],
        &[0, 2_000],
        "undecodable response: token response (http 200) at `token_type`: expected `Bearer` (case-insensitive) (39 bytes)",
    );
    check(
        "5xx then success backs off and retries",
        optional(),
        vec![
            bc(BC_2S),
            Step::Answer(503, "<html>busy</html>"),
            Step::Answer(500, r#"{"error":"server_error"}"#),
            TOKENS,
        ],
        &[0, 2_000, 4_000, 8_000],
        "ok at-1",
    );
    check(
        "retryable transport failure then success",
        optional(),
        vec![bc(BC_2S), Step::Fail(true), TOKENS],
        &[0, 2_000, 4_000],
        "ok at-1",
    );
    check(
        "a non-retryable transport failure ends the flow",
        optional(),
        vec![bc(BC_2S), Step::Fail(false)],
        &[0, 2_000],
        "transport failed: connection reset",
    );
    check(
        "transient failures are bounded",
        optional(),
        vec![
            bc(BC_2S),
            Step::Answer(502, ""),
            Step::Answer(502, ""),
            Step::Answer(502, ""),
            Step::Answer(502, ""),
        ],
        &[0, 2_000, 4_000, 8_000, 16_000],
        "flow ended: gave up after 4 consecutive transient failures",
    );
    check(
        "429 slows down",
        optional(),
        vec![bc(BC_2S), Step::Answer(429, ""), TOKENS],
        &[0, 2_000, 9_000],
        "ok at-1",
    );
    check(
        "the backchannel request is never retried",
        optional(),
        vec![Step::Fail(true)],
        &[0],
        "transport failed: connection reset",
    );
    check(
        "unknown subscriber",
        optional(),
        vec![Step::Answer(400, r#"{"error":"unknown_user_id"}"#)],
        &[0],
        "authorization server error: `unknown_user_id` (http 400)",
    );
    check(
        "opted-out subscriber (Orange: 403 access_denied)",
        optional(),
        vec![Step::Answer(403, r#"{"error":"access_denied"}"#)],
        &[0],
        "authorization server error: `access_denied` (http 403)",
    );
    check(
        "bad client assertion",
        optional(),
        vec![Step::Answer(
            401,
            r#"{"error":"invalid_client","error_description":"invalid assertion"}"#,
        )],
        &[0],
        "authorization server error: `invalid_client` (http 401): invalid assertion",
    );
    check(
        "backchannel 503 without a body",
        optional(),
        vec![Step::Answer(503, "")],
        &[0],
        "flow ended: unexpected http status 503 from the backchannel authentication endpoint",
    );
    check(
        "backchannel answer without expires_in",
        optional(),
        vec![bc(r#"{"auth_req_id":"r"}"#)],
        &[0],
        "undecodable response: backchannel authentication response (http 200) at `.`: Data error at line 1 column 19: missing field `expires_in` (19 bytes)",
    );
    check(
        "html error page",
        optional(),
        vec![Step::Answer(404, "<html>not found</html>")],
        &[0],
        "undecodable response: oauth error response (http 404) at `.`: expected a JSON body with an `error` member (22 bytes)",
    );
    check(
        "unknown error code is kept",
        optional(),
        vec![bc(BC_2S), Step::Answer(400, r#"{"error":"quota_exceeded"}"#)],
        &[0, 2_000],
        "authorization server error: `quota_exceeded` (http 400)",
    );
    check(
        "id token required but absent",
        testkit::provider(),
        vec![bc(BC_2S), TOKENS],
        &[0, 2_000],
        "invalid id token: token response has no id_token and the provider profile requires one",
    );
    check(
        "id token with the matching auth_req_id",
        testkit::provider(),
        vec![
            bc(BC_2S),
            Step::IdToken(serde_json::json!({"urn:openid:params:jwt:claim:auth_req_id": "req-1"})),
        ],
        &[0, 2_000],
        "ok at-id",
    );
    check(
        "id token for another auth_req_id",
        testkit::provider(),
        vec![
            bc(BC_2S),
            Step::IdToken(serde_json::json!({"urn:openid:params:jwt:claim:auth_req_id": "req-2"})),
        ],
        &[0, 2_000],
        "invalid id token: auth_req_id claim does not match the authentication request",
    );
}
