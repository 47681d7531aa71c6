//! XML Signature Wrapping (Somorovsky et al., "On Breaking SAML", 2012): XSW1–8, single-assertion
//! variants whose signature points elsewhere or sits in `Extensions`, and the document-structure
//! confusions they rely on (duplicate IDs, several assertions, an encrypted assertion swapped in).

use netid_saml::Check;

use super::{
    EVIL_NAME, SIG_OPEN, assertion_block, evil_assertion, signature_block, signed, without_signatures,
};
use crate::support::{Sign, check_rejected, read_key, verifier};

#[test]
fn xsw1_signed_response_moved_into_signature_of_evil_response() {
    let xml = signed(Sign::Response);
    let sig = signature_block(&xml, 0);
    let original_response = xml[xml.find("<samlp:Response").unwrap()..].replace(&sig, "");
    let wrapped_sig = sig.replace("</ds:Signature>", &format!("{original_response}</ds:Signature>"));
    let forged = without_signatures(&xml)
        .replace("ID=\"_resp1\"", "ID=\"_evilresp\"")
        .replace(&assertion_block(&xml), &evil_assertion(&assertion_block(&xml)))
        .replacen("<samlp:Status>", &format!("{wrapped_sig}<samlp:Status>"), 1);
    check_rejected(&verifier(), &forged, Check::AssertionCount);
}

#[test]
fn xsw2_signed_response_as_detached_sibling_of_the_signature() {
    let xml = signed(Sign::Response);
    let sig = signature_block(&xml, 0);
    let original_response = xml[xml.find("<samlp:Response").unwrap()..].replace(&sig, "");
    let forged = without_signatures(&xml)
        .replace("ID=\"_resp1\"", "ID=\"_evilresp\"")
        .replace(&assertion_block(&xml), &evil_assertion(&assertion_block(&xml)))
        .replacen(
            "<samlp:Status>",
            &format!("{sig}{original_response}<samlp:Status>"),
            1,
        );
    check_rejected(&verifier(), &forged, Check::AssertionCount);
}

#[test]
fn xsw3_evil_assertion_before_the_signed_one() {
    let xml = signed(Sign::Assertion);
    let a = assertion_block(&xml);
    let forged = xml.replace(&a, &format!("{}{a}", evil_assertion(&a)));
    check_rejected(&verifier(), &forged, Check::AssertionCount);
}

#[test]
fn xsw4_evil_assertion_wrapping_the_signed_one() {
    let xml = signed(Sign::Assertion);
    let a = assertion_block(&xml);
    let evil = evil_assertion(&a).replace("</saml:Assertion>", &format!("{a}</saml:Assertion>"));
    check_rejected(&verifier(), &xml.replace(&a, &evil), Check::AssertionCount);
}

#[test]
fn xsw5_signature_copied_into_evil_assertion_original_appended() {
    let xml = signed(Sign::Assertion);
    let a = assertion_block(&xml);
    let sig = signature_block(&xml, 0);
    let evil = evil_assertion(&a).replacen("</saml:Issuer>", &format!("</saml:Issuer>{sig}"), 1);
    let forged = xml.replace(&a, &evil).replace(
        "</samlp:Response>",
        &format!("{}</samlp:Response>", a.replace(&sig, "")),
    );
    check_rejected(&verifier(), &forged, Check::AssertionCount);
}

#[test]
fn xsw6_original_assertion_inside_the_copied_signature() {
    let xml = signed(Sign::Assertion);
    let a = assertion_block(&xml);
    let sig = signature_block(&xml, 0);
    let inner = sig.replace(
        "</ds:Signature>",
        &format!("{}</ds:Signature>", a.replace(&sig, "")),
    );
    let evil = evil_assertion(&a).replacen("</saml:Issuer>", &format!("</saml:Issuer>{inner}"), 1);
    check_rejected(&verifier(), &xml.replace(&a, &evil), Check::AssertionCount);
}

#[test]
fn xsw7_signed_assertion_hidden_in_extensions() {
    let xml = signed(Sign::Assertion);
    let a = assertion_block(&xml);
    let forged = xml.replace(
        &a,
        &format!("<samlp:Extensions>{a}</samlp:Extensions>{}", evil_assertion(&a)),
    );
    check_rejected(&verifier(), &forged, Check::AssertionCount);
}

#[test]
fn xsw8_original_assertion_in_a_signature_object() {
    let xml = signed(Sign::Assertion);
    let a = assertion_block(&xml);
    let sig = signature_block(&xml, 0);
    let with_object = sig.replace(
        "</ds:Signature>",
        &format!("<ds:Object>{}</ds:Object></ds:Signature>", a.replace(&sig, "")),
    );
    let evil = evil_assertion(&a).replacen("</saml:Issuer>", &format!("</saml:Issuer>{with_object}"), 1);
    check_rejected(&verifier(), &xml.replace(&a, &evil), Check::AssertionCount);
}

#[test]
fn xsw_single_assertion_with_signature_pointing_elsewhere() {
    // Only one Assertion (so the count check passes): the signed one is renamed and the
    // signature kept, now referencing an ID that is not its parent's.
    let xml = signed(Sign::Assertion);
    let forged = xml
        .replace("ID=\"_assert1\"", "ID=\"_evil\"")
        .replace("4b124ae2-0126-102b-8852-001a641049bb", EVIL_NAME);
    check_rejected(&verifier(), &forged, Check::SignatureProfile);
}

#[test]
fn xsw_single_assertion_under_wrapped_response_signature() {
    // The Response is signed. The attacker builds a new Response (new ID, one evil Assertion, so
    // the count check passes) keeping the original signature after its Issuer, and hides the
    // original signed Response (its signature and Assertion removed) in Extensions so that
    // `#_resp1` still resolves somewhere. The signature must cover its own parent.
    let xml = signed(Sign::Response);
    let sig = signature_block(&xml, 0);
    let a = assertion_block(&xml);
    let start = xml.find("<samlp:Response").unwrap();
    let original = xml[start..].replace(&sig, "").replace(&a, "");
    let evil = evil_assertion(&a).replace("ID=\"_evil\"", "ID=\"_evilassert\"");
    let forged = xml
        .replacen("ID=\"_resp1\"", "ID=\"_evilresp\"", 1)
        .replacen(
            "<samlp:Status>",
            &format!(
                "<samlp:Extensions>{}</samlp:Extensions><samlp:Status>",
                original.trim_end()
            ),
            1,
        )
        .replace(&a, &evil);
    assert_eq!(forged.matches("<saml:Assertion ").count(), 1, "{forged}");
    assert_eq!(forged.matches(SIG_OPEN).count(), 1);
    check_rejected(&verifier(), &forged, Check::SignatureProfile);
}

#[test]
fn signature_inside_extensions() {
    // A signature moved into samlp:Extensions still covers its element by ID (enveloped removes
    // nothing from it, so its digest stays valid), but it is no longer enveloped: refused.
    for (sign, moved) in [(Sign::Assertion, 0), (Sign::Both, 0), (Sign::Both, 1)] {
        let xml = signed(sign);
        let sig = signature_block(&xml, moved);
        let forged = xml.replacen(&sig, "", 1).replacen(
            "<samlp:Status>",
            &format!("<samlp:Extensions>{sig}</samlp:Extensions><samlp:Status>"),
            1,
        );
        check_rejected(&verifier(), &forged, Check::SignatureProfile);
    }
}

#[test]
fn duplicate_ids() {
    let xml = signed(Sign::Assertion);
    let forged = xml.replacen(
        "<samlp:Status>",
        "<samlp:Extensions><x:Thing xmlns:x=\"urn:x\" ID=\"_assert1\"/></samlp:Extensions><samlp:Status>",
        1,
    );
    check_rejected(&verifier(), &forged, Check::DuplicateId);
}

#[test]
fn multiple_assertions() {
    let xml = signed(Sign::Response);
    let a = assertion_block(&xml);
    let copy = a.replace("ID=\"_assert1\"", "ID=\"_assert2\"");
    check_rejected(
        &verifier(),
        &xml.replace(&a, &format!("{a}{copy}")),
        Check::AssertionCount,
    );
}

/// Encrypted assertions are supported since issue 14 (see `encrypted.rs`); one swapped in for the
/// signed Assertion breaks the Response signature, and without a Response signature an SP with no
/// decryption key refuses it, as one with a key refuses an empty one.
#[test]
fn encrypted_assertion_swapped_in_is_refused() {
    let xml = signed(Sign::Response);
    let forged = xml.replace(&assertion_block(&xml), "<saml:EncryptedAssertion/>");
    check_rejected(&verifier(), &forged, Check::Signature);
    let xml = signed(Sign::Assertion);
    let forged = xml.replace(&assertion_block(&xml), "<saml:EncryptedAssertion/>");
    check_rejected(&verifier(), &forged, Check::Decryption);
    let sp_key = netid_saml::DecryptionKey::from_pem(&read_key("sp.key")).unwrap();
    check_rejected(&verifier().decryption_key(sp_key), &forged, Check::Schema);
}
