//! `netid route --config FILE (--phone-number N | --ip ADDRESS[:PORT]) [--json]`: which operator
//! serves a number or a device's public address, asked of the Telco Finder the operator file's
//! `[telco-finder]` table names, through the facade ([`netid::TelcoFinder`]).
//!
//! Output: the operator id, API root and discovery URL, or with `--json` one object (`ok`,
//! `outcome`, `phone_number` or `ip`, `operator_id`, `api_root`, `discovery_url`, `from_cache`, or
//! `error`). The number is masked and the address hidden unless `--reveal`. Exit status: 0
//! resolved, 1 not supported or a failed call, 2 usage and operator-file errors, 130 interrupted.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use netid::description::{EnvLookup, process_env};
use netid::{SearchTarget, TelcoFinder};
use netid_core::phone::PhoneNumber;
use serde_json::{Value, json};

use crate::envelope::{self, Failure};
use crate::{exit, operator_file};

/// `netid route` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["phone_number", "ip"])))]
#[non_exhaustive]
pub struct RouteArgs {
    /// The operator file (TOML) with a `[telco-finder]` table; `$NETID_CONFIG` when absent.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The subscriber's number (E.164; lenient forms accepted).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
    /// Or the device's public address, with its public port when known (`198.51.100.7:40404`,
    /// `[2001:db8::7]:40404`).
    #[arg(long, value_name = "ADDRESS[:PORT]")]
    pub ip: Option<String>,
    /// Print one JSON object instead of the human output.
    #[arg(long)]
    pub json: bool,
    /// Show the phone number or the address unmasked.
    #[arg(long)]
    pub reveal: bool,
}

/// The finder and the target `args` name (`--ip`, else `--phone-number`), with secrets from `env`.
///
/// # Errors
///
/// A usage message: no or an invalid operator file, no `[telco-finder]` table, an invalid number
/// or address, neither given.
pub fn plan(args: &RouteArgs, env: EnvLookup<'_>) -> Result<(TelcoFinder, SearchTarget), String> {
    let target = match (&args.ip, &args.phone_number) {
        (Some(ip), _) => parse_device(ip).ok_or_else(|| {
            String::from("--ip: expected an IPv4 or IPv6 address, optionally with :PORT ([v6]:PORT)")
        })?,
        (None, Some(number)) => PhoneNumber::parse_lenient(number)
            .map(SearchTarget::from)
            .map_err(|error| format!("--phone-number: {error}"))?,
        (None, None) => return Err(String::from("give --phone-number NUMBER or --ip ADDRESS[:PORT]")),
    };
    let path = operator_file::path(args.config.as_deref(), env)?;
    let description = operator_file::read(&path)?;
    let finder = TelcoFinder::builder(description)
        .transport(operator_file::http_transport()?)
        .secrets_from(env)
        .and_then(netid::TelcoFinderBuilder::build)
        .map_err(|error| format!("--config {}: {error}", path.display()))?;
    Ok((finder, target))
}

/// `ADDRESS[:PORT]`: an address alone, or with its public port (`[v6]:PORT` for IPv6); the form of
/// `--ip` here and of `--route-ip` on the API commands.
pub(crate) fn parse_device(text: &str) -> Option<SearchTarget> {
    let text = text.trim();
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Some(SearchTarget::from(address));
    }
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok()
        .map(SearchTarget::from)
}

/// The report's name for `target` and what it shows of it: the number masked, the address hidden
/// (only its family), unless `reveal`.
fn shown(target: &SearchTarget, reveal: bool) -> (&'static str, String) {
    let address = |family: &str, address: String, port: Option<u16>| match (reveal, port) {
        (false, _) => format!("[{family} address hidden]"),
        (true, None) => address,
        (true, Some(port)) if family == "IPv6" => format!("[{address}]:{port}"),
        (true, Some(port)) => format!("{address}:{port}"),
    };
    match target {
        SearchTarget::PhoneNumber(number) if reveal => ("phone_number", number.expose_e164().to_owned()),
        SearchTarget::PhoneNumber(number) => ("phone_number", number.to_string()),
        SearchTarget::Ipv4 {
            public_address,
            public_port,
        } => ("ip", address("IPv4", public_address.to_string(), *public_port)),
        SearchTarget::Ipv6 {
            public_address,
            public_port,
        } => ("ip", address("IPv6", public_address.to_string(), *public_port)),
        // `SearchTarget` is non-exhaustive: a new kind is shown by its redacted Debug.
        other => ("target", format!("{other:?}")),
    }
}

/// Resolves `target` and reports the outcome as the JSON envelope, with the exit status.
pub async fn run(finder: &TelcoFinder, target: &SearchTarget, reveal: bool) -> (Value, u8) {
    let (name, shown) = shown(target, reveal);
    match finder.resolve(target.clone()).await {
        Ok(resolved) => (
            json!({
                "ok": true,
                "outcome": "succeeded",
                name: shown,
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
                json!({ "ok": false, "outcome": outcome, name: shown, "error": failure }),
                status,
            )
        }
    }
}

/// The human form of a report of [`run`].
#[must_use]
pub fn human(report: &Value) -> String {
    let text = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or("-");
    let target = ["phone_number", "ip", "target"]
        .into_iter()
        .find_map(|key| report.get(key).and_then(Value::as_str))
        .unwrap_or("-");
    if report.get("ok") == Some(&Value::Bool(true)) {
        format!(
            "{}: operator {}\napi root:  {}\ndiscovery: {}\n",
            target,
            text("operator_id"),
            text("api_root"),
            text("discovery_url")
        )
    } else {
        let message = report
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("failed");
        format!("{target}: {message}\n")
    }
}

/// `netid route`. Returns the exit status.
pub fn command(args: &RouteArgs) -> u8 {
    let (finder, target) = match plan(args, &process_env) {
        Ok(plan) => plan,
        Err(message) => return exit::usage("route", &message, args.json),
    };
    exit::block_on("route", async {
        let Some((report, status)) = exit::or_interrupted(run(&finder, &target, args.reveal)).await else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_shown_masked_unless_revealed() {
        let number = SearchTarget::from(PhoneNumber::parse_strict("+34654654654").expect("number"));
        let v4 = parse_device(" 198.51.100.7:40404 ").expect("v4 with port");
        let v6 = parse_device("[2001:db8::7]:40404").expect("v6 with port");
        let bare = parse_device("[2001:db8::7]").expect("v6 alone");
        for (target, reveal, expected) in [
            (&number, false, ("phone_number", "+34*******54")),
            (&number, true, ("phone_number", "+34654654654")),
            (&v4, false, ("ip", "[IPv4 address hidden]")),
            (&v4, true, ("ip", "198.51.100.7:40404")),
            (&v6, false, ("ip", "[IPv6 address hidden]")),
            (&v6, true, ("ip", "[2001:db8::7]:40404")),
            (&bare, true, ("ip", "2001:db8::7")),
        ] {
            let (name, text) = shown(target, reveal);
            assert_eq!((name, text.as_str()), expected);
        }
        for bad in ["", "198.51.100", "198.51.100.7:port", "example.org:80"] {
            assert!(parse_device(bad).is_none(), "{bad}");
        }
    }
}
