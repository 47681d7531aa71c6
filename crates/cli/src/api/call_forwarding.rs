//! `netid call-forwarding unconditional|list`: Call Forwarding Signal's two operations.

use netid::Api;
use netid::description::EnvLookup;

use super::args::CallArgs;
use super::plan::{ApiPlan, Request, parse_number};

/// `netid call-forwarding` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
#[non_exhaustive]
pub enum CallForwardingCommand {
    /// Whether every call to the number is forwarded (`POST /unconditional-call-forwardings`).
    #[command(
        after_help = "Example: netid call-forwarding unconditional --config netid.toml --phone-number +33699901040 --json\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
    Unconditional(CallForwardingArgs),
    /// Which call forwarding services are active on the number (`POST /call-forwardings`).
    #[command(
        after_help = "Example: netid call-forwarding list --config netid.toml --phone-number +33699901040\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
    List(CallForwardingArgs),
}

impl CallForwardingCommand {
    /// The settings every API command shares.
    pub(super) fn call(&self) -> &CallArgs {
        match self {
            Self::Unconditional(args) | Self::List(args) => &args.call,
        }
    }
}

/// `netid call-forwarding` flags (the request's one field, `phoneNumber`).
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct CallForwardingArgs {
    /// Settings every API command shares.
    #[command(flatten)]
    pub call: CallArgs,
    /// The subscriber's number (required unless the token from `--access-token-env` identifies
    /// the subscriber).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
}

impl ApiPlan {
    /// `netid call-forwarding unconditional` and `list`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn call_forwarding(command: &CallForwardingCommand, env: EnvLookup<'_>) -> Result<Self, String> {
        let (args, request) = match command {
            CallForwardingCommand::Unconditional(args) => (args, Request::CallForwardingUnconditional),
            CallForwardingCommand::List(args) => (args, Request::CallForwardings),
        };
        let build = || {
            let number = match &args.phone_number {
                Some(text) => Some(parse_number("--phone-number", text)?),
                None if args.call.access_token_env.is_some() || args.call.login_hint.is_some() => None,
                None => return Err(String::from("give --phone-number NUMBER")),
            };
            Ok((request, number))
        };
        Self::build(&args.call, Api::CallForwardingSignal, build, env)
    }
}
