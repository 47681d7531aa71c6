//! Reading `--config`: the document and the files it names, relative to its directory.

use std::fs;
use std::path::Path;

use netid_server::sandbox_config::CibaSettings;
use netid_server::{SandboxConfig, ServerConfig};

use super::{SandboxError, ServeArgs};

/// The server configuration of `args`: the document (or none), then `--port`, `--fast`,
/// `--issuer`, `--signing-key` and `--state`.
pub(super) fn load(args: &ServeArgs) -> Result<ServerConfig, SandboxError> {
    let (mut document, dir) = match &args.config {
        Some(path) => {
            let text = fs::read_to_string(path).map_err(|source| SandboxError::ReadConfig {
                path: path.clone(),
                source,
            })?;
            let document = SandboxConfig::from_toml_str(&text).map_err(|source| SandboxError::Config {
                path: path.clone(),
                source,
            })?;
            let dir = path.parent().unwrap_or_else(|| Path::new("")).to_path_buf();
            (document, dir)
        }
        None => (SandboxConfig::default(), Path::new("").to_path_buf()),
    };
    if let Some(port) = args.port {
        document.port = Some(port);
    }
    if args.fast {
        // The configuration's own timings win over the flag's.
        let ciba = document.ciba.get_or_insert_with(CibaSettings::default);
        ciba.interval_secs.get_or_insert(1);
        ciba.approve_after_secs.get_or_insert(1);
    }
    let mut config = document
        .to_server_config(&mut |file| fs::read_to_string(dir.join(file)).map_err(|error| error.to_string()))
        .map_err(|source| SandboxError::Config {
            path: args.config.clone().unwrap_or_default(),
            source,
        })?;
    if let Some(issuer) = &args.issuer {
        config = config.with_issuer(issuer.clone());
    }
    if let Some(path) = &args.signing_key {
        let pem = fs::read_to_string(path).map_err(|source| SandboxError::ReadKey {
            path: path.clone(),
            source,
        })?;
        config = config.with_signing_key_pem(pem);
    }
    if let Some(url) = &args.state {
        config = config.with_redis_state(url.clone());
    }
    Ok(config)
}
