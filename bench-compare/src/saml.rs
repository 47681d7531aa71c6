//! The 4 KB assertion-signed Response of netid-saml's `consume_response` bench, with the same setup
//! and the same frozen clock: `response_verifier_full` (ours) and `bergshamra_signature_only`.

use std::time::{Duration, Instant, SystemTime};

use bergshamra::dsig::verify::verify_all_document_with_source;
use bergshamra::{DsigContext, KeysManager};
use netid_saml::{
    DecryptionKey, IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore,
    RequestStore as _, ResponseVerifier, ServiceProvider,
};

use crate::Row;

/// The fixture and keys of `crates/saml/benches/consume_response.rs`.
pub(crate) const XML: &str = include_str!("../../crates/saml/tests/fixtures/responses/bench-4k.xml");
pub(crate) const CERT: &[u8] = include_bytes!("../../crates/saml/tests/fixtures/keys/idp.crt");
const SP_KEY: &[u8] = include_bytes!("../../crates/saml/tests/fixtures/keys/sp.key");
/// The same files by path, for the Python rows.
pub(crate) const XML_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/saml/tests/fixtures/responses/bench-4k.xml"
);
pub(crate) const CERT_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/saml/tests/fixtures/keys/idp.crt"
);
/// Five minutes after the fixture's IssueInstant (2026-01-01T00:00:00Z), as the criterion bench.
pub(crate) const NOW_UNIX: u64 = 1_767_225_600 + 300;

/// The row every SAML row is compared with.
pub(crate) const OURS: &str = "saml/response_verifier_full";

/// Parses the fixture and checks every signature in it, as the criterion bench's
/// `bergshamra_signature_only` does.
fn bergshamra_check(keys: &KeysManager) -> Result<(), String> {
    let doc = uppsala::Parser::new()
        .with_forbid_dtd(true)
        .parse(XML)
        .map_err(|err| format!("the fixture does not parse: {err:?}"))?;
    let ctx = DsigContext::new(keys.clone());
    let results = verify_all_document_with_source(&ctx, &doc, Some(XML))
        .map_err(|err| format!("bergshamra cannot verify the fixture: {err:?}"))?;
    if results.is_empty() || !results.iter().all(|r| r.is_valid()) {
        return Err("bergshamra does not find the fixture's signature valid".into());
    }
    Ok(())
}

/// The IdP's key in a bergshamra key manager.
pub(crate) fn idp_keys() -> Result<KeysManager, String> {
    let mut keys = KeysManager::new();
    keys.add_key(
        bergshamra::keys::loader::load_x509_cert_pem(CERT)
            .map_err(|err| format!("the IdP certificate: {err:?}"))?,
    );
    Ok(keys)
}

pub(crate) fn rows() -> Result<Vec<Row>, String> {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_UNIX);
    let cert = IdpCertificate::from_pem(CERT).map_err(|err| format!("the IdP certificate: {err}"))?;
    let verifier = ResponseVerifier::new(
        IdentityProvider::new("https://idp.example/saml", vec![cert]),
        ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs"),
    )
    .decryption_key(DecryptionKey::from_pem(SP_KEY).map_err(|err| format!("the SP key: {err}"))?);
    // A fresh request store (holding the fixture's InResponseTo) and replay cache per operation,
    // built outside the clock as criterion's `iter_batched` does.
    let fresh = move || {
        let requests = InMemoryRequestStore::new();
        requests.insert("_req1", now + Duration::from_secs(600), now);
        (requests, InMemoryReplayCache::new())
    };
    let (requests, replay) = fresh();
    verifier
        .verify_xml(XML.as_bytes(), now, &requests, &replay)
        .map_err(|err| format!("ResponseVerifier rejects the fixture: {err}"))?;
    let full = Row {
        name: OURS,
        ours: None,
        per_call: 1,
        batch: Box::new(move |n| {
            let stores: Vec<_> = (0..n).map(|_| fresh()).collect();
            let mut outputs = Vec::with_capacity(stores.len());
            let started = Instant::now();
            for (requests, replay) in &stores {
                outputs.push(verifier.verify_xml(XML.as_bytes(), now, requests, replay));
            }
            let elapsed = started.elapsed();
            // Dropped outside the clock, as criterion drops a batch's inputs and outputs.
            drop((outputs, stores));
            elapsed
        }),
    };

    let keys = idp_keys()?;
    bergshamra_check(&keys)?;
    let bare = Row::simple("saml/bergshamra_signature_only", Some(OURS), move || {
        bergshamra_check(&keys).is_ok()
    });
    Ok(vec![full, bare])
}
