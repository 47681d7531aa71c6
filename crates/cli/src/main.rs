//! `netid`: the command line of the netid toolkit.
//!
//! It is the only code that reads files, the environment and the real clock; the protocol crates
//! it drives are sans-I/O. Subcommands are grouped by protocol (`netid saml …`); each group lives
//! in its own module and adds a variant to [`Command`].

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod saml;

/// Check identity data, SIM and device swaps, device numbers and fraud signals with mobile operators
/// (the CAMARA identity and fraud APIs), find which operator serves a number (Telco Finder), obtain
/// the tokens that guard them (OpenID Connect CIBA), sign users in over SAML, and run a local
/// operator (the sandbox) to try it all.
#[derive(Debug, Parser)]
#[command(
    name = "netid",
    version,
    after_help = concat!(
        "Start here: `netid demo` runs every flow against the embedded sandbox.\n\n",
        "Exit status: 0 done · 1 negative outcome · 2 usage error · 130 interrupted (Ctrl-C)."
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Top-level command groups.
#[derive(Debug, Subcommand)]
enum Command {
    /// Verify SAML Responses received at your service provider, or build a sign-in URL; Single
    /// Logout: build a logout URL, verify logout messages.
    #[command(subcommand)]
    Saml(saml::SamlCommand),
    /// Run every flow against the embedded sandbox operator (CIBA, every CAMARA API, Telco Finder,
    /// SAML) and report each step.
    #[command(
        after_help = "Example: netid demo --json > report.json\n\nExit status: 0 every step ok · 1 a step failed."
    )]
    Demo(netid_cli::demo::DemoArgs),
    /// Run the sandbox operator on 127.0.0.1 for your own backend to call.
    #[command(subcommand)]
    Sandbox(netid_cli::sandbox::SandboxCommand),
    /// Obtain an access token by CIBA from any OpenID Provider (the subscriber approves on their
    /// phone).
    #[command(after_help = concat!(
        "Example: netid token --config netid.toml --login-hint tel:+34654654654 ",
        "--scope \"openid dpv:FraudPreventionAndDetection sim-swap:check\"\n\n",
        "The token prints only with --show-token. Progress shows on stderr when it is a terminal."
    ))]
    Token(Box<netid_cli::token::TokenArgs>),
    /// Check a customer's identity data against the operator's records (CAMARA KYC Match).
    #[command(after_help = concat!(
        "Example: netid kyc-match --config netid.toml --phone-number +33699901040 --claims claims.json\n\n",
        "The claims file holds the spec's field names: {\"givenName\": \"…\", \"birthdate\": \"1990-01-31\"}. ",
        "Phone numbers print masked unless --reveal; claims and tokens never print."
    ))]
    KycMatch(Box<netid_cli::api::KycMatchArgs>),
    /// Whether, or when, the SIM behind a number was swapped (CAMARA SIM Swap).
    #[command(subcommand)]
    SimSwap(Box<netid_cli::api::SimSwapCommand>),
    /// Whether a number is the one of the device in use, or which it is (CAMARA Number
    /// Verification).
    #[command(subcommand)]
    NumberVerification(Box<netid_cli::api::NumberVerificationCommand>),
    /// Whether, or when, the device behind a number changed (CAMARA Device Swap).
    #[command(subcommand)]
    DeviceSwap(Box<netid_cli::api::DeviceSwapCommand>),
    /// Whether the subscriber of a number changed after a date (CAMARA Number Recycling).
    #[command(subcommand)]
    NumberRecycling(Box<netid_cli::api::NumberRecyclingCommand>),
    /// Whether a number has been with its operator since a date, and on which contract (CAMARA KYC
    /// Tenure).
    #[command(after_help = concat!(
        "Example: netid kyc-tenure --config netid.toml --phone-number +33699901040 --tenure-date 2020-01-01 --json\n\n",
        "Exit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    ))]
    KycTenure(Box<netid_cli::api::KycTenureArgs>),
    /// Whether the subscriber is at least a given age, and whether the line has a content lock or
    /// parental control (CAMARA KYC Age Verification).
    #[command(after_help = concat!(
        "Example: netid kyc-age-verification --config netid.toml --phone-number +33699901040 --age-threshold 18 ",
        "--include-parental-control --json\n\n",
        "Exit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    ))]
    KycAgeVerification(Box<netid_cli::api::KycAgeVerificationArgs>),
    /// The identity data the operator holds for the subscriber, to fill in a form (CAMARA KYC
    /// Fill-in).
    #[command(after_help = concat!(
        "Example: netid kyc-fill-in --config netid.toml --phone-number +33699901040 --json\n\n",
        "Values print as [redacted] (the number masked) unless --reveal. ",
        "Exit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    ))]
    KycFillIn(Box<netid_cli::api::KycFillInArgs>),
    /// Whether calls to a number are forwarded, and how (CAMARA Call Forwarding Signal).
    #[command(subcommand)]
    CallForwarding(Box<netid_cli::api::CallForwardingCommand>),
    /// Whether the subscriber's data may be processed for some scopes and a purpose (CAMARA
    /// Consent Info).
    #[command(after_help = concat!(
        "Example: netid consent-info --config netid.toml --phone-number +33699901040 ",
        "--scopes sim-swap:check,kyc-match:match --purpose dpv:FraudPreventionAndDetection --request-capture-url\n\n",
        "Exit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    ))]
    ConsentInfo(Box<netid_cli::api::ConsentInfoArgs>),
    /// Which operator serves a number or a device's public address: its id, API root and OpenID
    /// discovery URL (GSMA Open Gateway Telco Finder, as the operator file's `[telco-finder]`
    /// table names it).
    #[command(
        after_help = "Examples:\n  netid route --config netid.toml --phone-number +34654654654 --json\n  netid route --config netid.toml --ip 198.51.100.7:40404\n\nExit status: 0 resolved · 1 not supported or a failed call · 2 usage error · 130 interrupted."
    )]
    Route(Box<netid_cli::route::RouteArgs>),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return ExitCode::from(parse_error(&error)),
    };
    let code = match cli.command {
        Command::Saml(cmd) => saml::run(cmd),
        Command::Demo(args) => netid_cli::demo::command(&args),
        Command::Sandbox(cmd) => netid_cli::sandbox::command(&cmd),
        Command::Token(args) => netid_cli::token::command(*args),
        Command::KycMatch(args) => netid_cli::api::kyc_match_command(&args),
        Command::SimSwap(cmd) => netid_cli::api::sim_swap_command(&cmd),
        Command::NumberVerification(cmd) => netid_cli::api::number_verification_command(&cmd),
        Command::DeviceSwap(cmd) => netid_cli::api::device_swap_command(&cmd),
        Command::NumberRecycling(cmd) => netid_cli::api::number_recycling_command(&cmd),
        Command::KycTenure(args) => netid_cli::api::kyc_tenure_command(&args),
        Command::KycAgeVerification(args) => netid_cli::api::kyc_age_verification_command(&args),
        Command::KycFillIn(args) => netid_cli::api::kyc_fill_in_command(&args),
        Command::CallForwarding(cmd) => netid_cli::api::call_forwarding_command(&cmd),
        Command::ConsentInfo(args) => netid_cli::api::consent_info_command(&args),
        Command::Route(args) => netid_cli::route::command(&args),
    };
    ExitCode::from(code)
}

/// Help and version print as clap prints them; a usage error under `--json` also prints the usage
/// report on stdout, so a script reading stdout always gets one JSON object.
fn parse_error(error: &clap::Error) -> u8 {
    let _ = error.print();
    if !error.use_stderr() {
        return netid_cli::exit::OK;
    }
    if std::env::args().any(|arg| arg == "--json") {
        let rendered = error.render().to_string();
        let message: Vec<&str> = rendered
            .lines()
            .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        let message = message.join(" ");
        let message = message.strip_prefix("error: ").unwrap_or(&message);
        netid_cli::envelope::print(&netid_cli::envelope::usage_report(message));
    }
    netid_cli::exit::USAGE
}
