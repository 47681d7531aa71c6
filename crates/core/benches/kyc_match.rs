//! A full KYC Match: every one of the 25 request fields claimed (phone number included) against a
//! complete record with a few near misses, as the reference server answers it; plus decoding the
//! response body.
//!
//! `cargo bench -p netid-core --bench kyc_match`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use netid_core::kyc::{KycClaims, KycMatchResult, KycVersion, Matcher};

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
    let result = matcher.match_claims(&claims, &record);
    assert_eq!(result.len(), 24);
    let body = serde_json::to_vec(&result).expect("result serialises");

    let mut group = c.benchmark_group("kyc_match");
    group.bench_function("match_claims_25_fields", |b| {
        b.iter(|| matcher.match_claims(black_box(&claims), black_box(&record)))
    });
    group.bench_function("decode_request_and_match", |b| {
        b.iter(|| {
            let claims: KycClaims = serde_json::from_str(black_box(CLAIMS)).expect("claims decode");
            matcher.match_claims(&claims, black_box(&record))
        })
    });
    group.bench_function("decode_result_strict", |b| {
        b.iter(|| KycMatchResult::from_json_slice_strict(black_box(&body), KycVersion::V0_4))
    });
    group.finish();
}

criterion_group!(benches, kyc_match);
criterion_main!(benches);
