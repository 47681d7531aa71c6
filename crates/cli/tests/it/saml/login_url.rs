//! `netid saml login-url`: the signed HTTP-Redirect AuthnRequest URL and its ID.

use super::{fixture, netid};

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
