//! `netid token`: obtains a three-legged access token by CIBA (poll mode, `private_key_jwt`) from
//! any OpenID Provider, configured by flags or a TOML file (`--config`; flags win).
//!
//! The provider is found by discovery (`--issuer`), or given by its endpoints
//! (`--bc-authorize-url`, `--token-url`, optional `--jwks-url`); with endpoints only, the issuer is
//! the token URL's origin unless `--issuer` is also given, and the ID token is optional (validated
//! when `--jwks-url` is given). The key is a PEM (PKCS#8, PKCS#1 RSA or SEC1 EC) or a private JWK; its
//! type chooses the algorithm (ES256 for P-256, RS256 for RSA), `--alg` overrides (PS256).
//!
//! The token itself is printed only with `--show-token`. Exit status: 0 when granted, 1 for any
//! other outcome, 2 for usage errors (bad flags, unreadable key or config file).

use std::fmt;
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use netid_ciba::ciba::{BackchannelRequest, CibaSession};
use netid_ciba::client::{AssertionAudience, ClientConfig};
use netid_ciba::driver::Driver;
use netid_ciba::jose::{KeyOptions, KeySigner, Signer, SigningAlgorithm};
use netid_ciba::provider::{CibaProvider, IdTokenPolicy, ProviderConfig};
use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::token::AccessToken;
use netid_reqwest::{ReqwestTransport, TokioSleep};
use netid_transport::HttpTransport;
use serde::{Deserialize, Serialize, Serializer};

use crate::ciba_flow::{self, CibaOutcome};
use crate::config::{EnvLookup, OperatorConfig};

/// Exit status for usage errors.
const EXIT_USAGE: u8 = 2;

/// The JWS algorithm of client assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    #[value(name = "RS256")]
    Rs256,
    /// RSASSA-PSS with SHA-256.
    #[value(name = "PS256")]
    Ps256,
    /// ECDSA P-256 with SHA-256.
    #[value(name = "ES256")]
    Es256,
}

impl Alg {
    fn signing(self) -> SigningAlgorithm {
        match self {
            Self::Rs256 => SigningAlgorithm::Rs256,
            Self::Ps256 => SigningAlgorithm::Ps256,
            Self::Es256 => SigningAlgorithm::Es256,
        }
    }
}

/// The `aud` of client assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// The URL of the endpoint called (CAMARA's recommendation).
    Endpoint,
    /// The token endpoint URL.
    TokenEndpoint,
    /// The issuer identifier.
    Issuer,
}

/// `netid token` flags. Every flag but `--config`, `--json` and `--show-token` may come from the
/// config file instead.
#[derive(Debug, Clone, Default, clap::Args, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct TokenArgs {
    /// TOML file with any of these settings under their flag names (`issuer = "…"`, `client-id = "…"`).
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Issuer URL: endpoints from its discovery document.
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Backchannel authentication endpoint (instead of discovery).
    #[arg(long, value_name = "URL", requires = "token_url")]
    pub bc_authorize_url: Option<String>,
    /// Token endpoint (instead of discovery).
    #[arg(long, value_name = "URL", requires = "bc_authorize_url")]
    pub token_url: Option<String>,
    /// JWKS URL to validate ID tokens (with explicit endpoints).
    #[arg(long, value_name = "URL")]
    pub jwks_url: Option<String>,
    /// The client id registered with the provider.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The client's private key: PEM or JWK file.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The `kid` to put in assertion headers (a JWK's own `kid` is used otherwise).
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// The assertion algorithm, instead of the one the key implies.
    #[arg(long, value_enum)]
    pub alg: Option<Alg>,
    /// Who to authenticate: `tel:+…`, bare MSISDN digits, `ipport:…` or `operatortoken:…`.
    #[arg(long, value_name = "HINT")]
    pub login_hint: Option<String>,
    /// Space-separated scopes (must include `openid`).
    #[arg(long, value_name = "SCOPES")]
    pub scope: Option<String>,
    /// Text shown on the user's device.
    #[arg(long, value_name = "TEXT")]
    pub binding_message: Option<String>,
    /// Requested lifetime of the authentication request, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub requested_expiry: Option<u64>,
    /// The `aud` of client assertions.
    #[arg(long, value_enum)]
    pub assertion_aud: Option<Audience>,
    /// Print one JSON object instead of the human output.
    #[arg(long)]
    #[serde(skip)]
    pub json: bool,
    /// Include the access token in the output.
    #[arg(long)]
    #[serde(skip)]
    pub show_token: bool,
    /// The key's text, when the operator file takes it from the environment (`key-env`).
    #[arg(skip)]
    #[serde(skip)]
    pub key_text: Option<KeyText>,
}

/// A private key's PEM or JWK text read from somewhere other than a file (an environment variable
/// named by the operator file's `key-env`). Its `Debug` shows where it came from, never the key.
#[derive(Clone)]
pub struct KeyText {
    origin: String,
    text: String,
}

impl KeyText {
    /// The key `text`, read from `origin` (shown in errors: `$NAME`).
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            text: text.into(),
        }
    }

    /// Where the key came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

impl fmt::Debug for KeyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { origin, text: _ } = self;
        f.debug_struct("KeyText")
            .field("origin", origin)
            .field("text", &"[redacted]")
            .finish()
    }
}

impl TokenArgs {
    /// Fills every unset setting from `file` (flags win).
    fn merged_with(self, file: TokenArgs) -> TokenArgs {
        TokenArgs {
            config: self.config,
            issuer: self.issuer.or(file.issuer),
            bc_authorize_url: self.bc_authorize_url.or(file.bc_authorize_url),
            token_url: self.token_url.or(file.token_url),
            jwks_url: self.jwks_url.or(file.jwks_url),
            client_id: self.client_id.or(file.client_id),
            key: self.key.or(file.key),
            kid: self.kid.or(file.kid),
            alg: self.alg.or(file.alg),
            login_hint: self.login_hint.or(file.login_hint),
            scope: self.scope.or(file.scope),
            binding_message: self.binding_message.or(file.binding_message),
            requested_expiry: self.requested_expiry.or(file.requested_expiry),
            assertion_aud: self.assertion_aud.or(file.assertion_aud),
            json: self.json,
            show_token: self.show_token,
            key_text: self.key_text.or(file.key_text),
        }
    }
}

/// A usage error: the command cannot start (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

/// Where the provider's endpoints come from.
#[derive(Debug, Clone)]
enum ProviderSource {
    Discovery(String),
    /// Explicit endpoints; the JWKS, when a URI is given, is fetched before the flow starts.
    Explicit {
        config: Box<ProviderConfig>,
        backchannel_endpoint: String,
    },
}

/// A validated `netid token` invocation.
#[derive(Debug, Clone)]
pub struct TokenPlan {
    provider: ProviderSource,
    client: Arc<ClientConfig>,
    request: BackchannelRequest,
    show_token: bool,
}

impl TokenPlan {
    /// Validates `args` (after merging the config file they name, if any).
    ///
    /// # Errors
    ///
    /// A [`UsageError`] naming the missing or invalid setting.
    pub fn from_args(args: TokenArgs) -> Result<Self, UsageError> {
        Self::from_args_with_env(args, &crate::config::process_env)
    }

    /// [`from_args`](Self::from_args) with `env` resolving the operator file's `*-env` keys.
    ///
    /// # Errors
    ///
    /// A [`UsageError`] naming the missing or invalid setting.
    pub fn from_args_with_env(args: TokenArgs, env: EnvLookup<'_>) -> Result<Self, UsageError> {
        let args = match &args.config {
            Some(path) => {
                let file = OperatorConfig::read(path, env).map_err(|error| usage(error.to_string()))?;
                args.merged_with(file.token)
            }
            None => args,
        };
        Self::from_merged(args)
    }

    /// The scope the backchannel request asks for.
    pub fn scope(&self) -> &Scope {
        self.request.scope()
    }

    /// Validates settings already merged with any operator file.
    pub(crate) fn from_merged(args: TokenArgs) -> Result<Self, UsageError> {
        let provider = provider_source(&args)?;
        let client_id = args
            .client_id
            .clone()
            .ok_or_else(|| usage("--client-id is required"))?;
        let signer = match (&args.key, &args.key_text) {
            (Some(path), _) => {
                let text = fs::read_to_string(path)
                    .map_err(|error| usage(format!("cannot read --key {}: {error}", path.display())))?;
                load_signer(
                    &format!("--key {}", path.display()),
                    &text,
                    args.alg,
                    args.kid.clone(),
                )?
            }
            (None, Some(key)) => load_signer(
                &format!("key-env {}", key.origin),
                &key.text,
                args.alg,
                args.kid.clone(),
            )?,
            (None, None) => return Err(usage("--key is required")),
        };
        let audience = match args.assertion_aud.unwrap_or(Audience::Endpoint) {
            Audience::Endpoint => AssertionAudience::Endpoint,
            Audience::TokenEndpoint => AssertionAudience::TokenEndpoint,
            Audience::Issuer => AssertionAudience::Issuer,
        };
        let client = ClientConfig::new(client_id, signer).with_assertion_audience(audience);
        let hint: LoginHint = args
            .login_hint
            .as_deref()
            .ok_or_else(|| usage("--login-hint is required"))?
            .parse()
            .map_err(|error| usage(format!("--login-hint: {error}")))?;
        let scope: Scope = args
            .scope
            .as_deref()
            .unwrap_or("openid")
            .parse()
            .map_err(|error| usage(format!("--scope: {error}")))?;
        if !scope.contains("openid") {
            return Err(usage("--scope must include openid"));
        }
        let mut request = BackchannelRequest::new(scope, hint);
        if let Some(message) = &args.binding_message {
            request = request
                .with_binding_message(message.clone())
                .map_err(|error| usage(format!("--binding-message: {error}")))?;
        }
        if let Some(seconds) = args.requested_expiry {
            request = request
                .with_requested_expiry(Duration::from_secs(seconds))
                .map_err(|error| usage(format!("--requested-expiry: {error}")))?;
        }
        Ok(Self {
            provider,
            client: Arc::new(client),
            request,
            show_token: args.show_token,
        })
    }
}

fn provider_source(args: &TokenArgs) -> Result<ProviderSource, UsageError> {
    match (&args.issuer, &args.bc_authorize_url, &args.token_url) {
        (Some(issuer), None, None) => Ok(ProviderSource::Discovery(issuer.clone())),
        (issuer, Some(bc), Some(token)) => {
            let issuer = match issuer {
                Some(issuer) => issuer.clone(),
                None => origin(token).ok_or_else(|| usage("--token-url is not an absolute URL"))?,
            };
            let invalid = |error: netid_ciba::Error| usage(error.to_string());
            let mut config = ProviderConfig::new(&issuer, token).map_err(invalid)?;
            // Checks the endpoint now (a usage error); the real CibaProvider is built once the
            // keys, if any, are fetched.
            CibaProvider::new(config.clone().with_id_token_policy(IdTokenPolicy::Optional), bc)
                .map_err(invalid)?;
            config = match &args.jwks_url {
                Some(jwks) => config.with_jwks_uri(jwks).map_err(invalid)?,
                None => config.with_id_token_policy(IdTokenPolicy::Optional),
            };
            Ok(ProviderSource::Explicit {
                config: Box::new(config),
                backchannel_endpoint: bc.clone(),
            })
        }
        (_, Some(_), None) | (_, None, Some(_)) => {
            Err(usage("--bc-authorize-url and --token-url go together"))
        }
        (None, None, None) => Err(usage(
            "give --issuer URL, or --bc-authorize-url URL --token-url URL",
        )),
    }
}

/// `scheme://host[:port]` of an absolute URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().filter(|a| !a.is_empty())?;
    Some(format!("{scheme}://{authority}"))
}

/// A signer from a key's PEM or JWK `text`; `origin` names it in errors (`--key FILE`). The key
/// type, and so the default algorithm, is read from the key by `netid-ciba`.
fn load_signer(
    origin: &str,
    text: &str,
    alg: Option<Alg>,
    kid: Option<String>,
) -> Result<Arc<dyn Signer>, UsageError> {
    let mut options = KeyOptions::new();
    options.algorithm = alg.map(Alg::signing);
    options.key_id = kid;
    let signer = KeySigner::from_text(text, options).map_err(|error| usage(format!("{origin}: {error}")))?;
    Ok(Arc::new(signer))
}

/// What `netid token --json` prints.
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct TokenReport {
    /// `granted`, `denied`, `expired` or `error`.
    pub outcome: CibaOutcome,
    /// Token requests sent.
    pub polls: u32,
    /// Seconds from the first request to the end.
    pub seconds: f64,
    /// The OAuth `error` code, when the provider answered with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What went wrong, for outcomes other than `granted` (no secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `Bearer`, when granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    /// The granted scope, when the provider says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Seconds until the access token expires, when the provider says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Whether an ID token came back and was validated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_verified: Option<bool>,
    /// The access token, only with `--show-token`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_token")]
    pub access_token: Option<AccessToken>,
}

fn expose_token<S: Serializer>(token: &Option<AccessToken>, serializer: S) -> Result<S::Ok, S::Error> {
    match token {
        Some(token) => serializer.serialize_str(token.expose_secret()),
        None => serializer.serialize_none(),
    }
}

/// Runs the flow `plan` describes with the real transport, clock and sleep; `spinner` draws live
/// progress on stdout. The report carries the access token only when the plan asks to show it.
pub async fn run(plan: TokenPlan, spinner: bool) -> TokenReport {
    let show_token = plan.show_token;
    let mut report = match http_transport() {
        Ok(transport) => obtain(plan, spinner, transport).await,
        Err(message) => error_report(message),
    };
    if !show_token {
        report.access_token = None;
    }
    report
}

/// The HTTP transport of every `netid` command that talks to an operator: the reqwest adapter with
/// a 10 s connect and a 30 s total timeout.
pub(crate) fn http_transport() -> Result<Arc<ReqwestTransport>, String> {
    ReqwestTransport::with_timeouts(Duration::from_secs(10), Duration::from_secs(30))
        .map(Arc::new)
        .map_err(|error| format!("cannot build the HTTP client: {error}"))
}

/// A report for a flow that could not start.
fn error_report(message: String) -> TokenReport {
    TokenReport {
        outcome: CibaOutcome::Error,
        polls: 0,
        seconds: 0.0,
        error: None,
        message: Some(message),
        token_type: None,
        scope: None,
        expires_in: None,
        id_token_verified: None,
        access_token: None,
    }
}

/// [`run`] over `transport`, keeping the access token in the report whatever the plan says (for
/// the API commands, which use it and never print it).
pub(crate) async fn obtain(plan: TokenPlan, spinner: bool, transport: Arc<dyn HttpTransport>) -> TokenReport {
    let driver = Driver::new(transport, Arc::new(TokioSleep));
    let provider = match plan.provider {
        ProviderSource::Discovery(issuer) => driver.discover_ciba(&issuer).await,
        ProviderSource::Explicit {
            config,
            backchannel_endpoint,
        } => {
            let config = match config.jwks_uri() {
                Some(_) => driver.fetch_jwks(*config).await,
                None => Ok(*config),
            };
            config.and_then(|config| CibaProvider::new(config, &backchannel_endpoint))
        }
    };
    let provider = match provider {
        Ok(provider) => provider,
        Err(error) => return error_report(format!("provider configuration: {error}")),
    };
    let session = CibaSession::new(plan.client, provider, plan.request);
    let bar = ciba_flow::spinner(spinner, "ciba");
    let run = ciba_flow::run(&driver, session, &bar).await;
    let tokens = run.tokens.as_ref();
    TokenReport {
        outcome: run.outcome,
        polls: run.polls,
        seconds: run.elapsed.as_secs_f64(),
        error: run.oauth_error().map(str::to_owned),
        message: run.error.as_ref().map(ToString::to_string),
        token_type: tokens.map(|_| "Bearer"),
        scope: tokens.and_then(|tokens| tokens.scope.clone()),
        expires_in: tokens
            .and_then(|tokens| tokens.expires_at)
            .and_then(|at| at.duration_since(SystemTime::now()).ok())
            .map(|left| left.as_secs() + 1),
        id_token_verified: tokens.map(|tokens| tokens.id_token.is_some()),
        access_token: tokens.map(|tokens| tokens.access_token.clone()),
    }
}

/// `netid token`: validates the flags, runs the flow, prints the outcome. Returns the exit status.
pub fn command(args: TokenArgs) -> u8 {
    let json = args.json;
    let plan = match TokenPlan::from_args(args) {
        Ok(plan) => plan,
        Err(error) => {
            let _ = writeln!(io::stderr(), "netid token: {error}");
            return EXIT_USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(
                io::stderr(),
                "netid token: cannot start the async runtime: {error}"
            );
            return 1;
        }
    };
    let spinner = !json && io::stdout().is_terminal();
    let report = runtime.block_on(run(plan, spinner));
    let text = if json {
        serde_json::to_string(&report).unwrap_or_else(|_| String::from(r#"{"outcome":"error"}"#))
    } else {
        human(&report)
    };
    let _ = writeln!(io::stdout().lock(), "{text}");
    u8::from(report.outcome != CibaOutcome::Granted)
}

fn human(report: &TokenReport) -> String {
    let mut text = format!(
        "{} after {} poll(s) in {:.1} s",
        report.outcome, report.polls, report.seconds
    );
    if let Some(code) = &report.error {
        text.push_str(&format!(" · {code}"));
    } else if let Some(message) = &report.message {
        text.push_str(&format!(" · {message}"));
    }
    if let Some(token_type) = report.token_type {
        text.push_str(&format!(" · {token_type} token"));
    }
    if let Some(expires_in) = report.expires_in {
        text.push_str(&format!(" for {expires_in} s"));
    }
    if let Some(scope) = &report.scope {
        text.push_str(&format!(" · scope {scope}"));
    }
    if let Some(token) = &report.access_token {
        text.push_str(&format!("\naccess_token {}", token.expose_secret()));
    }
    text
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: TokenArgs,
    }

    fn parse(argv: &[&str]) -> Result<TokenPlan, String> {
        let cli = Cli::try_parse_from(std::iter::once("token").chain(argv.iter().copied()))
            .map_err(|error| format!("clap: {:?}", error.kind()))?;
        TokenPlan::from_args(cli.args).map_err(|error| error.to_string())
    }

    #[test]
    fn usage_errors_name_the_problem() {
        let check = |argv: &[&str], expected: &str| {
            let error = parse(argv).map(|_| ()).unwrap_err();
            assert!(error.contains(expected), "{argv:?}: {error}");
        };
        check(&[], "give --issuer URL");
        check(
            &["--token-url", "https://op.example/token"],
            "clap: MissingRequiredArgument",
        );
        check(&["--issuer", "https://op.example"], "--client-id is required");
        check(
            &["--issuer", "https://op.example", "--client-id", "c"],
            "--key is required",
        );
        check(
            &[
                "--issuer",
                "https://op.example",
                "--client-id",
                "c",
                "--key",
                "/nonexistent/key.pem",
            ],
            "cannot read --key",
        );
        check(&["--alg", "HS256"], "clap: InvalidValue");
        check(&["--assertion-aud", "anything"], "clap: InvalidValue");
    }

    #[test]
    fn keys_are_read_by_the_ciba_loader_with_typed_errors() {
        let check = |text: &str, alg: Option<Alg>, expected: &str| {
            let args = TokenArgs {
                issuer: Some(String::from("https://op.example")),
                client_id: Some(String::from("c")),
                login_hint: Some(String::from("tel:+34654654654")),
                alg,
                key_text: Some(KeyText::new("$KEY", text)),
                ..TokenArgs::default()
            };
            let outcome = match TokenPlan::from_merged(args) {
                Ok(plan) => format!("ok {}", plan.client.signer().algorithm()),
                Err(error) => error.to_string(),
            };
            assert_eq!(outcome, expected);
        };
        let ec = include_str!("../../ciba/tests/fixtures/keys/ec.pem");
        let rsa = include_str!("../../ciba/tests/fixtures/keys/rsa-pkcs1.pem");
        check(ec, None, "ok ES256");
        check(rsa, None, "ok RS256");
        check(rsa, Some(Alg::Ps256), "ok PS256");
        check(
            ec,
            Some(Alg::Rs256),
            "key-env $KEY: RS256 cannot sign with an EC P-256 key (it signs ES256)",
        );
        check(
            "",
            None,
            "key-env $KEY: the key text is empty: expected a PEM private key or a private JWK",
        );
        check(
            include_str!("../../ciba/tests/fixtures/keys/ec.crt"),
            None,
            "key-env $KEY: found a CERTIFICATE PEM, which holds no private key: expected a private key",
        );
    }

    #[test]
    fn origins_of_token_urls() {
        let check = |url: &str, expected: Option<&str>| assert_eq!(origin(url).as_deref(), expected, "{url}");
        check("https://op.example/oauth/token", Some("https://op.example"));
        check("http://127.0.0.1:8080/token?x=1", Some("http://127.0.0.1:8080"));
        check("https://op.example", Some("https://op.example"));
        check("op.example/token", None);
        check("https:///token", None);
    }

    #[test]
    fn config_file_settings_fill_unset_flags() {
        let file: TokenArgs = toml::from_str(
            "issuer = \"https://file.example\"\nclient-id = \"from-file\"\nalg = \"PS256\"\nassertion-aud = \"token-endpoint\"\n",
        )
        .unwrap();
        let flags = TokenArgs {
            client_id: Some(String::from("from-flag")),
            ..TokenArgs::default()
        };
        let merged = flags.merged_with(file);
        assert_eq!(merged.issuer.as_deref(), Some("https://file.example"));
        assert_eq!(merged.client_id.as_deref(), Some("from-flag"));
        assert_eq!(merged.alg, Some(Alg::Ps256));
        assert_eq!(merged.assertion_aud, Some(Audience::TokenEndpoint));
        assert!(toml::from_str::<TokenArgs>("unknown = 1").is_err());
    }

    #[test]
    fn the_token_prints_only_when_asked() {
        let mut report = TokenReport {
            outcome: CibaOutcome::Granted,
            polls: 2,
            seconds: 1.5,
            error: None,
            message: None,
            token_type: Some("Bearer"),
            scope: Some(String::from("openid sim-swap:check")),
            expires_in: Some(3600),
            id_token_verified: Some(true),
            access_token: None,
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"outcome": "granted", "polls": 2, "seconds": 1.5, "token_type": "Bearer",
                "scope": "openid sim-swap:check", "expires_in": 3600, "id_token_verified": true})
        );
        report.access_token = Some(AccessToken::new("tok-123"));
        assert!(!format!("{report:?}").contains("tok-123"));
        assert_eq!(serde_json::to_value(&report).unwrap()["access_token"], "tok-123");
        assert!(human(&report).ends_with("access_token tok-123"));
    }
}
