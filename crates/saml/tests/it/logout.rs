//! Single Logout against third-party tools: IdP LogoutRequests signed by Debian's `xmlsec1`, with
//! the NameID in the clear or as an `EncryptedID` made by `xmlsec1 --encrypt`, verified and
//! decrypted with the SP keys.

use std::process::Command;

use netid_saml::{
    Check, DecryptionKey, IdentityProvider, InMemoryReplayCache, LogoutSession, LogoutVerifier, NameId,
    Received, ResponseVerifier, ServiceProvider,
};

use crate::encrypted::{AES128_GCM, Part, Transport, encrypt_part};
use crate::support::*;

const SLO: &str = "https://sp.example/saml/slo";
const NAME_ID: &str = "4b124ae2-0126-102b-8852-001a641049bb";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

/// The IdP's LogoutRequest template, with an empty signature after the Issuer.
fn template() -> String {
    format!(
        concat!(
            r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" "#,
            r#"ID="_logout1" Version="2.0" IssueInstant="2026-01-01T00:04:00Z" NotOnOrAfter="2026-01-01T00:09:00Z" Destination="{slo}">"#,
            r#"<saml:Issuer>{idp}</saml:Issuer>{signature}"#,
            r#"<saml:NameID Format="{format}">{name_id}</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex></samlp:LogoutRequest>"#,
        ),
        slo = SLO,
        idp = IDP,
        signature = Resp::default().signature_template("_logout1"),
        format = PERSISTENT,
        name_id = NAME_ID,
    )
}

/// Signs a LogoutRequest with `xmlsec1 --sign` and the IdP key.
fn xmlsec1_sign_logout(xml: &str) -> String {
    let (input, output) = (tmp_path("logout.xml"), tmp_path("logout-signed.xml"));
    std::fs::write(&input, xml).unwrap();
    run(
        Command::new("xmlsec1")
            .arg("--sign")
            .arg("--privkey-pem")
            .arg(format!("{},{}", key_path("idp.key"), key_path("idp.crt")))
            .args([
                "--id-attr:ID",
                "urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest",
                "--output",
            ])
            .arg(&output)
            .arg(&input),
        "xmlsec1",
    );
    let signed = std::fs::read_to_string(&output).unwrap();
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    signed
}

fn logout_verifier(decryption_keys: &[&str]) -> LogoutVerifier {
    let sp = ServiceProvider::new(SP, ACS).with_slo_url(SLO);
    let verifier = decryption_keys.iter().fold(
        ResponseVerifier::new(IdentityProvider::new(IDP, vec![idp_cert()]), sp),
        |v, name| v.decryption_key(DecryptionKey::from_pem(&read_key(&format!("{name}.key"))).unwrap()),
    );
    LogoutVerifier::new(verifier).unwrap()
}

fn session() -> LogoutSession {
    LogoutSession::new(
        NameId::new(NAME_ID, Some(PERSISTENT.to_owned())),
        Some("_s1".to_owned()),
    )
}

fn verify(v: &LogoutVerifier, xml: &str) -> Result<netid_saml::VerifiedLogoutRequest, netid_saml::Error> {
    v.verify_request(
        Received::Xml(xml.as_bytes()),
        &session(),
        now(),
        &InMemoryReplayCache::new(),
    )
}

#[test]
fn an_xmlsec1_signed_logout_request_verifies() {
    let signed = xmlsec1_sign_logout(&template());
    let request = verify(&logout_verifier(&[]), &signed).unwrap();
    assert_eq!(request.id, "_logout1");
    assert_eq!(request.name_id.value.expose_pii(), NAME_ID);
}

#[test]
fn an_encrypted_id_is_decrypted_with_the_sp_keys_and_matched() {
    let encrypted = encrypt_part(&template(), Part::NameId, AES128_GCM, Transport::Mgf1p, "sp");
    assert!(encrypted.contains("<saml:EncryptedID>") && !encrypted.contains(NAME_ID));
    let signed = xmlsec1_sign_logout(&encrypted);
    // The current key after a rollover still decrypts it.
    let request = verify(&logout_verifier(&["attacker", "sp"]), &signed).unwrap();
    assert_eq!(request.name_id.value.expose_pii(), NAME_ID);
    assert_eq!(request.name_id.format.as_deref(), Some(PERSISTENT));
    for keys in [&[][..], &["attacker"][..]] {
        let e = verify(&logout_verifier(keys), &signed).unwrap_err();
        assert_eq!(e.check(), Some(Check::Decryption), "{keys:?}: {e}");
    }
}
