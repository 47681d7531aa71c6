//! AuthnRequest XML and HTTP-Redirect URLs, snapshotted with a fixed clock and RNG.

use std::io::Read as _;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_core::test_util::SeededRandom;
use netid_saml::{
    AuthnRequest, AuthnRequestBuilder, Binding, InMemoryRequestStore, NameIdFormat, NameIdPolicy,
    RedirectSigner as _, RequestStore as _, ServiceProvider, SignatureAlgorithm, SoftwareSigner,
};

use crate::support::{ACS, SP, openssl_verify, read_key};

const SSO: &str = "https://idp.example/saml/sso";

fn request() -> AuthnRequest {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    AuthnRequestBuilder::new(&ServiceProvider::new(SP, ACS), SSO)
        .name_id_policy(Some(NameIdPolicy::new(NameIdFormat::Persistent, true)))
        .build(now, &SeededRandom::new(42))
        .unwrap()
}

fn param<'q>(url: &'q str, name: &str) -> &'q str {
    let query = url.split_once('?').unwrap().1;
    query
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap()
}

fn inflate(value: &str) -> String {
    let b64 = percent_decode(value);
    let raw = STANDARD.decode(b64).unwrap();
    let mut out = String::new();
    flate2::read::DeflateDecoder::new(&raw[..])
        .read_to_string(&mut out)
        .unwrap();
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn authn_request_xml_snapshot() {
    let r = request();
    assert!(r.id().starts_with('_') && r.id().len() == 41);
    insta::assert_snapshot!("authn_request_xml", r.xml());
}

#[test]
fn minimal_orange_style_request() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let r = AuthnRequestBuilder::new(&ServiceProvider::new(SP, ACS), SSO)
        .acs_url(None)
        .protocol_binding(None)
        .build(now, &SeededRandom::new(1))
        .unwrap();
    // The Destination is always sent: the SSO URL is given once and is also where the user goes.
    insta::assert_snapshot!("authn_request_minimal_xml", r.xml());
    let r2 = AuthnRequestBuilder::new(&ServiceProvider::new(SP, ACS), SSO)
        .protocol_binding(Some(Binding::HttpRedirect))
        .name_id_policy(Some(NameIdPolicy::new(NameIdFormat::Transient, false)))
        .build(now, &SeededRandom::new(1))
        .unwrap();
    assert!(
        r2.xml()
            .contains("nameid-format:transient\" AllowCreate=\"false\"")
    );
    assert!(r2.xml().contains("bindings:HTTP-Redirect"));
}

#[test]
fn redirect_url_snapshot_and_round_trip() {
    let r = request();
    assert_eq!(r.destination(), SSO);
    let url = r.redirect_url(Some("/after login?x=1")).unwrap();
    assert!(
        url.starts_with("https://idp.example/saml/sso?SAMLRequest="),
        "{url}"
    );
    insta::assert_snapshot!("authn_request_redirect_url", url);
    assert_eq!(inflate(param(&url, "SAMLRequest")), r.xml());
    assert_eq!(param(&url, "RelayState"), "%2Fafter%20login%3Fx%3D1");
    // A base URL that already has a query gets `&`.
    let tenant = "https://idp.example/sso?tenant=1";
    let r = AuthnRequestBuilder::new(&ServiceProvider::new(SP, ACS), tenant)
        .build(SystemTime::UNIX_EPOCH, &SeededRandom::new(42))
        .unwrap();
    assert!(
        r.xml()
            .contains("Destination=\"https://idp.example/sso?tenant=1\"")
    );
    assert!(
        r.redirect_url(None)
            .unwrap()
            .starts_with("https://idp.example/sso?tenant=1&SAMLRequest=")
    );
}

#[test]
fn signed_redirect_url_verifies_with_openssl() {
    let r = request();
    let signer = SoftwareSigner::from_pem(&read_key("sp.key"), SignatureAlgorithm::RsaSha256).unwrap();
    assert_eq!(
        format!("{signer:?}"),
        "SoftwareSigner { key: \"RSA\", algorithm: RsaSha256 }"
    );
    let url = r.signed_redirect_url(Some("state"), &signer).unwrap();
    insta::assert_snapshot!("authn_request_signed_redirect_url", url);
    let query = url.split_once('?').unwrap().1;
    let (signed, sig) = query.split_once("&Signature=").unwrap();
    assert!(signed.ends_with("&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256"));
    let sig = STANDARD.decode(percent_decode(sig)).unwrap();
    assert!(
        openssl_verify(signed.as_bytes(), &sig, "sp"),
        "openssl rejects our signature"
    );
    assert!(!openssl_verify(format!("{signed}x").as_bytes(), &sig, "sp"));
}

#[test]
fn request_is_recorded_as_outstanding() {
    let r = request();
    let store = InMemoryRequestStore::new();
    r.record(&store, Duration::from_secs(300)).unwrap();
    assert!(!store.take(r.id(), r.issue_instant() + Duration::from_secs(300)));
    r.record(&store, Duration::from_secs(300)).unwrap();
    assert!(store.take(r.id(), r.issue_instant() + Duration::from_secs(299)));
}

#[test]
fn signer_refuses_a_certificate() {
    let e = SoftwareSigner::from_pem(&read_key("sp.crt"), SignatureAlgorithm::RsaSha256).unwrap_err();
    assert!(e.to_string().starts_with("invalid configuration"), "{e}");
}

#[test]
fn sha1_signing_only_through_the_insecure_constructor() {
    let key = read_key("sp.key");
    let error = SoftwareSigner::from_pem(&key, SignatureAlgorithm::InsecureRsaSha1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid configuration: rsa-sha1 signing is refused (opt in with insecure_rsa_sha1_from_pem)"
    );
    if !cfg!(feature = "legacy-rsa") {
        let e = SoftwareSigner::insecure_rsa_sha1_from_pem(&key).unwrap_err();
        assert!(e.to_string().contains("`legacy-rsa` feature"), "{e}");
        return;
    }
    let signer = SoftwareSigner::insecure_rsa_sha1_from_pem(&key).unwrap();
    assert_eq!(signer.algorithm(), SignatureAlgorithm::InsecureRsaSha1);
    let url = request().signed_redirect_url(None, &signer).unwrap();
    assert!(
        url.contains("&SigAlg=http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23rsa-sha1&"),
        "{url}"
    );
}
