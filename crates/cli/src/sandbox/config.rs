//! Reading `--config`: the document and the files it names, relative to its directory.

use std::fs;
use std::path::Path;

use netid_server::sandbox_config::CibaSettings;
use netid_server::{SandboxConfig, ServerConfig};

use super::{SandboxError, ServeArgs};

/// The server configuration of `args`: the document (or none), then `--port` and `--fast`.
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
    document
        .to_server_config(&mut |file| fs::read_to_string(dir.join(file)).map_err(|error| error.to_string()))
        .map_err(|source| SandboxError::Config {
            path: args.config.clone().unwrap_or_default(),
            source,
        })
}
