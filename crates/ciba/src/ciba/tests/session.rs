//! The session's life cycle: final errors, misuse, the interval, progress, cancellation and a
//! redacted Debug.

use std::time::Duration;

use super::support::{BC_2S, at_plus, request};
use crate::ciba::CibaSession;
use crate::error::{Error, FlowError, OAuthErrorCode, TransportFailure, UsageError};
use crate::provider::IdTokenPolicy;
use crate::testkit::{self, answer, entropy, t0};

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
