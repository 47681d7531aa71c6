use aws_lc_rs::cipher::{AES_128, EncryptingKey, EncryptionContext, UnboundCipherKey};
use aws_lc_rs::iv::FixedLength;

use super::cipher::{DataAlgorithm, OaepHash, oaep_digest, oaep_mgf};
use super::*;

const KEY: [u8; 16] = [7; 16];
const IV: [u8; 16] = [9; 16];

/// AES-128-CBC over `plain` (already padded to whole blocks), IV first, as XML Encryption lays it.
fn cbc_encrypt(plain: &[u8]) -> Vec<u8> {
    let mut ct = plain.to_vec();
    EncryptingKey::cbc(UnboundCipherKey::new(&AES_128, &KEY).unwrap())
        .unwrap()
        .less_safe_encrypt(&mut ct, EncryptionContext::Iv128(FixedLength::from(&IV)))
        .unwrap();
    [IV.to_vec(), ct].concat()
}

#[test]
fn cbc_padding_is_checked_in_full_without_early_exit() {
    let block = |last: u8| {
        let mut b = *b"<a/>xxxxxxxxxxxx";
        b[15] = last;
        b
    };
    // (last octet, valid, plaintext kept)
    for (last, valid, kept) in [
        (12u8, true, &b"<a/>"[..]),
        (1, true, &b"<a/>xxxxxxxxxxx"[..]),
        (16, true, &b""[..]),
        (0, false, &block(0)[..]),
        (17, false, &block(17)[..]),
        (255, false, &block(255)[..]),
    ] {
        let data = cbc_encrypt(&[[0x20; 16], block(last)].concat());
        let (plain, ok) = DataAlgorithm::Aes128Cbc.decrypt(&KEY, &data);
        assert_eq!(bool::from(ok), valid, "pad {last}");
        // Invalid padding still hands the whole decryption on, for the XML step to run over.
        assert_eq!(&plain[16..], kept, "pad {last}");
    }
}

#[test]
fn malformed_lengths_and_wrong_keys_fail() {
    for (algorithm, key, data) in [
        (DataAlgorithm::Aes128Cbc, &KEY[..], vec![0u8; 16]),
        (DataAlgorithm::Aes128Cbc, &KEY[..], vec![0u8; 33]),
        (DataAlgorithm::Aes128Cbc, &KEY[..8], vec![0u8; 32]),
        (DataAlgorithm::Aes128Gcm, &KEY[..], vec![0u8; 27]),
        (DataAlgorithm::Aes128Gcm, &KEY[..], vec![0u8; 64]),
        (DataAlgorithm::Aes256Gcm, &KEY[..], vec![0u8; 64]),
    ] {
        let (_, ok) = algorithm.decrypt(key, &data);
        assert!(!bool::from(ok), "{algorithm:?} {} {}", key.len(), data.len());
    }
}

#[test]
fn algorithm_tables() {
    for (algorithm, uri) in DataAlgorithm::TABLE {
        assert_eq!(DataAlgorithm::from_uri(uri), Some(algorithm));
        assert!(uri.contains(&format!("{}", algorithm.key_len() * 8)), "{uri}");
    }
    assert_eq!(
        DataAlgorithm::from_uri("http://www.w3.org/2001/04/xmlenc#tripledes-cbc"),
        None
    );
    assert_eq!(oaep_digest(None), Some(OaepHash::Sha1));
    assert_eq!(
        oaep_digest(Some("http://www.w3.org/2001/04/xmlenc#sha256")),
        Some(OaepHash::Sha256)
    );
    assert_eq!(
        oaep_digest(Some("http://www.w3.org/2001/04/xmldsig-more#md5")),
        None
    );
    assert_eq!(
        oaep_mgf(Some("http://www.w3.org/2009/xmlenc11#mgf1sha256")),
        Some(OaepHash::Sha256)
    );
    assert_eq!(oaep_mgf(Some("http://www.w3.org/2009/xmlenc11#mgf1sha512")), None);
}

/// One EncryptedAssertion document, with `method` as the EncryptedKey's EncryptionMethod.
fn check_transport(method: &str, allow_pkcs1v15: bool, expected: Option<Check>) {
    let xml = format!(
        concat!(
            r#"<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#,
            r#"<xenc:EncryptedData><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>"#,
            r#"<ds:KeyInfo><xenc:EncryptedKey>{}<xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"#,
            r#"<xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>"#
        ),
        method
    );
    let doc = xml::parse(&xml).unwrap();
    let ea = doc.document_element().unwrap();
    let key = DecryptionKey::from_pem(include_bytes!("../../tests/fixtures/keys/sp.key")).unwrap();
    let got = decrypt(&doc, ea, Encrypted::Assertion, &[key], allow_pkcs1v15, 1024)
        .and_then(|d| d.parse().map(|_| ()))
        .err()
        .and_then(|e| e.check());
    assert_eq!(got, expected, "{method}");
}

#[test]
fn key_transport_allow_list() {
    let oaep = r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>"#;
    let v15 = r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-1_5"/>"#;
    let mgf_on_mgf1p = r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/></xenc:EncryptionMethod>"#;
    let kw = r#"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#kw-aes128"/>"#;
    // A well-formed but undecryptable message reaches the one decryption error.
    check_transport(oaep, false, Some(Check::Decryption));
    check_transport(v15, false, Some(Check::Algorithm));
    check_transport(v15, true, Some(Check::Decryption));
    check_transport(mgf_on_mgf1p, false, Some(Check::Algorithm));
    check_transport(kw, false, Some(Check::Algorithm));
}

#[test]
fn decryption_keys_load_and_redact() {
    let pem = include_bytes!("../../tests/fixtures/keys/sp.key");
    let key = DecryptionKey::from_pem(pem).unwrap();
    assert_eq!(format!("{key:?}"), "DecryptionKey([redacted])");
    for bad in [
        &include_bytes!("../../tests/fixtures/keys/sp.crt")[..],
        &include_bytes!("../../tests/fixtures/keys/idp-ec.key")[..],
        b"-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----\n",
        b"\xff",
    ] {
        assert!(matches!(DecryptionKey::from_pem(bad), Err(Error::Config { .. })));
    }
}

#[test]
fn plaintext_is_wrapped_with_the_namespaces_in_scope() {
    let xml = r#"<r xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns="urn:d"><saml:EncryptedAssertion xmlns:x="a&amp;b"/></r>"#;
    let doc = xml::parse(xml).unwrap();
    let root = doc.document_element().unwrap();
    let ea = xml::child_elements(&doc, root).next().unwrap();
    let mut found = namespaces_in_scope(&doc, ea);
    found.sort();
    assert_eq!(
        found,
        [
            (String::new(), "urn:d".to_owned()),
            (
                "saml".to_owned(),
                "urn:oasis:names:tc:SAML:2.0:assertion".to_owned()
            ),
            ("x".to_owned(), "a&b".to_owned()),
        ]
    );
}

#[test]
fn fuzz_entry_point_holds_its_properties_on_seeds() {
    for input in [
        &b""[..],
        b"\x00",
        b"\x00<saml:Assertion/>",
        b"\x03<saml:Assertion ID='a'/>",
        b"\x04<saml:Assertion/><saml:Assertion/>",
        b"\x01<!DOCTYPE a><saml:Assertion/>",
        b"\x02\xff\xfe",
        &[7u8; 64],
    ] {
        fuzz(input);
        crate::fuzzing::fuzz_decrypt(input);
    }
}

#[test]
fn the_plaintext_must_be_the_element_its_wrapper_allows() {
    let ns = [("saml".to_owned(), NS_SAML.to_owned())];
    let ok = Choice::from(1);
    // (plaintext, kind, accepted)
    for (plain, kind, accepted) in [
        ("<saml:NameID>a</saml:NameID>", Encrypted::NameId, true),
        ("<saml:Attribute Name=\"n\"/>", Encrypted::Attribute, true),
        ("<saml:Assertion/>", Encrypted::Assertion, true),
        // An EncryptedID smuggling an Assertion, or an EncryptedAttribute a NameID.
        ("<saml:Assertion/>", Encrypted::NameId, false),
        ("<saml:NameID>a</saml:NameID>", Encrypted::Attribute, false),
        (
            "<saml:NameID>a</saml:NameID><saml:NameID>b</saml:NameID>",
            Encrypted::NameId,
            false,
        ),
        ("text<saml:NameID>a</saml:NameID>", Encrypted::NameId, false),
    ] {
        let got = wrap(&ns, plain.as_bytes(), ok, kind).parse().map(|_| ());
        match accepted {
            true => assert_eq!(got, Ok(()), "{plain} as {kind:?}"),
            false => assert_eq!(
                got,
                Err(Error::reject(Check::Decryption, FAILED)),
                "{plain} as {kind:?}"
            ),
        }
    }
    // A failed step before the parse fails the same way, whatever the plaintext.
    let failed = wrap(
        &ns,
        b"<saml:NameID>a</saml:NameID>",
        Choice::from(0),
        Encrypted::NameId,
    );
    assert_eq!(
        failed.parse().map(|_| ()),
        Err(Error::reject(Check::Decryption, FAILED))
    );
}
