//! The one contract of every command's `--json` output: exactly one JSON object on stdout, in every
//! outcome, with `ok`, `outcome`, `error { kind, code, message }` when it failed, and the command's
//! own data beside them.
//!
//! | `outcome` | meaning | exit status |
//! | --- | --- | --- |
//! | `succeeded` (`granted` for `netid token`) | what was asked was done | 0 |
//! | `denied`, `expired` | the subscriber refused, or nobody answered in time | 1 |
//! | `failed` (`error` for `netid token`) | the operator, the network or a response failed | 1 |
//! | `cancelled` | Ctrl-C ended the command | 130 |
//! | `usage_error` | bad flags or files: nothing was sent | 2 |

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

/// Why a command failed, in every `--json` report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Failure {
    /// What failed: `usage`, `token`, `operator`, `decode`, `transport`, `deadline`, `cancelled`, ...
    pub kind: String,
    /// The HTTP status, when there was a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The operator's error code (`PERMISSION_DENIED`, `access_denied`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What went wrong, for a person (never a token, a key or personal data).
    pub message: String,
}

impl Failure {
    /// A failure of `kind` saying `message`.
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            status: None,
            code: None,
            message: message.into(),
        }
    }
}

/// The report of a command that could not start: `{"ok": false, "outcome": "usage_error", "error":
/// {"kind": "usage", "message": …}}`.
#[must_use]
pub fn usage_report(message: &str) -> serde_json::Value {
    json!({
        "ok": false,
        "outcome": "usage_error",
        "error": Failure::new("usage", message),
    })
}

/// Prints `report` as one line of JSON on stdout.
pub fn print(report: &impl Serialize) {
    let text = serde_json::to_string(report)
        .unwrap_or_else(|error| usage_report(&format!("cannot serialise the report: {error}")).to_string());
    let _ = writeln!(io::stdout().lock(), "{text}");
}
