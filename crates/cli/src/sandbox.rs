//! `netid sandbox serve`: runs the reference operator ([`netid_server`]) on loopback until Ctrl-C,
//! printing what a client needs: base URL, issuer, the demo client's id, and the file holding the
//! demo client's private key (a sandbox key, generated at start, public by design).

use std::fs;
use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use netid_server::{Server, ServerConfig, ServerHandle};

use crate::exit;

/// `netid sandbox` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
#[non_exhaustive]
pub enum SandboxCommand {
    /// Run the reference operator on 127.0.0.1 until Ctrl-C.
    Serve(ServeArgs),
}

/// `netid sandbox serve` flags.
#[derive(Debug, Clone, clap::Args)]
#[non_exhaustive]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Where to write the demo client's private key (PEM, ES256); default: a file in the system's
    /// temporary directory named after the port.
    #[arg(long, value_name = "FILE")]
    pub key_out: Option<PathBuf>,
    /// The demo's fast CIBA timings (interval 1 s, approvals after 1 s) instead of the operators'
    /// (interval 5 s, scripted delays).
    #[arg(long)]
    pub fast: bool,
}

/// Runs a `netid sandbox` subcommand; returns the exit status (0 after Ctrl-C, 1 when the server
/// or the key file cannot be set up).
pub fn command(command: &SandboxCommand) -> u8 {
    match command {
        SandboxCommand::Serve(args) => serve(args),
    }
}

fn serve(args: &ServeArgs) -> u8 {
    exit::block_on("sandbox", async {
        let base = if args.fast {
            ServerConfig::demo()
        } else {
            ServerConfig::new()
        };
        let config = base.with_bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)));
        let server = match Server::start(config).await {
            Ok(server) => server,
            Err(error) => return fail(&format!("cannot start the sandbox: {error}")),
        };
        let code = match announce(&server, args.key_out.as_deref()) {
            Ok(()) => {
                if let Err(error) = tokio::signal::ctrl_c().await {
                    let _ = writeln!(io::stderr(), "netid sandbox: cannot wait for Ctrl-C: {error}");
                }
                exit::OK
            }
            Err(message) => fail(&message),
        };
        server.shutdown().await;
        code
    })
}

fn announce(server: &ServerHandle, key_out: Option<&Path>) -> Result<(), String> {
    let mut out = io::stdout().lock();
    let mut lines = vec![
        String::from("netid sandbox: reference operator running (Ctrl-C to stop)"),
        format!("  base URL    {}", server.base_url()),
        format!("  issuer      {}", server.issuer()),
        format!(
            "  SAML IdP    {} (SSO {}saml/sso)",
            server.saml_idp_entity_id(),
            server.base_url()
        ),
    ];
    if let Some(demo) = server.demo_client() {
        let path = key_out.map_or_else(
            || {
                std::env::temp_dir().join(format!(
                    "netid-sandbox-{}-demo-client.pem",
                    server.local_addr().port()
                ))
            },
            Path::to_path_buf,
        );
        write_key(&path, demo.expose_private_key_pem())?;
        lines.push(format!(
            "  client id   {} (private_key_jwt, {}, kid {})",
            demo.client_id(),
            demo.algorithm(),
            demo.key_id()
        ));
        lines.push(format!("  client key  {}", path.display()));
        lines.push(format!(
            "  try         netid token --issuer {} --client-id {} --key {} --login-hint tel:+33699901040 --scope \"openid dpv:FraudPreventionAndDetection sim-swap:check\"",
            server.issuer(),
            demo.client_id(),
            path.display()
        ));
    }
    for line in lines {
        writeln!(out, "{line}").map_err(|error| format!("cannot write to stdout: {error}"))?;
    }
    out.flush()
        .map_err(|error| format!("cannot write to stdout: {error}"))
}

/// Writes the sandbox key, readable by the owner only on Unix (it is a throwaway sandbox key, but
/// key files should never be world-readable out of habit).
fn write_key(path: &Path, pem: &str) -> Result<(), String> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|error| format!("cannot write the demo client key to {}: {error}", path.display()))?;
    file.write_all(pem.as_bytes())
        .map_err(|error| format!("cannot write the demo client key to {}: {error}", path.display()))
}

fn fail(message: &str) -> u8 {
    let _ = writeln!(io::stderr(), "netid sandbox: {message}");
    exit::FAILED
}
