//! The signature profile: one enveloped signature right after its parent's Issuer, one
//! `SignedInfo` with one Reference to its parent by ID, exactly the enveloped-signature and exclusive
//! C14N transforms in that order, no `Object` or `Manifest`, no foreign-namespace signature.

use netid_saml::Check;

use super::{signature_block, signed};
use crate::support::{ENVELOPED, EXC_C14N, Resp, Sign, check_rejected, verifier};

#[test]
fn response_signature_moved_to_a_foreign_namespace() {
    // Found by the mutation property test: renaming the Response signature's namespace turned it
    // into an inert element; unknown children are now refused by the schema check.
    let xml = signed(Sign::Both);
    let sig = signature_block(&xml, 0);
    let renamed = sig.replacen(
        "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"",
        "xmlns:ds=\"urn:x\"",
        1,
    );
    check_rejected(&verifier(), &xml.replacen(&sig, &renamed, 1), Check::Schema);
}

#[test]
fn detached_sibling_signature() {
    // The assertion's signature moved next to the Assertion (a child of the Response).
    let xml = signed(Sign::Assertion);
    let sig = signature_block(&xml, 0);
    let forged = xml
        .replace(&sig, "")
        .replacen("<samlp:Status>", &format!("{sig}<samlp:Status>"), 1);
    check_rejected(&verifier(), &forged, Check::SignatureProfile);
}

#[test]
fn signature_not_after_issuer() {
    let xml = signed(Sign::Assertion);
    let sig = signature_block(&xml, 0);
    let forged = xml
        .replace(&sig, "")
        .replacen("</saml:Subject>", &format!("</saml:Subject>{sig}"), 1);
    check_rejected(&verifier(), &forged, Check::SignatureProfile);
}

#[test]
fn empty_reference_uri() {
    let xml = Resp {
        sign: Sign::Response,
        reference_uri: Some(String::new()),
        ..Resp::default()
    }
    .signed();
    check_rejected(&verifier(), &xml, Check::SignatureProfile);
}

#[test]
fn two_references() {
    let xml = Resp {
        extra_reference: true,
        ..Resp::default()
    }
    .signed();
    check_rejected(&verifier(), &xml, Check::SignatureProfile);
}

#[test]
fn two_signed_info() {
    let xml = signed(Sign::Assertion);
    let start = xml.find("<ds:SignedInfo>").unwrap();
    let end = xml.find("</ds:SignedInfo>").unwrap() + "</ds:SignedInfo>".len();
    let si = &xml[start..end];
    let forged = xml.replacen(si, &format!("{si}{si}"), 1);
    check_rejected(&verifier(), &forged, Check::SignatureProfile);
}

#[test]
fn signature_object_or_manifest() {
    let xml = signed(Sign::Assertion);
    let forged = xml.replacen(
        "</ds:Signature>",
        "<ds:Object><ds:Manifest/></ds:Object></ds:Signature>",
        1,
    );
    check_rejected(&verifier(), &forged, Check::SignatureProfile);
}

#[test]
fn extra_transform() {
    let xml = signed(Sign::Assertion).replacen(
        "</ds:Transforms>",
        "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"/></ds:Transforms>",
        1,
    );
    check_rejected(&verifier(), &xml, Check::SignatureProfile);
}

/// `xml` with the (single) Reference's transform list replaced by `transforms`.
fn with_transforms(xml: &str, transforms: &[&str]) -> String {
    let start = xml.find("<ds:Transforms>").expect("transforms");
    let end = xml.find("</ds:Transforms>").expect("end") + "</ds:Transforms>".len();
    let list: String = transforms
        .iter()
        .map(|t| format!("<ds:Transform Algorithm=\"{t}\"/>"))
        .collect();
    format!(
        "{}<ds:Transforms>{list}</ds:Transforms>{}",
        &xml[..start],
        &xml[end..]
    )
}

#[test]
fn transforms_exc_c14n_before_enveloped_signature() {
    // The transforms reversed. bergshamra's single-parse fast path gives up on this order and its
    // generic pipeline canonicalizes by parsing the source text a second time (then fails the
    // enveloped step on octets): the profile must refuse it before bergshamra runs. (xmlsec1
    // cannot sign this order, so the honest signature's list is rewritten; the profile check
    // comes before any cryptography.)
    for sign in [Sign::Assertion, Sign::Response] {
        let forged = with_transforms(&signed(sign), &[EXC_C14N, ENVELOPED]);
        check_rejected(&verifier(), &forged, Check::SignatureProfile);
    }
    for transforms in [
        &[EXC_C14N][..],
        &[][..],
        &[ENVELOPED, EXC_C14N, EXC_C14N][..],
        &[ENVELOPED, ENVELOPED, EXC_C14N][..],
        &[EXC_C14N, ENVELOPED, EXC_C14N][..],
    ] {
        let forged = with_transforms(&signed(Sign::Assertion), transforms);
        check_rejected(&verifier(), &forged, Check::SignatureProfile);
    }
}
