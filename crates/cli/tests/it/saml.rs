//! `netid saml verify` and `netid saml login-url` on the committed netid-saml fixtures.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../saml/tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn netid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netid"))
        .args(args)
        .output()
        .expect("run netid")
}

fn verify(extra: &[&str], files: &[&str]) -> Output {
    let cert = fixture("keys/idp.crt");
    let mut args = vec![
        "saml",
        "verify",
        "--idp-entity-id",
        "https://idp.example/saml",
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        "https://sp.example/saml",
        "--acs-url",
        "https://sp.example/saml/acs",
    ];
    if !extra.contains(&"--now") {
        args.extend(["--now", "2026-01-01T00:05:00Z"]);
    }
    args.extend_from_slice(extra);
    let files: Vec<String> = files.iter().map(|f| fixture(&format!("responses/{f}"))).collect();
    args.extend(files.iter().map(String::as_str));
    netid(&args)
}

/// stdout as JSON lines, with the fixture directory removed from `file` for stable snapshots.
fn lines(out: &Output) -> Vec<serde_json::Value> {
    let prefix = fixture("responses/");
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            let file = v["file"].as_str().unwrap().replace(&prefix, "");
            v["file"] = file.into();
            v
        })
        .collect()
}

#[test]
fn verify_accepts_honest_post_bodies() {
    let mut all = Vec::new();
    for file in ["assertion-signed.xml", "response-signed.b64"] {
        let out = verify(&["--request-id", "_req1"], &[file]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        all.extend(lines(&out));
    }
    insta::assert_json_snapshot!("verify_accept", all);
}

#[test]
fn verify_rejects_forgeries_and_replays() {
    let out = verify(
        &["--request-id", "_req1"],
        &[
            "assertion-signed.xml",
            "assertion-signed.xml",
            "tampered-nameid.xml",
            "unsigned.xml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let lines = lines(&out);
    let checks: Vec<&str> = lines
        .iter()
        .map(|l| l["error"]["check"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(checks, ["-", "replay", "signature", "signature"]);
    insta::assert_json_snapshot!("verify_reject", lines);
}

#[test]
fn verify_redirect_binding() {
    let out = verify(
        &["--request-id", "_req1", "--binding", "redirect"],
        &["redirect.query"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The same query as a POST body is not Base64.
    let out = verify(&["--request-id", "_req1"], &["redirect.query"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out)[0]["error"]["check"], "encoding");
}

#[test]
fn verify_policy_flags() {
    // Without the request ID the response is unknown; expired later on; SP mismatch.
    let out = verify(&[], &["assertion-signed.xml"]);
    assert_eq!(lines(&out)[0]["error"]["check"], "in_response_to");
    let out = verify(
        &["--allow-unsolicited", "--now", "2026-01-01T01:00:00Z"],
        &["assertion-signed.xml"],
    );
    assert_eq!(lines(&out)[0]["error"]["check"], "subject_confirmation");
    let out = verify(
        &["--request-id", "_req1", "--want-assertions-signed"],
        &["response-signed.b64"],
    );
    assert_eq!(lines(&out)[0]["error"]["check"], "signature");
    let out = verify(
        &[
            "--request-id",
            "_req1",
            "--clock-skew",
            "0",
            "--now",
            "2026-01-01T00:10:00Z",
        ],
        &["assertion-signed.xml"],
    );
    assert_eq!(lines(&out)[0]["error"]["check"], "subject_confirmation");
}

#[test]
fn usage_errors_exit_2() {
    let out = verify(&[], &["does-not-exist.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = verify(&["--binding", "soap"], &["assertion-signed.xml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = verify(&["--now", "yesterday"], &["assertion-signed.xml"]);
    assert_eq!(out.status.code(), Some(2));
    let key = fixture("keys/idp.key");
    let out = netid(&[
        "saml",
        "verify",
        "--idp-entity-id",
        "i",
        "--idp-cert",
        &key,
        "--sp-entity-id",
        "s",
        "--acs-url",
        "a",
        &key,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid configuration"));
    assert_eq!(netid(&["saml"]).status.code(), Some(2));
}

#[test]
fn login_url_prints_id_and_url() {
    let key = fixture("keys/sp.key");
    let out = netid(&[
        "saml",
        "login-url",
        "--sp-entity-id",
        "https://sp.example/saml",
        "--acs-url",
        "https://sp.example/saml/acs",
        "--sso-url",
        "https://idp.example/sso",
        "--relay-state",
        "/home",
        "--name-id-format",
        "persistent",
        "--sign-key",
        &key,
        "--now",
        "2026-01-01T00:00:00Z",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["id"].as_str().unwrap();
    assert!(id.starts_with('_') && id.len() == 41);
    let url = v["url"].as_str().unwrap();
    assert!(url.starts_with("https://idp.example/sso?SAMLRequest="));
    assert!(url.contains("&RelayState=%2Fhome&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature="));
}
