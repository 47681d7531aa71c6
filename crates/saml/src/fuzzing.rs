//! Entry points for the cargo-fuzz targets in `fuzz/fuzz_targets/saml_*.rs`. Not a stable API.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use crate::{
    IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore, ResponseVerifier,
    ServiceProvider,
};

/// The test-only IdP certificate committed under `tests/fixtures/keys`.
const IDP_CERT: &[u8] = include_bytes!("../tests/fixtures/keys/idp.crt");

/// Built once: the fuzzer should spend its time in the consumer, not in certificate parsing.
fn verifier() -> Option<&'static ResponseVerifier> {
    static VERIFIER: OnceLock<Option<ResponseVerifier>> = OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            let cert = IdpCertificate::from_pem(IDP_CERT).ok()?;
            let idp = IdentityProvider::new("https://idp.example/saml", vec![cert]);
            let sp = ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs");
            Some(ResponseVerifier::new(idp, sp).allow_unsolicited(true))
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

/// Feeds an arbitrary query string to the HTTP-Redirect decoder; must never panic.
pub fn fuzz_redirect(data: &[u8]) {
    let Some(v) = verifier() else { return };
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
    let _ = v.verify_redirect(query, now(), &requests, &replay);
    let _ = crate::redirect::inflate(data, 64 * 1024);
}
