//! Signature stripping, tampering and keys: signatures removed, signed content altered, the
//! attacker's key (with its own or the IdP's certificate), no trusted certificate, an assertion
//! signature required but absent, and weak or confused algorithms (HMAC with the IdP's public
//! certificate, SHA-1).

use netid_saml::{Check, IdentityProvider, ResponseVerifier, ServiceProvider};

use super::{EVIL_NAME, signed, without_signatures};
use crate::support::{ACS, IDP, Resp, SP, Sign, check_rejected, read_key, verifier};

#[test]
fn signature_removed() {
    check_rejected(
        &verifier(),
        &without_signatures(&signed(Sign::Assertion)),
        Check::Signature,
    );
    check_rejected(
        &verifier(),
        &without_signatures(&signed(Sign::Both)),
        Check::Signature,
    );
}

#[test]
fn nameid_tampered() {
    let forged = signed(Sign::Assertion).replace("4b124ae2-0126-102b-8852-001a641049bb", EVIL_NAME);
    check_rejected(&verifier(), &forged, Check::Signature);
}

#[test]
fn attribute_tampered_under_response_signature() {
    let forged = signed(Sign::Response).replace(">Alice<", ">Mallory<");
    check_rejected(&verifier(), &forged, Check::Signature);
}

#[test]
fn unsigned_part_tampered_is_still_checked() {
    // With only the Assertion signed, the Response envelope is unsigned: changing its
    // Destination cannot smuggle anything past the Destination check.
    let forged = signed(Sign::Assertion).replace(
        &format!("Destination=\"{ACS}\""),
        "Destination=\"https://evil.example/acs\"",
    );
    check_rejected(&verifier(), &forged, Check::Destination);
}

#[test]
fn attacker_key_with_attacker_certificate_in_keyinfo() {
    let xml = Resp {
        key: "attacker",
        ..Resp::default()
    }
    .signed();
    check_rejected(&verifier(), &xml, Check::Signature);
}

#[test]
fn attacker_key_with_idp_certificate_in_keyinfo() {
    let xml = Resp {
        key: "attacker",
        ..Resp::default()
    }
    .signed();
    let pem = String::from_utf8(read_key("idp.crt")).unwrap();
    let idp_b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let start = xml.find("<ds:X509Certificate>").unwrap() + "<ds:X509Certificate>".len();
    let end = xml.find("</ds:X509Certificate>").unwrap();
    let forged = format!("{}{idp_b64}{}", &xml[..start], &xml[end..]);
    check_rejected(&verifier(), &forged, Check::Signature);
}

#[test]
fn no_configured_certificate_fails_closed() {
    let v = ResponseVerifier::new(IdentityProvider::new(IDP, vec![]), ServiceProvider::new(SP, ACS));
    check_rejected(&v, &signed(Sign::Assertion), Check::Signature);
    check_rejected(
        &v,
        &without_signatures(&signed(Sign::Assertion)),
        Check::Signature,
    );
}

#[test]
fn hmac_key_confusion() {
    // The IdP's public certificate used as an HMAC secret: a real signature, refused by algorithm.
    let xml = Resp {
        sig_alg: "http://www.w3.org/2000/09/xmldsig#hmac-sha1".to_owned(),
        ..Resp::default()
    }
    .signed();
    check_rejected(&verifier(), &xml, Check::Algorithm);
    check_rejected(&verifier().insecure_allow_sha1(true), &xml, Check::Algorithm);
}

#[test]
fn sha1_signature_refused_by_default() {
    let xml = Resp {
        sig_alg: "http://www.w3.org/2000/09/xmldsig#rsa-sha1".to_owned(),
        ..Resp::default()
    }
    .signed();
    check_rejected(&verifier(), &xml, Check::Algorithm);
    let xml = Resp {
        digest: "http://www.w3.org/2000/09/xmldsig#sha1".to_owned(),
        ..Resp::default()
    }
    .signed();
    check_rejected(&verifier(), &xml, Check::Algorithm);
}

#[test]
fn assertion_signature_required_when_wanted() {
    check_rejected(
        &verifier().want_assertions_signed(true),
        &signed(Sign::Response),
        Check::Signature,
    );
}
