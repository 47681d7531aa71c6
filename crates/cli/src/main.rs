//! `netid`: the command line of the netid toolkit.
//!
//! It is the only code that reads files, the environment and the real clock; the protocol crates
//! it drives are sans-I/O. Subcommands are grouped by protocol (`netid saml …`); each group lives
//! in its own module and adds a variant to [`Command`].

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod saml;

/// Reference toolkit for mobile-operator network identity APIs.
#[derive(Debug, Parser)]
#[command(name = "netid", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Top-level command groups.
#[derive(Debug, Subcommand)]
enum Command {
    /// SAML 2.0 Service Provider tools (Orange Authentication API).
    #[command(subcommand)]
    Saml(saml::SamlCommand),
    /// Run every flow against the embedded reference operator (CIBA, KYC Match, SIM Swap, Number
    /// Verification, SAML); exit 1 if any step fails.
    Demo(netid_cli::demo::DemoArgs),
    /// Run the reference operator (the sandbox) on loopback.
    #[command(subcommand)]
    Sandbox(netid_cli::sandbox::SandboxCommand),
    /// Obtain a three-legged access token by CIBA from any OpenID Provider; exit 0 when granted.
    Token(Box<netid_cli::token::TokenArgs>),
    /// KYC Match against the operator of `--config`: CIBA for the subscriber, then `POST /match`.
    KycMatch(Box<netid_cli::api::KycMatchArgs>),
    /// SIM Swap against the operator of `--config` (`check` or `retrieve-date`).
    #[command(subcommand)]
    SimSwap(Box<netid_cli::api::SimSwapCommand>),
    /// Number Verification against the operator of `--config` (`verify` or `device-phone-number`).
    #[command(subcommand)]
    NumberVerification(Box<netid_cli::api::NumberVerificationCommand>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Saml(cmd) => saml::run(cmd),
        Command::Demo(args) => netid_cli::demo::command(&args),
        Command::Sandbox(cmd) => netid_cli::sandbox::command(&cmd),
        Command::Token(args) => netid_cli::token::command(*args),
        Command::KycMatch(args) => netid_cli::api::kyc_match_command(&args),
        Command::SimSwap(cmd) => netid_cli::api::sim_swap_command(&cmd),
        Command::NumberVerification(cmd) => netid_cli::api::number_verification_command(&cmd),
    };
    ExitCode::from(code)
}
