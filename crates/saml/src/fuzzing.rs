//! Entry points for the cargo-fuzz targets in `fuzz/fuzz_targets/saml_*.rs`. Not a stable API.
//!
//! The IdP metadata seeds are built by the tests of `crates/saml/tests/it/metadata.rs`.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use crate::{
    IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore, LogoutRequestBuilder,
    LogoutSession, LogoutVerifier, NameId, Received, ResponseVerifier, ServiceProvider, SpMetadata,
    VerifiedLogout, parse_idp_metadata, xml,
};

/// The test-only IdP certificate committed under `tests/fixtures/keys`.
const IDP_CERT: &[u8] = include_bytes!("../tests/fixtures/keys/idp.crt");
/// The test-only SP key committed under `tests/fixtures/keys` (decrypts the encrypted seeds).
const SP_KEY: &[u8] = include_bytes!("../tests/fixtures/keys/sp.key");

/// Built once: the fuzzer should spend its time in the consumer, not in certificate parsing.
fn verifier() -> Option<&'static ResponseVerifier> {
    static VERIFIER: OnceLock<Option<ResponseVerifier>> = OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            let cert = IdpCertificate::from_pem(IDP_CERT).ok()?;
            let idp = IdentityProvider::new("https://idp.example/saml", vec![cert]);
            let sp = ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs");
            Some(ResponseVerifier::new(idp, sp).insecure_allow_unsolicited(true))
        })
        .as_ref()
}

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 300)
}

/// Feeds arbitrary bytes to the HTTP-POST consumer (as Base64 and as raw XML); must never panic.
pub fn fuzz_response(data: &[u8]) {
    let Some(v) = verifier() else { return };
    let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
    let _ = v.verify_post(data, now(), &requests, &replay);
    let _ = v.verify_xml(data, now(), &requests, &replay);
}

/// The XML Encryption path: whole messages through a verifier holding the test SP decryption
/// key (the EncryptedAssertion structure and algorithm checks), then the data decryption and the
/// plaintext check directly (see `decrypt::fuzz`); never panics, and a decryption failure is
/// always the one indistinguishable error.
pub fn fuzz_decrypt(data: &[u8]) {
    static VERIFIER: OnceLock<Option<ResponseVerifier>> = OnceLock::new();
    let v = VERIFIER.get_or_init(|| {
        let key = crate::DecryptionKey::from_pem(SP_KEY).ok()?;
        let cert = IdpCertificate::from_pem(IDP_CERT).ok()?;
        let idp = IdentityProvider::new("https://idp.example/saml", vec![cert]);
        let sp = ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs");
        Some(
            ResponseVerifier::new(idp, sp)
                .insecure_allow_unsolicited(true)
                .decryption_key(key),
        )
    });
    if let Some(v) = v {
        let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
        let _ = v.verify_xml(data, now(), &requests, &replay);
    }
    crate::decrypt::fuzz(data);
}

/// Feeds an arbitrary query string to the HTTP-Redirect decoder; must never panic.
pub fn fuzz_redirect(data: &[u8]) {
    let Some(v) = verifier() else { return };
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
    let _ = v.verify_redirect(query, now(), &requests, &replay);
    let _ = crate::redirect::inflate(data, 64 * 1024);
    // Random queries never pass the query signature, so what lies behind it is fuzzed directly, as a
    // signed query reaches it: the input as the `SAMLResponse` value (percent-encoded Base64 of
    // DEFLATE), and the input as the XML inside a well-formed value, through the consumer in its
    // redirect mode.
    if let Some(text) = v
        .decode_redirect_message(query, "SAMLResponse")
        .ok()
        .and_then(|xml| String::from_utf8(xml).ok())
    {
        let _ = v.consume(&text, true, now(), &requests, &replay);
    }
    let value = crate::redirect::encode_component(&deflate_base64(data));
    if let Ok(xml) = v.decode_redirect_message(&value, "SAMLResponse") {
        assert_eq!(xml, data, "the redirect encoding must round-trip");
        let _ = v.consume(query, true, now(), &requests, &replay);
    }
}

/// IdP and SP metadata. Properties: an accepted IdP document names an entity and at least one
/// signing certificate, and reads the same twice; SP metadata written for an entity ID and ACS URL
/// taken from the input is well-formed XML that carries them unchanged, or is refused.
pub fn fuzz_metadata(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(idp) = parse_idp_metadata(text) {
        assert!(
            !idp.entity_id.is_empty(),
            "accepted IdP metadata without entityID"
        );
        assert!(
            !idp.certificates.is_empty(),
            "accepted IdP metadata without a signing certificate"
        );
        let again = parse_idp_metadata(text)
            .ok()
            .map(|again| (again.entity_id, again.sso_url));
        assert_eq!(
            again,
            Some((idp.entity_id, idp.sso_url)),
            "IdP metadata reads differently twice"
        );
    }
    let (entity_id, acs_url) = text.split_once('\n').unwrap_or((text, "https://sp.example/acs"));
    let sp = ServiceProvider::new(entity_id, acs_url);
    if let Ok(written) = SpMetadata::default().to_xml(&sp) {
        let doc = match xml::parse(&written) {
            Ok(doc) => doc,
            Err(err) => panic!("SP metadata is not well-formed XML: {err}"),
        };
        let root = doc.document_element();
        let entity = root.and_then(|root| xml::attr(&doc, root, "entityID"));
        assert_eq!(entity, Some(entity_id), "SP metadata changed the entity ID");
    }
}

/// The SP's SLO URL of the logout verifier below.
const SP_SLO: &str = "https://sp.example/saml/slo";

/// Logout messages: arbitrary bytes as a POSTed value, as XML and as a Redirect query (with the
/// SP decryption key, so an EncryptedID reaches the decryptor); then as the XML behind a verified
/// query signature. Properties: nothing panics; an accepted LogoutRequest names the session's
/// NameID; a LogoutRequest the SP builds for a NameID taken from the input reads back with that
/// NameID.
pub fn fuzz_logout(data: &[u8]) {
    static VERIFIER: OnceLock<Option<LogoutVerifier>> = OnceLock::new();
    let Some(v) = VERIFIER
        .get_or_init(|| {
            let key = crate::DecryptionKey::from_pem(SP_KEY).ok()?;
            let cert = IdpCertificate::from_pem(IDP_CERT).ok()?;
            let idp = IdentityProvider::new("https://idp.example/saml", vec![cert]);
            let sp = ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs")
                .with_slo_url(SP_SLO);
            LogoutVerifier::new(ResponseVerifier::new(idp, sp).decryption_key(key)).ok()
        })
        .as_ref()
    else {
        return;
    };
    let session = LogoutSession::new(NameId::new("fuzz-subject", None), Some("_s1".to_owned()));
    let accepted = |result: Result<crate::UnconsumedLogout, crate::Error>, session: &LogoutSession| {
        let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
        if let Ok(VerifiedLogout::Request(r)) = result.and_then(|u| u.consume_sync(&requests, &replay)) {
            assert_eq!(
                r.name_id.value.expose_pii(),
                session.name_id.value.expose_pii(),
                "accepted a LogoutRequest for another NameID"
            );
        }
    };
    accepted(v.check(Received::Post(data), Some(&session), now()), &session);
    accepted(v.check(Received::Xml(data), Some(&session), now()), &session);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    accepted(v.check(Received::Redirect(text), Some(&session), now()), &session);
    accepted(
        v.check_text(text, [None, None], true, Some(&session), now()),
        &session,
    );

    // Round trip: the SP's own request (as the IdP would send it) for a NameID from the input.
    let value = text.lines().next().unwrap_or_default();
    if value.is_empty()
        || value.trim() != value
        || value
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
    {
        return;
    }
    let session = LogoutSession::new(NameId::new(value, None), None);
    let as_idp = ServiceProvider::new("https://idp.example/saml", "-");
    let Ok(request) = LogoutRequestBuilder::new(&as_idp, SP_SLO, session.clone()).build(now(), &FixedRandom)
    else {
        return;
    };
    match v.check_text(request.xml(), [None, None], true, Some(&session), now()) {
        Ok(unconsumed) => accepted(Ok(unconsumed), &session),
        Err(e) => panic!("the SP's own LogoutRequest does not read back: {e}"),
    }
}

/// A constant random source: the fuzz targets need repeatable IDs, not secret ones.
#[derive(Debug)]
struct FixedRandom;

impl netid_core::ports::SecureRandom for FixedRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), netid_core::ports::RandomError> {
        dest.fill(0x42);
        Ok(())
    }
}

/// DEFLATE then Base64, as an IdP encodes an HTTP-Redirect message.
fn deflate_base64(data: &[u8]) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    let deflated = encoder.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(deflated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The logout seeds and the round trip on awkward NameIDs hold their properties.
    #[test]
    fn logout_seeds_and_name_ids_hold() {
        for text in [
            include_str!("../../../fuzz/seeds/saml_logout/request.xml"),
            include_str!("../../../fuzz/seeds/saml_logout/response.xml"),
            include_str!("../../../fuzz/seeds/saml_logout/redirect.query"),
            "",
            "fuzz-subject",
            "a&b<c>\"d'e",
            "ünïcödé ☃",
            "]]>",
            "<saml:NameID>",
        ] {
            fuzz_logout(text.as_bytes());
        }
        // The signed seeds reach past the signature (the request at 00:05, within its validity).
        let idp = IdentityProvider::new(
            "https://idp.example/saml",
            vec![IdpCertificate::from_pem(IDP_CERT).unwrap()],
        );
        let sp = ServiceProvider::new("https://sp.example/saml", "-").with_slo_url(SP_SLO);
        let v = LogoutVerifier::new(ResponseVerifier::new(idp, sp)).unwrap();
        let session = LogoutSession::new(NameId::new("fuzz-subject", None), Some("_s1".to_owned()));
        for seed in [
            Received::Xml(include_bytes!("../../../fuzz/seeds/saml_logout/request.xml")),
            Received::Redirect(include_str!("../../../fuzz/seeds/saml_logout/redirect.query")),
        ] {
            assert!(v.check(seed, Some(&session), now()).is_ok(), "{seed:?}");
        }
        let response = include_bytes!("../../../fuzz/seeds/saml_logout/response.xml");
        assert!(v.check(Received::Xml(response), None, now()).is_ok());
    }

    /// The metadata seeds and edge cases of attribute values run without a failed property.
    #[test]
    fn metadata_edge_cases_hold() {
        let idp = include_str!("../../../fuzz/seeds/saml_metadata/idp-metadata.xml");
        assert!(
            parse_idp_metadata(idp).is_ok(),
            "the IdP metadata seed must be accepted"
        );
        for text in [
            idp,
            "",
            "https://sp.example/saml\nhttps://sp.example/acs",
            "a\"b<c>&d'e",
            "tab\there",
            "carriage\rreturn",
            "control\u{1}character",
            "\u{fffe}",
            " leading and trailing ",
        ] {
            fuzz_metadata(text.as_bytes());
        }
    }
}
