//! What every command shares at its end: the exit statuses, defined once, and the one place that
//! starts the async runtime.

use std::io::{self, Write};

/// Exit status: the command did what was asked (token granted, call succeeded, every input
/// accepted).
pub const OK: u8 = 0;
/// Exit status: the command ran, and the outcome is negative (no token, a failed call, a rejected
/// input).
pub const FAILED: u8 = 1;
/// Exit status: the command could not start (bad flags, an unreadable or invalid file).
pub const USAGE: u8 = 2;
/// Exit status: Ctrl-C ended the command (128 + SIGINT, as shells report it).
pub const CANCELLED: u8 = 130;

/// Runs `work` until it ends or Ctrl-C is pressed (`None`): dropping `work` cancels what it was
/// doing (a CIBA flow stops polling; nothing is left behind).
pub async fn or_interrupted<F: Future>(work: F) -> Option<F::Output> {
    tokio::select! {
        output = work => Some(output),
        _ = tokio::signal::ctrl_c() => None,
    }
}

/// Runs `work` on a multi-threaded tokio runtime; when the runtime cannot start, says so on stderr
/// under `command`'s name and returns [`FAILED`].
pub fn block_on<F: Future<Output = u8>>(command: &str, work: F) -> u8 {
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(work),
        Err(error) => {
            let _ = writeln!(
                io::stderr(),
                "netid {command}: cannot start the async runtime: {error}"
            );
            FAILED
        }
    }
}

/// Prints a usage error under `command`'s name on stderr and, with `json`, the usage report on stdout
/// ([`crate::envelope::usage_report`]); returns [`USAGE`].
pub fn usage(command: &str, message: &str, json: bool) -> u8 {
    let _ = writeln!(io::stderr(), "netid {command}: {message}");
    if json {
        crate::envelope::print(&crate::envelope::usage_report(message));
    }
    USAGE
}
