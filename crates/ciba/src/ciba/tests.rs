use std::sync::Arc;
use std::time::{Duration, SystemTime};

use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};

use super::*;
use crate::provider::{CibaProvider, IdTokenPolicy, Jwks, ProviderConfig};
use crate::testkit::{self, answer, entropy, t0};

/// One scripted answer to the next request.
enum Step {
    Answer(u16, &'static str),
    /// A transport failure; the flag says whether it is retryable.
    Fail(bool),
    /// A 200 token response carrying an ID token built from the standard claims plus these.
    IdToken(serde_json::Value),
}

const PENDING: Step = Step::Answer(400, r#"{"error":"authorization_pending"}"#);
const SLOW_DOWN: Step = Step::Answer(400, r#"{"error":"slow_down"}"#);
const TOKENS: Step = Step::Answer(
    200,
    r#"{"access_token":"at-1","token_type":"Bearer","expires_in":120}"#,
);

fn request() -> BackchannelRequest {
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::KycMatchMatch)
        .build();
    BackchannelRequest::new(scope, "tel:+33699901040".parse::<LoginHint>().unwrap())
}

fn ms(since: SystemTime) -> u64 {
    u64::try_from(since.duration_since(t0()).unwrap().as_millis()).unwrap()
}

/// Runs a session like the driver does, answering each request with the next step at the time it
/// is sent. Returns the request times (ms after t0) and the outcome (`ok <token>` or the error's
/// Display).
fn run(provider: ProviderConfig, steps: Vec<Step>) -> (Vec<u64>, String) {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(provider), request());
    let mut steps = steps.into_iter();
    let mut now = t0();
    let mut times = Vec::new();
    for round in 0..100_u8 {
        if let Some(outcome) = session.poll_outcome() {
            let outcome = match outcome {
                Ok(tokens) => format!("ok {}", tokens.access_token.expose_secret()),
                Err(err) => err.to_string(),
            };
            return (times, outcome);
        }
        match session.poll_request(now, entropy(round)) {
            Ok(Some(_)) => {
                times.push(ms(now));
                let step = steps.next().expect("script too short");
                let _ = match step {
                    Step::Answer(status, body) => session.handle_response(now, answer(status, body)),
                    Step::Fail(retryable) => session
                        .handle_transport_error(now, TransportFailure::new("connection reset", retryable)),
                    Step::IdToken(extra) => {
                        let mut claims = testkit::id_claims(now);
                        for (name, value) in extra.as_object().unwrap() {
                            claims[name] = value.clone();
                        }
                        let id_token = testkit::mint(&claims);
                        let body = serde_json::json!({
                            "access_token": "at-id", "token_type": "bearer", "expires_in": 60, "id_token": id_token
                        });
                        session.handle_response(now, answer(200, &body.to_string()))
                    }
                };
            }
            Ok(None) => now = session.poll_timeout().expect("waiting without a timeout"),
            Err(_) => {}
        }
    }
    panic!("session did not finish");
}

const BC_2S: &str = r#"{"auth_req_id":"req-1","expires_in":120,"interval":2}"#;

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

#[test]
fn errors_are_final_and_repeat() {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
    session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    let err = session
        .handle_response(t0(), answer(400, r#"{"error":"unknown_user_id"}"#))
        .unwrap_err();
    assert_eq!(session.poll_request(t0(), entropy(2)).unwrap_err(), err);
    assert_eq!(session.handle_response(t0(), answer(200, "{}")).unwrap_err(), err);
    assert_eq!(
        session.poll_outcome().map(|outcome| outcome.err()),
        Some(Some(err))
    );
    assert!(session.is_finished());
}

#[test]
fn misuse_is_a_typed_error() {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
    let err = session.handle_response(t0(), answer(200, "{}")).unwrap_err();
    assert_eq!(
        err,
        Error::Usage(UsageError::SessionState(
            "handle_response without a request in flight"
        ))
    );
}

#[test]
fn no_poll_before_the_interval() {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
    session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    let just_before = t0() + Duration::from_millis(1_999);
    assert!(session.poll_request(just_before, entropy(2)).unwrap().is_none());
    assert!(
        session
            .poll_request(t0() + Duration::from_secs(2), entropy(3))
            .unwrap()
            .is_some()
    );
    // While a poll is in flight nothing else is sent.
    assert!(
        session
            .poll_request(t0() + Duration::from_secs(60), entropy(4))
            .unwrap()
            .is_none()
    );
}

#[test]
fn progress_reports_polls_interval_and_deadline() {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
    session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    session
        .poll_request(t0() + Duration::from_secs(2), entropy(2))
        .unwrap()
        .unwrap();
    session
        .handle_response(
            t0() + Duration::from_secs(2),
            answer(400, r#"{"error":"slow_down"}"#),
        )
        .unwrap();
    let progress = session.progress();
    assert_eq!(progress.polls, 1);
    assert_eq!(progress.interval, Some(Duration::from_secs(7)));
    assert_eq!(progress.next_poll_at, Some(t0() + Duration::from_secs(9)));
    assert_eq!(progress.deadline, Some(t0() + Duration::from_secs(120)));
    session.cancel();
    assert_eq!(
        session.poll_outcome().unwrap().unwrap_err(),
        Error::Flow(FlowError::Cancelled)
    );
}

#[test]
fn a_provider_missing_what_ciba_needs_is_refused_before_any_session() {
    // What used to fail at the first request (no endpoint) or after the user's approval (no keys
    // for a required ID token) now fails when the CibaProvider is built.
    let keys = || Jwks::from_json(testkit::OP_JWKS.as_bytes()).unwrap();
    let bare = || ProviderConfig::new("https://op.example", "https://op.example/token").unwrap();
    let no_endpoint = "a backchannel authentication endpoint";
    let no_keys = "the jwks to check the required id tokens (load it, or make id tokens optional)";
    let check = |built: Result<CibaProvider, Error>, expected: Option<&'static str>| {
        let outcome = built.map(|provider| provider.backchannel_endpoint().to_string());
        match expected {
            None => assert_eq!(outcome, Ok("https://op.example/bc-authorize".to_owned())),
            Some(what) => assert_eq!(outcome, Err(Error::Usage(UsageError::MissingProviderValue(what)))),
        }
    };
    let bc = "https://op.example/bc-authorize";
    check(
        CibaProvider::from_discovered(bare().with_jwks(keys())),
        Some(no_endpoint),
    );
    check(CibaProvider::new(bare(), bc), Some(no_keys));
    // A JWKS URI is not keys: the session cannot fetch them, so it must be done before.
    let uri_only = bare().with_jwks_uri("https://op.example/jwks").unwrap();
    check(CibaProvider::new(uri_only, bc), Some(no_keys));
    check(CibaProvider::new(bare().with_jwks(keys()), bc), None);
    check(
        CibaProvider::new(bare().with_id_token_policy(IdTokenPolicy::Optional), bc),
        None,
    );
    check(CibaProvider::new(bare().insecure_ignore_id_token(), bc), None);
    let plain_http = CibaProvider::new(bare().with_jwks(keys()), "http://op.example/bc");
    assert!(
        matches!(plain_http, Err(Error::Usage(UsageError::InvalidUrl { .. }))),
        "{plain_http:?}"
    );
}

#[test]
fn each_request_has_a_fresh_jti() {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
    let first = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    let second = session
        .poll_request(t0() + Duration::from_secs(2), entropy(2))
        .unwrap()
        .unwrap();
    let jti = |request: &http::Request<Bytes>| {
        testkit::jws_part(&testkit::form(request)["client_assertion"], 1)["jti"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_ne!(jti(&first), jti(&second));
}

fn snapshot_requests(request: BackchannelRequest) -> String {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request);
    let bc = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    let poll = session
        .poll_request(t0() + Duration::from_secs(2), entropy(2))
        .unwrap()
        .unwrap();
    format!("{}\n{}", testkit::render(&bc), testkit::render(&poll))
}

#[test]
fn form_bodies() {
    insta::assert_snapshot!("plain", snapshot_requests(request()));
    let full = request()
        .with_binding_message("netid 4711")
        .unwrap()
        .with_requested_expiry(Duration::from_secs(90))
        .unwrap()
        .with_acr_values(vec!["urn:acr:level2".to_owned()]);
    insta::assert_snapshot!("optional_parameters", snapshot_requests(full.clone()));
    insta::assert_snapshot!("signed_request", snapshot_requests(full.signed()));
}

#[test]
fn orange_france_bare_msisdn_hint() {
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::KycMatchMatch)
        .build();
    // The page's login hint, parsed as a login hint: bare digits there are the operator's MSISDN
    // form (country code first), which `LoginHint` keeps as written.
    let hint: LoginHint = "336666666".parse().unwrap();
    assert!(matches!(hint, LoginHint::Msisdn(_)));
    let mut session = CibaSession::new(
        testkit::client(),
        testkit::ciba(testkit::provider()),
        BackchannelRequest::new(scope, hint),
    );
    let bc = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    let form = testkit::form(&bc);
    assert_eq!(form["login_hint"], "336666666");
    assert_eq!(
        form["scope"],
        "openid dpv:FraudPreventionAndDetection kyc-match:match"
    );
}

#[test]
fn debug_is_redacted() {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
    session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    let text = format!(
        "{session:?} {:?} {:?}",
        session.auth_req_id(),
        request().with_binding_message("secret words")
    );
    assert!(
        !text.contains("req-1") && !text.contains("secret words") && !text.contains("699901040"),
        "{text}"
    );
}

/// The token response printed on the Orange France KYC Match page (operator doc 000): its
/// `id_token` is an opaque string, not a JWT.
const ORANGE_FRANCE_BC: &str =
    include_str!("../../../../tests/fixtures/orange-france/ciba/bc-authorize.200.json");
const ORANGE_FRANCE_TOKEN: &str =
    include_str!("../../../../tests/fixtures/orange-france/ciba/token.200.json");

#[test]
fn orange_france_opaque_id_token_needs_the_insecure_opt_out() {
    let check = |provider: ProviderConfig| -> Result<TokenSet, Error> {
        let mut session = CibaSession::new(testkit::client(), testkit::ciba(provider), request());
        session.poll_request(t0(), entropy(1)).unwrap().unwrap();
        session
            .handle_response(t0(), answer(200, ORANGE_FRANCE_BC))
            .unwrap();
        let at = t0() + Duration::from_secs(2);
        session.poll_request(at, entropy(2)).unwrap().unwrap();
        let _ = session.handle_response(at, answer(200, ORANGE_FRANCE_TOKEN));
        session.poll_outcome().unwrap()
    };
    // Strict by default: the opaque value cannot be verified, so the flow fails.
    for strict in [
        testkit::provider(),
        testkit::provider().with_id_token_policy(IdTokenPolicy::Optional),
    ] {
        let err = check(strict).map(|_| ()).unwrap_err();
        assert!(
            matches!(err, Error::IdToken(crate::error::IdTokenError::Malformed(_))),
            "{err:?}"
        );
    }
    // The loudly named opt-out drops it and keeps the access and refresh tokens.
    let tokens = check(testkit::provider().insecure_ignore_id_token()).unwrap();
    assert!(tokens.id_token.is_none());
    assert!(tokens.access_token.expose_secret().starts_with("OFR_28Fp"));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(tokens.expires_at, Some(at_plus(2 + 120)));
}

fn at_plus(seconds: u64) -> SystemTime {
    t0() + Duration::from_secs(seconds)
}

#[test]
fn misuse_after_success_keeps_the_tokens() {
    let mut session = CibaSession::new(
        testkit::client(),
        testkit::ciba(testkit::provider().with_id_token_policy(IdTokenPolicy::Optional)),
        request(),
    );
    session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    let at = at_plus(2);
    session.poll_request(at, entropy(2)).unwrap().unwrap();
    let tokens = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":120}"#;
    session.handle_response(at, answer(200, tokens)).unwrap();
    let misuse = Error::Usage(UsageError::SessionState(
        "handle_response without a request in flight",
    ));
    assert_eq!(
        session.handle_response(at, answer(200, "{}")).unwrap_err(),
        misuse
    );
    assert!(
        session
            .handle_transport_error(at, TransportFailure::new("reset", true))
            .is_err()
    );
    assert!(session.is_finished());
    let tokens = session.poll_outcome().unwrap().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at-1");
}

/// A provider built from a discovery document with these CIBA and client-auth fields, and its
/// JWKS fetched (as the driver's `discover` does).
fn discovered(fields: serde_json::Value) -> ProviderConfig {
    let mut document = serde_json::json!({
        "issuer": testkit::ISSUER,
        "authorization_endpoint": "https://op.example/authorize",
        "token_endpoint": "https://op.example/token",
        "jwks_uri": "https://op.example/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "backchannel_authentication_endpoint": "https://op.example/bc-authorize"
    });
    for (name, value) in fields.as_object().unwrap() {
        document[name] = value.clone();
    }
    ProviderConfig::from_discovery_response(testkit::ISSUER, &answer(200, &document.to_string()))
        .unwrap()
        .with_jwks(Jwks::from_json(testkit::OP_JWKS.as_bytes()).unwrap())
}

#[test]
fn discovered_metadata_is_enforced() {
    use serde_json::json;

    // The test client signs ES256.
    let check = |provider: ProviderConfig, signed: bool| -> String {
        let request = if signed { request().signed() } else { request() };
        let mut session = CibaSession::new(testkit::client(), testkit::ciba(provider), request);
        match session.poll_request(t0(), entropy(1)) {
            Ok(Some(_)) => "sent".to_owned(),
            Ok(None) => "nothing".to_owned(),
            Err(err) => err.to_string(),
        }
    };
    let cases = [
        (
            "explicit endpoints: nothing announced, nothing refused",
            testkit::provider(),
            true,
            "sent",
        ),
        (
            "discovery without the fields",
            discovered(json!({})),
            true,
            "sent",
        ),
        (
            "poll announced, algorithms listed",
            discovered(json!({
                "backchannel_token_delivery_modes_supported": ["ping", "poll"],
                "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
                "backchannel_authentication_request_signing_alg_values_supported": ["ES256"]
            })),
            true,
            "sent",
        ),
        (
            "ping and push only",
            discovered(json!({"backchannel_token_delivery_modes_supported": ["ping", "push"]})),
            false,
            "invalid use: `poll` is not among the provider's backchannel_token_delivery_modes_supported",
        ),
        (
            "client assertion algorithm not listed",
            discovered(json!({"token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256"]})),
            false,
            "invalid use: `ES256` is not among the provider's token_endpoint_auth_signing_alg_values_supported",
        ),
        (
            "request object algorithm not listed",
            discovered(json!({"backchannel_authentication_request_signing_alg_values_supported": ["PS256"]})),
            true,
            "invalid use: `ES256` is not among the provider's backchannel_authentication_request_signing_alg_values_supported",
        ),
        (
            "request object list ignored for an unsigned request",
            discovered(json!({"backchannel_authentication_request_signing_alg_values_supported": ["PS256"]})),
            false,
            "sent",
        ),
    ];
    for (name, provider, signed, expected) in cases {
        assert_eq!(check(provider, signed), expected, "case {name}");
    }
}

#[test]
fn backchannel_errors_end_the_session_with_their_code() {
    fn check(status: u16, code: &str, expected: OAuthErrorCode) {
        let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
        session.poll_request(t0(), entropy(1)).unwrap().unwrap();
        let body = format!(r#"{{"error":"{code}","error_description":"refused"}}"#);
        let expected = Error::OAuth(crate::error::OAuthError {
            status,
            code: expected,
            description: Some("refused".to_owned()),
            uri: None,
        });
        let err = session.handle_response(t0(), answer(status, &body)).unwrap_err();
        assert_eq!(err, expected, "{code}: handle_response");
        assert!(session.is_finished(), "{code}: finished");
        assert_eq!(session.poll_timeout(), None, "{code}: nothing to wait for");
        // Final: no retry of the backchannel request and no token poll, ever.
        let later = t0() + Duration::from_secs(60);
        assert_eq!(
            session.poll_request(later, entropy(2)).unwrap_err(),
            expected,
            "{code}: poll_request"
        );
        assert_eq!(
            session.poll_outcome().map(|outcome| outcome.map(|_| ())),
            Some(Err(expected)),
            "{code}: poll_outcome"
        );
    }
    check(400, "invalid_request", OAuthErrorCode::InvalidRequest);
    check(400, "invalid_scope", OAuthErrorCode::InvalidScope);
    check(400, "unauthorized_client", OAuthErrorCode::UnauthorizedClient);
    check(400, "unknown_user_id", OAuthErrorCode::UnknownUserId);
    check(401, "invalid_client", OAuthErrorCode::InvalidClient);
    check(
        400,
        "invalid_request_object",
        OAuthErrorCode::InvalidRequestObject,
    );
    check(400, "request_not_supported", OAuthErrorCode::RequestNotSupported);
    check(
        400,
        "request_uri_not_supported",
        OAuthErrorCode::RequestUriNotSupported,
    );
    check(400, "invalid_request_uri", OAuthErrorCode::InvalidRequestUri);
    check(
        400,
        "registration_not_supported",
        OAuthErrorCode::RegistrationNotSupported,
    );
    check(
        400,
        "unsupported_response_type",
        OAuthErrorCode::UnsupportedResponseType,
    );
    check(
        400,
        "account_selection_required",
        OAuthErrorCode::AccountSelectionRequired,
    );
    check(403, "access_denied", OAuthErrorCode::AccessDenied);
}

/// CIBA Core §7.1.1: the request object carries `iss`, `aud` = the OP's issuer identifier, `exp`,
/// `iat`, `nbf` and `jti`, whatever `aud` policy the client assertions follow.
#[test]
fn signed_request_object_is_addressed_to_the_issuer() {
    use crate::client::{AssertionAudience, ClientConfig};

    let audiences = [
        AssertionAudience::Endpoint,
        AssertionAudience::Issuer,
        AssertionAudience::TokenEndpoint,
        AssertionAudience::Fixed("urn:operator:aud".to_owned()),
    ];
    for audience in audiences {
        let client = Arc::new(
            ClientConfig::new(testkit::CLIENT_ID, Arc::new(testkit::FakeSigner))
                .with_assertion_audience(audience.clone()),
        );
        let mut session = CibaSession::new(client, testkit::ciba(testkit::provider()), request().signed());
        let bc = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
        let form = testkit::form(&bc);
        let claims = testkit::jws_part(&form["request"], 1);
        let iat = t0().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(claims["iss"], testkit::CLIENT_ID, "{audience:?}");
        assert_eq!(claims["aud"], testkit::ISSUER, "{audience:?}");
        assert_eq!(claims["iat"], iat, "{audience:?}");
        assert_eq!(claims["nbf"], iat, "{audience:?}");
        assert_eq!(claims["exp"], iat + 60, "{audience:?}");
        let jti = claims["jti"].as_str().unwrap();
        assert_eq!(jti.len(), 32, "{audience:?}: 128 random bits, hex");
        // The request object and the client assertion have distinct `jti`s.
        let assertion = testkit::jws_part(&form["client_assertion"], 1);
        assert_ne!(assertion["jti"].as_str().unwrap(), jti, "{audience:?}");
        // Parameters travel only inside the signed object.
        assert!(
            !form.contains_key("scope") && !form.contains_key("login_hint"),
            "{audience:?}"
        );
    }
}
