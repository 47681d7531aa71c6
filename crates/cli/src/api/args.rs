//! The flags of the API commands.

use std::path::PathBuf;

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
    /// Ask the Telco Finder of the operator file's `[telco-finder]` table which operator serves
    /// the subscriber first (`--route-ip`, `--route-phone-number`, or else `--phone-number`), and
    /// call that operator.
    #[arg(long)]
    pub route: bool,
    /// With `--route`: route on the device's public address (`198.51.100.7`, `198.51.100.7:40404`,
    /// `[2001:db8::7]:40404`): the Telco Finder is asked about that IPv4 or IPv6 address and port.
    #[arg(
        long,
        value_name = "ADDRESS[:PORT]",
        requires = "route",
        conflicts_with = "route_phone_number"
    )]
    pub route_ip: Option<String>,
    /// With `--route`: route on this number when the call names none in clear
    /// (`--hashed-phone-number`, `device-phone-number`).
    #[arg(long, value_name = "NUMBER", requires = "route")]
    pub route_phone_number: Option<String>,
    /// Keep the CIBA tokens in this Redis (`redis://…` or `rediss://…`), encrypted with the 32-byte
    /// key in `$NETID_TOKEN_CACHE_KEY` (hex or Base64), so later calls reuse them instead of asking
    /// the user again; concurrent invocations run one CIBA flow between them. With `--route`, for
    /// the operator the Telco Finder names.
    #[arg(long, value_name = "URL", value_parser = crate::redis::parse_url)]
    pub token_cache: Option<crate::redis::RedisUrl>,
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
    #[command(
        after_help = "Example: netid sim-swap check --config netid.toml --phone-number +34654654654 --max-age 240 --json\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
    Check(SimSwapCheckArgs),
    /// When the SIM was last swapped (`POST /retrieve-date`).
    #[command(
        after_help = "Example: netid sim-swap retrieve-date --config netid.toml --phone-number +34654654654\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
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
    #[command(
        after_help = "Example: netid number-verification verify --config netid.toml --login-hint operatortoken:… --phone-number +34666111333 --hash\n\nThe login hint names the device (its TS.43 operator token or `ipport:`), never the number checked.\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
    Verify(VerifyArgs),
    /// The device's own number (`GET /device-phone-number`).
    #[command(
        after_help = "Example: netid number-verification device-phone-number --config netid.toml --login-hint ipport:198.51.100.7:40404\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
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

/// `netid device-swap` subcommands: the flags of `netid sim-swap`, the device instead of the SIM.
#[derive(Debug, Clone, clap::Subcommand)]
#[non_exhaustive]
pub enum DeviceSwapCommand {
    /// Whether the device behind the number changed within `--max-age` hours (`POST /check`).
    #[command(
        after_help = "Example: netid device-swap check --config netid.toml --phone-number +33612345678 --max-age 240 --json\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
    Check(SimSwapCheckArgs),
    /// When the device behind the number last changed (`POST /retrieve-date`).
    #[command(
        after_help = "Example: netid device-swap retrieve-date --config netid.toml --phone-number +33699901040\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
    RetrieveDate(SimSwapArgs),
}

/// `netid number-recycling` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
#[non_exhaustive]
pub enum NumberRecyclingCommand {
    /// Whether the subscriber of the number changed after `--specified-date` (`POST /check`).
    #[command(
        after_help = "Example: netid number-recycling check --config netid.toml --phone-number +34600000002 --specified-date 2023-12-22\n\nExit status: 0 answered · 1 no token or a failed call · 2 usage error · 130 interrupted."
    )]
    Check(NumberRecyclingArgs),
}

/// `netid number-recycling check` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct NumberRecyclingArgs {
    /// The number and shared settings.
    #[command(flatten)]
    pub subscriber: SimSwapArgs,
    /// The date after which a change of subscriber counts (`specifiedDate`), YYYY-MM-DD: for
    /// example the day the user signed up with you.
    #[arg(long, value_name = "DATE")]
    pub specified_date: String,
}

/// `netid kyc-tenure` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct KycTenureArgs {
    /// The number and shared settings.
    #[command(flatten)]
    pub subscriber: SimSwapArgs,
    /// The date since which the subscription must have been held (`tenureDate`), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub tenure_date: String,
}
