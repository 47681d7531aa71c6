//! Entry points for the cargo-fuzz targets in `fuzz/fuzz_targets/saml_*.rs` (and a piece the
//! benches time alone). Not a stable API.
//!
//! The IdP metadata seeds are built by the tests of `crates/saml/tests/it/metadata.rs`.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

mod logout;
#[cfg(feature = "fuzzing")]
pub mod structured;

pub use logout::fuzz_logout;
#[cfg(feature = "fuzzing")]
pub use structured::{StructuredResponse, fuzz_structured_response};

use crate::{
    IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore, MetadataTrust,
    ResponseVerifier, ServiceProvider, SpMetadata, parse_idp_metadata, verify_idp_metadata, xml,
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
/// always the one indistinguishable error. The input is also read as an SP key PEM and as a
/// PKCS#1 key DER (`pkcs1.rs`): a PKCS#1 key AWS-LC re-wraps must load as a decryption key.
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
    let _ = crate::DecryptionKey::from_pem(data);
    if let Some(pkcs8) = crate::pkcs1::der_as_pkcs8(data) {
        assert!(
            aws_lc_rs::rsa::PrivateDecryptingKey::from_pkcs8(&pkcs8).is_ok(),
            "a re-wrapped PKCS#1 key must load as PKCS#8"
        );
    }
}

/// The SP's exclusive C14N against bergshamra's on any document the SP's hardened parser accepts:
/// every element as the signed one, with and without an excluded child, under several
/// `PrefixList`s. Panics on the first difference in output bytes (see `signature::c14n`).
pub fn fuzz_c14n(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = xml::parse(text) else {
        return;
    };
    if let Err(difference) = crate::signature::c14n::compare_with_bergshamra(&doc) {
        panic!("exclusive C14N differs from bergshamra's: {difference}");
    }
}

/// The SP's exclusive C14N of `apex` without `excluded` (see `signature::c14n`), for the
/// `part_c14n_*_netid` rows of the `consume_response` bench.
pub fn exclusive_c14n<'d>(
    doc: &'d uppsala::Document<'d>,
    apex: uppsala::NodeId,
    excluded: Option<uppsala::NodeId>,
    out: &mut Vec<u8>,
) {
    crate::signature::c14n::exclusive(doc, apex, excluded, &[], out);
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
/// taken from the input is well-formed XML that carries them unchanged, or is refused. Signed
/// metadata (see [`fuzz_signed_metadata`]) goes through the verifier too.
pub fn fuzz_metadata(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    fuzz_signed_metadata(text);
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

/// Signed IdP metadata verified against the test IdP certificate. Properties: verified metadata is
/// valid now, has a signing certificate, is due for refresh no earlier than now and no later than
/// the caller's bound, and, for an `EntityDescriptor`, reads as the unsigned reader reads it.
pub fn fuzz_signed_metadata(text: &str) {
    static TRUST: OnceLock<Option<MetadataTrust>> = OnceLock::new();
    let Some(trust) = TRUST
        .get_or_init(|| Some(MetadataTrust::new(vec![IdpCertificate::from_pem(IDP_CERT).ok()?])))
        .as_ref()
    else {
        return;
    };
    let Ok(md) = verify_idp_metadata(text, trust, now()) else {
        return;
    };
    assert!(md.is_valid_at(now()), "accepted expired metadata");
    let idp = md.identity_provider();
    assert!(
        !idp.certificates.is_empty(),
        "verified metadata without a signing certificate"
    );
    let refresh = md.refresh_at(now());
    assert!(
        refresh >= now() && refresh <= now() + trust.max_cache_duration,
        "refresh time outside [now, now + bound]"
    );
    if let Ok(plain) = parse_idp_metadata(text) {
        assert_eq!(
            (&plain.entity_id, &plain.sso_url, plain.certificates.len()),
            (&idp.entity_id, &idp.sso_url, idp.certificates.len()),
            "verified and unsigned readings differ"
        );
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

    #[test]
    fn signed_metadata_seed_verifies() {
        let seed = include_str!("../../../fuzz/seeds/saml_metadata/idp-metadata-signed.xml");
        let trust = MetadataTrust::new(vec![IdpCertificate::from_pem(IDP_CERT).unwrap()]);
        let md = verify_idp_metadata(seed, &trust, now()).unwrap();
        assert_eq!(md.identity_provider().certificates.len(), 2);
        fuzz_metadata(seed.as_bytes());
        // One flipped byte in the signed content is refused, not accepted.
        let tampered = seed.replacen("https://idp.example/sso", "https://idp.example/ssx", 1);
        assert!(verify_idp_metadata(&tampered, &trust, now()).is_err());
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
