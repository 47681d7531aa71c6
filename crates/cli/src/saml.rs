//! `netid saml …`: verify received SAML Responses, build AuthnRequest redirect URLs.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::Subcommand;
use netid::crates::saml::{
    AuthnRequestBuilder, DecryptionKey, Error as SamlError, IdentityProvider, IdpCertificate,
    InMemoryRequestStore, MetadataTrust, NameIdPolicy, RequestStore as _, ResponseVerifier, ServiceProvider,
    SignatureAlgorithm, SoftwareSigner, UnconsumedAssertion, verify_idp_metadata,
};
use netid_core::ports::{Clock as _, OsRandom, SystemClock};
use serde_json::json;

use netid_cli::exit::{FAILED as EXIT_REJECTED, OK as EXIT_OK, USAGE as EXIT_USAGE};

mod args;
mod logout;
mod stores;
mod verdict;

use args::{BindingArg, LoginUrlArgs, REQUEST_LIFETIME, VerifyArgs, name_id_format, read};
use logout::{LogoutUrlArgs, VerifyLogoutArgs};

use stores::OpenError;
use verdict::{accepted, check_name, message, report};

/// SAML subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SamlCommand {
    /// Verify received SAML Responses; prints one JSON object per file, or with `--json` one
    /// report (`ok`, `outcome`, `error`, `files`) for them all.
    ///
    /// Exit status: 0 when every file was accepted, 1 when any was rejected, 2 on usage errors.
    #[command(after_help = concat!(
        "Example: netid saml verify --idp-entity-id https://idp.example --idp-cert idp.crt ",
        "--sp-entity-id https://sp.example --acs-url https://sp.example/acs response.b64 --json\n\n",
        "Exit status: 0 every file accepted · 1 a file rejected · 2 usage error."
    ))]
    Verify(Box<VerifyArgs>),
    /// Build an AuthnRequest and print its HTTP-Redirect URL and ID as JSON.
    #[command(after_help = concat!(
        "Example: netid saml login-url --sp-entity-id https://sp.example --acs-url https://sp.example/acs ",
        "--sso-url https://idp.example/sso\n\n",
        "Exit status: 0 printed · 1 the request store failed · 2 usage error."
    ))]
    LoginUrl(LoginUrlArgs),
    /// Build a signed LogoutRequest for a session (SP-initiated Single Logout) and print its
    /// HTTP-Redirect URL and ID as JSON.
    #[command(after_help = concat!(
        "Example: netid saml logout-url --sp-entity-id https://sp.example --idp-slo-url https://idp.example/slo ",
        "--name-id alice --session-index _s1 --sign-key sp.key\n\n",
        "Exit status: 0 printed · 1 the request store failed · 2 usage error."
    ))]
    LogoutUrl(Box<LogoutUrlArgs>),
    /// Verify received LogoutRequests (IdP-initiated, checked against `--name-id` and
    /// `--session-index`) and LogoutResponses (answering an outstanding `--request-id`); prints
    /// one JSON object per file, or with `--json` one report for them all. The NameID is masked
    /// unless `--reveal`.
    ///
    /// Exit status: 0 when every message was accepted, 1 when any was rejected, 2 on usage errors.
    #[command(after_help = concat!(
        "Example: netid saml verify-logout --idp-entity-id https://idp.example --idp-cert idp.crt ",
        "--sp-entity-id https://sp.example --slo-url https://sp.example/slo --name-id alice logout-request.xml --json\n\n",
        "Exit status: 0 every message accepted · 1 a message rejected · 2 usage error."
    ))]
    VerifyLogout(Box<VerifyLogoutArgs>),
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
        let recorded = stores::record("saml login-url", url, |store| {
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
