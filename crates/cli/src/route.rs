//! `netid route --config FILE --phone-number N [--json]`: which operator serves a number, asked of
//! the Telco Finder the operator file's `[telco-finder]` table names, through the facade
//! ([`netid::TelcoFinder`]).
//!
//! Output: the operator id, API root and discovery URL, or with `--json` one object (`ok`,
//! `outcome`, `phone_number`, `operator_id`, `api_root`, `discovery_url`, `from_cache`, or
//! `error`). The number is masked unless `--reveal`. Exit status: 0 resolved, 1 not supported or a
//! failed call, 2 usage and operator-file errors, 130 interrupted.

use std::io::{self, Write};
use std::path::PathBuf;

use netid::TelcoFinder;
use netid::description::{EnvLookup, process_env};
use netid_core::phone::PhoneNumber;
use serde_json::{Value, json};

use crate::envelope::{self, Failure};
use crate::{exit, operator_file};

/// `netid route` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct RouteArgs {
    /// The operator file (TOML) with a `[telco-finder]` table; `$NETID_CONFIG` when absent.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The subscriber's number (E.164; lenient forms accepted).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: String,
    /// Print one JSON object instead of the human output.
    #[arg(long)]
    pub json: bool,
    /// Show the phone number unmasked.
    #[arg(long)]
    pub reveal: bool,
}

/// The finder and the number `args` name, with secrets from `env`.
///
/// # Errors
///
/// A usage message: no or an invalid operator file, no `[telco-finder]` table, an invalid number.
pub fn plan(args: &RouteArgs, env: EnvLookup<'_>) -> Result<(TelcoFinder, PhoneNumber), String> {
    let number =
        PhoneNumber::parse_lenient(&args.phone_number).map_err(|error| format!("--phone-number: {error}"))?;
    let path = operator_file::path(args.config.as_deref(), env)?;
    let description = operator_file::read(&path)?;
    let finder = TelcoFinder::builder(description)
        .transport(operator_file::http_transport()?)
        .secrets_from(env)
        .and_then(netid::TelcoFinderBuilder::build)
        .map_err(|error| format!("--config {}: {error}", path.display()))?;
    Ok((finder, number))
}

/// Resolves `number` and reports the outcome as the JSON envelope, with the exit status.
pub async fn run(finder: &TelcoFinder, number: &PhoneNumber, reveal: bool) -> (Value, u8) {
    let shown = if reveal {
        number.expose_e164().to_owned()
    } else {
        number.to_string()
    };
    match finder.resolve(number).await {
        Ok(resolved) => (
            json!({
                "ok": true,
                "outcome": "succeeded",
                "phone_number": shown,
                "operator_id": resolved.operator_id.as_str(),
                "api_root": resolved.api_root,
                "discovery_url": resolved.discovery_url,
                "from_cache": resolved.from_cache,
            }),
            exit::OK,
        ),
        Err(error) => {
            let mut failure = Failure::new(error.kind(), error.to_string());
            if let netid::Error::Call(call) = &error {
                failure.status = call.status();
                failure.code = call
                    .as_operator()
                    .map(|operator| operator.code().as_str().to_owned());
            }
            let (outcome, status) = if error.is_usage() {
                ("usage_error", exit::USAGE)
            } else {
                ("failed", exit::FAILED)
            };
            (
                json!({ "ok": false, "outcome": outcome, "phone_number": shown, "error": failure }),
                status,
            )
        }
    }
}

/// The human form of a report of [`run`].
#[must_use]
pub fn human(report: &Value) -> String {
    let text = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or("-");
    if report.get("ok") == Some(&Value::Bool(true)) {
        format!(
            "{}: operator {}\napi root:  {}\ndiscovery: {}\n",
            text("phone_number"),
            text("operator_id"),
            text("api_root"),
            text("discovery_url")
        )
    } else {
        let message = report
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("failed");
        format!("{}: {message}\n", text("phone_number"))
    }
}

/// `netid route`. Returns the exit status.
pub fn command(args: &RouteArgs) -> u8 {
    let (finder, number) = match plan(args, &process_env) {
        Ok(plan) => plan,
        Err(message) => return exit::usage("route", &message, args.json),
    };
    exit::block_on("route", async {
        let Some((report, status)) = exit::or_interrupted(run(&finder, &number, args.reveal)).await else {
            let failure = Failure::new("cancelled", "interrupted (Ctrl-C) before the finder answered");
            let report = json!({ "ok": false, "outcome": "cancelled", "error": failure });
            if args.json {
                envelope::print(&report);
            }
            return exit::CANCELLED;
        };
        if args.json {
            envelope::print(&report);
        } else if status == exit::OK {
            let _ = io::stdout().lock().write_all(human(&report).as_bytes());
        } else {
            let _ = write!(io::stderr().lock(), "netid route: {}", human(&report));
        }
        status
    })
}
