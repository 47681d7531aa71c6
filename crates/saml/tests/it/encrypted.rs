//! Encrypted assertions made at test time by third-party tools: Debian's `xmlsec1 --encrypt`
//! (data encryption, and its own RSA-OAEP MGF1-SHA1 and PKCS#1 v1.5 key transport), and
//! `openssl pkeyutl` for the XML Encryption 1.1 `rsa-oaep` key transport, which xmlsec1 1.2
//! does not implement.

use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_saml::{Check, DecryptionKey, ResponseVerifier};

use crate::support::*;

const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
const DATA: [&str; 5] = [
    "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "http://www.w3.org/2009/xmlenc11#aes192-gcm",
    "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
];
pub(crate) const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
pub(crate) const AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
pub(crate) const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";

/// How the session key travels.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Transport {
    /// xmlsec1's own `rsa-oaep-mgf1p` (SHA-1 digest, MGF1-SHA1).
    Mgf1p,
    /// xmlsec1's own `rsa-1_5`.
    Pkcs1v15,
    /// `xmlenc11#rsa-oaep` made by `openssl pkeyutl` with this digest and MGF1 hash.
    Oaep11(&'static str, &'static str),
}

fn session_bits(data: &str) -> usize {
    ["128", "192", "256"]
        .into_iter()
        .find(|b| data.contains(&format!("aes{b}")))
        .and_then(|b| b.parse().ok())
        .expect("AES algorithm")
}

/// The SAML element to encrypt, inside its `Encrypted…` wrapper.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    /// The Assertion `_assert1`, as an EncryptedAssertion.
    Assertion,
    /// The first NameID, as an EncryptedID.
    NameId,
    /// The first Attribute, as an EncryptedAttribute.
    Attribute,
}

impl Part {
    /// (the element's local name, its wrapper's)
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Assertion => ("Assertion", "EncryptedAssertion"),
            Self::NameId => ("NameID", "EncryptedID"),
            Self::Attribute => ("Attribute", "EncryptedAttribute"),
        }
    }
}

/// Encrypts the first `saml:Assertion` of `response` for the certificate `<cert>.crt`, inside a
/// `saml:EncryptedAssertion`.
pub(crate) fn encrypt(response: &str, data: &str, transport: Transport, cert: &str) -> String {
    encrypt_part(response, Part::Assertion, data, transport, cert)
}

/// Encrypts `part` of `response` with `xmlsec1 --encrypt` for the certificate `<cert>.crt`.
pub(crate) fn encrypt_part(
    response: &str,
    part: Part,
    data: &str,
    transport: Transport,
    cert: &str,
) -> String {
    let (local, wrapper) = part.names();
    let before = response.matches(&format!("<saml:{local} ")).count();
    let wrapped = response
        .replacen(
            &format!("<saml:{local} "),
            &format!("<saml:{wrapper}><saml:{local} "),
            1,
        )
        .replacen(
            &format!("</saml:{local}>"),
            &format!("</saml:{local}></saml:{wrapper}>"),
            1,
        );
    let key_info = match transport {
        Transport::Mgf1p | Transport::Pkcs1v15 => {
            let (uri, params) = match transport {
                Transport::Mgf1p => (
                    format!("{XENC}rsa-oaep-mgf1p"),
                    "<ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>",
                ),
                _ => (format!("{XENC}rsa-1_5"), ""),
            };
            format!(
                "<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"{uri}\">{params}</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey>"
            )
        }
        Transport::Oaep11(..) => "<ds:KeyName>session</ds:KeyName>".to_owned(),
    };
    let template = format!(
        "<xenc:EncryptedData xmlns:xenc=\"{XENC}\" Type=\"{XENC}Element\"><xenc:EncryptionMethod Algorithm=\"{data}\"/><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">{key_info}</ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"
    );
    let (tmpl, doc, out, session) = (
        tmp_path("enc-template.xml"),
        tmp_path("enc-doc.xml"),
        tmp_path("enc-out.xml"),
        tmp_path("session.bin"),
    );
    std::fs::write(&tmpl, template).unwrap();
    std::fs::write(&doc, wrapped).unwrap();
    let bits = session_bits(data);
    let mut cmd = Command::new("xmlsec1");
    cmd.arg("--encrypt");
    match transport {
        Transport::Oaep11(..) => {
            run(
                Command::new("openssl")
                    .args(["rand", "-out"])
                    .arg(&session)
                    .arg((bits / 8).to_string()),
                "openssl",
            );
            cmd.arg("--aeskey:session").arg(&session);
        }
        _ => {
            cmd.arg("--pubkey-cert-pem")
                .arg(key_path(&format!("{cert}.crt")))
                .arg("--session-key")
                .arg(format!("aes-{bits}"));
        }
    }
    match part {
        Part::Assertion => cmd.args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--node-id",
            "_assert1",
        ]),
        _ => cmd
            .arg("--node-name")
            .arg(format!("urn:oasis:names:tc:SAML:2.0:assertion:{local}")),
    };
    cmd.arg("--xml-data")
        .arg(&doc)
        .arg("--output")
        .arg(&out)
        .arg(&tmpl);
    run(&mut cmd, "xmlsec1");
    let mut encrypted = std::fs::read_to_string(&out).unwrap();
    if let Transport::Oaep11(digest, mgf) = transport {
        let public = tmp_path("sp-pub.pem");
        let pem = run(
            Command::new("openssl")
                .args(["x509", "-pubkey", "-noout", "-in"])
                .arg(key_path(&format!("{cert}.crt"))),
            "openssl",
        );
        std::fs::write(&public, pem).unwrap();
        let wrapped_key = run(
            Command::new("openssl")
                .args(["pkeyutl", "-encrypt", "-pubin", "-inkey"])
                .arg(&public)
                .arg("-in")
                .arg(&session)
                .args([
                    "-pkeyopt",
                    "rsa_padding_mode:oaep",
                    "-pkeyopt",
                    &format!("rsa_oaep_md:{digest}"),
                    "-pkeyopt",
                    &format!("rsa_mgf1_md:{mgf}"),
                ]),
            "openssl",
        );
        let digest_uri = match digest {
            "sha256" => "http://www.w3.org/2001/04/xmlenc#sha256",
            _ => "http://www.w3.org/2000/09/xmldsig#sha1",
        };
        let encrypted_key = format!(
            "<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"{XENC11}rsa-oaep\"><ds:DigestMethod Algorithm=\"{digest_uri}\"/><xenc11:MGF xmlns:xenc11=\"{XENC11}\" Algorithm=\"{XENC11}mgf1{mgf}\"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>",
            STANDARD.encode(wrapped_key)
        );
        encrypted = encrypted.replacen("<ds:KeyName>session</ds:KeyName>", &encrypted_key, 1);
        let _ = std::fs::remove_file(public);
    }
    for p in [tmpl, doc, out, session] {
        let _ = std::fs::remove_file(p);
    }
    assert!(encrypted.contains(&format!("<saml:{wrapper}><xenc:EncryptedData")));
    assert_eq!(
        encrypted.matches(&format!("<saml:{local} ")).count(),
        before - 1,
        "xmlsec1 left the {local} in the clear"
    );
    encrypted
}

pub(crate) fn sp_key(name: &str) -> DecryptionKey {
    DecryptionKey::from_pem(&read_key(&format!("{name}.key"))).expect("SP key")
}

pub(crate) fn decrypting(keys: &[&str]) -> ResponseVerifier {
    keys.iter().fold(verifier(), |v, k| v.decryption_key(sp_key(k)))
}

/// The honest Response (Assertion signed by the IdP), encrypted for the SP.
fn honest(data: &str, transport: Transport) -> String {
    encrypt(&Resp::default().signed(), data, transport, "sp")
}

#[test]
fn every_algorithm_decrypts_to_the_signed_assertion() {
    let mut cases: Vec<(&str, Transport)> = DATA.iter().map(|d| (*d, Transport::Mgf1p)).collect();
    cases.push((AES256_GCM, Transport::Oaep11("sha256", "sha256")));
    if cfg!(feature = "legacy-rsa") {
        cases.push((AES128_CBC, Transport::Oaep11("sha1", "sha256")));
        cases.push((AES128_CBC, Transport::Oaep11("sha256", "sha1")));
    }
    for (data, transport) in cases {
        let xml = honest(data, transport);
        let a =
            verify_with(&decrypting(&["sp"]), &xml).unwrap_or_else(|e| panic!("{data} {transport:?}: {e}"));
        assert_eq!(
            a.name_id.value.expose_pii(),
            "4b124ae2-0126-102b-8852-001a641049bb"
        );
        assert!(a.assertion_signed && !a.response_signed, "{data}");
        assert_eq!(a.in_response_to.as_deref(), Some(REQ));
        assert_eq!(a.attribute("role").map(<[_]>::len), Some(2));
    }
}

#[test]
fn oaep_with_two_hashes_needs_the_legacy_rsa_feature() {
    // AWS-LC offers RSA-OAEP with equal digest and MGF1 hashes only; the `legacy-rsa` feature adds
    // RustCrypto's `rsa` for the other pairs (decrypted in the test above). Without it the
    // EncryptedKey is refused by algorithm, before any decryption, naming the feature.
    for (digest, mgf) in [("sha1", "sha256"), ("sha256", "sha1")] {
        let xml = honest(AES128_CBC, Transport::Oaep11(digest, mgf));
        let result = verify_with(&decrypting(&["sp"]), &xml);
        if cfg!(feature = "legacy-rsa") {
            result.unwrap_or_else(|e| panic!("{digest}/{mgf}: {e}"));
        } else {
            let e = result.expect_err("refused without the feature");
            assert_eq!(e.check(), Some(Check::Algorithm));
            assert!(e.to_string().contains("`legacy-rsa` feature"), "{e}");
        }
    }
}

#[test]
fn pkcs1v15_key_transport_is_refused_unless_opted_in() {
    let xml = honest(AES256_GCM, Transport::Pkcs1v15);
    check_rejected(&decrypting(&["sp"]), &xml, Check::Algorithm);
    let a = verify_with(&decrypting(&["sp"]).insecure_allow_rsa_pkcs1v15(true), &xml).unwrap();
    assert!(a.assertion_signed);
}

#[test]
fn no_decryption_key_configured_is_refused() {
    check_rejected(
        &verifier(),
        &honest(AES256_GCM, Transport::Mgf1p),
        Check::Decryption,
    );
}

#[test]
fn rollover_either_key_decrypts() {
    for cert in ["sp", "attacker"] {
        let xml = encrypt(&Resp::default().signed(), AES128_CBC, Transport::Mgf1p, cert);
        for keys in [["sp", "attacker"], ["attacker", "sp"]] {
            verify_with(&decrypting(&keys), &xml).unwrap_or_else(|e| panic!("{cert} {keys:?}: {e}"));
        }
        let other = if cert == "sp" { "attacker" } else { "sp" };
        check_rejected(&decrypting(&[other]), &xml, Check::Decryption);
    }
}

/// Flips one Base64 character in the middle of the EncryptedData's CipherValue (the last one in
/// the document), changing a ciphertext block.
pub(crate) fn tamper(xml: &str) -> String {
    let start = xml.rfind("<xenc:CipherValue>").unwrap() + "<xenc:CipherValue>".len();
    let end = start + xml[start..].find('<').unwrap();
    let mid = start + (end - start) / 2;
    let mut out = xml.to_owned();
    let c = if &xml[mid..=mid] == "A" { "B" } else { "A" };
    out.replace_range(mid..=mid, c);
    out
}

#[test]
fn tampered_ciphertext_and_wrong_key_give_one_indistinguishable_error() {
    let v = decrypting(&["sp"]);
    let mut errors = Vec::new();
    for data in [AES128_CBC, AES256_GCM] {
        errors.push(verify_with(&v, &tamper(&honest(data, Transport::Mgf1p))).unwrap_err());
        let foreign = encrypt(&Resp::default().signed(), data, Transport::Mgf1p, "attacker");
        errors.push(verify_with(&v, &foreign).unwrap_err());
    }
    // A CBC plaintext whose last block was damaged: the padding or the XML breaks.
    let xml = honest(AES128_CBC, Transport::Mgf1p);
    let end = xml.rfind("</xenc:CipherValue>").unwrap();
    let mut cut = xml.clone();
    cut.replace_range(end - 30..end - 26, "AAAA");
    errors.push(verify_with(&v, &cut).unwrap_err());
    for e in &errors {
        assert_eq!(e.check(), Some(Check::Decryption), "{e}");
        assert_eq!(e, &errors[0]);
    }
}

#[test]
fn decrypted_assertion_with_a_bad_signature_is_refused() {
    let signed = Resp::default().signed();
    let forged = signed.replacen("4b124ae2-0126-102b-8852-001a641049bb", "admin", 1);
    assert_ne!(forged, signed);
    let xml = encrypt(&forged, AES256_GCM, Transport::Mgf1p, "sp");
    check_rejected(&decrypting(&["sp"]), &xml, Check::Signature);
}

#[test]
fn unsigned_encrypted_assertion_is_refused() {
    let resp = Resp {
        sign: Sign::Nothing,
        ..Resp::default()
    };
    let xml = encrypt(&resp.signed(), AES256_GCM, Transport::Mgf1p, "sp");
    check_rejected(&decrypting(&["sp"]), &xml, Check::Signature);
}

/// A Response whose signature covers the EncryptedAssertion (the Assertion itself unsigned).
fn response_signed_over_encrypted(data: &str) -> String {
    let resp = Resp {
        sign: Sign::Nothing,
        ..Resp::default()
    };
    let encrypted = encrypt(&resp.signed(), data, Transport::Mgf1p, "sp");
    let with_template = encrypted.replacen(
        "<samlp:Status>",
        &format!("{}<samlp:Status>", resp.signature_template(&resp.response_id)),
        1,
    );
    xmlsec1_sign(&with_template, "idp", RSA_SHA256)
}

#[test]
fn a_response_signature_over_the_encrypted_assertion_counts() {
    let xml = response_signed_over_encrypted(AES128_CBC);
    let a = verify_with(&decrypting(&["sp"]), &xml).unwrap();
    assert!(a.response_signed && !a.assertion_signed);
    check_rejected(
        &decrypting(&["sp"]).want_assertions_signed(true),
        &xml,
        Check::Signature,
    );
    // Tampering is caught by the Response signature before anything is decrypted.
    check_rejected(&decrypting(&["sp"]), &tamper(&xml), Check::Signature);
}

#[test]
fn wrapping_a_plain_and_an_encrypted_assertion_is_refused() {
    let v = decrypting(&["sp"]);
    let signed = Resp::default().signed();
    let encrypted = honest(AES256_GCM, Transport::Mgf1p);
    let start = encrypted.find("<saml:EncryptedAssertion>").unwrap();
    let end = encrypted.find("</saml:EncryptedAssertion>").unwrap() + "</saml:EncryptedAssertion>".len();
    let block = &encrypted[start..end];
    // Signed plain assertion, then an extra encrypted one (and the reverse order).
    let after = signed.replacen("</samlp:Response>", &format!("{block}</samlp:Response>"), 1);
    check_rejected(&v, &after, Check::AssertionCount);
    let before = signed.replacen("<saml:Assertion ", &format!("{block}<saml:Assertion "), 1);
    check_rejected(&v, &before, Check::AssertionCount);
    // An encrypted assertion nested in Extensions, beside nothing.
    let nested = encrypted.replacen(block, &format!("<samlp:Extensions>{block}</samlp:Extensions>"), 1);
    check_rejected(&v, &nested, Check::AssertionCount);
}

#[test]
fn a_dtd_in_the_response_is_refused_before_decrypting() {
    let xml = honest(AES256_GCM, Transport::Mgf1p).replacen(
        "<samlp:Response",
        "<!DOCTYPE r [<!ENTITY e \"x\">]><samlp:Response",
        1,
    );
    check_rejected(&decrypting(&["sp"]), &xml, Check::Xml);
}
