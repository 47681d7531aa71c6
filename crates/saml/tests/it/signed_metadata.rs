//! Signed IdP metadata made at test time by `xmlsec1 --sign`: verification against the
//! configured metadata signer, `validUntil`/`cacheDuration`, aggregates, and the IdP key rollover
//! seen through the Response verifier.

use std::time::Duration;

use netid_saml::{
    Check, Error, IdpCertificate, MetadataTrust, ResponseVerifier, ServiceProvider, VerifiedMetadata,
    verify_idp_metadata,
};

use crate::support::{
    ACS, ENVELOPED, EXC_C14N, IDP, RSA_SHA256, Resp, SHA256, SP, now, read_key, verify_with, xmlsec1_sign_ids,
};

const MD_IDS: [&str; 2] = [
    "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
    "urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor",
];
/// 2026-01-02T00:00:00Z: a day after the fixtures' instants.
const VALID_UNTIL: &str = "2026-01-02T00:00:00Z";

fn cert_b64(name: &str) -> String {
    let pem = String::from_utf8(read_key(name)).unwrap();
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

fn cert(name: &str) -> IdpCertificate {
    IdpCertificate::from_pem(&read_key(name)).unwrap()
}

fn template(id: &str) -> String {
    format!(
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/><ds:SignatureMethod Algorithm=\"{RSA_SHA256}\"/><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"{ENVELOPED}\"/><ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>"
    )
}

/// An IdP `EntityDescriptor` listing `signing` certificates; `attrs` go on the root, `signature`
/// right after its start tag.
fn entity(entity_id: &str, id: &str, attrs: &str, signature: &str, signing: &[&str]) -> String {
    let keys: String = signing
        .iter()
        .map(|c| {
            format!(
                "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>",
                cert_b64(c)
            )
        })
        .collect();
    format!(
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" ID=\"{id}\" entityID=\"{entity_id}\"{attrs}>{signature}<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">{keys}<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>"
    )
}

/// The IdP's metadata during a rollover (old RSA key and new EC key), signed by `signer`.
fn rollover_metadata(signer: &str) -> String {
    let attrs = format!(" validUntil=\"{VALID_UNTIL}\" cacheDuration=\"PT6H\"");
    let xml = entity(IDP, "_md1", &attrs, &template("_md1"), &["idp.crt", "idp-ec.crt"]);
    xmlsec1_sign_ids(&xml, signer, RSA_SHA256, &MD_IDS)
}

fn trust() -> MetadataTrust {
    MetadataTrust::new(vec![cert("idp.crt")])
}

#[track_caller]
fn refused(xml: &str, trust: &MetadataTrust, check: Check) -> Error {
    match verify_idp_metadata(xml, trust, now()) {
        Ok(md) => panic!("accepted metadata: {md:?}"),
        Err(e) => {
            assert_eq!(e.check(), Some(check), "wrong check: {e}");
            e
        }
    }
}

#[test]
fn rollover_accepted_with_either_key() {
    let md = verify_idp_metadata(&rollover_metadata("idp"), &trust(), now()).expect("signed metadata");
    assert_eq!(md.identity_provider().entity_id, IDP);
    assert_eq!(
        md.identity_provider().sso_url.as_deref(),
        Some("https://idp.example/sso")
    );
    assert_eq!(md.identity_provider().certificates.len(), 2);
    assert_eq!(md.cache_duration(), Some(Duration::from_secs(6 * 3600)));
    assert_eq!(md.refresh_at(now()), now() + Duration::from_secs(6 * 3600));

    let verifier = ResponseVerifier::new(md.into_identity_provider(), ServiceProvider::new(SP, ACS));
    let old_key = Resp::default();
    verify_with(&verifier, &old_key.signed()).expect("signed by the old key");
    let new_key = Resp {
        key: "idp-ec",
        sig_alg: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256".to_owned(),
        ..Resp::default()
    };
    verify_with(&verifier, &new_key.signed()).expect("signed by the new key");
    let stranger = Resp {
        key: "attacker",
        ..Resp::default()
    };
    let e = verify_with(&verifier, &stranger.signed()).unwrap_err();
    assert_eq!(e.check(), Some(Check::Signature), "{e}");
}

#[test]
fn tampered_metadata_is_refused() {
    let signed = rollover_metadata("idp");
    for (from, to) in [
        ("https://idp.example/sso", "https://evil.example/sso"),
        (VALID_UNTIL, "2036-01-02T00:00:00Z"),
        ("cacheDuration=\"PT6H\"", "cacheDuration=\"P10Y\""),
    ] {
        assert!(signed.contains(from), "{from}");
        refused(&signed.replacen(from, to, 1), &trust(), Check::Signature);
    }
    // A signing key added after signing.
    let extra = format!(
        "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>",
        cert_b64("attacker.crt")
    );
    let anchor = "<md:SingleSignOnService";
    refused(
        &signed.replacen(anchor, &format!("{extra}{anchor}"), 1),
        &trust(),
        Check::Signature,
    );
}

#[test]
fn wrong_certificate_unsigned_and_untrusted_are_refused() {
    let signed = rollover_metadata("idp");
    refused(
        &signed,
        &MetadataTrust::new(vec![cert("attacker.crt")]),
        Check::Signature,
    );
    refused(&signed, &MetadataTrust::new(Vec::new()), Check::Signature);
    refused(&rollover_metadata("attacker"), &trust(), Check::Signature);
    let unsigned = entity(IDP, "_md1", "", "", &["idp.crt"]);
    let e = refused(&unsigned, &trust(), Check::Signature);
    assert_eq!(
        e.to_string(),
        "rejected by the signature check: the metadata is not signed"
    );
    // Several trusted signers (the metadata signer's own rollover): any one verifies.
    let both = MetadataTrust::new(vec![cert("attacker.crt"), cert("idp.crt")]);
    verify_idp_metadata(&signed, &both, now()).expect("second trusted signer");
}

#[test]
fn expired_metadata_is_refused() {
    let signed = rollover_metadata("idp");
    let until = now() + Duration::from_secs(24 * 3600 - 300);
    let md = verify_idp_metadata(&signed, &trust(), until - Duration::from_secs(1)).expect("last second");
    assert_eq!(md.valid_until(), Some(until));
    assert!(!md.is_valid_at(until));
    let e = verify_idp_metadata(&signed, &trust(), until).unwrap_err();
    assert_eq!(e.check(), Some(Check::MetadataValidity), "{e}");
}

#[test]
fn dtd_and_misplaced_signatures_are_refused() {
    let signed = rollover_metadata("idp");
    let body = signed.trim_start_matches(|c| c != '<');
    let body = body
        .strip_prefix("<?xml version=\"1.0\"?>")
        .unwrap_or(body)
        .trim_start();
    let dtd = format!("<!DOCTYPE md:EntityDescriptor [<!ENTITY x \"y\">]>{body}");
    refused(&dtd, &trust(), Check::Xml);
    // The signed entity wrapped in an unsigned aggregate: its signature no longer covers the root.
    let wrapped = format!(
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" ID=\"_agg\">{body}</md:EntitiesDescriptor>"
    );
    refused(&wrapped, &trust().entity_id(IDP), Check::SignatureProfile);
}

fn aggregate(inner: &[String], attrs: &str) -> String {
    let xml = format!(
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" ID=\"_agg\"{attrs}>{}{}</md:EntitiesDescriptor>",
        template("_agg"),
        inner.concat()
    );
    xmlsec1_sign_ids(&xml, "idp", RSA_SHA256, &MD_IDS)
}

#[test]
fn entities_descriptor_selects_the_configured_idp() {
    let other = entity("https://other.example/idp", "_e1", "", "", &["attacker.crt"]);
    let ours = entity(IDP, "_e2", " cacheDuration=\"PT1H\"", "", &["idp.crt"]);
    let signed = aggregate(
        &[other, ours.clone()],
        &format!(" validUntil=\"{VALID_UNTIL}\" cacheDuration=\"PT6H\""),
    );
    let md = verify_idp_metadata(&signed, &trust().entity_id(IDP), now()).expect("aggregate");
    assert_eq!(md.identity_provider().entity_id, IDP);
    assert_eq!(
        md.identity_provider().certificates[0].as_der(),
        cert("idp.crt").as_der()
    );
    assert_eq!(
        md.cache_duration(),
        Some(Duration::from_secs(3600)),
        "the shortest applies"
    );
    assert!(md.valid_until().is_some());

    let e = refused(
        &signed,
        &trust().entity_id("https://missing.example"),
        Check::Schema,
    );
    assert!(
        e.to_string().contains("does not describe the configured IdP"),
        "{e}"
    );
    let e = verify_idp_metadata(&signed, &trust(), now()).unwrap_err();
    assert!(matches!(e, Error::Config { .. }), "{e}");
    let twice = aggregate(&[ours.clone(), ours.replace("_e2", "_e3")], "");
    refused(&twice, &trust().entity_id(IDP), Check::Schema);
    // A single EntityDescriptor for another entity than the configured one.
    refused(
        &rollover_metadata("idp"),
        &trust().entity_id("https://other.example/idp"),
        Check::Issuer,
    );
}

#[test]
fn refresh_time_is_the_earliest_bound() {
    let until = now() + Duration::from_secs(24 * 3600 - 300);
    let hour = Duration::from_secs(3600);
    for (attrs, bound, expected) in [
        // cacheDuration below the caller's bound.
        (" cacheDuration=\"PT6H\"".to_owned(), 24 * hour, now() + 6 * hour),
        // the caller's bound below cacheDuration.
        (" cacheDuration=\"P2D\"".to_owned(), 2 * hour, now() + 2 * hour),
        // no cacheDuration: the caller's bound.
        (String::new(), 3 * hour, now() + 3 * hour),
        // validUntil before everything else.
        (
            format!(" validUntil=\"{VALID_UNTIL}\" cacheDuration=\"P2D\""),
            48 * hour,
            until,
        ),
    ] {
        let xml = entity(IDP, "_md1", &attrs, &template("_md1"), &["idp.crt"]);
        let signed = xmlsec1_sign_ids(&xml, "idp", RSA_SHA256, &MD_IDS);
        let md: VerifiedMetadata =
            verify_idp_metadata(&signed, &trust().max_cache_duration(bound), now()).expect(&attrs);
        assert_eq!(md.refresh_at(now()), expected, "{attrs}");
    }
    let bad = entity(
        IDP,
        "_md1",
        " cacheDuration=\"6 hours\"",
        &template("_md1"),
        &["idp.crt"],
    );
    refused(
        &xmlsec1_sign_ids(&bad, "idp", RSA_SHA256, &MD_IDS),
        &trust(),
        Check::Schema,
    );
    refused(&rollover_metadata("idp"), &trust().max_bytes(100), Check::Size);
}

/// The signed seed of the `saml_metadata` fuzz target is this file's rollover metadata;
/// `UPDATE_SEEDS=1` rewrites it (the fuzz crate's unit test checks that it verifies).
#[test]
fn fuzz_seed_is_signed_rollover_metadata() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds/saml_metadata/idp-metadata-signed.xml");
    if std::env::var_os("UPDATE_SEEDS").is_some() {
        std::fs::write(&path, rollover_metadata("idp")).unwrap();
    }
    let seed = std::fs::read_to_string(&path).expect("committed seed");
    let md = verify_idp_metadata(&seed, &trust(), now()).expect("the seed verifies");
    assert_eq!(md.identity_provider().certificates.len(), 2);
}
