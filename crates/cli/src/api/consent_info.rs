//! `netid consent-info`: Consent Info's `retrieve`, one flag per request field.

use netid::description::EnvLookup;
use netid::{Api, ConsentQuery};
use netid_core::scope::{ApiScope, Purpose};

use super::args::CallArgs;
use super::plan::{ApiPlan, Request, parse_number};

/// `netid consent-info` flags, named after the request's fields.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct ConsentInfoArgs {
    /// Settings every API command shares.
    #[command(flatten)]
    pub call: CallArgs,
    /// The subscriber's number (required unless the token from `--access-token-env` identifies
    /// the subscriber).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
    /// The scopes to ask about (`sim-swap:check`), comma-separated or repeated.
    #[arg(long, value_name = "SCOPE", value_delimiter = ',', required = true)]
    pub scopes: Vec<String>,
    /// The purpose of the processing (`dpv:FraudPreventionAndDetection`).
    #[arg(long, value_name = "PURPOSE")]
    pub purpose: String,
    /// Ask for a consent capture URL when the subscriber must act.
    #[arg(long)]
    pub request_capture_url: bool,
    /// Where the operator sends the subscriber back after the capture.
    #[arg(long, value_name = "URL", requires = "request_capture_url")]
    pub callback_url: Option<String>,
}

impl ApiPlan {
    /// `netid consent-info`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn consent_info(args: &ConsentInfoArgs, env: EnvLookup<'_>) -> Result<Self, String> {
        let build = || {
            let number = match &args.phone_number {
                Some(text) => Some(parse_number("--phone-number", text)?),
                None if args.call.access_token_env.is_some() || args.call.login_hint.is_some() => None,
                None => return Err(String::from("give --phone-number NUMBER")),
            };
            let purpose =
                Purpose::parse_known(&args.purpose).map_err(|error| format!("--purpose: {error}"))?;
            let scopes: Vec<ApiScope> = args
                .scopes
                .iter()
                .map(|scope| scope.trim())
                .filter(|scope| !scope.is_empty())
                .map(|scope| {
                    let Ok(scope) = scope.parse::<ApiScope>();
                    scope
                })
                .collect();
            if scopes.is_empty() {
                return Err(String::from("--scopes: give at least one scope"));
            }
            let mut query = ConsentQuery::new(scopes, purpose);
            if args.request_capture_url {
                query = query.with_capture_url();
            }
            if let Some(url) = &args.callback_url {
                query = query.with_callback_url(url.clone());
            }
            Ok((Request::ConsentInfo(Box::new(query)), number))
        };
        Self::build(&args.call, Api::ConsentInfo, build, env)
    }
}
