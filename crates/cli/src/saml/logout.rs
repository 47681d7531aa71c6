//! `netid saml logout-url` and `netid saml verify-logout`: SAML Single Logout from the SP side.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::Args;
use netid::crates::saml::{
    DecryptionKey, Error as SamlError, IdentityProvider, IdpCertificate, InMemoryRequestStore,
    LogoutRequestBuilder, LogoutSession, LogoutVerifier, NameId, Received, RequestStore as _,
    ResponseVerifier, ServiceProvider, SignatureAlgorithm, SoftwareSigner, UnconsumedLogout, VerifiedLogout,
};
use netid_cli::exit::{FAILED as EXIT_REJECTED, OK as EXIT_OK};
use netid_core::ports::{Clock as _, OsRandom, SystemClock};
use serde_json::{Value, json};

use super::args::{BindingArg, FormatArg, REQUEST_LIFETIME, parse_rfc3339, read};
use super::stores::{self, OpenError};
use super::verdict::{check_name, message, report};
use netid_cli::redis::{RedisUrl, parse_url as parse_redis_url};

/// Arguments of `netid saml logout-url`.
#[derive(Debug, Args)]
pub(crate) struct LogoutUrlArgs {
    /// This SP's entity ID (the Issuer).
    #[arg(long)]
    sp_entity_id: String,
    /// The IdP's SingleLogoutService URL (HTTP-Redirect): the Destination.
    #[arg(long)]
    idp_slo_url: String,
    /// The NameID of the session to end, as the IdP sent it (personal data).
    #[arg(long)]
    name_id: String,
    /// The NameID's Format, as the IdP sent it.
    #[arg(long, value_enum)]
    name_id_format: Option<FormatArg>,
    /// The session's SessionIndex, as the IdP sent it.
    #[arg(long)]
    session_index: Option<String>,
    /// RelayState to send along.
    #[arg(long)]
    relay_state: Option<String>,
    /// Sign the query string with this private key (PEM, RSA), as rsa-sha256. Required: a
    /// LogoutRequest is always signed.
    #[arg(long)]
    sign_key: PathBuf,
    /// Use this instant (RFC 3339) as IssueInstant instead of the system clock.
    #[arg(long, value_parser = parse_rfc3339)]
    now: Option<SystemTime>,
    /// Record the request as outstanding (for 24 hours) in this Redis (`redis://…` or
    /// `rediss://…`), where `netid saml verify-logout --request-store` takes it. Redis
    /// unreachable: no URL is printed and the exit status is 1.
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    request_store: Option<RedisUrl>,
}

/// Arguments of `netid saml verify-logout`.
#[derive(Debug, Args)]
pub(crate) struct VerifyLogoutArgs {
    /// The IdP's entity ID (the only accepted Issuer).
    #[arg(long)]
    idp_entity_id: String,
    /// A trusted IdP signing certificate (PEM file); repeat for several.
    #[arg(long, required = true)]
    idp_cert: Vec<PathBuf>,
    /// This SP's entity ID.
    #[arg(long)]
    sp_entity_id: String,
    /// This SP's SingleLogoutService URL (the required Destination).
    #[arg(long)]
    slo_url: String,
    /// An outstanding LogoutRequest ID a LogoutResponse may answer; repeat for several.
    #[arg(long, conflicts_with = "request_store")]
    request_id: Vec<String>,
    /// Take outstanding LogoutRequest IDs from this Redis, where `netid saml logout-url
    /// --request-store` recorded them. Redis unreachable: every message is refused (check
    /// `store`).
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    request_store: Option<RedisUrl>,
    /// Record received LogoutRequest IDs in this Redis, so one is accepted once across processes.
    /// Redis unreachable: every message is refused (check `store`).
    #[arg(long, value_name = "URL", value_parser = parse_redis_url)]
    replay_store: Option<RedisUrl>,
    /// The NameID of the SP's session a LogoutRequest must name (personal data).
    #[arg(long)]
    name_id: Option<String>,
    /// The Format of that NameID (compared with the request's).
    #[arg(long, value_enum)]
    name_id_format: Option<FormatArg>,
    /// The session's SessionIndex; a LogoutRequest naming other sessions only is refused.
    #[arg(long)]
    session_index: Option<String>,
    /// An SP private key (PEM, RSA) that decrypts an EncryptedID; repeat for several.
    #[arg(long)]
    decryption_key: Vec<PathBuf>,
    /// Verify as of this instant (RFC 3339) instead of the system clock.
    #[arg(long, value_parser = parse_rfc3339)]
    now: Option<SystemTime>,
    /// Tolerated clock skew in seconds.
    #[arg(long, default_value_t = 60)]
    clock_skew: u64,
    /// Accept RSA-SHA1 signatures and SHA-1 digests (insecure).
    #[arg(long)]
    insecure_allow_sha1: bool,
    /// The binding the files were received over.
    #[arg(long, value_enum, default_value = "post")]
    binding: BindingArg,
    /// A received HTTP-Redirect query string to verify (instead of files).
    #[arg(long, conflicts_with_all = ["files", "binding"])]
    query: Option<String>,
    /// Print the NameID in clear; masked otherwise.
    #[arg(long)]
    reveal: bool,
    /// Print exactly one JSON object in every outcome (`ok`, `outcome`, `error`), the verdicts
    /// under `files`.
    #[arg(long)]
    pub(super) json: bool,
    /// Files to verify (`SAMLRequest`/`SAMLResponse` POST value, raw XML, or a query string with
    /// `--binding redirect`), in order, sharing the stores.
    #[arg(required_unless_present = "query")]
    files: Vec<PathBuf>,
}

fn format_uri(format: Option<FormatArg>) -> Option<String> {
    format.map(|f| super::name_id_format(f).uri().to_owned())
}

pub(crate) fn logout_url(args: &LogoutUrlArgs) -> Result<u8, String> {
    let now = args.now.unwrap_or_else(|| SystemClock.now());
    let sp = ServiceProvider::new(&args.sp_entity_id, "");
    let signer = SoftwareSigner::from_pem(&read(&args.sign_key)?, SignatureAlgorithm::RsaSha256)
        .map_err(|e| format!("{}: {e}", args.sign_key.display()))?;
    let session = LogoutSession::new(
        NameId::new(&args.name_id, format_uri(args.name_id_format)),
        args.session_index.clone(),
    );
    let request = LogoutRequestBuilder::new(&sp, &args.idp_slo_url, session)
        .build(now, &OsRandom)
        .map_err(|e| e.to_string())?;
    let url = request
        .signed_redirect_url(args.relay_state.as_deref(), &signer)
        .map_err(|e| e.to_string())?;
    if let Some(store) = &args.request_store {
        // Printed only once recorded: a logout whose answer no verifier could match must not start.
        let recorded = stores::record("saml logout-url", store, |store| {
            let request = &request;
            async move { request.record_async(&store, REQUEST_LIFETIME).await }
        });
        if recorded != EXIT_OK {
            return Ok(recorded);
        }
    }
    let line = json!({ "id": request.id(), "url": url });
    writeln!(std::io::stdout().lock(), "{line}").map_err(|e| format!("cannot write to stdout: {e}"))?;
    Ok(EXIT_OK)
}

pub(crate) fn verify_logout(args: &VerifyLogoutArgs) -> Result<u8, String> {
    let mut certificates = Vec::new();
    for path in &args.idp_cert {
        certificates
            .push(IdpCertificate::from_pem(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let sp = ServiceProvider::new(&args.sp_entity_id, "").with_slo_url(&args.slo_url);
    let mut verifier = ResponseVerifier::new(IdentityProvider::new(&args.idp_entity_id, certificates), sp)
        .clock_skew(Duration::from_secs(args.clock_skew))
        .insecure_allow_sha1(args.insecure_allow_sha1);
    for path in &args.decryption_key {
        let key = DecryptionKey::from_pem(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        verifier = verifier.decryption_key(key);
    }
    let verifier = LogoutVerifier::new(verifier).map_err(|e| e.to_string())?;
    // Read every input first, so a missing file is a usage error before any verdict is printed.
    let inputs: Vec<(String, Vec<u8>, BindingArg)> = match &args.query {
        Some(query) => vec![(
            "query".to_owned(),
            query.clone().into_bytes(),
            BindingArg::Redirect,
        )],
        None => args
            .files
            .iter()
            .map(|p| read(p).map(|bytes| (p.display().to_string(), bytes, args.binding)))
            .collect::<Result<_, _>>()?,
    };
    let session = args.name_id.as_ref().map(|name_id| {
        LogoutSession::new(
            NameId::new(name_id, format_uri(args.name_id_format)),
            args.session_index.clone(),
        )
    });
    let now = args.now.unwrap_or_else(|| SystemClock.now());
    let requests = InMemoryRequestStore::new();
    for id in &args.request_id {
        if !requests.insert(id, now + REQUEST_LIFETIME, now) {
            return Err("too many --request-id values".to_owned());
        }
    }
    Ok(netid_cli::exit::block_on("saml verify-logout", async {
        let stores =
            match stores::open(args.replay_store.as_ref(), args.request_store.as_ref(), requests).await {
                Ok(stores) => Ok(stores),
                Err(OpenError::Usage(message)) => {
                    return netid_cli::exit::usage("saml verify-logout", &message, args.json);
                }
                Err(OpenError::Unavailable(error)) => Err(error),
            };
        let mut verdicts = Vec::with_capacity(inputs.len());
        let mut first_rejection = None;
        for (name, bytes, binding) in inputs {
            let checked = check(&verifier, binding, &bytes, session.as_ref(), now);
            let result = match (checked, &stores) {
                (Ok(unconsumed), Ok(stores)) => unconsumed.consume(&*stores.replay, &*stores.requests).await,
                // Fail closed: without its stores no message is accepted.
                (Ok(_), Err(error)) => Err(SamlError::Store(error.clone())),
                (Err(e), _) => Err(e),
            };
            let line = match result {
                Ok(verified) => accepted(&name, &verified, args.reveal),
                Err(e) => {
                    let check = check_name(&e);
                    let message = message(&e);
                    if first_rejection.is_none() {
                        first_rejection = Some((check.to_owned(), format!("{name}: {message}")));
                    }
                    json!({
                        "file": name,
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
            netid_cli::envelope::print(&report(verdicts, first_rejection, "logout messages"));
            return status;
        }
        let mut out = std::io::stdout().lock();
        for line in verdicts {
            if let Err(e) = writeln!(out, "{line}") {
                return netid_cli::exit::usage(
                    "saml verify-logout",
                    &format!("cannot write to stdout: {e}"),
                    false,
                );
            }
        }
        status
    }))
}

fn check(
    verifier: &LogoutVerifier,
    binding: BindingArg,
    bytes: &[u8],
    session: Option<&LogoutSession>,
    now: SystemTime,
) -> Result<UnconsumedLogout, SamlError> {
    let body = bytes.trim_ascii();
    let received = match binding {
        BindingArg::Post if body.starts_with(b"<") => Received::Xml(body),
        BindingArg::Post => Received::Post(body),
        BindingArg::Redirect => match std::str::from_utf8(body) {
            Ok(query) => Received::Redirect(query),
            Err(_) => {
                return Err(SamlError::Config {
                    reason: "the query string is not UTF-8".to_owned(),
                });
            }
        },
    };
    verifier.check(received, session, now)
}

/// An accepted message's line; the NameID masked unless `reveal` (personal data).
fn accepted(name: &str, verified: &VerifiedLogout, reveal: bool) -> Value {
    match verified {
        VerifiedLogout::Request(r) => {
            let value = r.name_id.value.expose_pii();
            json!({
                "file": name,
                "verdict": "accept",
                "message": "LogoutRequest",
                "id": r.id,
                "name_id": if reveal { value.clone() } else { netid_cli::mask(value) },
                "session_indexes": r.session_indexes,
            })
        }
        VerifiedLogout::Response(r) => json!({
            "file": name,
            "verdict": "accept",
            "message": "LogoutResponse",
            "id": r.id,
            "in_response_to": r.in_response_to,
            "partial": r.partial,
        }),
        _ => json!({ "file": name, "verdict": "accept" }),
    }
}
