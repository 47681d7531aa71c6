//! The arguments of `netid saml verify` and `login-url`, and what the SAML commands share in
//! reading their arguments: the binding, the NameID format, instants and files.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::{Args, ValueEnum};
use netid::crates::saml::NameIdFormat;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use netid_cli::redis::{RedisUrl, parse_url as parse_redis_url};

/// How long a `--request-id` given on the command line stays outstanding.
pub(super) const REQUEST_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The binding a file was received over.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum BindingArg {
    /// The file holds the `SAMLResponse` POST value (Base64) or the raw Response XML.
    Post,
    /// The file holds the received query string (`SAMLResponse=…&SigAlg=…&Signature=…`).
    Redirect,
}

/// Arguments of `netid saml verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The IdP's entity ID (the only accepted Issuer); with --idp-metadata, the entity to read
    /// (required for an EntitiesDescriptor).
    #[arg(long, required_unless_present = "idp_metadata")]
    pub(super) idp_entity_id: Option<String>,
    /// A trusted IdP signing certificate (PEM file); repeat for several.
    #[arg(
        long,
        required_unless_present = "idp_metadata",
        conflicts_with = "idp_metadata"
    )]
    pub(super) idp_cert: Vec<PathBuf>,
    /// Signed IdP metadata (XML file): the IdP's entity ID and signing certificates (every one
    /// listed, as during a key rollover) are read from it once its signature verifies with a
    /// --metadata-cert and its validUntil has not passed.
    #[arg(long, requires = "metadata_cert")]
    pub(super) idp_metadata: Option<PathBuf>,
    /// A certificate (PEM file) trusted to sign the --idp-metadata; repeat for several.
    #[arg(long, requires = "idp_metadata")]
    pub(super) metadata_cert: Vec<PathBuf>,
    /// This SP's entity ID (the required audience).
    #[arg(long)]
    pub(super) sp_entity_id: String,
    /// This SP's AssertionConsumerService URL (the required Destination and Recipient).
    #[arg(long)]
    pub(super) acs_url: String,
    /// An outstanding AuthnRequest ID; repeat for several. Each answers one response.
    #[arg(long, conflicts_with = "request_store")]
    pub(super) request_id: Vec<String>,
    /// Record consumed assertion IDs in this Redis (`redis://…` or `rediss://…`), shared with
    /// every other verifier using it, so a Response is accepted once across processes. Redis
    /// unreachable: every Response is refused (check `store`).
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    pub(super) replay_store: Option<RedisUrl>,
    /// Take outstanding AuthnRequest IDs from this Redis, where `netid saml login-url
    /// --request-store` recorded them (instead of `--request-id`). Redis unreachable: every
    /// Response is refused (check `store`).
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    pub(super) request_store: Option<RedisUrl>,
    /// Accept IdP-initiated responses without InResponseTo (insecure: nothing ties such a
    /// response to a sign-in this SP started).
    #[arg(long)]
    pub(super) allow_unsolicited: bool,
    /// Verify as of this instant (RFC 3339) instead of the system clock.
    #[arg(long, value_parser = parse_rfc3339)]
    pub(super) now: Option<SystemTime>,
    /// Tolerated clock skew in seconds.
    #[arg(long, default_value_t = 60)]
    pub(super) clock_skew: u64,
    /// Accept RSA-SHA1 signatures and SHA-1 digests (insecure).
    #[arg(long)]
    pub(super) insecure_allow_sha1: bool,
    /// Require the Assertion itself to be signed.
    #[arg(long)]
    pub(super) want_assertions_signed: bool,
    /// An SP private key (PEM, RSA) that decrypts EncryptedAssertions; repeat for several (a key
    /// rollover: each is tried).
    #[arg(long)]
    pub(super) decryption_key: Vec<PathBuf>,
    /// Accept RSA PKCS#1 v1.5 key transport on encrypted assertions (insecure: Bleichenbacher).
    #[arg(long)]
    pub(super) insecure_allow_rsa_pkcs1v15: bool,
    /// The binding the files were received over.
    #[arg(long, value_enum, default_value = "post")]
    pub(super) binding: BindingArg,
    /// Print the NameID and attribute values (personal data, the `OrangeAPIToken`) in clear; masked
    /// otherwise.
    #[arg(long)]
    pub(super) reveal: bool,
    /// Print exactly one JSON object in every outcome (the `--json` report of every command:
    /// `ok`, `outcome`, `error { kind, code, message }`), the per-file verdicts under `files`.
    #[arg(long)]
    pub(super) json: bool,
    /// Files to verify, in order, sharing one replay cache.
    #[arg(required = true)]
    pub(super) files: Vec<PathBuf>,
}

/// Arguments of `netid saml login-url`.
#[derive(Debug, Args)]
pub(crate) struct LoginUrlArgs {
    /// This SP's entity ID (the Issuer).
    #[arg(long)]
    pub(super) sp_entity_id: String,
    /// This SP's AssertionConsumerService URL.
    #[arg(long)]
    pub(super) acs_url: String,
    /// The IdP's SingleSignOnService URL (HTTP-Redirect).
    #[arg(long)]
    pub(super) sso_url: String,
    /// RelayState to send along.
    #[arg(long)]
    pub(super) relay_state: Option<String>,
    /// Ask for a NameID format (with AllowCreate).
    #[arg(long, value_enum)]
    pub(super) name_id_format: Option<FormatArg>,
    /// Sign the query string with this private key (PEM, RSA), as rsa-sha256.
    #[arg(long)]
    pub(super) sign_key: Option<PathBuf>,
    /// Use this instant (RFC 3339) as IssueInstant instead of the system clock.
    #[arg(long, value_parser = parse_rfc3339)]
    pub(super) now: Option<SystemTime>,
    /// Record the request as outstanding (for 24 hours) in this Redis (`redis://…` or
    /// `rediss://…`), where `netid saml verify --request-store` takes it. Redis unreachable: no
    /// URL is printed and the exit status is 1.
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    pub(super) request_store: Option<RedisUrl>,
}

/// NameID formats selectable on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    /// `…:nameid-format:persistent`.
    Persistent,
    /// `…:nameid-format:transient`.
    Transient,
}

/// The NameID format a command-line value names.
pub(super) fn name_id_format(format: FormatArg) -> NameIdFormat {
    match format {
        FormatArg::Persistent => NameIdFormat::Persistent,
        FormatArg::Transient => NameIdFormat::Transient,
    }
}

/// An RFC 3339 instant (`--now`).
pub(super) fn parse_rfc3339(s: &str) -> Result<SystemTime, String> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map(SystemTime::from)
        .map_err(|e| format!("not an RFC 3339 instant: {e}"))
}

/// The bytes of a file named on the command line.
pub(super) fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
