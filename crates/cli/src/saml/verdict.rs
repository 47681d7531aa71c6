//! What `netid saml verify` prints of each verdict: the check names, the messages, the masked
//! accepted assertions and the `--json` report.

use netid::crates::saml::{Error as SamlError, VerifiedAssertion};
use serde_json::{Value, json};

/// The `error.check` of a rejection: the failed check, `store` when a shared store could not be
/// consulted, `input` for anything else.
pub(super) fn check_name(e: &SamlError) -> &'static str {
    match (e.check(), e) {
        (Some(check), _) => check.as_str(),
        (None, SamlError::Store(_)) => "store",
        (None, _) => "input",
    }
}

/// The error's message; a store failure also names its cause (unreachable, timed out).
pub(super) fn message(e: &SamlError) -> String {
    match e {
        SamlError::Store(cause) => format!("{e}: {cause}"),
        _ => e.to_string(),
    }
}

/// The one `--json` object of `netid saml verify`: `succeeded` when every file was accepted,
/// `failed` with the first rejection's check as `error.code` otherwise; the per-file verdicts
/// (already masked unless `--reveal`) under `files`. `noun` names what was verified in the
/// message (`responses`, `logout messages`).
pub(super) fn report(verdicts: Vec<Value>, first_rejection: Option<(String, String)>, noun: &str) -> Value {
    let total = verdicts.len();
    let rejected = verdicts.iter().filter(|v| v["verdict"] == "reject").count();
    match first_rejection {
        None => json!({ "ok": true, "outcome": "succeeded", "files": verdicts }),
        Some((check, first)) => {
            let mut error = netid_cli::envelope::Failure::new(
                "saml",
                format!("{rejected} of {total} {noun} rejected, first {first}"),
            );
            error.code = Some(check);
            json!({ "ok": false, "outcome": "failed", "error": error, "files": verdicts })
        }
    }
}

/// An accepted assertion's line: its NameID and attributes, masked unless `reveal` (they are
/// personal data, and the `OrangeAPIToken` attribute a credential).
pub(super) fn accepted(path: &std::path::Path, a: &VerifiedAssertion, reveal: bool) -> Value {
    let show = |value: &str| {
        if reveal {
            value.to_owned()
        } else {
            netid_cli::mask(value)
        }
    };
    let attributes: serde_json::Map<String, Value> = a
        .attributes
        .iter()
        .map(|(name, values)| {
            let values = values.iter().map(|v| Value::from(show(v.expose_pii()))).collect();
            (name.clone(), Value::Array(values))
        })
        .collect();
    json!({
        "file": path.display().to_string(),
        "verdict": "accept",
        "name_id": show(a.name_id.value.expose_pii()),
        "attributes": attributes,
    })
}
