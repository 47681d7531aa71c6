//! `netid kyc-match`, `netid sim-swap check|retrieve-date` and
//! `netid number-verification verify|device-phone-number`: one CAMARA call against a real
//! operator described by the operator file ([`crate::config`]).
//!
//! Each command obtains a three-legged token by CIBA for the subscriber (the login hint is the
//! phone number in the operator's form, or `--login-hint`), with the scope
//! `openid <purpose> <api scope>`, then makes the call with the [`netid_camara`] client over
//! [`netid_reqwest`]. `--access-token-env NAME` uses a token obtained elsewhere (the
//! authorization-code flow, for Number Verification) instead of CIBA.
//!
//! The phone number goes in the request body where the spec version allows it next to a
//! three-legged token (KYC Match, SIM Swap 1.0); SIM Swap 2.1 identifies the subscriber by the
//! token alone (a number in the body is `422 UNNECESSARY_IDENTIFIER`), so there it is sent only with
//! a token from `--access-token-env`.
//!
//! Output: a human summary, or with `--json` one object (`api`, `operation`, `operator`, `version`,
//! `ok`, `token`, and `status`, `correlator`, `tolerated`, `result` or `error`). Phone numbers are
//! masked unless `--reveal`; tokens and claims never print. Exit status: 0 when the call succeeded,
//! 1 when the token was not granted or the call failed, 2 for usage and operator-file errors.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use netid_camara::kyc_match::{v0_2, v0_4};
use netid_camara::number_verification::v2::{device_phone_number, verify};
use netid_camara::sim_swap::{self, MaxAge};
use netid_camara::{Answer, CallOptions, CamaraClient, CamaraError, Endpoint, SpecVersion};
use netid_core::kyc::{KycClaims, KycMatchResult};
use netid_core::login_hint::LoginHint;
use netid_core::phone::{HashedPhoneNumber, PhoneNumber};
use netid_core::scope::{ApiScope, Scope};
use netid_core::token::AccessToken;
use netid_reqwest::TokioSleep;
use serde::Serialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::ciba_flow::CibaOutcome;
use crate::config::{ApiName, ApiTarget, ConfigError, EnvLookup, OperatorConfig};
use crate::token::{self, TokenArgs, TokenPlan, TokenReport};

/// Exit status: the call succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit status: no token, or the call failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit status: bad flags or operator file.
pub const EXIT_USAGE: u8 = 2;

/// What every API command takes.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct CallArgs {
    /// The operator file (TOML); `$NETID_CONFIG` when absent.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The CIBA login hint, instead of the one derived from `--phone-number`.
    #[arg(long, value_name = "HINT")]
    pub login_hint: Option<String>,
    /// Use the access token held in this environment variable instead of running CIBA.
    #[arg(long, value_name = "NAME")]
    pub access_token_env: Option<String>,
    /// Overall time limit of the call, in seconds (CIBA excluded).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub deadline: u64,
    /// Print one JSON object instead of the human output.
    #[arg(long)]
    pub json: bool,
    /// Show phone numbers unmasked.
    #[arg(long)]
    pub reveal: bool,
}

/// `netid kyc-match` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct KycMatchArgs {
    /// Settings every API command shares.
    #[command(flatten)]
    pub call: CallArgs,
    /// The subscriber's number (E.164; lenient forms accepted).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
    /// JSON file (or `-` for stdin) with the claims, under the spec's field names
    /// (`{"givenName": "…", "birthdate": "1990-01-31", …}`).
    #[arg(long, value_name = "FILE")]
    pub claims: PathBuf,
}

/// `netid sim-swap` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
#[non_exhaustive]
pub enum SimSwapCommand {
    /// Whether the SIM was swapped within `--max-age` hours (`POST /check`).
    Check(SimSwapCheckArgs),
    /// When the SIM was last swapped (`POST /retrieve-date`).
    RetrieveDate(SimSwapArgs),
}

/// `netid sim-swap retrieve-date` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct SimSwapArgs {
    /// Settings every API command shares.
    #[command(flatten)]
    pub call: CallArgs,
    /// The subscriber's number (required unless the token from `--access-token-env` identifies
    /// the subscriber).
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
}

/// `netid sim-swap check` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct SimSwapCheckArgs {
    /// The number and shared settings.
    #[command(flatten)]
    pub sim: SimSwapArgs,
    /// The window in hours, 1 to 2400.
    #[arg(long, value_name = "HOURS", default_value_t = 240)]
    pub max_age: u32,
}

/// `netid number-verification` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
#[non_exhaustive]
pub enum NumberVerificationCommand {
    /// Whether a number is the device's own (`POST /verify`).
    Verify(VerifyArgs),
    /// The device's own number (`GET /device-phone-number`).
    DevicePhoneNumber(CallArgs),
}

/// `netid number-verification verify` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct VerifyArgs {
    /// Settings every API command shares.
    #[command(flatten)]
    pub call: CallArgs,
    /// The number to verify.
    #[arg(long, value_name = "NUMBER", conflicts_with = "hashed_phone_number")]
    pub phone_number: Option<String>,
    /// Send `--phone-number` as its SHA-256 hash (`hashedPhoneNumber`).
    #[arg(long, requires = "phone_number")]
    pub hash: bool,
    /// A number already hashed: 64 lowercase hex digits of SHA-256 over the `+`-prefixed number.
    #[arg(long, value_name = "HEX")]
    pub hashed_phone_number: Option<String>,
}

/// How the command got its token.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct TokenUse {
    /// `ciba` or `environment`.
    pub source: &'static str,
    /// The CIBA outcome (`granted`, `denied`, `expired`, `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CibaOutcome>,
    /// Token requests sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polls: Option<u32>,
    /// The scope requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The OAuth error code, when CIBA ended on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What went wrong, when CIBA did not grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What a failed call reports (never a body: it may carry personal data).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CallFailure {
    /// `token`, `operator`, `decode`, `transport`, `deadline`, ...
    pub kind: String,
    /// The HTTP status, when there was a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The operator's error code (`PERMISSION_DENIED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The error's display.
    pub message: String,
}

/// What an API command prints (`--json`).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ApiReport {
    /// `kyc-match`, `sim-swap` or `number-verification`.
    pub api: &'static str,
    /// `match`, `check`, `retrieve-date`, `verify`, `device-phone-number`.
    pub operation: &'static str,
    /// The profile's operator name (`orange-spain`, `camara`).
    pub operator: String,
    /// The spec version the profile follows.
    pub version: &'static str,
    /// Whether the call succeeded.
    pub ok: bool,
    /// How the token was obtained.
    pub token: TokenUse,
    /// The HTTP status of the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The `x-correlator` sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlator: Option<String>,
    /// Deviations from the spec the profile tolerated (`quirk`, JSON `path`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerated: Vec<Value>,
    /// The decoded answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Why the call failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CallFailure>,
}

impl ApiReport {
    /// The exit status this report implies.
    pub fn exit_status(&self) -> u8 {
        if self.ok { EXIT_OK } else { EXIT_FAILED }
    }
}

/// One validated API command: the target, the token plan (or a token) and the request.
#[derive(Debug)]
pub struct ApiPlan {
    target: ApiTarget,
    token: TokenSource,
    operation: Operation,
    deadline: Duration,
    reveal: bool,
}

#[derive(Debug)]
enum TokenSource {
    Ciba(Box<TokenPlan>),
    Given(AccessToken),
}

#[derive(Debug)]
enum Operation {
    KycMatch(Box<KycClaims>),
    SimSwapCheck(MaxAge, Option<PhoneNumber>),
    SimSwapRetrieveDate(Option<PhoneNumber>),
    Verify(VerifyNumber),
    DevicePhoneNumber,
}

#[derive(Debug)]
enum VerifyNumber {
    Plain(PhoneNumber),
    Hashed(HashedPhoneNumber),
}

impl Operation {
    fn api(&self) -> ApiName {
        match self {
            Self::KycMatch(_) => ApiName::KycMatch,
            Self::SimSwapCheck(..) | Self::SimSwapRetrieveDate(_) => ApiName::SimSwap,
            Self::Verify(_) | Self::DevicePhoneNumber => ApiName::NumberVerification,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::KycMatch(_) => "match",
            Self::SimSwapCheck(..) => "check",
            Self::SimSwapRetrieveDate(_) => "retrieve-date",
            Self::Verify(_) => "verify",
            Self::DevicePhoneNumber => "device-phone-number",
        }
    }

    /// The API scopes the operation needs under `target`'s profile.
    fn scopes(&self, target: &ApiTarget) -> Vec<ApiScope> {
        if let Some(scopes) = &target.scope_override {
            return scopes.clone();
        }
        // The Orange Spain page grants one scope for both SIM Swap operations.
        let one_sim_swap_scope = target.profile.name() == "orange-spain";
        vec![match self {
            Self::KycMatch(_) => ApiScope::KycMatchMatch,
            Self::SimSwapCheck(..) | Self::SimSwapRetrieveDate(_) if one_sim_swap_scope => ApiScope::SimSwap,
            Self::SimSwapCheck(..) => ApiScope::SimSwapCheck,
            Self::SimSwapRetrieveDate(_) => ApiScope::SimSwapRetrieveDate,
            Self::Verify(_) => ApiScope::NumberVerificationVerify,
            Self::DevicePhoneNumber => ApiScope::NumberVerificationDevicePhoneNumberRead,
        }]
    }
}

fn config_error(error: ConfigError) -> String {
    error.to_string()
}

fn parse_number(flag: &str, text: &str) -> Result<PhoneNumber, String> {
    PhoneNumber::parse_lenient(text).map_err(|error| format!("{flag}: {error}"))
}

/// The login hint for `number` under `target`: the Orange France page writes a bare MSISDN,
/// every other page and the CAMARA profile `tel:+…`.
fn hint_for(target: &ApiTarget, number: &PhoneNumber) -> LoginHint {
    if target.profile.name() == "orange-france" {
        LoginHint::Msisdn(number.clone())
    } else {
        LoginHint::Tel(number.clone())
    }
}

/// Builds an [`Operation`] once the API's target is known: `(target, token given)` to the operation
/// and the subscriber's number (for the login hint).
type MakeOperation<'a> =
    Box<dyn FnOnce(&ApiTarget, bool) -> Result<(Operation, Option<PhoneNumber>), String> + 'a>;

impl ApiPlan {
    fn build(
        call: &CallArgs,
        api: ApiName,
        make: MakeOperation<'_>,
        env: EnvLookup<'_>,
    ) -> Result<Self, String> {
        let path = match &call.config {
            Some(path) => path.clone(),
            None => env("NETID_CONFIG")
                .map(PathBuf::from)
                .ok_or("give --config FILE (or set NETID_CONFIG)")?,
        };
        let config = OperatorConfig::read(&path, env).map_err(config_error)?;
        Self::from_config(&config, call, api, make, env)
    }

    fn from_config(
        config: &OperatorConfig,
        call: &CallArgs,
        api: ApiName,
        make: MakeOperation<'_>,
        env: EnvLookup<'_>,
    ) -> Result<Self, String> {
        let target = config.api(api).map_err(config_error)?;
        let given_token = match &call.access_token_env {
            Some(name) => Some(AccessToken::new(
                env(name).ok_or_else(|| format!("--access-token-env: {name} is not set"))?,
            )),
            None => None,
        };
        let (operation, subject) = make(&target, given_token.is_some())?;
        let token = match given_token {
            Some(token) => TokenSource::Given(token),
            None => {
                let hint = match (&call.login_hint, &subject) {
                    (Some(hint), _) => hint.clone(),
                    (None, Some(number)) => hint_for(&target, number).expose_value(),
                    (None, None) => {
                        return Err(String::from(
                            "give --login-hint HINT (or --access-token-env NAME)",
                        ));
                    }
                };
                let scope = Scope::builder(config.purpose.clone())
                    .apis(operation.scopes(&target))
                    .build();
                let mut args: TokenArgs = config.token.clone();
                args.login_hint = Some(hint);
                args.scope = Some(scope.to_string());
                let plan = TokenPlan::from_merged(args).map_err(|error| error.to_string())?;
                TokenSource::Ciba(Box::new(plan))
            }
        };
        Ok(Self {
            target,
            token,
            operation,
            deadline: Duration::from_secs(call.deadline.max(1)),
            reveal: call.reveal,
        })
    }

    /// `netid kyc-match`: the claims file is read here (`-` is stdin).
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn kyc_match(args: &KycMatchArgs, env: EnvLookup<'_>) -> Result<Self, String> {
        let text = if args.claims.as_os_str() == "-" {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|error| format!("cannot read the claims from stdin: {error}"))?;
            text
        } else {
            std::fs::read_to_string(&args.claims)
                .map_err(|error| format!("cannot read --claims {}: {error}", args.claims.display()))?
        };
        Self::kyc_match_with_claims(args, &text, env)
    }

    fn kyc_match_with_claims(args: &KycMatchArgs, claims: &str, env: EnvLookup<'_>) -> Result<Self, String> {
        let make: MakeOperation<'_> = Box::new(|_, _| {
            // The path and position say which field is wrong; serde's message is left out, since
            // it may quote the value (personal data).
            let mut claims: KycClaims = serde_path_to_error::deserialize(
                &mut serde_json::Deserializer::from_str(claims),
            )
            .map_err(|error| {
                let inner = error.inner();
                format!(
                    "--claims: invalid {} at {} (line {}, column {})",
                    match inner.classify() {
                        serde_json::error::Category::Data => "value",
                        _ => "JSON",
                    },
                    error.path(),
                    inner.line(),
                    inner.column()
                )
            })?;
            let number = match &args.phone_number {
                Some(text) => Some(parse_number("--phone-number", text)?),
                None => claims.phone_number.clone(),
            };
            let number = number.ok_or("give --phone-number (or phoneNumber in the claims)")?;
            claims.phone_number = Some(number.clone());
            if claims.is_empty() {
                return Err(String::from("--claims: no claim to match"));
            }
            Ok((Operation::KycMatch(Box::new(claims)), Some(number)))
        });
        Self::build(&args.call, ApiName::KycMatch, make, env)
    }

    /// `netid sim-swap check` and `retrieve-date`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn sim_swap(command: &SimSwapCommand, env: EnvLookup<'_>) -> Result<Self, String> {
        let (sim, max_age) = match command {
            SimSwapCommand::Check(args) => (
                &args.sim,
                Some(MaxAge::new(args.max_age).map_err(|error| format!("--max-age: {error}"))?),
            ),
            SimSwapCommand::RetrieveDate(args) => (args, None),
        };
        let make: MakeOperation<'_> = Box::new(move |target, given_token| {
            let number = match &sim.phone_number {
                Some(text) => Some(parse_number("--phone-number", text)?),
                None if given_token => None,
                None if sim.call.login_hint.is_some() => None,
                None => return Err(String::from("give --phone-number NUMBER")),
            };
            // SIM Swap 2.1 (Commonalities 0.6) refuses an identifier next to a three-legged token.
            let in_body = match target.profile.spec() {
                SpecVersion::SimSwap2_1_0 if !given_token => None,
                _ => number.clone(),
            };
            let operation = match max_age {
                Some(max_age) => Operation::SimSwapCheck(max_age, in_body),
                None => Operation::SimSwapRetrieveDate(in_body),
            };
            Ok((operation, number))
        });
        Self::build(&sim.call, ApiName::SimSwap, make, env)
    }

    /// `netid number-verification verify` and `device-phone-number`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn number_verification(
        command: &NumberVerificationCommand,
        env: EnvLookup<'_>,
    ) -> Result<Self, String> {
        match command {
            NumberVerificationCommand::Verify(args) => {
                let make: MakeOperation<'_> = Box::new(|_, _| {
                    let number = match (&args.phone_number, &args.hashed_phone_number) {
                        (Some(text), None) => {
                            let number = parse_number("--phone-number", text)?;
                            if args.hash {
                                VerifyNumber::Hashed(number.hashed())
                            } else {
                                VerifyNumber::Plain(number)
                            }
                        }
                        (None, Some(hex)) => VerifyNumber::Hashed(
                            hex.parse()
                                .map_err(|error| format!("--hashed-phone-number: {error}"))?,
                        ),
                        _ => {
                            return Err(String::from(
                                "give --phone-number NUMBER or --hashed-phone-number HEX",
                            ));
                        }
                    };
                    // The hint is the device's (its network address or an operator token), never the
                    // number being verified.
                    Ok((Operation::Verify(number), None))
                });
                Self::build(&args.call, ApiName::NumberVerification, make, env)
            }
            NumberVerificationCommand::DevicePhoneNumber(call) => Self::build(
                call,
                ApiName::NumberVerification,
                Box::new(|_, _| Ok((Operation::DevicePhoneNumber, None))),
                env,
            ),
        }
    }
}

/// Runs `plan`: the token (CIBA, with a spinner when `spinner`), then the call.
pub async fn run(plan: ApiPlan, spinner: bool) -> ApiReport {
    let profile = &plan.target.profile;
    let mut report = ApiReport {
        api: plan.operation.api().as_str(),
        operation: plan.operation.name(),
        operator: profile.name().to_owned(),
        version: profile.spec().as_str(),
        ok: false,
        token: TokenUse {
            source: "environment",
            outcome: None,
            polls: None,
            scope: None,
            error: None,
            message: None,
        },
        status: None,
        correlator: None,
        tolerated: Vec::new(),
        result: None,
        error: None,
    };
    // One HTTP client for the token flow and the call: one connection pool, one TLS set-up per host.
    let transport = match token::http_transport() {
        Ok(transport) => transport,
        Err(message) => {
            report.error = Some(CallFailure {
                kind: String::from("environment"),
                status: None,
                code: None,
                message,
            });
            return report;
        }
    };
    let access_token = match plan.token {
        TokenSource::Given(token) => token,
        TokenSource::Ciba(token_plan) => {
            let scope = token_plan.scope().to_string();
            let TokenReport {
                outcome,
                polls,
                error,
                message,
                access_token,
                ..
            } = token::obtain(*token_plan, spinner, transport.clone()).await;
            report.token = TokenUse {
                source: "ciba",
                outcome: Some(outcome),
                polls: Some(polls),
                scope: Some(scope),
                error: error.clone(),
                message: message.clone(),
            };
            match access_token {
                Some(token) if outcome == CibaOutcome::Granted => token,
                _ => {
                    report.error = Some(CallFailure {
                        kind: String::from("token"),
                        status: None,
                        code: error,
                        message: message.unwrap_or_else(|| format!("no token: {outcome}")),
                    });
                    return report;
                }
            }
        }
    };
    let client = CamaraClient::new(transport, plan.target.profile.clone(), Arc::new(TokioSleep));
    let options = CallOptions::new().with_deadline(std::time::SystemTime::now() + plan.deadline);
    let reveal = plan.reveal;
    let outcome = match &plan.operation {
        Operation::KycMatch(claims) => match profile.spec() {
            SpecVersion::KycMatch0_2_1 => {
                call(
                    &client,
                    &access_token,
                    &v0_2::Request::new((**claims).clone()),
                    options,
                    |r| kyc_result(&r.result),
                )
                .await
            }
            _ => {
                call(
                    &client,
                    &access_token,
                    &v0_4::Request::new((**claims).clone()),
                    options,
                    |r| kyc_result(&r.result),
                )
                .await
            }
        },
        Operation::SimSwapCheck(max_age, number) => match profile.spec() {
            SpecVersion::SimSwap1_0_0 => {
                let mut request = sim_swap::v1::check::Request::new(*max_age);
                request.phone_number = number.clone();
                call(
                    &client,
                    &access_token,
                    &request,
                    options,
                    |r| json!({"swapped": r.swapped, "maxAge": max_age.hours()}),
                )
                .await
            }
            _ => {
                let mut request = sim_swap::v2::check::Request::new(*max_age);
                request.phone_number = number.clone();
                call(
                    &client,
                    &access_token,
                    &request,
                    options,
                    |r| json!({"swapped": r.swapped, "maxAge": max_age.hours()}),
                )
                .await
            }
        },
        Operation::SimSwapRetrieveDate(number) => match profile.spec() {
            SpecVersion::SimSwap1_0_0 => {
                let mut request = sim_swap::v1::retrieve_date::Request::new();
                request.phone_number = number.clone();
                call(
                    &client,
                    &access_token,
                    &request,
                    options,
                    |r| json!({"latestSimChange": rfc3339(r.latest_sim_change)}),
                )
                .await
            }
            _ => {
                let mut request = sim_swap::v2::retrieve_date::Request::new();
                request.phone_number = number.clone();
                call(&client, &access_token, &request, options, |r| {
                    json!({"latestSimChange": rfc3339(r.latest_sim_change), "monitoredPeriod": r.monitored_period})
                })
                .await
            }
        },
        Operation::Verify(number) => {
            let request = match number {
                VerifyNumber::Plain(number) => verify::Request::plain(number.clone()),
                VerifyNumber::Hashed(hash) => verify::Request::hashed(hash.clone()),
            };
            call(
                &client,
                &access_token,
                &request,
                options,
                |r| json!({"devicePhoneNumberVerified": r.device_phone_number_verified}),
            )
            .await
        }
        Operation::DevicePhoneNumber => {
            call(
                &client,
                &access_token,
                &device_phone_number::Request::new(),
                options,
                |r| {
                    let number = if reveal {
                        r.device_phone_number.expose_e164().to_owned()
                    } else {
                        r.device_phone_number.to_string()
                    };
                    json!({"devicePhoneNumber": number})
                },
            )
            .await
        }
    };
    match outcome {
        Ok(done) => {
            report.ok = true;
            report.status = Some(done.status);
            report.correlator = Some(done.correlator);
            report.tolerated = done.tolerated;
            report.result = Some(done.result);
        }
        Err(error) => {
            report.status = error.status();
            report.error = Some(CallFailure {
                kind: error.kind().to_owned(),
                status: error.status(),
                code: error
                    .as_operator()
                    .map(|operator| operator.code().as_str().to_owned()),
                message: error.to_string(),
            });
        }
    }
    report
}

/// A successful call, reduced to what the report shows.
struct Done {
    status: u16,
    correlator: String,
    tolerated: Vec<Value>,
    result: Value,
}

async fn call<E: Endpoint>(
    client: &CamaraClient,
    token: &AccessToken,
    request: &E,
    options: CallOptions,
    show: impl FnOnce(&E::Response) -> Value,
) -> Result<Done, CamaraError> {
    let Answer {
        value,
        status,
        correlator,
        tolerated,
        ..
    } = client.send(token, request, options).await?;
    Ok(Done {
        status,
        correlator: correlator.as_str().to_owned(),
        tolerated: tolerated
            .iter()
            .map(|quirk| json!({"quirk": quirk.quirk.as_str(), "path": quirk.path}))
            .collect(),
        result: show(&value),
    })
}

fn rfc3339(at: Option<time::OffsetDateTime>) -> Value {
    at.and_then(|at| at.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::from)
}

fn kyc_result(result: &KycMatchResult) -> Value {
    let fields: Vec<Value> = result
        .iter()
        .map(|(field, found)| {
            json!({
                "field": field.as_str(),
                "result": found.result.as_str(),
                "score": found.score.map(|score| score.value()),
            })
        })
        .collect();
    json!({ "fields": fields })
}

/// The human form of a report.
pub fn human(report: &ApiReport) -> String {
    let mut text = format!(
        "{} {} · {} {}",
        report.api, report.operation, report.operator, report.version
    );
    if let (Some(outcome), Some(polls)) = (report.token.outcome, report.token.polls) {
        text.push_str(&format!(" · token by CIBA: {outcome} after {polls} poll(s)"));
    }
    if let Some(status) = report.status {
        text.push_str(&format!(" · HTTP {status}"));
    }
    if let Some(error) = &report.error {
        text.push_str(&format!("\nfailed ({}): {}", error.kind, error.message));
        return text;
    }
    match &report.result {
        Some(Value::Object(map)) if map.contains_key("fields") => {
            text.push_str(&format!("\n  {:<28} {:<14} {}", "field", "result", "score"));
            for field in map["fields"].as_array().into_iter().flatten() {
                let score = field["score"]
                    .as_u64()
                    .map_or_else(|| String::from("-"), |s| s.to_string());
                text.push_str(&format!(
                    "\n  {:<28} {:<14} {score}",
                    field["field"].as_str().unwrap_or("?"),
                    field["result"].as_str().unwrap_or("?"),
                ));
            }
        }
        Some(Value::Object(map)) => {
            for (key, value) in map {
                text.push_str(&format!("\n  {key}: {value}"));
            }
        }
        _ => {}
    }
    for quirk in &report.tolerated {
        text.push_str(&format!("\n  tolerated {} at {}", quirk["quirk"], quirk["path"]));
    }
    text
}

/// Prints a usage error and returns exit status 2.
fn usage_exit(command: &str, message: &str) -> u8 {
    let _ = writeln!(io::stderr(), "netid {command}: {message}");
    EXIT_USAGE
}

fn execute(command: &str, plan: Result<ApiPlan, String>, json_output: bool) -> u8 {
    let plan = match plan {
        Ok(plan) => plan,
        Err(message) => return usage_exit(command, &message),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(
                io::stderr(),
                "netid {command}: cannot start the async runtime: {error}"
            );
            return EXIT_FAILED;
        }
    };
    let spinner = !json_output && io::stdout().is_terminal();
    let report = runtime.block_on(run(plan, spinner));
    let text = if json_output {
        serde_json::to_string(&report).unwrap_or_else(|_| String::from(r#"{"ok":false}"#))
    } else {
        human(&report)
    };
    let _ = writeln!(io::stdout().lock(), "{text}");
    report.exit_status()
}

/// `netid kyc-match`. Returns the exit status.
pub fn kyc_match_command(args: &KycMatchArgs) -> u8 {
    execute(
        "kyc-match",
        ApiPlan::kyc_match(args, &crate::config::process_env),
        args.call.json,
    )
}

/// `netid sim-swap …`. Returns the exit status.
pub fn sim_swap_command(command: &SimSwapCommand) -> u8 {
    let json_output = match command {
        SimSwapCommand::Check(args) => args.sim.call.json,
        SimSwapCommand::RetrieveDate(args) => args.call.json,
    };
    execute(
        "sim-swap",
        ApiPlan::sim_swap(command, &crate::config::process_env),
        json_output,
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
        ApiPlan::number_verification(command, &crate::config::process_env),
        json_output,
    )
}
