//! The matcher's unit tests; `same_as_reference` compares it with the reference matcher.

mod same_as_reference;

use super::*;
use crate::kyc::{Match, MatchScore};
use crate::secret::Pii;

fn text(value: &str) -> Option<Pii<String>> {
    Some(Pii::new(value.to_owned()))
}

fn check(
    matcher: Matcher,
    field: KycField,
    claims: &KycClaims,
    record: &KycClaims,
    expected: Option<(Match, Option<u8>)>,
) {
    let got = matcher
        .match_field(field, claims, record)
        .map(|m| (m.result, m.score.map(MatchScore::value)));
    assert_eq!(got, expected, "{field}");
    let prepared = PreparedRecord::new(record.clone());
    let got = matcher
        .match_field_prepared(field, claims, &prepared)
        .map(|m| (m.result, m.score.map(MatchScore::value)));
    assert_eq!(got, expected, "{field}, prepared");
}

#[test]
fn spec_example_clara_carla() {
    let mut claims = KycClaims::new();
    claims.given_name = text("Clara");
    let mut record = KycClaims::new();
    record.given_name = text("Carla");
    check(
        Matcher::new(),
        KycField::GivenName,
        &claims,
        &record,
        Some((Match::Mismatched, Some(88))),
    );
    check(
        Matcher::new().with_scores(false),
        KycField::GivenName,
        &claims,
        &record,
        Some((Match::Mismatched, None)),
    );
    check(Matcher::new(), KycField::FamilyName, &claims, &record, None);
    record.given_name = text("  CLÁRA ");
    check(
        Matcher::new(),
        KycField::GivenName,
        &claims,
        &record,
        Some((Match::Matched, None)),
    );
    record.given_name = text("--");
    check(
        Matcher::new(),
        KycField::GivenName,
        &claims,
        &record,
        Some((Match::NotAvailable, None)),
    );
}

#[test]
fn composites() {
    let mut record = KycClaims::new();
    record.given_name = text("Federica");
    record.family_name = text("Sanchez Arjona");
    record.street_name = text("Nicolas Salmeron");
    record.street_number = text("4");
    let mut claims = KycClaims::new();
    claims.name = text("Federica Sánchez Arjona");
    claims.address = text("Nicolás Salmerón 4");
    check(
        Matcher::new(),
        KycField::Name,
        &claims,
        &record,
        Some((Match::Matched, None)),
    );
    check(
        Matcher::new(),
        KycField::Address,
        &claims,
        &record,
        Some((Match::Matched, None)),
    );
    claims.address = text("4 Nicolás Salmerón");
    check(
        Matcher::new(),
        KycField::Address,
        &claims,
        &record,
        Some((Match::Matched, None)),
    );
    claims.name = text("Sanchez Arjona Federica");
    check(
        Matcher::new(),
        KycField::Name,
        &claims,
        &record,
        Some((Match::Matched, None)),
    );
    check(
        Matcher::new().with_composites(false),
        KycField::Name,
        &claims,
        &record,
        Some((Match::NotAvailable, None)),
    );
    // A complete name on file wins over its parts.
    record.name = text("Federica S. Arjona");
    check(
        Matcher::new(),
        KycField::Name,
        &claims,
        &record,
        Some((Match::Mismatched, Some(64))),
    );
}

#[test]
fn prepared_records_print_no_value() {
    let mut record = KycClaims::new();
    record.given_name = text("Federica");
    record.email = Some("federica@example.com".parse().expect("well-formed"));
    let printed = format!("{:?}", PreparedRecord::new(record));
    assert_eq!(
        printed,
        "PreparedRecord(KycClaims { given_name: [redacted], email: [redacted] })"
    );
}
