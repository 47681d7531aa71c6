//! `EncryptedID` and `EncryptedAttribute` made at test time by Debian's `xmlsec1 --encrypt`
//! (then the Assertion signed over them by `xmlsec1 --sign`): decrypted with the same code path
//! and rules as an EncryptedAssertion, and failing with the same one error.

use netid_saml::{Check, MAX_ENCRYPTED_ATTRIBUTES};

use crate::encrypted::{
    AES128_CBC, AES128_GCM, AES256_GCM, Part, Transport, decrypting, encrypt, encrypt_part, tamper,
};
use crate::support::*;

const NAME_ID: &str = "4b124ae2-0126-102b-8852-001a641049bb";

/// The honest Response template with `parts` encrypted in turn (each for `cert`), then its
/// Assertion signed by the IdP over the ciphertext.
fn signed_with(parts: &[Part], data: &str, transport: Transport, cert: &str) -> String {
    let template = Resp::default().render(true, false);
    let encrypted = parts.iter().fold(template, |xml, part| {
        encrypt_part(&xml, *part, data, transport, cert)
    });
    xmlsec1_sign(&encrypted, "idp", RSA_SHA256)
}

#[test]
fn an_encrypted_id_decrypts_to_the_name_id() {
    for (data, transport) in [
        (AES128_GCM, Transport::Mgf1p),
        (AES128_CBC, Transport::Mgf1p),
        (AES256_GCM, Transport::Oaep11("sha256", "sha256")),
    ] {
        let xml = signed_with(&[Part::NameId], data, transport, "sp");
        assert!(
            xml.contains("<saml:EncryptedID>") && !xml.contains(NAME_ID),
            "{data}"
        );
        let a = verify_with(&decrypting(&["sp"]), &xml).unwrap_or_else(|e| panic!("{data}: {e}"));
        assert_eq!(a.name_id.value.expose_pii(), NAME_ID, "{data}");
        assert_eq!(
            a.name_id.format.as_deref(),
            Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
        );
        assert!(a.assertion_signed);
    }
}

#[test]
fn an_encrypted_id_inside_an_encrypted_assertion_decrypts() {
    let inner = signed_with(&[Part::NameId], AES256_GCM, Transport::Mgf1p, "sp");
    let xml = encrypt(&inner, AES128_CBC, Transport::Mgf1p, "sp");
    assert!(
        !xml.contains("<saml:EncryptedID>"),
        "hidden in the EncryptedAssertion"
    );
    let a = verify_with(&decrypting(&["sp"]), &xml).unwrap();
    assert_eq!(a.name_id.value.expose_pii(), NAME_ID);
    assert!(a.assertion_signed);
}

#[test]
fn encrypted_attributes_decrypt_beside_plain_ones() {
    // Attributes render in name order: OrangeAPIToken, then displayname.
    let xml = signed_with(
        &[Part::Attribute, Part::Attribute],
        AES128_GCM,
        Transport::Mgf1p,
        "sp",
    );
    assert_eq!(xml.matches("<saml:EncryptedAttribute>").count(), 2);
    assert!(!xml.contains("Name=\"OrangeAPIToken\"") && !xml.contains("Alice L."));
    let a = verify_with(&decrypting(&["sp"]), &xml).unwrap();
    let plain = verify(&Resp::default().signed()).unwrap();
    assert_eq!(
        a.attributes, plain.attributes,
        "the same attributes, decrypted or not"
    );
}

#[test]
fn every_encrypted_element_fails_with_the_one_error() {
    let v = decrypting(&["sp"]);
    let mut errors = Vec::new();
    for part in [Part::NameId, Part::Attribute] {
        // For another key, or with a damaged ciphertext, each under a valid signature.
        for data in [AES128_CBC, AES256_GCM] {
            errors.push(
                verify_with(&v, &signed_with(&[part], data, Transport::Mgf1p, "attacker")).unwrap_err(),
            );
            let template = encrypt_part(
                &Resp::default().render(true, false),
                part,
                data,
                Transport::Mgf1p,
                "sp",
            );
            let damaged = xmlsec1_sign(&tamper(&template), "idp", RSA_SHA256);
            errors.push(verify_with(&v, &damaged).unwrap_err());
        }
    }
    // And an EncryptedAssertion for another key.
    let foreign = encrypt(
        &Resp::default().signed(),
        AES256_GCM,
        Transport::Mgf1p,
        "attacker",
    );
    errors.push(verify_with(&v, &foreign).unwrap_err());
    for e in &errors {
        assert_eq!(e.check(), Some(Check::Decryption), "{e}");
        assert_eq!(e, &errors[0]);
    }
}

#[test]
fn encrypted_parts_follow_the_assertion_rules() {
    let xml = signed_with(&[Part::NameId], AES128_GCM, Transport::Mgf1p, "sp");
    // No SP key: refused as an encrypted assertion is.
    check_rejected(&verifier(), &xml, Check::Decryption);
    // The EncryptedID is under the Assertion signature: changing it breaks the signature.
    check_rejected(&decrypting(&["sp"]), &tamper(&xml), Check::Signature);
    // PKCS#1 v1.5 key transport is refused unless opted in.
    let v15 = signed_with(&[Part::NameId], AES128_GCM, Transport::Pkcs1v15, "sp");
    check_rejected(&decrypting(&["sp"]), &v15, Check::Algorithm);
    let a = verify_with(&decrypting(&["sp"]).insecure_allow_rsa_pkcs1v15(true), &v15).unwrap();
    assert_eq!(a.name_id.value.expose_pii(), NAME_ID);
}

#[test]
fn a_name_id_beside_an_encrypted_id_is_refused() {
    let template = encrypt_part(
        &Resp::default().render(true, false),
        Part::NameId,
        AES128_GCM,
        Transport::Mgf1p,
        "sp",
    )
    .replacen(
        "<saml:EncryptedID>",
        "<saml:NameID>admin</saml:NameID><saml:EncryptedID>",
        1,
    );
    let xml = xmlsec1_sign(&template, "idp", RSA_SHA256);
    check_rejected(&decrypting(&["sp"]), &xml, Check::Schema);
}

#[test]
fn too_many_encrypted_attributes_are_refused_before_decrypting() {
    let xml = signed_with(&[Part::Attribute], AES128_GCM, Transport::Mgf1p, "sp");
    let start = xml.find("<saml:EncryptedAttribute>").unwrap();
    let end = xml.find("</saml:EncryptedAttribute>").unwrap() + "</saml:EncryptedAttribute>".len();
    let block = &xml[start..end];
    let unsigned = |copies: usize| {
        let template = Resp::default().render(true, false);
        let encrypted = encrypt_part(&template, Part::Attribute, AES128_GCM, Transport::Mgf1p, "sp");
        let at = encrypted.find("<saml:EncryptedAttribute>").unwrap();
        let mut out = encrypted.clone();
        out.insert_str(at, &block.repeat(copies));
        out
    };
    let over = xmlsec1_sign(&unsigned(MAX_ENCRYPTED_ATTRIBUTES), "idp", RSA_SHA256);
    check_rejected(&decrypting(&["sp"]), &over, Check::Size);
    // At the bound, every copy decrypts (the same attribute, its value repeated).
    let at_bound = xmlsec1_sign(&unsigned(MAX_ENCRYPTED_ATTRIBUTES - 1), "idp", RSA_SHA256);
    let a = verify_with(&decrypting(&["sp"]), &at_bound).unwrap();
    assert_eq!(
        a.attribute("OrangeAPIToken").map(<[_]>::len),
        Some(MAX_ENCRYPTED_ATTRIBUTES)
    );
}
