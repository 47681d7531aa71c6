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

/// Prints a usage error under `command`'s name and returns [`USAGE`].
pub fn usage(command: &str, message: &str) -> u8 {
    let _ = writeln!(io::stderr(), "netid {command}: {message}");
    USAGE
}
