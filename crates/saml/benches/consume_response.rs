//! Consuming a ~4 KB assertion-signed Response with every SP check, beside the bare bergshamra
//! signature check (parse + XML-DSig verification) on the same bytes, and beside the same
//! Response with its Assertion encrypted for the SP (`xmlsec1 --encrypt`: AES-128-GCM,
//! RSA-OAEP key transport to a 2048-bit key).
//!
//! Run: `cargo bench -p netid-saml --bench consume_response`.

use std::time::{Duration, SystemTime};

use bergshamra::dsig::verify::verify_all_document_with_source;
use bergshamra::{DsigContext, KeysManager};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use netid_saml::{
    DecryptionKey, IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore,
    RequestStore as _, ResponseVerifier, ServiceProvider,
};

const XML: &str = include_str!("../tests/fixtures/responses/bench-4k.xml");
const ENCRYPTED: &str = include_str!("../tests/fixtures/responses/bench-4k-encrypted.xml");
const CERT: &[u8] = include_bytes!("../tests/fixtures/keys/idp.crt");
const SP_KEY: &[u8] = include_bytes!("../tests/fixtures/keys/sp.key");

fn bench(c: &mut Criterion) {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 300);
    let mut group = c.benchmark_group("consume_4k_response");

    let mut keys = KeysManager::new();
    keys.add_key(bergshamra::keys::loader::load_x509_cert_pem(CERT).expect("test certificate"));
    group.bench_function("bergshamra_signature_only", |b| {
        b.iter(|| {
            let doc = uppsala::Parser::new()
                .with_forbid_dtd(true)
                .parse(XML)
                .expect("fixture parses");
            let ctx = DsigContext::new(keys.clone());
            let results = verify_all_document_with_source(&ctx, &doc, Some(XML)).expect("signature");
            assert!(results.iter().all(|r| r.is_valid()));
        });
    });

    let cert = IdpCertificate::from_pem(CERT).expect("test certificate");
    let verifier = ResponseVerifier::new(
        IdentityProvider::new("https://idp.example/saml", vec![cert]),
        ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs"),
    )
    .decryption_key(DecryptionKey::from_pem(SP_KEY).expect("test SP key"));
    for (name, xml) in [
        ("response_verifier_full", XML),
        ("response_verifier_full_encrypted", ENCRYPTED),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let requests = InMemoryRequestStore::new();
                    requests.insert("_req1", now + Duration::from_secs(600), now);
                    (requests, InMemoryReplayCache::new())
                },
                |(requests, replay)| {
                    verifier
                        .verify_xml(xml.as_bytes(), now, &requests, &replay)
                        .expect("honest response")
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
