//! `netid saml verify` and `netid saml login-url` on the committed netid-saml fixtures, one module
//! per purpose; the helpers here (fixtures, the `netid` binary, Responses signed at test time) are
//! shared with `saml_redis`.

mod json;
mod login_url;
mod verify;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) fn fixture(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../saml/tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

pub(crate) fn netid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netid"))
        .args(args)
        .output()
        .expect("run netid")
}

fn verify_paths(extra: &[&str], files: &[String]) -> Output {
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
    args.extend(files.iter().map(String::as_str));
    netid(&args)
}

pub(crate) const RSA_SHA256: (&str, &str) = (
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmlenc#sha256",
);
const RSA_SHA1: (&str, &str) = (
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "http://www.w3.org/2000/09/xmldsig#sha1",
);

/// An Assertion-signed Response made at test time: the committed `unsigned.xml` (valid at
/// 00:05:00Z, answering `_req1`) rewritten by `edits`, then signed by Debian's `xmlsec1` with the
/// test IdP key and `(signature, digest)` algorithms. Returns the path of the signed file.
pub(crate) fn signed_at_test_time(edits: &[(&str, &str)], (sig_alg, digest): (&str, &str)) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let mut xml = std::fs::read_to_string(fixture("responses/unsigned.xml")).expect("unsigned fixture");
    for (from, to) in edits {
        assert!(xml.contains(from), "{from} not in the fixture");
        xml = xml.replace(from, to);
    }
    let assertion_id = xml
        .split("<saml:Assertion ")
        .nth(1)
        .and_then(|a| a.split("ID=\"").nth(1))
        .and_then(|a| a.split('"').next())
        .expect("assertion ID")
        .to_owned();
    let template = format!(
        concat!(
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>",
            "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:SignatureMethod Algorithm=\"{alg}\"/><ds:Reference URI=\"#{id}\"><ds:Transforms>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>",
            "<ds:DigestMethod Algorithm=\"{digest}\"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>",
            "<ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>",
            "</ds:Signature>"
        ),
        alg = sig_alg,
        id = assertion_id,
        digest = digest,
    );
    // The Assertion's Issuer is the second one; the signature directly follows it.
    let issuer_end = "</saml:Issuer>";
    let at = xml.match_indices(issuer_end).nth(1).expect("assertion issuer").0 + issuer_end.len();
    xml.insert_str(at, &template);

    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let input = dir.join(format!("netid-saml-{}-{n}-template.xml", std::process::id()));
    let output = dir.join(format!("netid-saml-{}-{n}-signed.xml", std::process::id()));
    std::fs::write(&input, xml).unwrap();
    let out = Command::new("xmlsec1")
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(format!("{},{}", fixture("keys/idp.key"), fixture("keys/idp.crt")))
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--output",
        ])
        .arg(&output)
        .arg(&input)
        .output()
        .expect("run xmlsec1 (apt-get install -y xmlsec1; CI's .ci/run does)");
    assert!(
        out.status.success(),
        "xmlsec1 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(&input);
    output.to_string_lossy().into_owned()
}
