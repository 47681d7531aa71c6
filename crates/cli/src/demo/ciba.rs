//! The CIBA steps (`ciba`, `ciba-mobile-network`, `ciba-denied`, `ciba-expired`): one flow each
//! through [`Operator::ciba`], with the spinner, reported by outcome, polls and token facts.

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use netid::{CibaRequest, Operator};
use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::token::AccessToken;
use serde_json::Value;

use super::record::{Done, Failed, Recorder};
use crate::ciba_flow::{self, CibaOutcome, CibaRun};

/// Runs one CIBA flow for `login_hint` with `scope` as the step `name`, which succeeds when the
/// flow ends with `expected`. Returns the access token when one was granted.
pub(super) async fn step(
    recorder: &mut Recorder,
    operator: &Operator,
    name: &str,
    login_hint: &str,
    scope: Scope,
    expected: CibaOutcome,
) -> Option<AccessToken> {
    let t = Instant::now();
    let hint: LoginHint = match login_hint.parse() {
        Ok(hint) => hint,
        Err(error) => {
            recorder.record(name, t, Err(Failed::from(error)));
            return None;
        }
    };
    let hint_shown = ciba_flow::describe_hint(&hint);
    let request = match CibaRequest::new(hint, scope.clone()) {
        Ok(request) => request,
        Err(error) => {
            recorder.record(name, t, Err(Failed::from(error)));
            return None;
        }
    };
    let bar = ciba_flow::spinner(recorder.spinner_visible(), name);
    let run = match ciba_flow::run(operator, request, &bar).await {
        Ok(run) => run,
        Err(error) => {
            recorder.record(name, t, Err(Failed::from(error)));
            return None;
        }
    };
    let result = report(&run, &hint_shown, &scope, expected);
    recorder.record(name, t, result);
    run.tokens.map(|tokens| tokens.access_token)
}

/// The step's report of a flow that ran: ok when it ended with `expected`.
fn report(run: &CibaRun, hint_shown: &str, scope: &Scope, expected: CibaOutcome) -> Result<Done, Failed> {
    let mut details = BTreeMap::new();
    details.insert("login_hint".to_owned(), Value::from(hint_shown));
    details.insert("requested_scope".to_owned(), Value::from(scope.to_string()));
    details.insert("outcome".to_owned(), Value::from(run.outcome.as_str()));
    details.insert("polls".to_owned(), Value::from(run.polls));
    details.insert("seconds".to_owned(), Value::from(run.elapsed.as_secs_f64()));
    details.insert("error".to_owned(), Value::from(run.oauth_error()));
    let mut summary = format!("{} after {} poll(s) · {hint_shown}", run.outcome, run.polls);
    if let Some(tokens) = &run.tokens {
        let expires_in = tokens
            .expires_at
            .and_then(|at| at.duration_since(SystemTime::now()).ok())
            .map(|left| left.as_secs() + 1);
        details.insert("token_type".to_owned(), Value::from("Bearer"));
        details.insert("granted_scope".to_owned(), Value::from(tokens.scope.clone()));
        details.insert("expires_in".to_owned(), Value::from(expires_in));
        details.insert(
            "id_token_verified".to_owned(),
            Value::from(tokens.id_token.is_some()),
        );
        summary.push_str(&format!(
            " · Bearer token{} · id token {}",
            expires_in.map(|s| format!(" for {s} s")).unwrap_or_default(),
            if tokens.id_token.is_some() {
                "verified"
            } else {
                "absent"
            }
        ));
    } else if let Some(code) = run.oauth_error() {
        summary.push_str(&format!(" · {code}"));
    }
    if run.outcome == expected {
        Ok(Done {
            summary,
            details,
            table: Vec::new(),
        })
    } else {
        let reason = run
            .error
            .as_ref()
            .map_or_else(|| String::from("no error"), ToString::to_string);
        Err(Failed {
            message: format!("expected {expected}, got {}: {reason}", run.outcome),
            details,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use netid::crates::ciba::Error;
    use netid::crates::ciba::error::{OAuthError, OAuthErrorCode};

    use super::*;

    #[test]
    fn a_flow_is_ok_when_it_ends_as_expected() {
        let scope: Scope = "openid dpv:FraudPreventionAndDetection sim-swap:check"
            .parse()
            .expect("scope");
        let denied = || CibaRun {
            outcome: CibaOutcome::Denied,
            polls: 2,
            elapsed: Duration::from_millis(1500),
            tokens: None,
            error: Some(Error::OAuth(OAuthError::new(400, OAuthErrorCode::AccessDenied))),
        };
        // Ok: the summary; Err: the start of the failure message.
        let check = |expected: CibaOutcome, outcome: Result<&str, &str>| {
            let result = report(&denied(), "tel:+33*******78", &scope, expected);
            let details = match (result, outcome) {
                (Ok(done), Ok(summary)) => {
                    assert_eq!(done.summary, summary);
                    done.details
                }
                (Err(failed), Err(start)) => {
                    assert!(failed.message.starts_with(start), "{}", failed.message);
                    failed.details
                }
                (result, outcome) => panic!("expected {outcome:?}, got {result:?}"),
            };
            assert_eq!(details["outcome"], "denied");
            assert_eq!(details["error"], "access_denied");
            assert_eq!(details["polls"], 2);
            assert_eq!(details["requested_scope"], scope.to_string());
        };
        check(
            CibaOutcome::Denied,
            Ok("denied after 2 poll(s) · tel:+33*******78 · access_denied"),
        );
        check(CibaOutcome::Granted, Err("expected granted, got denied: "));
    }
}
