use proptest::prelude::*;

use super::*;

fn response(status: u16, body: &[u8]) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::copy_from_slice(body))
        .unwrap()
}

/// Found by the `ciba_discovery` fuzz target: a JWKS followed by more bytes (`{"keys":[…]}"n"`)
/// was accepted, and so was any JSON answer with trailing data.
#[test]
fn fuzz_regression_trailing_data_after_json_is_refused() {
    let jwks = include_str!("../../tests/fixtures/keys/op-jwks.json");
    for trailing in ["\"n\"", "{}", "x", "]"] {
        let body = format!("{jwks}{trailing}");
        let error = crate::provider::Jwks::from_json(body.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("Syntax error"), "{trailing}: {error}");
        let token = format!(r#"{{"access_token":"a","token_type":"Bearer"}}{trailing}"#);
        let decoded: Result<RawTokenResponse, _> =
            decode_json("token response", 200, &Bytes::from(token.into_bytes()));
        assert!(
            decoded.is_err(),
            "{trailing}: token response with trailing data accepted"
        );
    }
    assert!(crate::provider::Jwks::from_json(format!("{jwks} \n\t").as_bytes()).is_ok());
    // Invalid UTF-8 in a member serde ignores: not JSON either.
    let mut body = br#"{"access_token":"a","token_type":"Bearer","x":""#.to_vec();
    body.extend_from_slice(b"\xff\"}");
    let decoded: Result<RawTokenResponse, _> = decode_json("token response", 200, &Bytes::from(body));
    let Err(error) = decoded else {
        panic!("invalid UTF-8 accepted");
    };
    assert!(error.to_string().contains("not UTF-8"), "{error}");
}

#[test]
fn decode_errors_never_print_the_body() {
    let body = br#"{"access_token": 42, "token_type": "Bearer", "secret": "s3cr3t-token"}"#;
    let err = classify::<RawTokenResponse>("token response", &response(200, body)).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"undecodable response: token response (http 200) at `access_token`: Data error at line 1 column 19: invalid type: integer `42`, expected a string (70 bytes)");
    let Error::Decode(decode) = err else {
        panic!("expected a decode error")
    };
    assert_eq!(decode.body().as_ref(), body);
    insta::assert_snapshot!(format!("{decode:?}"), @r#"DecodeError { what: "token response", status: 200, path: "access_token", reason: "Data error at line 1 column 19: invalid type: integer `42`, expected a string", body_len: 70 }"#);

    let quoted = br#"{"access_token": "tok", "token_type": "Bearer", "expires_in": "s3cr3t"}"#;
    let err = classify::<RawTokenResponse>("token response", &response(200, quoted)).unwrap_err();
    assert!(!err.to_string().contains("s3cr3t"), "{err}");
}

#[test]
fn token_response_debug_is_redacted() {
    let raw: RawTokenResponse = serde_json::from_str(
        r#"{"access_token":"at-secret","token_type":"Bearer","refresh_token":"rt-secret","id_token":"id-secret"}"#,
    )
    .unwrap();
    insta::assert_snapshot!(format!("{raw:?}"), @r#"RawTokenResponse { access_token: "[redacted]", token_type: "Bearer", expires_in: None, refresh_token: Some("[redacted]"), id_token: Some("[redacted]"), scope: None }"#);
}

#[test]
fn error_codes_round_trip() {
    for code in [
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "unknown_user_id",
        "invalid_request_object",
        "access_denied",
        "authorization_pending",
        "slow_down",
        "expired_token",
        "expired_login_hint_token",
        "missing_user_code",
        "invalid_user_code",
        "invalid_binding_message",
        "transaction_failed",
        "login_required",
        "interaction_required",
        "consent_required",
        "account_selection_required",
        "unsupported_response_type",
        "request_not_supported",
        "request_uri_not_supported",
        "invalid_request_uri",
        "registration_not_supported",
        "server_error",
        "temporarily_unavailable",
        "invalid_dpop_proof",
        "vendor_specific",
    ] {
        let parsed = OAuthErrorCode::from_wire(code);
        assert_eq!(parsed.as_str(), code);
        assert_eq!(
            matches!(parsed, OAuthErrorCode::Other(_)),
            code == "vendor_specific",
            "{code}"
        );
    }
}

proptest! {
    /// Any status and body give a classified answer or a typed decoding error that keeps the status.
    #[test]
    fn any_answer_is_classified(status in 100_u16..600, body in proptest::collection::vec(any::<u8>(), 0..256)) {
        match classify::<RawTokenResponse>("token response", &response(status, &body)) {
            Ok(Answer::Success(_)) => prop_assert!(status == 200 || status == 201),
            Ok(Answer::OAuth(error)) => prop_assert_eq!(error.status, status),
            Ok(Answer::Transient { status: got, .. }) => prop_assert!(got == 429 || got >= 500),
            Err(Error::Decode(error)) => {
                prop_assert_eq!(error.status, status);
                prop_assert_eq!(error.body().as_ref(), body.as_slice());
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    /// Well-formed OAuth error bodies keep their code and description.
    #[test]
    fn error_bodies_decode(code in "[a-z_]{1,30}", description in "[ -~]{0,40}") {
        let body = serde_json::json!({"error": code, "error_description": description}).to_string();
        match classify::<RawTokenResponse>("token response", &response(400, body.as_bytes())) {
            Ok(Answer::OAuth(error)) => {
                prop_assert_eq!(error.code.as_str(), code.as_str());
                prop_assert_eq!(error.description.as_deref(), Some(description.as_str()));
            }
            other => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}
