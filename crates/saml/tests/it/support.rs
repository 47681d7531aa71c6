//! Fixture builder: SAML Response templates signed by Debian's `xmlsec1` (a real third-party
//! signer), and HTTP-Redirect queries signed by the `openssl` CLI.
//!
//! This file holds the test parties (entity IDs, keys, verifiers, stores) and the rejection
//! helper; [`resp`] builds and signs Response templates, [`tools`] drives the `xmlsec1` and
//! `openssl` command-line tools. Their items are re-exported here, so tests name them as
//! `support::…`.

mod resp;
mod tools;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use netid_saml::{
    Check, Error, IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore,
    ResponseVerifier, ServiceProvider, VerifiedAssertion,
};

pub(crate) use resp::{ENVELOPED, EXC_C14N, RSA_SHA256, Resp, SHA256, Sign};
pub(crate) use tools::{
    ecdsa_der_to_raw, openssl_sign, openssl_verify, run, tmp_path, xmlsec1_sign, xmlsec1_sign_ids,
};

pub(crate) const IDP: &str = "https://idp.example/saml";
pub(crate) const SP: &str = "https://sp.example/saml";
pub(crate) const ACS: &str = "https://sp.example/saml/acs";
pub(crate) const REQ: &str = "_req1";

/// 2026-01-01T00:05:00Z: five minutes after every IssueInstant of the [`Resp`] template.
pub(crate) fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 300)
}

pub(crate) fn keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys")
}

pub(crate) fn key_path(name: &str) -> String {
    keys_dir().join(name).to_string_lossy().into_owned()
}

pub(crate) fn read_key(name: &str) -> Vec<u8> {
    std::fs::read(keys_dir().join(name)).expect("test key fixture")
}

pub(crate) fn idp_cert() -> IdpCertificate {
    IdpCertificate::from_pem(&read_key("idp.crt")).expect("idp cert")
}

pub(crate) fn verifier() -> ResponseVerifier {
    let idp = IdentityProvider::new(IDP, vec![idp_cert()]);
    ResponseVerifier::new(idp, ServiceProvider::new(SP, ACS))
}

/// A verifier trusting both the RSA and the EC IdP certificates.
pub(crate) fn verifier_rsa_and_ec() -> ResponseVerifier {
    let ec = IdpCertificate::from_pem(&read_key("idp-ec.crt")).expect("ec cert");
    let idp = IdentityProvider::new(IDP, vec![idp_cert(), ec]);
    ResponseVerifier::new(idp, ServiceProvider::new(SP, ACS))
}

/// Fresh stores with `_req1` outstanding.
pub(crate) fn stores() -> (InMemoryRequestStore, InMemoryReplayCache) {
    use netid_saml::RequestStore as _;
    let requests = InMemoryRequestStore::new();
    assert!(requests.insert(REQ, now() + Duration::from_secs(600), now()));
    (requests, InMemoryReplayCache::new())
}

/// Verifies raw XML with `v` and fresh stores.
pub(crate) fn verify_with(v: &ResponseVerifier, xml: &str) -> Result<VerifiedAssertion, Error> {
    let (requests, replay) = stores();
    v.verify_xml(xml.as_bytes(), now(), &requests, &replay)
}

/// Verifies with the default verifier.
pub(crate) fn verify(xml: &str) -> Result<VerifiedAssertion, Error> {
    verify_with(&verifier(), xml)
}

/// The one helper every rejection test goes through: `xml` must fail `check`.
#[track_caller]
pub(crate) fn check_rejected(v: &ResponseVerifier, xml: &str, check: Check) {
    match verify_with(v, xml) {
        Ok(a) => panic!("accepted a forgery (NameID {:?})", a.name_id.value.expose_pii()),
        Err(e) => assert_eq!(e.check(), Some(check), "wrong check: {e}"),
    }
}
