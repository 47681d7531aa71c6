//! One API command, validated: the operator (the facade, built from the operator file), who the
//! call is about, and the request.

use std::io::{self, Read};
use std::time::Duration;

use netid::crates::camara::kyc_age_verification::AgeQuery;
use netid::description::{DescriptionError, EnvLookup};
use netid::{Api, ConsentQuery, NumberToVerify, Operation, Operator, SearchTarget, Subject, TelcoFinder};
use netid_core::kyc::KycClaims;
use netid_core::login_hint::LoginHint;
use netid_core::phone::PhoneNumber;
use netid_core::token::AccessToken;

use time::Date;
use time::macros::format_description;

use super::args::{
    CallArgs, DeviceSwapCommand, KycMatchArgs, KycTenureArgs, NumberRecyclingCommand,
    NumberVerificationCommand, SimSwapArgs, SimSwapCommand,
};
use super::routing;
use crate::operator_file;

/// One validated API command: the operator, the subject, the request and the call's settings.
#[derive(Debug)]
pub struct ApiPlan {
    pub(super) target: Target,
    pub(super) subject: Subject,
    pub(super) request: Request,
    pub(super) deadline: Duration,
    pub(super) reveal: bool,
    pub(super) token_given: bool,
}

/// Where the call goes.
#[derive(Debug)]
pub(super) enum Target {
    /// The operator the operator file describes.
    Operator(Box<Operator>),
    /// The operator the Telco Finder names for `target` (`--route`), resolved when the plan runs.
    Route {
        finder: TelcoFinder,
        target: SearchTarget,
    },
}

/// What the command asks.
#[derive(Debug)]
pub(super) enum Request {
    KycMatch(Box<KycClaims>),
    SimSwapCheck(u32),
    SimSwapRetrieveDate,
    Verify(NumberToVerify),
    DevicePhoneNumber,
    DeviceSwapCheck(u32),
    DeviceSwapRetrieveDate,
    NumberRecyclingCheck(Date),
    KycTenureCheck(Date),
    KycAgeVerification(Box<AgeQuery>),
    KycFillIn,
    CallForwardingUnconditional,
    CallForwardings,
    ConsentInfo(Box<ConsentQuery>),
}

impl Request {
    pub(super) fn operation(&self) -> Operation {
        match self {
            Self::KycMatch(_) => Operation::KycMatch,
            Self::SimSwapCheck(_) => Operation::SimSwapCheck,
            Self::SimSwapRetrieveDate => Operation::SimSwapRetrieveDate,
            Self::Verify(_) => Operation::NumberVerificationVerify,
            Self::DevicePhoneNumber => Operation::NumberVerificationDevicePhoneNumber,
            Self::DeviceSwapCheck(_) => Operation::DeviceSwapCheck,
            Self::DeviceSwapRetrieveDate => Operation::DeviceSwapRetrieveDate,
            Self::NumberRecyclingCheck(_) => Operation::NumberRecyclingCheck,
            Self::KycTenureCheck(_) => Operation::KycTenureCheckTenure,
            Self::KycAgeVerification(_) => Operation::KycAgeVerificationVerify,
            Self::KycFillIn => Operation::KycFillIn,
            Self::CallForwardingUnconditional => Operation::CallForwardingUnconditional,
            Self::CallForwardings => Operation::CallForwardings,
            Self::ConsentInfo(_) => Operation::ConsentInfoRetrieve,
        }
    }

    /// The number `--route` asks the Telco Finder about when the subject names none: the number
    /// Number Verification checks is the device's own, so its operator is the one to call.
    fn number_to_route(&self) -> Option<&PhoneNumber> {
        match self {
            Self::Verify(NumberToVerify::Plain(number)) => Some(number),
            _ => None,
        }
    }
}

pub(super) fn parse_number(flag: &str, text: &str) -> Result<PhoneNumber, String> {
    PhoneNumber::parse_lenient(text).map_err(|error| format!("{flag}: {error}"))
}

/// The subscriber's number of `--phone-number`, required unless a login hint or a token names the
/// subscriber.
fn subject_number(args: &SimSwapArgs) -> Result<Option<PhoneNumber>, String> {
    match &args.phone_number {
        Some(text) => parse_number("--phone-number", text).map(Some),
        None if args.call.access_token_env.is_some() || args.call.login_hint.is_some() => Ok(None),
        None => Err(String::from("give --phone-number NUMBER")),
    }
}

/// A `maxAge` in hours, checked before anything is sent.
fn max_age(hours: u32) -> Result<u32, String> {
    netid::crates::camara::sim_swap::MaxAge::new(hours)
        .map(|_| hours)
        .map_err(|error| format!("--max-age: {error}"))
}

/// A calendar date flag (`YYYY-MM-DD`).
fn parse_date(flag: &str, text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{flag}: expected a date YYYY-MM-DD"))
}

impl ApiPlan {
    /// The plan of a call to `api`: `request` and the subscriber's number it names, if any.
    pub(super) fn build(
        call: &CallArgs,
        api: Api,
        request: impl FnOnce() -> Result<(Request, Option<PhoneNumber>), String>,
        env: EnvLookup<'_>,
    ) -> Result<Self, String> {
        let path = operator_file::path(call.config.as_deref(), env)?;
        let description = operator_file::read(&path)?;
        if !call.route {
            description.api(api).map_err(|error| error.to_string())?;
        } else if !description.apis.contains_key(&api) {
            // The table is still needed (profile, scope); its base URL is the resolution's.
            return Err(DescriptionError::NoApi { api }.to_string());
        }
        let token = match &call.access_token_env {
            Some(name) => Some(AccessToken::new(
                env(name).ok_or_else(|| format!("--access-token-env: {name} is not set"))?,
            )),
            None => None,
        };
        let (request, number) = request()?;
        let hint: Option<LoginHint> = match &call.login_hint {
            Some(text) => Some(text.parse().map_err(|error| format!("--login-hint: {error}"))?),
            None => None,
        };
        if token.is_none() && hint.is_none() && number.is_none() {
            return Err(String::from(
                "give --login-hint HINT (or --access-token-env NAME)",
            ));
        }
        let route = if call.route {
            let fallback = number.clone().or_else(|| request.number_to_route().cloned());
            Some(routing::target(call, fallback)?)
        } else {
            None
        };
        let token_given = token.is_some();
        let names_number = number.is_some();
        let mut subject = Subject::default();
        if let Some(number) = number {
            subject = subject.with_phone_number(number);
        }
        if let Some(hint) = hint {
            subject = subject.with_login_hint(hint);
        }
        subject = match token {
            // A token from elsewhere with a number names the subscriber in the body, as a
            // two-legged token needs; without a number it stands for the subscriber itself.
            Some(token) if names_number => subject.with_two_legged_token(token),
            Some(token) => subject.with_access_token(token),
            None => subject,
        };
        let shared = match &call.token_cache {
            Some(url) => Some(crate::redis::token_cache(url, env)?),
            None => None,
        };
        let target = match route {
            Some(target) => Target::Route {
                finder: routing::finder(description, &path, env, shared)?,
                target,
            },
            None => Target::Operator(Box::new(operator_file::operator(description, env, shared)?)),
        };
        Ok(Self {
            target,
            subject,
            request,
            deadline: Duration::from_secs(call.deadline.max(1)),
            reveal: call.reveal,
            token_given,
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
        let request = || {
            let mut claims = parse_claims(&text)?;
            let number = match &args.phone_number {
                Some(text) => Some(parse_number("--phone-number", text)?),
                None => claims.phone_number.clone(),
            };
            let number = number.ok_or("give --phone-number (or phoneNumber in the claims)")?;
            claims.phone_number = Some(number.clone());
            if claims.is_empty() {
                return Err(String::from("--claims: no claim to match"));
            }
            Ok((Request::KycMatch(Box::new(claims)), Some(number)))
        };
        Self::build(&args.call, Api::KycMatch, request, env)
    }

    /// `netid sim-swap check` and `retrieve-date`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn sim_swap(command: &SimSwapCommand, env: EnvLookup<'_>) -> Result<Self, String> {
        let (sim, max_age) = match command {
            SimSwapCommand::Check(args) => (&args.sim, Some(args.max_age)),
            SimSwapCommand::RetrieveDate(args) => (args, None),
        };
        let request = || {
            let number = subject_number(sim)?;
            let request = match max_age {
                Some(hours) => Request::SimSwapCheck(self::max_age(hours)?),
                None => Request::SimSwapRetrieveDate,
            };
            Ok((request, number))
        };
        Self::build(&sim.call, Api::SimSwap, request, env)
    }

    /// `netid device-swap check` and `retrieve-date`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn device_swap(command: &DeviceSwapCommand, env: EnvLookup<'_>) -> Result<Self, String> {
        let (args, max_age) = match command {
            DeviceSwapCommand::Check(args) => (&args.sim, Some(args.max_age)),
            DeviceSwapCommand::RetrieveDate(args) => (args, None),
        };
        let request = || {
            let number = subject_number(args)?;
            let request = match max_age {
                Some(hours) => Request::DeviceSwapCheck(self::max_age(hours)?),
                None => Request::DeviceSwapRetrieveDate,
            };
            Ok((request, number))
        };
        Self::build(&args.call, Api::DeviceSwap, request, env)
    }

    /// `netid number-recycling check`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn number_recycling(command: &NumberRecyclingCommand, env: EnvLookup<'_>) -> Result<Self, String> {
        let NumberRecyclingCommand::Check(args) = command;
        let request = || {
            let date = parse_date("--specified-date", &args.specified_date)?;
            Ok((
                Request::NumberRecyclingCheck(date),
                subject_number(&args.subscriber)?,
            ))
        };
        Self::build(&args.subscriber.call, Api::NumberRecycling, request, env)
    }

    /// `netid kyc-tenure`.
    ///
    /// # Errors
    ///
    /// A usage message (exit status 2).
    pub fn kyc_tenure(args: &KycTenureArgs, env: EnvLookup<'_>) -> Result<Self, String> {
        let request = || {
            let date = parse_date("--tenure-date", &args.tenure_date)?;
            Ok((Request::KycTenureCheck(date), subject_number(&args.subscriber)?))
        };
        Self::build(&args.subscriber.call, Api::KycTenure, request, env)
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
                let request = || {
                    let number = match (&args.phone_number, &args.hashed_phone_number) {
                        (Some(text), None) => {
                            let number = parse_number("--phone-number", text)?;
                            if args.hash {
                                NumberToVerify::Hashed(number.hashed())
                            } else {
                                NumberToVerify::Plain(number)
                            }
                        }
                        (None, Some(hex)) => NumberToVerify::Hashed(
                            hex.parse()
                                .map_err(|error| format!("--hashed-phone-number: {error}"))?,
                        ),
                        _ => {
                            return Err(String::from(
                                "give --phone-number NUMBER or --hashed-phone-number HEX",
                            ));
                        }
                    };
                    // The subject is the device (its network address or an operator token), never
                    // the number being verified.
                    Ok((Request::Verify(number), None))
                };
                Self::build(&args.call, Api::NumberVerification, request, env)
            }
            NumberVerificationCommand::DevicePhoneNumber(call) => Self::build(
                call,
                Api::NumberVerification,
                || Ok((Request::DevicePhoneNumber, None)),
                env,
            ),
        }
    }
}

/// The claims JSON: an unknown field is refused with the valid ones listed, and no error quotes a
/// value (personal data).
fn parse_claims(text: &str) -> Result<KycClaims, String> {
    KycClaims::from_json_str(text).map_err(|error| format!("--claims: {error}"))
}
