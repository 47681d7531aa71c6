//! One CIBA flow run through the facade ([`Operator::ciba`]), with an optional live spinner, reduced
//! to what the command line reports: the outcome, the number of polls, the time taken and the
//! OAuth error code.

use std::fmt;
use std::ops::ControlFlow;
use std::time::{Duration, Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use netid::crates::ciba::Error;
use netid::crates::ciba::error::{FlowError, OAuthErrorCode};
use netid::crates::ciba::tokens::TokenSet;
use netid::{CibaRequest, Operator, Progress};
use netid_core::login_hint::LoginHint;
use serde::Serialize;

/// How a CIBA flow ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CibaOutcome {
    /// The user approved: tokens were issued.
    Granted,
    /// The user (or the operator) refused: `access_denied`.
    Denied,
    /// Nobody answered before `expires_in`: `expired_token` or the local deadline.
    Expired,
    /// Anything else (transport, client authentication, decoding, ...).
    Error,
    /// The flow was cancelled (Ctrl-C, or a progress callback that said stop).
    Cancelled,
}

impl CibaOutcome {
    /// The wire-style name (`granted`, `denied`, `expired`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::Error => "error",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for CibaOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one CIBA flow.
#[derive(Debug)]
pub struct CibaRun {
    /// How it ended.
    pub outcome: CibaOutcome,
    /// Token requests sent.
    pub polls: u32,
    /// Wall-clock time from the backchannel request to the end.
    pub elapsed: Duration,
    /// The tokens, when granted (their `Debug` is redacted).
    pub tokens: Option<TokenSet>,
    /// The error, unless granted.
    pub error: Option<Error>,
}

impl CibaRun {
    /// The OAuth `error` code the provider answered with, if the flow ended on one.
    pub fn oauth_error(&self) -> Option<String> {
        self.error.as_ref().and_then(oauth_code)
    }
}

/// A login hint for display: the number masked (its `Display`), addresses and tokens redacted.
pub fn describe_hint(hint: &LoginHint) -> String {
    match hint {
        LoginHint::Tel(number) => format!("tel:{number}"),
        LoginHint::Msisdn(number) => format!("msisdn {number}"),
        LoginHint::IpPort { .. } => String::from("ipport:[redacted]"),
        LoginHint::OperatorToken(_) => String::from("operatortoken:[redacted]"),
        _ => String::from("[redacted]"),
    }
}

/// Classifies a flow's final result.
pub fn classify(result: &Result<TokenSet, Error>) -> CibaOutcome {
    match result {
        Ok(_) => CibaOutcome::Granted,
        Err(error) => classify_error(error),
    }
}

/// Classifies the error a flow ended with.
pub fn classify_error(error: &Error) -> CibaOutcome {
    match error {
        Error::OAuth(error) if error.code == OAuthErrorCode::AccessDenied => CibaOutcome::Denied,
        Error::OAuth(error) if error.code == OAuthErrorCode::ExpiredToken => CibaOutcome::Expired,
        Error::Flow(FlowError::DeadlineReached) => CibaOutcome::Expired,
        Error::Flow(FlowError::Cancelled) => CibaOutcome::Cancelled,
        _ => CibaOutcome::Error,
    }
}

/// The OAuth `error` code a flow ended with, if the provider answered with one.
pub fn oauth_code(error: &Error) -> Option<String> {
    match error {
        Error::OAuth(error) => Some(error.code.as_str().to_owned()),
        _ => None,
    }
}

/// A spinner for a CIBA flow on stderr, drawn only when `visible` (stderr is a terminal), so that
/// stdout carries only the result, piped or not.
pub fn spinner(visible: bool, prefix: &str) -> ProgressBar {
    let target = if visible {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    if let Ok(style) = ProgressStyle::with_template("  {spinner} {prefix:<24} {msg}") {
        bar.set_style(style);
    }
    bar.set_prefix(prefix.to_owned());
    bar.set_message("sending the backchannel authentication request");
    if visible {
        bar.enable_steady_tick(Duration::from_millis(80));
    }
    bar
}

/// The spinner's message for a progress report: polls so far and time left before `expires_in`.
pub fn progress_message(polls: u32, deadline: Option<SystemTime>, now: SystemTime) -> String {
    let left = deadline
        .and_then(|deadline| deadline.duration_since(now).ok())
        .map_or_else(|| String::from("?"), |left| format!("{} s", left.as_secs()));
    format!("waiting for the user to approve on their device · polls {polls} · {left} left")
}

/// Runs `request` with `operator`'s provider to its end, updating `bar` before every wait and
/// clearing it at the end.
///
/// # Errors
///
/// A [`netid::Error`] when the flow cannot start (no provider, no credentials, a provider that
/// cannot be set up); how a flow that ran ended is in [`CibaRun::outcome`].
pub async fn run(
    operator: &Operator,
    request: CibaRequest,
    bar: &ProgressBar,
) -> Result<CibaRun, netid::Error> {
    let started = Instant::now();
    let progress_bar = bar.clone();
    let grant = operator
        .ciba(request, move |progress: Progress| {
            progress_bar.set_message(progress_message(
                progress.polls,
                progress.deadline,
                SystemTime::now(),
            ));
            ControlFlow::Continue(())
        })
        .await;
    bar.finish_and_clear();
    let grant = grant?;
    let outcome = classify(&grant.result);
    let (tokens, error) = match grant.result {
        Ok(tokens) => (Some(tokens), None),
        Err(error) => (None, Some(error)),
    };
    Ok(CibaRun {
        outcome,
        polls: grant.polls,
        elapsed: started.elapsed(),
        tokens,
        error,
    })
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use netid::crates::ciba::error::OAuthError;

    use super::*;

    #[test]
    fn outcomes_follow_the_error() {
        let check = |result: Result<TokenSet, Error>, expected: CibaOutcome| {
            assert_eq!(classify(&result), expected);
        };
        let oauth = |code| Err(Error::OAuth(OAuthError::new(400, code)));
        check(oauth(OAuthErrorCode::AccessDenied), CibaOutcome::Denied);
        check(oauth(OAuthErrorCode::ExpiredToken), CibaOutcome::Expired);
        check(oauth(OAuthErrorCode::InvalidClient), CibaOutcome::Error);
        check(Err(Error::Flow(FlowError::DeadlineReached)), CibaOutcome::Expired);
        check(Err(Error::Flow(FlowError::Cancelled)), CibaOutcome::Cancelled);
    }

    #[test]
    fn hints_show_no_personal_data() {
        let check = |hint: &str, expected: &str| {
            let hint: LoginHint = hint.parse().unwrap();
            assert_eq!(describe_hint(&hint), expected);
        };
        check("tel:+33699901040", "tel:+33*******40");
        check("33699901040", "msisdn +33*******40");
        check("ipport:198.51.100.7:40404", "ipport:[redacted]");
        check("operatortoken:abc123", "operatortoken:[redacted]");
    }

    #[test]
    fn progress_shows_polls_and_time_left() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let check = |deadline: Option<SystemTime>, expected: &str| {
            assert_eq!(progress_message(2, deadline, now), expected);
        };
        let prefix = "waiting for the user to approve on their device · polls 2 ·";
        check(
            Some(now + Duration::from_millis(117_400)),
            &format!("{prefix} 117 s left"),
        );
        check(Some(now - Duration::from_secs(1)), &format!("{prefix} ? left"));
        check(None, &format!("{prefix} ? left"));
    }
}
