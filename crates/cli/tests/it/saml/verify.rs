//! `netid saml verify`: verdicts on POST and Redirect bodies, masking, policy flags, usage errors,
//! and encrypted Assertions.

use std::process::{Command, Output};

use super::{RSA_SHA1, RSA_SHA256, fixture, netid, signed_at_test_time, verify_paths};

fn verify(extra: &[&str], files: &[&str]) -> Output {
    let files: Vec<String> = files.iter().map(|f| fixture(&format!("responses/{f}"))).collect();
    verify_paths(extra, &files)
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
        let out = verify(&["--request-id", "_req1", "--reveal"], &[file]);
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
fn verify_masks_personal_data_and_tokens_unless_revealed() {
    let out = verify(&["--request-id", "_req1"], &["assertion-signed.xml"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for secret in [
        "4b124ae2-0126-102b-8852-001a641049bb",
        "alice@example.com",
        "Liddell",
        "B64W7ElXGlIgvEdGOqlH9zuQ",
    ] {
        assert!(!stdout.contains(secret), "{secret} printed: {stdout}");
    }
    insta::assert_json_snapshot!("verify_accept_masked", lines(&out));
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
        &["--request-id", "_req1", "--now", "2026-01-01T01:00:00Z"],
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

fn checks(out: &Output) -> Vec<String> {
    lines(out)
        .iter()
        .map(|l| match l["verdict"].as_str() {
            Some("accept") => "accept".to_owned(),
            _ => l["error"]["check"].as_str().unwrap_or("?").to_owned(),
        })
        .collect()
}

#[test]
fn verify_allow_unsolicited() {
    // A genuinely unsolicited response: no InResponseTo anywhere, valid at the default --now.
    let file = signed_at_test_time(
        &[
            (" InResponseTo=\"_req1\"", ""),
            ("ID=\"_assert1\"", "ID=\"_unsolicited1\""),
        ],
        RSA_SHA256,
    );
    let out = verify_paths(&[], std::slice::from_ref(&file));
    assert_eq!(out.status.code(), Some(1));
    let line = &lines(&out)[0];
    assert_eq!(line["error"]["check"], "in_response_to");
    assert!(
        line["error"]["message"].as_str().unwrap().contains("unsolicited"),
        "{line}"
    );
    let out = verify_paths(&["--allow-unsolicited"], &[file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(lines(&out)[0]["verdict"], "accept");
}

#[test]
fn verify_insecure_allow_sha1() {
    let file = signed_at_test_time(&[], RSA_SHA1);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("xmldsig#rsa-sha1")
    );
    let out = verify_paths(&["--request-id", "_req1"], std::slice::from_ref(&file));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(checks(&out), ["algorithm"]);
    let out = verify_paths(&["--request-id", "_req1", "--insecure-allow-sha1"], &[file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(checks(&out), ["accept"]);
}

#[test]
fn verify_repeated_request_ids() {
    // Two responses answering _req1 and _req2 (distinct assertion IDs), then a third answering
    // _req1 again: each --request-id is outstanding once.
    let answer = |request: &str, assertion: &str| {
        let irt = format!(" InResponseTo=\"{request}\"");
        let id = format!("ID=\"{assertion}\"");
        signed_at_test_time(
            &[(" InResponseTo=\"_req1\"", &irt), ("ID=\"_assert1\"", &id)],
            RSA_SHA256,
        )
    };
    let files = [
        answer("_req1", "_a1"),
        answer("_req2", "_a2"),
        answer("_req1", "_a3"),
    ];
    let out = verify_paths(&["--request-id", "_req1", "--request-id", "_req2"], &files);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(checks(&out), ["accept", "accept", "in_response_to"]);
    let out = verify_paths(&["--request-id", "_req2", "--request-id", "_req1"], &files[..2]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(checks(&out), ["accept", "accept"]);
    // With only one of them, the other response names no outstanding request.
    let out = verify_paths(&["--request-id", "_req2"], &files[..2]);
    assert_eq!(checks(&out), ["in_response_to", "accept"]);
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

/// The Assertion of the file at `signed` encrypted for the test SP certificate by `xmlsec1
/// --encrypt` (AES-256-GCM, RSA-OAEP MGF1-SHA1). Returns the path of the encrypted file.
fn encrypted_at_test_time(signed: &str) -> String {
    let xml = std::fs::read_to_string(signed).unwrap();
    let wrapped = xml
        .replacen("<saml:Assertion ", "<saml:EncryptedAssertion><saml:Assertion ", 1)
        .replacen(
            "</saml:Assertion>",
            "</saml:Assertion></saml:EncryptedAssertion>",
            1,
        );
    let assertion_id = wrapped
        .split("<saml:Assertion ")
        .nth(1)
        .and_then(|a| a.split("ID=\"").nth(1))
        .and_then(|a| a.split('"').next())
        .expect("assertion ID")
        .to_owned();
    let template = concat!(
        "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\">",
        "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>",
        "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey>",
        "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>",
        "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>",
        "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"
    );
    let data = format!("{signed}.to-encrypt.xml");
    let tmpl = format!("{signed}.enc-template.xml");
    let output = format!("{signed}.encrypted.xml");
    std::fs::write(&data, wrapped).unwrap();
    std::fs::write(&tmpl, template).unwrap();
    let out = Command::new("xmlsec1")
        .arg("--encrypt")
        .arg("--pubkey-cert-pem")
        .arg(fixture("keys/sp.crt"))
        .args([
            "--session-key",
            "aes-256",
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--node-id",
            &assertion_id,
            "--xml-data",
            &data,
            "--output",
            &output,
            &tmpl,
        ])
        .output()
        .expect("run xmlsec1");
    assert!(
        out.status.success(),
        "xmlsec1 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(&data);
    let _ = std::fs::remove_file(&tmpl);
    output
}

#[test]
fn verify_decryption_keys() {
    let file = encrypted_at_test_time(&signed_at_test_time(&[], RSA_SHA256));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("<saml:EncryptedAssertion>")
    );
    let out = verify_paths(&["--request-id", "_req1"], std::slice::from_ref(&file));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(checks(&out), ["decryption"]);
    // A key rollover: the attacker key first is tried and skipped.
    let (attacker, sp) = (fixture("keys/attacker.key"), fixture("keys/sp.key"));
    let out = verify_paths(
        &[
            "--request-id",
            "_req1",
            "--decryption-key",
            &attacker,
            "--decryption-key",
            &sp,
        ],
        std::slice::from_ref(&file),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(checks(&out), ["accept"]);
    // A certificate is no private key: a usage error before any verdict.
    let cert = fixture("keys/sp.crt");
    let out = verify_paths(&["--decryption-key", &cert], &[file]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
