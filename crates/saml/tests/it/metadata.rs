//! SP metadata generation and IdP metadata reading.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_saml::{NameIdFormat, ServiceProvider, SpMetadata, parse_idp_metadata};

use crate::support::{ACS, IDP, SP, read_key, verify_with};

fn cert_b64(name: &str) -> String {
    let pem = String::from_utf8(read_key(name)).unwrap();
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[test]
fn sp_metadata_snapshot() {
    let mut md = SpMetadata::default();
    md.authn_requests_signed = true;
    md.want_assertions_signed = true;
    md.name_id_formats = vec![NameIdFormat::Persistent, NameIdFormat::Transient];
    md.signing_certificate = Some(STANDARD.decode(cert_b64("sp.crt")).unwrap());
    let xml = md.to_xml(&ServiceProvider::new(SP, ACS)).unwrap();
    insta::assert_snapshot!("sp_metadata", xml);
}

#[test]
fn idp_metadata_is_read_and_usable() {
    let xml = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{enc}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
      {sig}
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#,
        enc = cert_b64("attacker.crt"),
        sig = cert_b64("idp.crt"),
    );
    let idp = parse_idp_metadata(&xml).unwrap();
    assert_eq!(idp.entity_id, IDP);
    assert_eq!(idp.sso_url.as_deref(), Some("https://idp.example/sso"));
    assert_eq!(idp.certificates.len(), 1, "encryption keys are not signing keys");
    let v = netid_saml::ResponseVerifier::new(idp, ServiceProvider::new(SP, ACS));
    verify_with(&v, &crate::support::Resp::default().signed()).expect("metadata certificate verifies");
}

#[test]
fn bad_idp_metadata_is_a_config_error() {
    for xml in [
        "",
        "<x/>",
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"a\"/>",
        "<!DOCTYPE x><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"a\"/>",
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"a\"><md:IDPSSODescriptor/></md:EntityDescriptor>",
    ] {
        let e = parse_idp_metadata(xml).unwrap_err();
        assert!(
            e.to_string().starts_with("invalid configuration: IdP metadata"),
            "{e}"
        );
    }
}

#[test]
fn sp_metadata_publishes_encryption_certificates_and_methods() {
    let mut md = SpMetadata::default();
    md.encryption_certificates = vec![
        STANDARD.decode(cert_b64("sp.crt")).unwrap(),
        STANDARD.decode(cert_b64("attacker.crt")).unwrap(),
    ];
    let xml = md.to_xml(&ServiceProvider::new(SP, ACS)).unwrap();
    assert_eq!(
        xml.matches("<md:KeyDescriptor use=\"encryption\">").count(),
        2,
        "{xml}"
    );
    assert!(!xml.contains("use=\"signing\""), "{xml}");
    for cert in ["sp.crt", "attacker.crt"] {
        assert!(xml.contains(&cert_b64(cert)), "{cert}");
    }
    let methods: Vec<&str> = xml
        .split("<md:EncryptionMethod Algorithm=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let expected = [
        "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        "http://www.w3.org/2009/xmlenc11#aes192-gcm",
        "http://www.w3.org/2009/xmlenc11#aes128-gcm",
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
        "http://www.w3.org/2009/xmlenc11#rsa-oaep",
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    ];
    assert_eq!(methods, [expected, expected].concat());
    assert!(!xml.contains("rsa-1_5"));
}
