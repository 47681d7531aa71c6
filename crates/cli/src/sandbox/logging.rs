//! The request log: `tracing` events of the server, formatted as text or JSON lines on stderr.

use std::io::{self, IsTerminal as _};

use tracing::Level;

use super::LogFormat;

/// Installs the global subscriber; a second call (or another subscriber already installed) leaves
/// the first in place. [`LogFormat::Off`] installs none.
pub(super) fn init(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_max_level(Level::INFO)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Off => Ok(()),
    };
}
