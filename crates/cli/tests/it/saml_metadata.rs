//! `netid saml verify --idp-metadata FILE --metadata-cert FILE`: the IdP read from signed metadata
//! (the `saml_metadata` fuzz seed, signed by `xmlsec1` with the test IdP key, listing two signing
//! certificates).

use std::path::PathBuf;

use crate::saml::{fixture, netid};

fn seed() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds/saml_metadata/idp-metadata-signed.xml")
        .to_string_lossy()
        .into_owned()
}

fn verify_with_metadata(metadata_cert: &str, now: &str) -> std::process::Output {
    let (metadata, cert) = (seed(), fixture(metadata_cert));
    let response = fixture("responses/assertion-signed.xml");
    netid(&[
        "saml",
        "verify",
        "--idp-metadata",
        &metadata,
        "--metadata-cert",
        &cert,
        "--sp-entity-id",
        "https://sp.example/saml",
        "--acs-url",
        "https://sp.example/saml/acs",
        "--request-id",
        "_req1",
        "--now",
        now,
        &response,
    ])
}

#[test]
fn verify_takes_the_idp_from_signed_metadata() {
    let out = verify_with_metadata("keys/idp.crt", "2026-01-01T00:05:00Z");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn verify_refuses_metadata_from_an_untrusted_signer_or_expired() {
    for (cert, now, reason) in [
        ("keys/attacker.crt", "2026-01-01T00:05:00Z", "signature check"),
        ("keys/idp.crt", "2026-01-02T00:00:00Z", "validUntil has passed"),
    ] {
        let out = verify_with_metadata(cert, now);
        assert_eq!(out.status.code(), Some(2), "{cert} {now}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(reason), "{stderr}");
    }
}

#[test]
fn metadata_and_certificates_are_exclusive() {
    let (metadata, cert) = (seed(), fixture("keys/idp.crt"));
    let out = netid(&[
        "saml",
        "verify",
        "--idp-metadata",
        &metadata,
        "--metadata-cert",
        &cert,
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        "sp",
        "--acs-url",
        "https://sp.example/acs",
        "response.xml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = netid(&[
        "saml",
        "verify",
        "--sp-entity-id",
        "sp",
        "--acs-url",
        "https://sp.example/acs",
        "x.xml",
    ]);
    assert_eq!(out.status.code(), Some(2), "neither certificates nor metadata");
}
