//! A full KYC Match: every one of the 25 request fields claimed (phone number included) against a
//! complete record with a few near misses, as the reference server answers it (the record prepared
//! when loaded); plus decoding the response body.
//!
//! `match_claims_record_not_prepared` is the same match through `Matcher::match_claims`, which
//! normalises the record's fields on every call.
//!
//! `jaro_winkler_of_the_mismatches` runs only the `strsim` calls that the mismatches carrying a score
//! need (both argument orders, as [`similarity_score`] does), on the same normalised inputs: the
//! floor the matcher is measured against in the same run. `jaro_winkler_of_the_mismatches_bytes` is
//! the same calls on the strings' bytes (all of them are ASCII), as `similarity_score` makes them
//! for ASCII text: the floor of the matcher as it now computes them.
//!
//! `cargo bench -p netid-core --bench kyc_match`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use netid_core::kyc::{
    KycClaims, KycMatchResult, KycVersion, Matcher, PreparedRecord, normalize_name, similarity_score,
};

const CLAIMS: &str = r#"{
    "phoneNumber": "+34629255833",
    "idDocument": "66666666q",
    "idDocumentType": "passport",
    "idDocumentExpiryDate": "2027-07-12",
    "name": "Federica Sanchez Arjona",
    "givenName": "Federica",
    "familyName": "Sanchez Arjona",
    "nameKanaHankaku": "ﾌｪﾃﾞﾘｶ",
    "nameKanaZenkaku": "フェデリカ",
    "middleNames": "Maria",
    "familyNameAtBirth": "Sanchez",
    "address": "Calle de Nicolas Salmeron 4, 2B",
    "streetName": "Nicolas Salmeron",
    "streetNumber": "4",
    "postalCode": "28017",
    "region": "Comunidad de Madrid",
    "locality": "Madrid",
    "country": "ES",
    "houseNumberExtension": "2B",
    "birthdate": "1978-08-22",
    "email": "federica.sanchez@example.com",
    "gender": "FEMALE",
    "cityOfBirth": "Sevilla",
    "countryOfBirth": "ES",
    "nationality": "ES"
}"#;

const RECORD: &str = r#"{
    "phoneNumber": "+34629255833",
    "idDocument": "66666666-Q",
    "idDocumentType": "passport",
    "idDocumentExpiryDate": "2027-07-12",
    "name": "Federica Sánchez Arjona",
    "givenName": "Frederica",
    "familyName": "Sánchez Arjona",
    "nameKanaHankaku": "ﾌｪﾃﾞﾘｶ",
    "nameKanaZenkaku": "フェデリカ",
    "middleNames": "María",
    "familyNameAtBirth": "Sanches",
    "address": "Calle de Nicolás Salmerón 4, 2º B",
    "streetName": "Nicolás Salmerón",
    "streetNumber": "4",
    "postalCode": "28017",
    "region": "Madrid",
    "locality": "Madrid",
    "country": "ES",
    "houseNumberExtension": "2 B",
    "birthdate": "1978-08-22",
    "email": "federica.sanchez@Example.com",
    "gender": "FEMALE",
    "cityOfBirth": "Sevila",
    "countryOfBirth": "ES",
    "nationality": "ES"
}"#;

fn kyc_match(c: &mut Criterion) {
    let claims: KycClaims = serde_json::from_str(CLAIMS).expect("claims decode");
    let record: KycClaims = serde_json::from_str(RECORD).expect("record decodes");
    let matcher = Matcher::new();
    let prepared = PreparedRecord::new(record.clone());
    let result = matcher.match_prepared(&claims, &prepared);
    assert_eq!(result.len(), 24);
    assert_eq!(matcher.match_claims(&claims, &record), result);
    let body = serde_json::to_vec(&result).expect("result serialises");
    let mismatches = scored_mismatches(&claims, &record, &result);

    let mut group = c.benchmark_group("kyc_match");
    group.bench_function("match_claims_25_fields", |b| {
        b.iter(|| matcher.match_prepared(black_box(&claims), black_box(&prepared)))
    });
    group.bench_function("match_claims_record_not_prepared", |b| {
        b.iter(|| matcher.match_claims(black_box(&claims), black_box(&record)))
    });
    group.bench_function("jaro_winkler_of_the_mismatches", |b| {
        b.iter(|| {
            black_box(&mismatches)
                .iter()
                .map(|(a, b)| strsim::jaro_winkler(a, b).max(strsim::jaro_winkler(b, a)))
                .sum::<f64>()
        })
    });
    // The same calls on the bytes of the same (ASCII) strings, as `similarity_score` makes them
    // since it reads ASCII text as bytes: the floor without UTF-8 decoding.
    assert!(mismatches.iter().all(|(a, b)| a.is_ascii() && b.is_ascii()));
    group.bench_function("jaro_winkler_of_the_mismatches_bytes", |b| {
        b.iter(|| {
            black_box(&mismatches)
                .iter()
                .map(|(a, b)| {
                    let (a, b) = (Bytes(a.as_bytes()), Bytes(b.as_bytes()));
                    strsim::generic_jaro_winkler(&a, &b).max(strsim::generic_jaro_winkler(&b, &a))
                })
                .sum::<f64>()
        })
    });
    group.bench_function("decode_request_and_match", |b| {
        b.iter(|| {
            let claims: KycClaims = serde_json::from_str(black_box(CLAIMS)).expect("claims decode");
            matcher.match_prepared(&claims, black_box(&prepared))
        })
    });
    group.bench_function("decode_result_strict", |b| {
        b.iter(|| KycMatchResult::from_json_slice_strict(black_box(&body), KycVersion::V0_4))
    });
    group.finish();
}

/// The normalised (claimed, on file) pairs of every field whose result carries a score. Each such
/// field of this request is a name or an address part with a value on file, so [`normalize_name`] of
/// both values is what the matcher scores; the assertion checks it against the matcher's score.
fn scored_mismatches(
    claims: &KycClaims,
    record: &KycClaims,
    result: &KycMatchResult,
) -> Vec<(String, String)> {
    let claims = serde_json::to_value(claims).expect("claims serialise");
    let record = serde_json::to_value(record).expect("record serialises");
    let text = |body: &serde_json::Value, key: &str| body[key].as_str().expect("a text field").to_owned();
    let pairs: Vec<(String, String)> = result
        .iter()
        .filter_map(|(field, outcome)| outcome.score.map(|score| (field, score)))
        .map(|(field, score)| {
            let claimed = normalize_name(&text(&claims, field.as_str()));
            let on_file = normalize_name(&text(&record, field.as_str()));
            assert_eq!(similarity_score(&claimed, &on_file), score, "{field}");
            (claimed, on_file)
        })
        .collect();
    assert_eq!(
        pairs.len(),
        5,
        "givenName, familyNameAtBirth, address, region, cityOfBirth"
    );
    pairs
}

/// ASCII text as strsim's generic functions read it: one element per byte.
struct Bytes<'a>(&'a [u8]);

impl<'b> IntoIterator for &Bytes<'b> {
    type Item = u8;
    type IntoIter = std::iter::Copied<std::slice::Iter<'b, u8>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied()
    }
}

criterion_group!(benches, kyc_match);
criterion_main!(benches);
