//! `netid kyc-match`, `netid sim-swap check|retrieve-date`,
//! `netid number-verification verify|device-phone-number`, `netid device-swap check|retrieve-date`,
//! `netid number-recycling check`, `netid kyc-tenure`, `netid kyc-age-verification` and
//! `netid kyc-fill-in`, `netid call-forwarding unconditional|list` and `netid consent-info`: one
//! CAMARA call against the operator the operator file describes, through the facade
//! ([`netid::Operator`]).
//!
//! The facade obtains the token the way the operator's profile says (CIBA for the subscriber, with
//! the login hint in the operator's form and the scope it expects) and picks the spec version;
//! `--access-token-env NAME` uses a token obtained elsewhere instead. This module parses flags and
//! files and renders the outcome.
//!
//! Output: a human summary, or with `--json` one object (`api`, `operation`, `operator`, `version`,
//! `ok`, `token`, and `status`, `correlator`, `tolerated`, `result` or `error`). Phone numbers and
//! KYC Fill-in values are masked unless `--reveal`; tokens and claims never print. Exit status: 0
//! when the call succeeded, 1 when the token was not granted or the call failed, 2 for usage and
//! operator-file errors.

use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::time::SystemTime;

use netid::description::process_env;
use netid::{Reply, TokenInfo, TokenSource};
use serde_json::{Value, json};

use crate::ciba_flow::{self, CibaOutcome};
use crate::{envelope, exit};

mod args;
mod call_forwarding;
mod consent_info;
mod kyc_identity;
mod plan;
mod report;
mod routing;

pub use args::{
    CallArgs, DeviceSwapCommand, KycMatchArgs, KycTenureArgs, NumberRecyclingArgs, NumberRecyclingCommand,
    NumberVerificationCommand, SimSwapArgs, SimSwapCheckArgs, SimSwapCommand, VerifyArgs,
};
pub use call_forwarding::{CallForwardingArgs, CallForwardingCommand};
pub use consent_info::ConsentInfoArgs;
pub use kyc_identity::{KycAgeVerificationArgs, KycFillInArgs};
pub use plan::ApiPlan;
use plan::{Request, Target};
pub use report::{ApiReport, CallFailure, Route, TokenUse, human};
use routing::route;

/// A successful call, reduced to what the report shows.
struct Done {
    status: u16,
    correlator: String,
    tolerated: Vec<Value>,
    result: Value,
    token: TokenInfo,
}

fn done<T>(reply: Reply<T>, show: impl FnOnce(&T) -> Value) -> Done {
    Done {
        status: reply.status,
        correlator: reply.correlator.as_str().to_owned(),
        tolerated: reply
            .tolerated
            .iter()
            .map(|quirk| json!({"quirk": quirk.quirk.as_str(), "path": quirk.path}))
            .collect(),
        result: show(&reply.value),
        token: reply.token,
    }
}

/// Runs `plan`: the token (CIBA, with a spinner on stderr when `spinner`), then the call.
pub async fn run(plan: ApiPlan, spinner: bool) -> ApiReport {
    run_until(plan, spinner, std::future::pending::<()>()).await
}

/// [`run`], ended early when `interrupt` completes first (Ctrl-C in the binary): the token flow and
/// the call are dropped, and the report's outcome is `cancelled`.
pub async fn run_until<I: Future>(plan: ApiPlan, spinner: bool, interrupt: I) -> ApiReport {
    let operation = plan.request.operation();
    let mut interrupt = std::pin::pin!(interrupt);
    let (operator, route) = match plan.target {
        Target::Operator(operator) => (*operator, None),
        Target::Route { finder, target } => {
            let resolved = tokio::select! {
                resolved = route(&finder, target) => resolved,
                _ = &mut interrupt => {
                    let mut report = ApiReport::new(None, operation, plan.token_given);
                    report.cancel();
                    return report;
                }
            };
            match resolved {
                Ok(found) => found,
                Err(error) => {
                    let mut report = ApiReport::new(None, operation, plan.token_given);
                    report.fail(&error);
                    return report;
                }
            }
        }
    };
    let mut report = ApiReport::new(Some(&operator), operation, plan.token_given);
    report.route = route;
    let bar = ciba_flow::spinner(spinner && !plan.token_given, "ciba");
    let progress_bar = bar.clone();
    let reveal = plan.reveal;
    // A fresh callback per call, each drawing on the one spinner.
    let progress = || {
        let progress_bar = progress_bar.clone();
        move |progress: netid::Progress| {
            progress_bar.set_message(ciba_flow::progress_message(
                progress.polls,
                progress.deadline,
                SystemTime::now(),
            ));
            ControlFlow::Continue(())
        }
    };
    let operator = &operator;
    let subject = plan.subject.clone();
    let call = async {
        match plan.request {
            Request::KycMatch(claims) => operator
                .kyc_match(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .match_claims(*claims)
                .await
                .map(|reply| done(reply, report::kyc_result)),
            Request::SimSwapCheck(hours) => operator
                .sim_swap(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .check(std::time::Duration::from_secs(u64::from(hours) * 3600))
                .await
                .map(|reply| done(reply, |value| json!({"swapped": value.swapped, "maxAge": hours}))),
            Request::SimSwapRetrieveDate => operator
                .sim_swap(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .retrieve_date()
                .await
                .map(|reply| done(reply, report::sim_swap_date)),
            Request::Verify(number) => operator
                .number_verification(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .verify(number)
                .await
                .map(|reply| {
                    done(
                        reply,
                        |value| json!({"devicePhoneNumberVerified": value.verified}),
                    )
                }),
            Request::DevicePhoneNumber => operator
                .number_verification(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .device_phone_number()
                .await
                .map(|reply| {
                    done(reply, |number| {
                        let shown = if reveal {
                            number.expose_e164().to_owned()
                        } else {
                            number.to_string()
                        };
                        json!({"devicePhoneNumber": shown})
                    })
                }),
            Request::DeviceSwapCheck(hours) => operator
                .device_swap(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .check(std::time::Duration::from_secs(u64::from(hours) * 3600))
                .await
                .map(|reply| done(reply, |value| json!({"swapped": value.swapped, "maxAge": hours}))),
            Request::DeviceSwapRetrieveDate => operator
                .device_swap(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .retrieve_date()
                .await
                .map(|reply| done(reply, report::device_swap_date)),
            Request::NumberRecyclingCheck(date) => operator
                .number_recycling(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .check(date)
                .await
                .map(|reply| {
                    done(reply, |value| {
                        json!({"phoneNumberRecycled": value.recycled, "specifiedDate": date.to_string()})
                    })
                }),
            Request::KycTenureCheck(date) => operator
                .kyc_tenure(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .check_tenure(date)
                .await
                .map(|reply| done(reply, |value| report::kyc_tenure(value, date))),
            Request::KycAgeVerification(query) => operator
                .kyc_age_verification(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .verify(*query)
                .await
                .map(|reply| done(reply, kyc_identity::age_result)),
            Request::KycFillIn => operator
                .kyc_fill_in(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .fill_in()
                .await
                .map(|reply| done(reply, |record| kyc_identity::fill_in_result(record, reveal))),
            Request::CallForwardingUnconditional => operator
                .call_forwarding_signal(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .unconditional()
                .await
                .map(|reply| done(reply, |value| json!({"active": value.active}))),
            Request::CallForwardings => operator
                .call_forwarding_signal(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .call_forwardings()
                .await
                .map(|reply| done(reply, |value| json!({"services": value.services}))),
            Request::ConsentInfo(query) => operator
                .consent_info(subject)
                .deadline(plan.deadline)
                .on_progress(progress())
                .retrieve(*query)
                .await
                .map(|reply| done(reply, |value| json!(value))),
        }
    };
    let outcome = tokio::select! {
        outcome = call => Some(outcome),
        _ = &mut interrupt => None,
    };
    bar.finish_and_clear();
    match outcome {
        None => report.cancel(),
        Some(Ok(done)) => {
            report.ok = true;
            report.outcome = "succeeded";
            report.token.record(&done.token);
            report.status = Some(done.status);
            report.correlator = Some(done.correlator);
            report.tolerated = done.tolerated;
            report.result = Some(done.result);
        }
        Some(Err(error)) => report.fail(&error),
    }
    report
}

impl TokenUse {
    /// What a granted token's origin shows.
    fn record(&mut self, info: &TokenInfo) {
        match info.source {
            TokenSource::Ciba { polls } => {
                self.outcome = Some(CibaOutcome::Granted);
                self.polls = Some(polls);
            }
            TokenSource::Given => self.source = "environment",
            _ => self.outcome = Some(CibaOutcome::Granted),
        }
    }
}

fn execute(command: &str, plan: Result<ApiPlan, String>, json_output: bool) -> u8 {
    let plan = match plan {
        Ok(plan) => plan,
        Err(message) => return exit::usage(command, &message, json_output),
    };
    exit::block_on(command, async move {
        let spinner = io::stderr().is_terminal();
        let report = run_until(plan, spinner, tokio::signal::ctrl_c()).await;
        if json_output {
            envelope::print(&report);
        } else {
            let _ = writeln!(io::stdout().lock(), "{}", human(&report));
        }
        report.exit_status()
    })
}

/// `netid kyc-match`. Returns the exit status.
pub fn kyc_match_command(args: &KycMatchArgs) -> u8 {
    execute(
        "kyc-match",
        ApiPlan::kyc_match(args, &process_env),
        args.call.json,
    )
}

/// `netid sim-swap …`. Returns the exit status.
pub fn sim_swap_command(command: &SimSwapCommand) -> u8 {
    let json_output = match command {
        SimSwapCommand::Check(args) => args.sim.call.json,
        SimSwapCommand::RetrieveDate(args) => args.call.json,
    };
    execute("sim-swap", ApiPlan::sim_swap(command, &process_env), json_output)
}

/// `netid device-swap …`. Returns the exit status.
pub fn device_swap_command(command: &DeviceSwapCommand) -> u8 {
    let json_output = match command {
        DeviceSwapCommand::Check(args) => args.sim.call.json,
        DeviceSwapCommand::RetrieveDate(args) => args.call.json,
    };
    execute(
        "device-swap",
        ApiPlan::device_swap(command, &process_env),
        json_output,
    )
}

/// `netid number-recycling …`. Returns the exit status.
pub fn number_recycling_command(command: &NumberRecyclingCommand) -> u8 {
    let NumberRecyclingCommand::Check(args) = command;
    execute(
        "number-recycling",
        ApiPlan::number_recycling(command, &process_env),
        args.subscriber.call.json,
    )
}

/// `netid kyc-tenure`. Returns the exit status.
pub fn kyc_tenure_command(args: &KycTenureArgs) -> u8 {
    execute(
        "kyc-tenure",
        ApiPlan::kyc_tenure(args, &process_env),
        args.subscriber.call.json,
    )
}

/// `netid call-forwarding …`. Returns the exit status.
pub fn call_forwarding_command(command: &CallForwardingCommand) -> u8 {
    execute(
        "call-forwarding",
        ApiPlan::call_forwarding(command, &process_env),
        command.call().json,
    )
}

/// `netid consent-info`. Returns the exit status.
pub fn consent_info_command(args: &ConsentInfoArgs) -> u8 {
    execute(
        "consent-info",
        ApiPlan::consent_info(args, &process_env),
        args.call.json,
    )
}

/// `netid number-verification …`. Returns the exit status.
pub fn number_verification_command(command: &NumberVerificationCommand) -> u8 {
    let json_output = match command {
        NumberVerificationCommand::Verify(args) => args.call.json,
        NumberVerificationCommand::DevicePhoneNumber(call) => call.json,
    };
    execute(
        "number-verification",
        ApiPlan::number_verification(command, &process_env),
        json_output,
    )
}

/// `netid kyc-age-verification`. Returns the exit status.
pub fn kyc_age_verification_command(args: &KycAgeVerificationArgs) -> u8 {
    execute(
        "kyc-age-verification",
        ApiPlan::kyc_age_verification(args, &process_env),
        args.call.json,
    )
}

/// `netid kyc-fill-in`. Returns the exit status.
pub fn kyc_fill_in_command(args: &KycFillInArgs) -> u8 {
    execute(
        "kyc-fill-in",
        ApiPlan::kyc_fill_in(args, &process_env),
        args.call.json,
    )
}
