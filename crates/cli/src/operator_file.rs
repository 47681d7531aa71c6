//! The operator file (`--config`, or `$NETID_CONFIG`) as the facade reads it, and the one HTTP
//! transport of every command that talks to an operator.
//!
//! What the file may hold is the facade's business ([`netid::description`]); this module only finds
//! the file, reads secrets from the environment through an injected lookup, and words errors in
//! the command line's terms.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use netid::description::{DescriptionError, EnvLookup};
use netid::{Operator, OperatorDescription};
use netid_reqwest::ReqwestTransport;

use crate::redis::SharedTokens;

/// The path `--config` gives, or `$NETID_CONFIG`.
///
/// # Errors
///
/// A usage message when neither is set.
pub fn path(config: Option<&Path>, env: EnvLookup<'_>) -> Result<PathBuf, String> {
    match config {
        Some(path) => Ok(path.to_path_buf()),
        None => env("NETID_CONFIG")
            .map(PathBuf::from)
            .ok_or_else(|| String::from("give --config FILE (or set NETID_CONFIG)")),
    }
}

/// Reads the operator file at `path`.
///
/// # Errors
///
/// A usage message naming `--config` and what is wrong.
pub fn read(path: &Path) -> Result<OperatorDescription, String> {
    OperatorDescription::read(path).map_err(|error| match error {
        DescriptionError::Read { path, reason } => {
            format!("cannot read --config {}: {reason}", path.display())
        }
        DescriptionError::Syntax(message) => format!("--config {message}"),
        other => format!("--config {}: {other}", path.display()),
    })
}

/// The operator `description` describes, over [`http_transport`], with secrets from `env`, its
/// reusable tokens shared (and obtained by one flow at a time) through `shared` when given
/// (`--token-cache`).
///
/// # Errors
///
/// A usage message: a description that does not resolve, unusable credentials.
pub fn operator(
    description: OperatorDescription,
    env: EnvLookup<'_>,
    shared: Option<SharedTokens>,
) -> Result<Operator, String> {
    let builder = Operator::builder(description).transport(http_transport()?);
    let builder = match shared {
        Some(shared) => builder.token_store(shared.store).shared_flight(shared.flight),
        None => builder,
    };
    builder
        .secrets_from(env)
        .and_then(netid::OperatorBuilder::build)
        .map_err(|error| error.to_string())
}

/// The HTTP transport of every `netid` command that talks to an operator: the reqwest adapter with
/// a 10 s connect and a 30 s total timeout.
///
/// # Errors
///
/// When the HTTP client cannot be built.
pub fn http_transport() -> Result<Arc<ReqwestTransport>, String> {
    ReqwestTransport::with_timeouts(Duration::from_secs(10), Duration::from_secs(30))
        .map(Arc::new)
        .map_err(|error| format!("cannot build the HTTP client: {error}"))
}
