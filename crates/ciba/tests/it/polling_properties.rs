//! For any scripted sequence of token responses, the driver never polls before the interval in
//! force, never at or after the deadline, and ends with a typed outcome.
//!
//! The sequences mix the answers that keep a flow going (`authorization_pending`, `slow_down`), the
//! transient ones (429, 500, 503 with and without `slow_down`, a timeout), and the final ones
//! (tokens, `access_denied`, `expired_token`, `invalid_grant`, a malformed body, a refused redirect).

use std::time::Duration;

use netid_ciba::ciba::BackchannelRequest;
use netid_ciba::error::{Error, FlowError, OAuthErrorCode};
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_transport::TransportError;
use proptest::prelude::*;

use crate::support::{self, Reply, Script, json};

#[derive(Debug, Clone)]
enum Kind {
    Pending,
    SlowDown,
    ServerError,
    Unavailable,
    UnavailableSlowDown,
    TooManyRequests,
    Timeout,
    Tokens,
    Denied,
    Expired,
    InvalidGrant,
    Malformed,
    Redirect,
}

impl Kind {
    /// Whether the answer raises the interval by 5 s for every later poll.
    fn slows_down(&self) -> bool {
        matches!(
            self,
            Kind::SlowDown | Kind::UnavailableSlowDown | Kind::TooManyRequests
        )
    }

    /// Whether the answer counts as a transient failure, retried with back-off.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            Kind::ServerError
                | Kind::Unavailable
                | Kind::UnavailableSlowDown
                | Kind::TooManyRequests
                | Kind::Timeout
        )
    }
}

fn reply(kind: &Kind) -> Reply {
    match kind {
        Kind::Pending => json(400, r#"{"error":"authorization_pending"}"#),
        Kind::SlowDown => json(400, r#"{"error":"slow_down"}"#),
        Kind::ServerError => json(500, ""),
        Kind::Unavailable => json(503, r#"{"error":"temporarily_unavailable"}"#),
        Kind::UnavailableSlowDown => json(503, r#"{"error":"slow_down"}"#),
        Kind::TooManyRequests => json(429, ""),
        Kind::Timeout => Reply::Fail(TransportError::timeout()),
        Kind::Tokens => json(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":60}"#,
        ),
        Kind::Denied => json(403, r#"{"error":"access_denied"}"#),
        Kind::Expired => json(400, r#"{"error":"expired_token"}"#),
        Kind::InvalidGrant => json(400, r#"{"error":"invalid_grant"}"#),
        Kind::Malformed => json(200, "{\"access_token\":"),
        Kind::Redirect => Reply::Fail(TransportError::redirect()),
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        6 => Just(Kind::Pending),
        2 => Just(Kind::SlowDown),
        1 => Just(Kind::ServerError),
        1 => Just(Kind::Unavailable),
        1 => Just(Kind::UnavailableSlowDown),
        2 => Just(Kind::TooManyRequests),
        1 => Just(Kind::Timeout),
        1 => Just(Kind::Tokens),
        1 => Just(Kind::Denied),
        1 => Just(Kind::Expired),
        1 => Just(Kind::InvalidGrant),
        1 => Just(Kind::Malformed),
        1 => Just(Kind::Redirect),
    ]
}

proptest! {
    // Miri interprets each case slowly: 8 there, 64 otherwise.
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 8 } else { 64 }, ..ProptestConfig::default() })]

    #[test]
    fn polling_respects_interval_and_deadline(
        interval in proptest::option::of(0_u64..8),
        expires_in in 1_u64..120,
        kinds in proptest::collection::vec(kind(), 0..25),
    ) {
        let clock = netid_core::test_util::ManualClock::new(support::t0());
        let bc = match interval {
            Some(interval) => format!(r#"{{"auth_req_id":"r","expires_in":{expires_in},"interval":{interval}}}"#),
            None => format!(r#"{{"auth_req_id":"r","expires_in":{expires_in}}}"#),
        };
        let mut replies = vec![json(200, &bc)];
        replies.extend(kinds.iter().map(reply));
        let script = Script::new(clock.clone(), replies, json(400, r#"{"error":"authorization_pending"}"#));
        let (driver, _, _) = support::driver_on(script.clone(), clock);
        let scope = Scope::builder(Purpose::FraudPreventionAndDetection).api(ApiScope::SimSwap).build();
        let request = BackchannelRequest::new(scope, "tel:+34654654654".parse::<LoginHint>().unwrap());
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let outcome = runtime.block_on(driver.ciba(support::client(), support::provider(), request));

        let seen = script.seen();
        prop_assert_eq!(seen[0].path.as_str(), "/bc-authorize");
        let deadline = Duration::from_secs(expires_in);
        let mut in_force = Duration::from_secs(interval.unwrap_or(5).max(1));
        for (index, pair) in seen.windows(2).enumerate() {
            prop_assert!(pair[1].at - pair[0].at >= in_force, "poll {} came {:?} after the previous request, interval {:?}", index + 1, pair[1].at - pair[0].at, in_force);
            prop_assert!(pair[1].at < deadline, "poll at {:?} with deadline {:?}", pair[1].at, deadline);
            if kinds.get(index).is_some_and(Kind::slows_down) {
                in_force += Duration::from_secs(5);
            }
        }
        let served: Vec<Kind> = (0..seen.len() - 1)
            .map(|index| kinds.get(index).cloned().unwrap_or(Kind::Pending))
            .collect();
        let trailing_transient = served.iter().rev().take_while(|kind| kind.is_transient()).count();
        // The outcome is typed and matches the last answer served.
        let polls = seen.len() - 1;
        let last = if polls == 0 { None } else { Some(kinds.get(polls - 1).cloned().unwrap_or(Kind::Pending)) };
        match (&outcome, last) {
            (Ok(_), Some(Kind::Tokens)) => {}
            (Err(Error::OAuth(error)), Some(Kind::Denied)) => prop_assert_eq!(&error.code, &OAuthErrorCode::AccessDenied),
            (Err(Error::OAuth(error)), Some(Kind::Expired)) => prop_assert_eq!(&error.code, &OAuthErrorCode::ExpiredToken),
            (Err(Error::OAuth(error)), Some(Kind::InvalidGrant)) => prop_assert_eq!(&error.code, &OAuthErrorCode::InvalidGrant),
            (Err(Error::Decode(error)), Some(Kind::Malformed)) => prop_assert_eq!(error.status, 200),
            (Err(Error::Transport(failure)), Some(Kind::Redirect)) => prop_assert!(!failure.retryable),
            (Err(Error::Flow(FlowError::DeadlineReached)), None) => {}
            (Err(Error::Flow(FlowError::DeadlineReached)), Some(kind)) if matches!(kind, Kind::Pending | Kind::SlowDown) || kind.is_transient() => {
                prop_assert!(trailing_transient <= 3, "{} transient failures in a row were tolerated", trailing_transient);
            }
            // The default policy tolerates 3 consecutive transient failures; the 4th ends the flow.
            (Err(Error::Flow(FlowError::TooManyFailures { attempts: 4 })), Some(kind)) if kind.is_transient() => {
                prop_assert_eq!(trailing_transient, 4);
            }
            (outcome, last) => prop_assert!(false, "outcome {:?} after {:?}", outcome, last),
        }
    }
}
