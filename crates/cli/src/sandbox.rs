//! `netid sandbox`: the reference operator ([`netid_server`]) as a local operator for any backend.
//!
//! `netid sandbox serve` runs it on loopback until Ctrl-C, configured by a TOML document
//! (`--config`, see [`netid_server::SandboxConfig`]), printing the issuer and every API base URL
//! per profile, logging requests to stderr, and optionally writing an operator file (`--operator-file`)
//! that the CLI and the `netid` facade read as is. `netid sandbox subscribers` prints the default
//! subscriber document. [`start`] is the same as a library call, for tests.

use std::io::{self, Write};
use std::path::PathBuf;

use netid_server::subscribers::{DEFAULT_SUBSCRIBERS_TOML, SubscriberStore};

use crate::exit;

mod config;
mod logging;
mod operator_file;
mod running;

pub use operator_file::operator_file_text;
pub use running::{Sandbox, SandboxError, start};

/// `netid sandbox` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
#[non_exhaustive]
pub enum SandboxCommand {
    /// Run the reference operator on 127.0.0.1 until Ctrl-C.
    ///
    /// Prints the issuer and the base URL of every API per profile; `GET /` answers the same index
    /// (JSON, or HTML in a browser). Requests are logged to stderr.
    ///
    /// Example: netid sandbox serve --config sandbox.toml --port 8080 --operator-file operator.toml
    ///
    /// Two processes as one operator: netid sandbox serve --port 8081 --state redis://127.0.0.1:6379/
    /// --signing-key op.pem --issuer http://127.0.0.1:8080 (and the same with --port 8082)
    Serve(ServeArgs),
    /// Print the default subscriber document (TOML, or JSON with --json): numbers, operator tokens,
    /// KYC records and scripted CIBA behaviours, a starting point for a `subscribers-file`.
    Subscribers(SubscribersArgs),
}

/// The format of the request log on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
#[non_exhaustive]
pub enum LogFormat {
    /// One human-readable line per request.
    #[default]
    Text,
    /// One JSON object per request.
    Json,
    /// No request log: no subscriber is installed, so requests cost no formatting or write (what
    /// `cargo xtask load` uses to measure the server itself).
    Off,
}

/// `netid sandbox serve` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct ServeArgs {
    /// The sandbox configuration (TOML): subscribers, clients, SAML service providers, faults, CIBA
    /// timings, token lifetimes, operators hosted beside the root one. Relative paths in it are
    /// read from its directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Port on 127.0.0.1 (0 picks a free one); overrides the configuration's `port`.
    #[arg(long)]
    pub port: Option<u16>,
    /// Where to write the demo client's private key (PEM, ES256). Kept when the sandbox stops;
    /// without this flag the key goes to the temporary directory (or beside the operator file) and
    /// the temporary one is removed at stop.
    #[arg(long, value_name = "FILE")]
    pub key_out: Option<PathBuf>,
    /// Write an operator file for the sandbox once it listens (the demo client's key beside it),
    /// which `netid --operator-file` and the `netid` library read as is. With a PATH the file (and
    /// the key beside it) is kept when the sandbox stops; without, it goes to the temporary
    /// directory and is removed at stop.
    #[arg(long, value_name = "PATH", num_args = 0..=1)]
    pub operator_file: Option<Option<PathBuf>>,
    /// The demo's fast CIBA timings (interval 1 s, approvals after 1 s) unless the configuration
    /// sets them.
    #[arg(long)]
    pub fast: bool,
    /// The request log's format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Keep the operator's state (CIBA requests, codes, tokens, used jtis) in this Redis
    /// (redis://…) instead of memory: every process given the same --issuer and --signing-key
    /// then acts as the same operator. Overrides the configuration's `[state] redis`.
    #[arg(long, value_name = "REDIS_URL")]
    pub state: Option<String>,
    /// The ES256 key (P-256 private key, PEM) that signs ID tokens; processes of one operator
    /// share it (the demo client's key is derived from it). Default: generated at start.
    #[arg(long, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// The issuer to announce (the URL clients reach the sandbox at, such as a port-forward)
    /// instead of http://127.0.0.1:PORT. Overrides the configuration's `issuer`.
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
}

impl ServeArgs {
    /// No flag: default configuration, a free port, files in the temporary directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// `--config`.
    #[must_use]
    pub fn with_config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// `--operator-file PATH`: the file (and the key beside it) kept at stop.
    #[must_use]
    pub fn with_operator_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.operator_file = Some(Some(path.into()));
        self
    }

    /// `--operator-file` without a path: a file in the temporary directory, removed at stop.
    #[must_use]
    pub fn with_temporary_operator_file(mut self) -> Self {
        self.operator_file = Some(None);
        self
    }

    /// `--key-out`.
    #[must_use]
    pub fn with_key_out(mut self, path: impl Into<PathBuf>) -> Self {
        self.key_out = Some(path.into());
        self
    }

    /// `--state REDIS_URL`.
    #[must_use]
    pub fn with_state(mut self, redis_url: impl Into<String>) -> Self {
        self.state = Some(redis_url.into());
        self
    }

    /// `--signing-key FILE`.
    #[must_use]
    pub fn with_signing_key(mut self, path: impl Into<PathBuf>) -> Self {
        self.signing_key = Some(path.into());
        self
    }

    /// `--issuer URL`.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// `--fast`.
    #[must_use]
    pub fn with_fast(mut self, fast: bool) -> Self {
        self.fast = fast;
        self
    }
}

/// `netid sandbox subscribers` flags.
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct SubscribersArgs {
    /// Print the document as JSON (the structure `subscribers-file = "….json"` reads).
    #[arg(long)]
    pub json: bool,
}

/// Runs a `netid sandbox` subcommand; returns the exit status (0 after Ctrl-C, 1 when the server
/// or a file cannot be set up, 2 for an unreadable or invalid configuration).
pub fn command(command: &SandboxCommand) -> u8 {
    match command {
        SandboxCommand::Serve(args) => serve(args),
        SandboxCommand::Subscribers(args) => subscribers(args),
    }
}

fn serve(args: &ServeArgs) -> u8 {
    logging::init(args.log_format);
    exit::block_on("sandbox", async {
        let sandbox = match start(args).await {
            Ok(sandbox) => sandbox,
            Err(error) => {
                let _ = writeln!(io::stderr(), "netid sandbox: {error}");
                return if error.is_usage() {
                    exit::USAGE
                } else {
                    exit::FAILED
                };
            }
        };
        let mut out = io::stdout().lock();
        let printed = sandbox
            .banner()
            .iter()
            .try_for_each(|line| writeln!(out, "{line}"))
            .and_then(|()| out.flush());
        drop(out);
        let code = match printed {
            Ok(()) => {
                running::wait_for_stop().await;
                exit::OK
            }
            Err(error) => {
                let _ = writeln!(io::stderr(), "netid sandbox: cannot write to stdout: {error}");
                exit::FAILED
            }
        };
        sandbox.stop().await;
        code
    })
}

fn subscribers(args: &SubscribersArgs) -> u8 {
    let text = if args.json {
        let document = SubscriberStore::default_document_json();
        serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
    } else {
        DEFAULT_SUBSCRIBERS_TOML.to_owned()
    };
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => exit::OK,
        Err(error) => {
            let _ = writeln!(io::stderr(), "netid sandbox: cannot write to stdout: {error}");
            exit::FAILED
        }
    }
}
