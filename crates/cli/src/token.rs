//! `netid token`: obtains a three-legged access token by CIBA (poll mode, `private_key_jwt`) from
//! any OpenID Provider, configured by flags or an operator file (`--config`; flags win).
//!
//! The provider is found by discovery (`--issuer`), or given by its endpoints
//! (`--bc-authorize-url`, `--token-url`, optional `--jwks-url`); the facade ([`netid::Operator`])
//! decides the rest (the issuer of explicit endpoints, whether an ID token is checked, the key's
//! algorithm). The token itself is printed only with `--show-token`. Exit status: 0 when granted,
//! 1 for any other outcome, 2 for usage errors (bad flags, unreadable key or operator file).

use std::io::{self, IsTerminal, Write};
use std::time::{Instant, SystemTime};

use netid::description::{EnvLookup, process_env};
use netid::{CibaRequest, Operator, OperatorDescription, TokenSource};
use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::token::AccessToken;
use serde::{Serialize, Serializer};

use crate::ciba_flow::{self, CibaOutcome};
use crate::envelope::{self, Failure};
use crate::{exit, operator_file};

mod args;

pub use args::{Alg, Audience, TokenArgs};

/// A validated `netid token` invocation.
#[derive(Debug)]
pub struct TokenPlan {
    operator: Operator,
    request: CibaRequest,
    show_token: bool,
    /// Through the operator's token cache (`--token-cache`), rather than a bare flow.
    cached: bool,
}

impl TokenPlan {
    /// Validates `args` (laid over the operator file they name, if any).
    ///
    /// # Errors
    ///
    /// A usage message naming the missing or invalid setting.
    pub fn from_args(args: TokenArgs) -> Result<Self, String> {
        Self::from_args_with_env(args, &process_env)
    }

    /// [`from_args`](Self::from_args) with `env` resolving the operator file's `*-env` keys.
    ///
    /// # Errors
    ///
    /// A usage message naming the missing or invalid setting.
    pub fn from_args_with_env(args: TokenArgs, env: EnvLookup<'_>) -> Result<Self, String> {
        let file = match &args.config {
            Some(path) => operator_file::read(path)?,
            None => OperatorDescription::default(),
        };
        let description = args.lay_over(file);
        let (provider, client) = (&description.provider, &description.client);
        if provider.issuer.is_none() && provider.token_url.is_none() {
            return Err(String::from(
                "give --issuer URL, or --bc-authorize-url URL --token-url URL",
            ));
        }
        if client.client_id.is_none() && client.client_id_env.is_none() {
            return Err(String::from("--client-id is required"));
        }
        if client.key.is_none() && client.key_env.is_none() {
            return Err(String::from("--key is required"));
        }
        let hint: LoginHint = description
            .token
            .login_hint
            .as_deref()
            .ok_or("--login-hint is required")?
            .parse()
            .map_err(|error| format!("--login-hint: {error}"))?;
        let scope: Scope = description
            .token
            .scope
            .as_deref()
            .unwrap_or("openid")
            .parse()
            .map_err(|error| format!("--scope: {error}"))?;
        let request = CibaRequest::new(hint, scope).map_err(|error| format!("--scope: {error}"))?;
        let shared = match &args.token_cache {
            Some(url) => Some(crate::redis::token_cache(url, env)?),
            None => None,
        };
        Ok(Self {
            cached: shared.is_some(),
            operator: operator_file::operator(description, env, shared)?,
            request,
            show_token: args.show_token,
        })
    }

    /// The scope the backchannel request asks for.
    pub fn scope(&self) -> &Scope {
        self.request.scope()
    }
}

/// What `netid token --json` prints (the envelope of [`crate::envelope`]).
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct TokenReport {
    /// Whether a token was granted.
    pub ok: bool,
    /// `granted`, `denied`, `expired`, `error` or `cancelled`.
    pub outcome: CibaOutcome,
    /// Token requests sent.
    pub polls: u32,
    /// Seconds from the first request to the end.
    pub seconds: f64,
    /// Why no token was granted: `kind` (`token`, or what stopped the flow from starting), the
    /// OAuth `code` when the provider answered with one, and a `message` without secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Failure>,
    /// `Bearer`, when granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    /// The granted scope, when the provider says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Seconds until the access token expires, when the provider says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Whether an ID token came back and was validated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_verified: Option<bool>,
    /// Where the token came from with `--token-cache`: `cached`, `refreshed` or `ciba`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    /// The access token, only with `--show-token`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_token")]
    pub access_token: Option<AccessToken>,
}

fn expose_token<S: Serializer>(token: &Option<AccessToken>, serializer: S) -> Result<S::Ok, S::Error> {
    match token {
        Some(token) => serializer.serialize_str(token.expose_secret()),
        None => serializer.serialize_none(),
    }
}

impl TokenReport {
    /// A report of a flow that ended with `outcome` and no token.
    fn failed(outcome: CibaOutcome, seconds: f64) -> Self {
        Self {
            ok: false,
            outcome,
            polls: 0,
            seconds,
            error: None,
            token_type: None,
            scope: None,
            expires_in: None,
            id_token_verified: None,
            source: None,
            access_token: None,
        }
    }

    /// The exit status: 0 granted, 130 cancelled, 1 otherwise.
    pub fn exit_status(&self) -> u8 {
        match self.outcome {
            CibaOutcome::Granted => exit::OK,
            CibaOutcome::Cancelled => exit::CANCELLED,
            _ => exit::FAILED,
        }
    }
}

/// Runs the flow `plan` describes; `spinner` draws live progress on stdout. The report carries
/// the access token only when the plan asks to show it.
pub async fn run(plan: TokenPlan, spinner: bool) -> TokenReport {
    let bar = ciba_flow::spinner(spinner, "ciba");
    let started = Instant::now();
    if plan.cached {
        return run_cached(plan, &bar, started).await;
    }
    let run = match ciba_flow::run(&plan.operator, plan.request, &bar).await {
        Ok(run) => run,
        Err(error) => {
            let mut report = TokenReport::failed(CibaOutcome::Error, started.elapsed().as_secs_f64());
            report.error = Some(Failure::new(error.kind(), error.to_string()));
            return report;
        }
    };
    let tokens = run.tokens.as_ref();
    let error = run.error.as_ref().map(|error| {
        let mut failure = Failure::new("token", error.to_string());
        failure.code = ciba_flow::oauth_code(error);
        failure
    });
    TokenReport {
        ok: tokens.is_some(),
        outcome: run.outcome,
        polls: run.polls,
        seconds: run.elapsed.as_secs_f64(),
        error,
        token_type: tokens.map(|_| "Bearer"),
        scope: tokens.and_then(|tokens| tokens.scope.clone()),
        expires_in: tokens
            .and_then(|tokens| tokens.expires_at)
            .and_then(|at| at.duration_since(SystemTime::now()).ok())
            .map(|left| left.as_secs() + 1),
        id_token_verified: tokens.map(|tokens| tokens.id_token.is_some()),
        source: None,
        access_token: tokens
            .filter(|_| plan.show_token)
            .map(|tokens| tokens.access_token.clone()),
    }
}

/// `--token-cache`: the access token through the operator's cache (store and shared flight).
async fn run_cached(plan: TokenPlan, bar: &indicatif::ProgressBar, started: Instant) -> TokenReport {
    let progress_bar = bar.clone();
    let grant = plan
        .operator
        .cached_token(plan.request, move |progress: netid::Progress| {
            progress_bar.set_message(ciba_flow::progress_message(
                progress.polls,
                progress.deadline,
                SystemTime::now(),
            ));
            std::ops::ControlFlow::Continue(())
        })
        .await;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let grant = match grant {
        Ok(grant) => grant,
        Err(error) => {
            let mut report = TokenReport::failed(CibaOutcome::Error, seconds);
            report.error = Some(Failure::new(error.kind(), error.to_string()));
            return report;
        }
    };
    let (polls, source) = match grant.source {
        TokenSource::Ciba { polls } => (polls, "ciba"),
        TokenSource::Refreshed => (0, "refreshed"),
        _ => (0, "cached"),
    };
    let mut report = match grant.result {
        Ok(token) => {
            let mut report = TokenReport::failed(CibaOutcome::Granted, seconds);
            report.ok = true;
            report.token_type = Some("Bearer");
            report.access_token = plan.show_token.then_some(token);
            report
        }
        Err(error) => {
            let mut report = TokenReport::failed(ciba_flow::classify_error(&error), seconds);
            let mut failure = Failure::new("token", error.to_string());
            failure.code = ciba_flow::oauth_code(&error);
            report.error = Some(failure);
            report
        }
    };
    report.polls = polls;
    report.source = Some(source);
    report
}

/// `netid token`: validates the flags, runs the flow, prints the outcome. Returns the exit status;
/// Ctrl-C during the flow ends it cleanly with outcome `cancelled` (exit status 130).
pub fn command(args: TokenArgs) -> u8 {
    let json = args.json;
    let plan = match TokenPlan::from_args(args) {
        Ok(plan) => plan,
        Err(message) => return exit::usage("token", &message, json),
    };
    exit::block_on("token", async move {
        let started = Instant::now();
        let spinner = io::stderr().is_terminal();
        let report = match exit::or_interrupted(run(plan, spinner)).await {
            Some(report) => report,
            None => {
                let mut report = TokenReport::failed(CibaOutcome::Cancelled, started.elapsed().as_secs_f64());
                report.error = Some(Failure::new("cancelled", "interrupted (Ctrl-C) while waiting"));
                report
            }
        };
        if json {
            envelope::print(&report);
        } else {
            let _ = writeln!(io::stdout().lock(), "{}", human(&report));
        }
        report.exit_status()
    })
}

fn human(report: &TokenReport) -> String {
    let mut text = format!(
        "{} after {} poll(s) in {:.1} s",
        report.outcome, report.polls, report.seconds
    );
    if let Some(error) = &report.error {
        text.push_str(&format!(" · {}", error.code.as_ref().unwrap_or(&error.message)));
    }
    if let Some(token_type) = report.token_type {
        text.push_str(&format!(" · {token_type} token"));
    }
    if let Some(expires_in) = report.expires_in {
        text.push_str(&format!(" for {expires_in} s"));
    }
    if let Some(scope) = &report.scope {
        text.push_str(&format!(" · scope {scope}"));
    }
    if let Some(token) = &report.access_token {
        text.push_str(&format!("\naccess_token {}", token.expose_secret()));
    }
    text
}

#[cfg(test)]
mod tests;
