//! Consuming a ~4 KB assertion-signed Response with every SP check, beside the bare bergshamra
//! signature check (parse + XML-DSig verification) on the same bytes, and beside the same
//! Response with its Assertion encrypted for the SP (`xmlsec1 --encrypt`: AES-128-GCM,
//! RSA-OAEP key transport to a 2048-bit key).
//!
//! The `part_*` rows split the plain Response's pipeline into its pieces, each alone on the same
//! bytes: the parse as the verifier makes it, the exclusive C14N of the signed Assertion (enveloped
//! signature removed) and of SignedInfo, the SHA-256 digest of the canonical Assertion, and the
//! RSA-2048 PKCS#1 v1.5 check of SignedInfo's signature: bergshamra's verification call alone
//! (`part_rsa_verify`, AWS-LC underneath), as bergshamra makes it (algorithm and key looked up per
//! signature), and `aws-lc-rs`'s `UnparsedPublicKey::verify` called directly
//! (`part_rsa_verify_aws_lc`, the floor). BENCHMARKS.md subtracts them from
//! `bergshamra_signature_only` and `response_verifier_full` to get the rest.
//!
//! Run: `cargo bench -p netid-saml --bench consume_response`.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bergshamra::c14n::{self, C14nMode};

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use bergshamra::dsig::verify::verify_all_document_with_source;
use bergshamra::xml::nodeset::NodeSet;
use bergshamra::{DsigContext, KeysManager};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
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

    parts(&mut group, &keys);

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

const NS_SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// The pieces of the plain Response's verification, each on its own.
fn parts(group: &mut BenchmarkGroup<'_, WallTime>, keys: &KeysManager) {
    // As `netid_saml`'s hardened parse does it (the DTD scan included).
    let parse = || {
        assert!(!XML.contains("<!DOCTYPE") && !XML.contains("<!ENTITY"));
        uppsala::Parser::new()
            .with_forbid_dtd(true)
            .with_forbid_entities(true)
            .with_max_depth(48)
            .parse(XML)
            .expect("fixture parses")
    };
    group.bench_function("part_parse", |b| b.iter(parse));

    let doc = parse();
    let find = |ns: &str, local: &str| {
        doc.descendants(doc.root())
            .into_iter()
            .find(|&id| doc.element(id).is_some_and(|e| e.matches_name_ns(ns, local)))
            .expect("the fixture has the element")
    };
    let (assertion, signature, signed_info) = (
        find(NS_SAML, "Assertion"),
        find(NS_DS, "Signature"),
        find(NS_DS, "SignedInfo"),
    );
    assert_eq!(
        doc.parent(signature),
        Some(assertion),
        "an assertion-signed Response"
    );
    let no_prefixes: &[&str] = &[];
    // The Reference's transforms: the Assertion's subtree without the enveloped Signature, then
    // exclusive C14N, as bergshamra's streaming path computes it.
    let c14n_assertion = || {
        let mut nodes = NodeSet::tree_without_comments(assertion, &doc);
        remove_subtree(&doc, signature, &mut nodes);
        c14n::canonicalize_doc(&doc, C14nMode::Exclusive, Some(&nodes), no_prefixes).expect("c14n")
    };
    group.bench_function("part_c14n_assertion", |b| b.iter(c14n_assertion));
    let c14n_signed_info = || {
        let nodes = NodeSet::tree_without_comments(signed_info, &doc);
        c14n::canonicalize_doc(&doc, C14nMode::Exclusive, Some(&nodes), no_prefixes).expect("c14n")
    };
    group.bench_function("part_c14n_signed_info", |b| b.iter(c14n_signed_info));
    // The SP's own exclusive C14N (`signature/c14n.rs`), which replaced the two rows above in
    // `response_verifier_full`; same bytes, checked here first.
    let mut out = Vec::with_capacity(XML.len());
    netid_saml::fuzzing::exclusive_c14n(&doc, assertion, Some(signature), &mut out);
    assert_eq!(out, c14n_assertion(), "the same canonical Assertion");
    out.clear();
    netid_saml::fuzzing::exclusive_c14n(&doc, signed_info, None, &mut out);
    assert_eq!(out, c14n_signed_info(), "the same canonical SignedInfo");
    group.bench_function("part_c14n_assertion_netid", |b| {
        b.iter(|| {
            out.clear();
            netid_saml::fuzzing::exclusive_c14n(&doc, assertion, Some(signature), &mut out);
            out.len()
        })
    });
    group.bench_function("part_c14n_signed_info_netid", |b| {
        b.iter(|| {
            out.clear();
            netid_saml::fuzzing::exclusive_c14n(&doc, signed_info, None, &mut out);
            out.len()
        })
    });

    let canonical = c14n_assertion();
    let expected = BASE64
        .decode(text_of(&doc, find(NS_DS, "DigestValue")))
        .expect("base64");
    assert_eq!(
        bergshamra::crypto::digest::digest(SHA256, &canonical).expect("sha-256"),
        expected,
        "the digest of the canonical Assertion is the signed one"
    );
    group.bench_function("part_digest_sha256", |b| {
        b.iter(|| bergshamra::crypto::digest::digest(SHA256, black_box(&canonical)).expect("sha-256"))
    });

    let signed = c14n_signed_info();
    let signature_value = BASE64
        .decode(text_of(&doc, find(NS_DS, "SignatureValue")))
        .expect("base64");
    let key = keys.keys().next().expect("the IdP key");
    // The call bergshamra's verifier ends in, with the algorithm and key looked up once.
    let algorithm = bergshamra::crypto::sign::from_uri(RSA_SHA256).expect("rsa-sha256");
    let signing_key = key.to_signing_key().expect("a key").expect("a public key");
    assert!(
        algorithm
            .verify(&signing_key, &signed, &signature_value)
            .expect("verification runs"),
        "the fixture's signature verifies"
    );
    group.bench_function("part_rsa_verify", |b| {
        b.iter(|| {
            algorithm
                .verify(&signing_key, black_box(&signed), black_box(&signature_value))
                .expect("verification runs")
        })
    });
    let spki = key.to_spki_der().expect("an RSA key");
    let aws_lc = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki.as_slice());
    aws_lc
        .verify(&signed, &signature_value)
        .expect("the fixture's signature verifies with aws-lc-rs");
    group.bench_function("part_rsa_verify_aws_lc", |b| {
        b.iter(|| aws_lc.verify(black_box(&signed), black_box(&signature_value)))
    });
    // The key parsed once, as the SP's `TrustedKeys` holds it (`signature/keys.rs`).
    let parsed = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki.as_slice()).expect("an RSA key");
    parsed
        .verify_sig(&signed, &signature_value)
        .expect("the fixture's signature verifies with the parsed key");
    group.bench_function("part_rsa_verify_aws_lc_parsed", |b| {
        b.iter(|| parsed.verify_sig(black_box(&signed), black_box(&signature_value)))
    });
    group.bench_function("part_rsa_verify_as_bergshamra", |b| {
        b.iter(|| {
            let algorithm = bergshamra::crypto::sign::from_uri(RSA_SHA256).expect("rsa-sha256");
            let signing_key = key.to_signing_key().expect("a key").expect("a public key");
            assert!(
                algorithm
                    .verify(&signing_key, black_box(&signed), black_box(&signature_value))
                    .expect("verification runs")
            );
        })
    });
}

/// The text of `id`, without the line breaks base64 carries.
fn text_of(doc: &uppsala::Document<'_>, id: uppsala::NodeId) -> String {
    doc.text_content_deep(id).split_whitespace().collect()
}

/// The enveloped-signature transform: `id` and its subtree leave `nodes`.
fn remove_subtree(doc: &uppsala::Document<'_>, id: uppsala::NodeId, nodes: &mut NodeSet) {
    nodes.remove_id(id);
    for child in doc.children(id) {
        remove_subtree(doc, child, nodes);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
