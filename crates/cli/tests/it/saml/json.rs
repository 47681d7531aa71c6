//! `netid saml verify --json`: one envelope per invocation, whatever the outcome, masked unless
//! revealed.

use std::process::Output;

use super::{fixture, verify_paths};

/// stdout as the one JSON object `--json` promises: one line, one object, whatever the outcome.
fn envelope(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout");
    assert_eq!(stdout.lines().count(), 1, "one line on stdout: {stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is one JSON value");
    assert!(value.is_object(), "{value}");
    value
}

#[test]
fn verify_json_prints_one_envelope_in_every_outcome() {
    /// What one invocation must print and exit with.
    struct Expected {
        status: i32,
        ok: bool,
        outcome: &'static str,
        kind: Option<&'static str>,
        code: Option<&'static str>,
    }
    let accepted = Expected {
        status: 0,
        ok: true,
        outcome: "succeeded",
        kind: None,
        code: None,
    };
    let rejected = Expected {
        status: 1,
        ok: false,
        outcome: "failed",
        kind: Some("saml"),
        code: Some("signature"),
    };
    let usage = || Expected {
        status: 2,
        ok: false,
        outcome: "usage_error",
        kind: Some("usage"),
        code: None,
    };
    let signed = fixture("responses/assertion-signed.xml");
    let cases: [(&[&str], Vec<String>, Expected); 4] = [
        (
            &["--json", "--request-id", "_req1"],
            vec![signed.clone()],
            accepted,
        ),
        (
            &["--json", "--request-id", "_req1"],
            vec![signed.clone(), fixture("responses/tampered-nameid.xml")],
            rejected,
        ),
        (
            &["--json"],
            vec![fixture("responses/does-not-exist.xml")],
            usage(),
        ),
        (&["--json", "--binding", "soap"], vec![signed], usage()),
    ];
    for (args, files, expected) in cases {
        let Expected {
            status,
            ok,
            outcome,
            kind,
            code,
        } = expected;
        let out = verify_paths(args, &files);
        let context = format!("{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        assert_eq!(out.status.code(), Some(status), "{context}");
        let report = envelope(&out);
        assert_eq!(report["ok"], ok, "{context}");
        assert_eq!(report["outcome"], outcome, "{context}");
        assert_eq!(report["error"]["kind"].as_str(), kind, "{context}");
        assert_eq!(report["error"]["code"].as_str(), code, "{context}");
        if ok {
            assert!(report.get("error").is_none(), "{context}");
        } else {
            assert!(
                report["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{context}"
            );
        }
        if status != 2 {
            assert_eq!(
                report["files"].as_array().map(Vec::len),
                Some(files.len()),
                "{context}"
            );
        }
    }
}

#[test]
fn verify_json_masks_personal_data_unless_revealed() {
    let file = fixture("responses/assertion-signed.xml");
    let secrets = [
        "4b124ae2-0126-102b-8852-001a641049bb",
        "alice@example.com",
        "Liddell",
        "B64W7ElXGlIgvEdGOqlH9zuQ",
    ];
    let masked = verify_paths(&["--json", "--request-id", "_req1"], std::slice::from_ref(&file));
    let stdout = String::from_utf8_lossy(&masked.stdout);
    for secret in secrets {
        assert!(!stdout.contains(secret), "{secret} printed: {stdout}");
    }
    assert_eq!(envelope(&masked)["files"][0]["verdict"], "accept");
    let revealed = verify_paths(&["--json", "--reveal", "--request-id", "_req1"], &[file]);
    let stdout = String::from_utf8_lossy(&revealed.stdout);
    assert!(stdout.contains("alice@example.com"), "{stdout}");
}
