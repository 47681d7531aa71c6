//! A running sandbox: the server, the files written for it, and their removal at stop.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use netid_server::{SandboxConfigError, Server, ServerError, ServerHandle};

use super::{ServeArgs, config, operator_file};

/// Why the sandbox could not start. Names files and settings, never a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The `--config` file could not be read.
    #[error("cannot read the configuration {}: {source}", path.display())]
    ReadConfig {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The configuration was refused.
    #[error("invalid configuration {}: {source}", path.display())]
    Config {
        /// The file (empty without `--config`).
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: SandboxConfigError,
    },
    /// The `--signing-key` file could not be read.
    #[error("cannot read the signing key {}: {source}", path.display())]
    ReadKey {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The server did not start (port taken, a client's JWKS URL not answering, Redis not
    /// answering, an invalid signing key or issuer, ...).
    #[error("cannot start the sandbox: {0}")]
    Start(#[source] ServerError),
    /// A file could not be written.
    #[error("cannot write the {what} to {}: {source}", path.display())]
    Write {
        /// What the file holds (`demo client key`, `operator file`).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// `--operator-file` without the demo client, whose key the file names.
    #[error("--operator-file needs the demo client, and the configuration sets demo-client = false")]
    NoDemoClient,
}

impl SandboxError {
    /// Whether the user's input is at fault (exit status 2) rather than the environment (1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::ReadConfig { .. } | Self::ReadKey { .. } | Self::Config { .. } | Self::NoDemoClient
        )
    }
}

/// A sandbox started by [`start`]. [`Sandbox::stop`] stops it and removes the files it created in
/// the temporary directory; files at paths the user gave are kept.
#[derive(Debug)]
pub struct Sandbox {
    server: ServerHandle,
    key_file: Option<PathBuf>,
    operator_file: Option<PathBuf>,
    /// Files to remove at stop.
    temporary: Vec<PathBuf>,
}

/// Starts the sandbox `args` describe and writes its files: the library form of `netid sandbox
/// serve` (which then prints [`Sandbox::banner`] and waits for Ctrl-C).
///
/// # Errors
///
/// [`SandboxError`]; files already written are removed.
pub async fn start(args: &ServeArgs) -> Result<Sandbox, SandboxError> {
    let config = config::load(args)?;
    let server = Server::start(config).await.map_err(SandboxError::Start)?;
    let mut sandbox = Sandbox {
        server,
        key_file: None,
        operator_file: None,
        temporary: Vec::new(),
    };
    if let Err(error) = sandbox.write_files(args) {
        sandbox.stop().await;
        return Err(error);
    }
    Ok(sandbox)
}

impl Sandbox {
    /// The running server.
    pub fn server(&self) -> &ServerHandle {
        &self.server
    }

    /// The demo client's private key file, when the demo client is registered.
    pub fn key_file(&self) -> Option<&Path> {
        self.key_file.as_deref()
    }

    /// The operator file, when asked for.
    pub fn operator_file(&self) -> Option<&Path> {
        self.operator_file.as_deref()
    }

    /// What `netid sandbox serve` prints at start: the issuer, the index, the OpenID and SAML
    /// endpoints, every API base URL per profile, the hosted operators, the demo client and the
    /// files written.
    pub fn banner(&self) -> Vec<String> {
        let server = &self.server;
        let issuer = server.issuer();
        let mut lines = vec![
            String::from("netid sandbox: reference operator running (Ctrl-C to stop)"),
            format!("  issuer      {issuer}"),
            format!("  index       {issuer}/ (JSON; HTML in a browser)"),
            format!("  discovery   {issuer}/.well-known/openid-configuration"),
            format!(
                "  SAML IdP    {} (SSO {issuer}/saml/sso, metadata {issuer}/saml/metadata)",
                server.saml_idp_entity_id()
            ),
            String::from("  APIs        api                  profile        version  base URL"),
        ];
        for mount in server.api_mounts() {
            lines.push(format!(
                "              {:<20} {:<14} {:<8} {issuer}{}",
                mount.api, mount.profile, mount.version, mount.base_path
            ));
        }
        // Hosted operators: the same API paths below each one's issuer, which is its API root.
        for (index, hosted) in server.hosted_operators().iter().enumerate() {
            let label = if index == 0 { "operators" } else { "" };
            lines.push(format!(
                "  {label:<11} {} for {}: issuer and API root {}",
                hosted.operator_id,
                hosted.msisdn_prefixes.join(" "),
                hosted.issuer
            ));
        }
        if let Some(demo) = server.demo_client() {
            lines.push(format!(
                "  client id   {} (private_key_jwt, {}, kid {})",
                demo.client_id(),
                demo.algorithm(),
                demo.key_id()
            ));
        }
        if let Some(key) = &self.key_file {
            lines.push(format!(
                "  client key  {}{}",
                key.display(),
                self.kept_or_removed(key)
            ));
        }
        if let Some(file) = &self.operator_file {
            lines.push(format!(
                "  operator    {}{}",
                file.display(),
                self.kept_or_removed(file)
            ));
            lines.push(format!(
                "  try         netid sim-swap check --config {} --phone-number +33699901040",
                file.display()
            ));
        } else if let (Some(demo), Some(key)) = (server.demo_client(), &self.key_file) {
            lines.push(format!(
                "  try         netid token --issuer {issuer} --client-id {} --key {} --login-hint tel:+33699901040 --scope \"openid dpv:FraudPreventionAndDetection sim-swap:check\"",
                demo.client_id(),
                key.display()
            ));
        }
        lines
    }

    fn kept_or_removed(&self, path: &Path) -> &'static str {
        if self.temporary.iter().any(|t| t == path) {
            " (removed at stop)"
        } else {
            " (kept at stop)"
        }
    }

    /// Stops the server and removes the files written in the temporary directory.
    pub async fn stop(self) {
        let Self {
            server, temporary, ..
        } = self;
        server.shutdown().await;
        for path in temporary {
            if let Err(error) = fs::remove_file(&path)
                && error.kind() != io::ErrorKind::NotFound
            {
                tracing::warn!(path = %path.display(), %error, "cannot remove a sandbox file");
            }
        }
    }

    fn write_files(&mut self, args: &ServeArgs) -> Result<(), SandboxError> {
        let port = self.server.local_addr().port();
        let operator_file = match &args.operator_file {
            None => None,
            Some(None) => Some((
                std::env::temp_dir().join(format!("netid-sandbox-{port}.toml")),
                true,
            )),
            Some(Some(path)) => Some((path.clone(), false)),
        };
        let Some(demo) = self.server.demo_client() else {
            return match operator_file {
                Some(_) => Err(SandboxError::NoDemoClient),
                None => Ok(()),
            };
        };
        // The key: where the user said, else beside the operator file, else in the temporary directory.
        let (key_path, key_temporary) = match (&args.key_out, &operator_file) {
            (Some(path), _) => (path.clone(), false),
            (None, Some((file, temporary))) => (file.with_extension("key.pem"), *temporary),
            (None, None) => (
                std::env::temp_dir().join(format!("netid-sandbox-{port}-demo-client.pem")),
                true,
            ),
        };
        write_private(&key_path, demo.expose_private_key_pem()).map_err(|source| SandboxError::Write {
            what: "demo client key",
            path: key_path.clone(),
            source,
        })?;
        if key_temporary {
            self.temporary.push(key_path.clone());
        }
        self.key_file = Some(key_path.clone());
        let Some((file, temporary)) = operator_file else {
            return Ok(());
        };
        // The key as the operator file names it: relative when beside it, so the pair can move.
        let key_name = if key_path.parent() == file.parent() {
            key_path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
        } else {
            None
        }
        .unwrap_or_else(|| absolute(&key_path).display().to_string());
        let text =
            operator_file::operator_file_text(&self.server, &key_name).ok_or(SandboxError::NoDemoClient)?;
        fs::write(&file, text).map_err(|source| SandboxError::Write {
            what: "operator file",
            path: file.clone(),
            source,
        })?;
        if temporary {
            self.temporary.push(file.clone());
        }
        self.operator_file = Some(file);
        Ok(())
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Writes the sandbox key, readable by the owner only on Unix (it is a throwaway sandbox key, but
/// key files should never be world-readable out of habit).
fn write_private(path: &Path, pem: &str) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(pem.as_bytes())
}

/// Waits for Ctrl-C (or, on Unix, SIGTERM: what `kill` and process managers send).
pub(super) async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
