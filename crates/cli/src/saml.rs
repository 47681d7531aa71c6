//! `netid saml …`: verify received SAML Responses, build AuthnRequest redirect URLs.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand, ValueEnum};
use netid::crates::saml::{
    AuthnRequestBuilder, DecryptionKey, Error as SamlError, IdentityProvider, IdpCertificate,
    InMemoryRequestStore, MetadataTrust, NameIdFormat, NameIdPolicy, RequestStore as _, ResponseVerifier,
    ServiceProvider, SignatureAlgorithm, SoftwareSigner, UnconsumedAssertion, verify_idp_metadata,
};
use netid_core::ports::{Clock as _, OsRandom, SystemClock};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use netid_cli::exit::{FAILED as EXIT_REJECTED, OK as EXIT_OK, USAGE as EXIT_USAGE};

mod logout;
mod stores;
mod verdict;

use logout::{LogoutUrlArgs, VerifyLogoutArgs};

use netid_cli::redis::{RedisUrl, parse_url as parse_redis_url};
use stores::OpenError;
use verdict::{accepted, check_name, message, report};

/// How long a `--request-id` given on the command line stays outstanding.
const REQUEST_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// SAML subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SamlCommand {
    /// Verify received SAML Responses; prints one JSON object per file, or with `--json` one
    /// report (`ok`, `outcome`, `error`, `files`) for them all.
    ///
    /// Exit status: 0 when every file was accepted, 1 when any was rejected, 2 on usage errors.
    Verify(Box<VerifyArgs>),
    /// Build an AuthnRequest and print its HTTP-Redirect URL and ID as JSON.
    LoginUrl(LoginUrlArgs),
    /// Build a signed LogoutRequest for a session (SP-initiated Single Logout) and print its
    /// HTTP-Redirect URL and ID as JSON.
    LogoutUrl(Box<LogoutUrlArgs>),
    /// Verify received LogoutRequests (IdP-initiated, checked against `--name-id` and
    /// `--session-index`) and LogoutResponses (answering an outstanding `--request-id`); prints
    /// one JSON object per file, or with `--json` one report for them all. The NameID is masked
    /// unless `--reveal`.
    ///
    /// Exit status: 0 when every message was accepted, 1 when any was rejected, 2 on usage errors.
    VerifyLogout(Box<VerifyLogoutArgs>),
}

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
    idp_entity_id: Option<String>,
    /// A trusted IdP signing certificate (PEM file); repeat for several.
    #[arg(
        long,
        required_unless_present = "idp_metadata",
        conflicts_with = "idp_metadata"
    )]
    idp_cert: Vec<PathBuf>,
    /// Signed IdP metadata (XML file): the IdP's entity ID and signing certificates (every one
    /// listed, as during a key rollover) are read from it once its signature verifies with a
    /// --metadata-cert and its validUntil has not passed.
    #[arg(long, requires = "metadata_cert")]
    idp_metadata: Option<PathBuf>,
    /// A certificate (PEM file) trusted to sign the --idp-metadata; repeat for several.
    #[arg(long, requires = "idp_metadata")]
    metadata_cert: Vec<PathBuf>,
    /// This SP's entity ID (the required audience).
    #[arg(long)]
    sp_entity_id: String,
    /// This SP's AssertionConsumerService URL (the required Destination and Recipient).
    #[arg(long)]
    acs_url: String,
    /// An outstanding AuthnRequest ID; repeat for several. Each answers one response.
    #[arg(long, conflicts_with = "request_store")]
    request_id: Vec<String>,
    /// Record consumed assertion IDs in this Redis (`redis://…` or `rediss://…`), shared with
    /// every other verifier using it, so a Response is accepted once across processes. Redis
    /// unreachable: every Response is refused (check `store`).
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    replay_store: Option<RedisUrl>,
    /// Take outstanding AuthnRequest IDs from this Redis, where `netid saml login-url
    /// --request-store` recorded them (instead of `--request-id`). Redis unreachable: every
    /// Response is refused (check `store`).
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    request_store: Option<RedisUrl>,
    /// Accept IdP-initiated responses without InResponseTo (insecure: nothing ties such a
    /// response to a sign-in this SP started).
    #[arg(long)]
    allow_unsolicited: bool,
    /// Verify as of this instant (RFC 3339) instead of the system clock.
    #[arg(long, value_parser = parse_rfc3339)]
    now: Option<SystemTime>,
    /// Tolerated clock skew in seconds.
    #[arg(long, default_value_t = 60)]
    clock_skew: u64,
    /// Accept RSA-SHA1 signatures and SHA-1 digests (insecure).
    #[arg(long)]
    insecure_allow_sha1: bool,
    /// Require the Assertion itself to be signed.
    #[arg(long)]
    want_assertions_signed: bool,
    /// An SP private key (PEM, RSA) that decrypts EncryptedAssertions; repeat for several (a key
    /// rollover: each is tried).
    #[arg(long)]
    decryption_key: Vec<PathBuf>,
    /// Accept RSA PKCS#1 v1.5 key transport on encrypted assertions (insecure: Bleichenbacher).
    #[arg(long)]
    insecure_allow_rsa_pkcs1v15: bool,
    /// The binding the files were received over.
    #[arg(long, value_enum, default_value = "post")]
    binding: BindingArg,
    /// Print the NameID and attribute values (personal data, the `OrangeAPIToken`) in clear; masked
    /// otherwise.
    #[arg(long)]
    reveal: bool,
    /// Print exactly one JSON object in every outcome (the `--json` report of every command:
    /// `ok`, `outcome`, `error { kind, code, message }`), the per-file verdicts under `files`.
    #[arg(long)]
    json: bool,
    /// Files to verify, in order, sharing one replay cache.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Arguments of `netid saml login-url`.
#[derive(Debug, Args)]
pub(crate) struct LoginUrlArgs {
    /// This SP's entity ID (the Issuer).
    #[arg(long)]
    sp_entity_id: String,
    /// This SP's AssertionConsumerService URL.
    #[arg(long)]
    acs_url: String,
    /// The IdP's SingleSignOnService URL (HTTP-Redirect).
    #[arg(long)]
    sso_url: String,
    /// RelayState to send along.
    #[arg(long)]
    relay_state: Option<String>,
    /// Ask for a NameID format (with AllowCreate).
    #[arg(long, value_enum)]
    name_id_format: Option<FormatArg>,
    /// Sign the query string with this private key (PEM, RSA), as rsa-sha256.
    #[arg(long)]
    sign_key: Option<PathBuf>,
    /// Use this instant (RFC 3339) as IssueInstant instead of the system clock.
    #[arg(long, value_parser = parse_rfc3339)]
    now: Option<SystemTime>,
    /// Record the request as outstanding (for 24 hours) in this Redis (`redis://…` or
    /// `rediss://…`), where `netid saml verify --request-store` takes it. Redis unreachable: no
    /// URL is printed and the exit status is 1.
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    request_store: Option<RedisUrl>,
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
fn name_id_format(format: FormatArg) -> NameIdFormat {
    match format {
        FormatArg::Persistent => NameIdFormat::Persistent,
        FormatArg::Transient => NameIdFormat::Transient,
    }
}

fn parse_rfc3339(s: &str) -> Result<SystemTime, String> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map(SystemTime::from)
        .map_err(|e| format!("not an RFC 3339 instant: {e}"))
}

/// Runs a SAML subcommand and returns the process exit status.
pub(crate) fn run(cmd: SamlCommand) -> u8 {
    let result = match cmd {
        SamlCommand::Verify(args) => {
            return verify(&args)
                .unwrap_or_else(|message| netid_cli::exit::usage("saml verify", &message, args.json));
        }
        SamlCommand::LoginUrl(args) => login_url(&args),
        SamlCommand::LogoutUrl(args) => logout::logout_url(&args),
        SamlCommand::VerifyLogout(args) => {
            return logout::verify_logout(&args)
                .unwrap_or_else(|message| netid_cli::exit::usage("saml verify-logout", &message, args.json));
        }
    };
    result.unwrap_or_else(|message| {
        // Usage errors go to stderr; stdout carries only results.
        let _ = writeln!(std::io::stderr(), "netid: {message}");
        EXIT_USAGE
    })
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The IdP of signed metadata at `path`, verified with the `--metadata-cert`s as of `now`.
fn signed_idp(args: &VerifyArgs, path: &PathBuf, now: SystemTime) -> Result<IdentityProvider, String> {
    let mut signers = Vec::new();
    for cert in &args.metadata_cert {
        signers.push(IdpCertificate::from_pem(&read(cert)?).map_err(|e| format!("{}: {e}", cert.display()))?);
    }
    let mut trust = MetadataTrust::new(signers);
    if let Some(entity_id) = &args.idp_entity_id {
        trust = trust.entity_id(entity_id);
    }
    let text = String::from_utf8(read(path)?)
        .map_err(|_| format!("{}: the metadata is not UTF-8", path.display()))?;
    let metadata = verify_idp_metadata(&text, &trust, now).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(metadata.into_identity_provider())
}

fn verify(args: &VerifyArgs) -> Result<u8, String> {
    let mut certificates = Vec::new();
    for path in &args.idp_cert {
        certificates
            .push(IdpCertificate::from_pem(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let mut decryption_keys = Vec::new();
    for path in &args.decryption_key {
        decryption_keys
            .push(DecryptionKey::from_pem(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    // Read every input first, so a missing file is a usage error before any verdict is printed.
    let inputs = args
        .files
        .iter()
        .map(|p| read(p).map(|bytes| (p, bytes)))
        .collect::<Result<Vec<_>, _>>()?;

    let now = args.now.unwrap_or_else(|| SystemClock.now());
    let idp = match &args.idp_metadata {
        Some(path) => signed_idp(args, path, now)?,
        None => IdentityProvider::new(args.idp_entity_id.clone().unwrap_or_default(), certificates),
    };
    let verifier = ResponseVerifier::new(idp, ServiceProvider::new(&args.sp_entity_id, &args.acs_url))
        .clock_skew(Duration::from_secs(args.clock_skew))
        .insecure_allow_unsolicited(args.allow_unsolicited)
        .want_assertions_signed(args.want_assertions_signed)
        .insecure_allow_sha1(args.insecure_allow_sha1)
        .insecure_allow_rsa_pkcs1v15(args.insecure_allow_rsa_pkcs1v15);
    let verifier = decryption_keys
        .into_iter()
        .fold(verifier, ResponseVerifier::decryption_key);
    let requests = InMemoryRequestStore::new();
    for id in &args.request_id {
        if !requests.insert(id, now + REQUEST_LIFETIME, now) {
            return Err("too many --request-id values".to_owned());
        }
    }
    Ok(netid_cli::exit::block_on("saml verify", async {
        let stores =
            match stores::open(args.replay_store.as_ref(), args.request_store.as_ref(), requests).await {
                Ok(stores) => Ok(stores),
                Err(OpenError::Usage(message)) => {
                    return netid_cli::exit::usage("saml verify", &message, args.json);
                }
                Err(OpenError::Unavailable(error)) => Err(error),
            };
        let mut verdicts = Vec::with_capacity(inputs.len());
        let mut first_rejection = None;
        for (path, bytes) in inputs {
            let result = match (check(&verifier, args.binding, &bytes, now), &stores) {
                (Ok(unconsumed), Ok(stores)) => unconsumed.consume(&*stores.replay, &*stores.requests).await,
                // Fail closed: without its stores no Response is accepted.
                (Ok(_), Err(error)) => Err(SamlError::Store(error.clone())),
                (Err(e), _) => Err(e),
            };
            let line = match result {
                Ok(assertion) => accepted(path, &assertion, args.reveal),
                Err(e) => {
                    let check = check_name(&e);
                    let message = message(&e);
                    if first_rejection.is_none() {
                        first_rejection = Some((check.to_owned(), format!("{}: {message}", path.display())));
                    }
                    json!({
                        "file": path.display().to_string(),
                        "verdict": "reject",
                        "error": { "check": check, "message": message },
                    })
                }
            };
            verdicts.push(line);
        }
        let status = if first_rejection.is_some() {
            EXIT_REJECTED
        } else {
            EXIT_OK
        };
        if args.json {
            netid_cli::envelope::print(&report(verdicts, first_rejection, "responses"));
            return status;
        }
        let mut out = std::io::stdout().lock();
        for line in verdicts {
            if let Err(e) = writeln!(out, "{line}") {
                return netid_cli::exit::usage("saml verify", &format!("cannot write to stdout: {e}"), false);
            }
        }
        status
    }))
}

/// Every check of one received file that needs no state.
fn check(
    verifier: &ResponseVerifier,
    binding: BindingArg,
    bytes: &[u8],
    now: SystemTime,
) -> Result<UnconsumedAssertion, SamlError> {
    let body = bytes.trim_ascii();
    match binding {
        BindingArg::Post if body.starts_with(b"<") => verifier.check_xml(body, now),
        BindingArg::Post => verifier.check_post(body, now),
        BindingArg::Redirect => match std::str::from_utf8(body) {
            Ok(query) => verifier.check_redirect(query, now),
            Err(_) => Err(SamlError::Config {
                reason: "the query string is not UTF-8".to_owned(),
            }),
        },
    }
}

fn login_url(args: &LoginUrlArgs) -> Result<u8, String> {
    let now = args.now.unwrap_or_else(|| SystemClock.now());
    let sp = ServiceProvider::new(&args.sp_entity_id, &args.acs_url);
    let policy = args
        .name_id_format
        .map(|f| NameIdPolicy::new(name_id_format(f), true));
    let request = AuthnRequestBuilder::new(&sp, &args.sso_url)
        .name_id_policy(policy)
        .build(now, &OsRandom)
        .map_err(|e| e.to_string())?;
    let relay = args.relay_state.as_deref();
    let url = match &args.sign_key {
        Some(path) => {
            let signer = SoftwareSigner::from_pem(&read(path)?, SignatureAlgorithm::RsaSha256)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            request.signed_redirect_url(relay, &signer)
        }
        None => request.redirect_url(relay),
    }
    .map_err(|e| e.to_string())?;
    if let Some(url) = &args.request_store {
        // The URL is printed only once the request is recorded: a sign-in whose Response no
        // verifier could match must not start.
        let recorded = netid_cli::exit::block_on("saml login-url", async {
            let stores = match stores::connect(url).await {
                Ok(stores) => stores,
                Err(OpenError::Usage(message)) => {
                    return netid_cli::exit::usage("saml login-url", &message, false);
                }
                Err(OpenError::Unavailable(error)) => {
                    return store_failed("saml login-url", &SamlError::Store(error));
                }
            };
            match request
                .record_async(&stores.request_store(), REQUEST_LIFETIME)
                .await
            {
                Ok(()) => EXIT_OK,
                Err(error) => store_failed("saml login-url", &error),
            }
        });
        if recorded != EXIT_OK {
            return Ok(recorded);
        }
    }
    let line = json!({ "id": request.id(), "url": url });
    writeln!(std::io::stdout().lock(), "{line}").map_err(|e| format!("cannot write to stdout: {e}"))?;
    Ok(EXIT_OK)
}

/// Says on stderr that `command` could not record its request; [`EXIT_REJECTED`].
fn store_failed(command: &str, error: &SamlError) -> u8 {
    let _ = writeln!(
        std::io::stderr(),
        "netid {command}: cannot record the request: {}",
        message(error)
    );
    EXIT_REJECTED
}
