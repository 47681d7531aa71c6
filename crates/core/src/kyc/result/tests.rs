//! Unit tests of the result values and of the strict decoder of each version.

use super::*;
use crate::kyc::KycValueError;

/// The expected fields `(field, result, score)`, or the expected error.
type Expected<'a> = Result<&'a [(KycField, Match, Option<u8>)], KycResultError>;

fn check(body: &str, version: KycVersion, expected: Expected<'_>) {
    let got = KycMatchResult::from_json_slice_strict(body.as_bytes(), version);
    let expected = expected.map(|fields| {
        let mut result = KycMatchResult::new();
        for (field, outcome, score) in fields {
            let score = score.map(|s| MatchScore::new(s).expect("test score in range"));
            result.insert(*field, FieldMatch::new(*outcome, score));
        }
        result
    });
    assert_eq!(got, expected, "{body} ({version:?})");
}

use KycField as F;
use KycVersion::{V0_2, V0_4};
use Match::{Matched as T, Mismatched as N, NotAvailable as NA};

#[test]
fn results_decode_from_the_spec_strings_only() {
    let body = r#"{"givenNameMatch":"false","givenNameMatchScore":96,"familyNameMatch":"true","genderMatch":"not_available"}"#;
    let expected: &[_] = &[
        (F::GivenName, N, Some(96)),
        (F::FamilyName, T, None),
        (F::Gender, NA, None),
    ];
    check(body, V0_2, Ok(expected));
    check(body, V0_4, Ok(expected));
    // Booleans are an operator quirk: netid-camara rewrites them before this decoder runs.
    for version in [V0_2, V0_4] {
        check(
            r#"{"emailMatch":true}"#,
            version,
            Err(KycResultError::BooleanMatch { key: "emailMatch" }),
        );
        check(
            r#"{"emailMatch":"TRUE"}"#,
            version,
            Err(KycResultError::InvalidMatch { key: "emailMatch" }),
        );
        check(
            r#"{"emailMatch":null}"#,
            version,
            Err(KycResultError::InvalidMatch { key: "emailMatch" }),
        );
        check("{}", version, Ok(&[]));
    }
}

#[test]
fn scores_follow_each_version() {
    // 0.2.1 allows 100 and spells the middle-names score `middleNamesScore`.
    check(
        r#"{"middleNamesMatch":"false","middleNamesScore":100}"#,
        V0_2,
        Ok(&[(F::MiddleNames, N, Some(100))]),
    );
    check(
        r#"{"middleNamesMatch":"false","middleNamesMatchScore":90}"#,
        V0_2,
        Err(KycResultError::UnknownKey {
            key: "middleNamesMatchScore".into(),
        }),
    );
    check(
        r#"{"middleNamesMatch":"false","middleNamesMatchScore":99}"#,
        V0_4,
        Ok(&[(F::MiddleNames, N, Some(99))]),
    );
    check(
        r#"{"middleNamesMatch":"false","middleNamesScore":90}"#,
        V0_4,
        Err(KycResultError::UnknownKey {
            key: "middleNamesScore".into(),
        }),
    );
    check(
        r#"{"nameMatch":"false","nameMatchScore":100}"#,
        V0_4,
        Err(KycResultError::InvalidScore {
            key: "nameMatchScore",
            max: 99,
        }),
    );
    for bad in ["101", "-1", "88.5", "\"88\"", "null"] {
        check(
            &format!(r#"{{"nameMatch":"false","nameMatchScore":{bad}}}"#),
            V0_2,
            Err(KycResultError::InvalidScore {
                key: "nameMatchScore",
                max: 100,
            }),
        );
    }
    for version in [V0_2, V0_4] {
        check(
            r#"{"nameMatchScore":50}"#,
            version,
            Err(KycResultError::ScoreWithoutResult {
                key: "nameMatchScore",
            }),
        );
        // Both versions: "only returned when the value of the corresponding match field is false".
        for result in ["true", "not_available"] {
            check(
                &format!(r#"{{"nameMatch":"{result}","nameMatchScore":50}}"#),
                version,
                Err(KycResultError::ScoreWithoutMismatch {
                    key: "nameMatchScore",
                }),
            );
        }
    }
}

#[test]
fn unknown_keys_and_bad_bodies() {
    check(
        r#"{"emailMatch":"true","vendorExtension":{"x":1}}"#,
        V0_4,
        Err(KycResultError::UnknownKey {
            key: "vendorExtension".into(),
        }),
    );
    check(
        r#"{"phoneNumberMatch":"true"}"#,
        V0_4,
        Err(KycResultError::UnknownKey {
            key: "phoneNumberMatch".into(),
        }),
    );
    // A 0.4.0 field is unknown to 0.2.1.
    check(
        r#"{"nationalityMatch":"true"}"#,
        V0_2,
        Err(KycResultError::UnknownKey {
            key: "nationalityMatch".into(),
        }),
    );
    check(
        r#"{"nationalityMatch":"true"}"#,
        V0_4,
        Ok(&[(F::Nationality, T, None)]),
    );
    check("[]", V0_2, Err(KycResultError::NotAnObject));
    check(
        "{\"emailMatch\":",
        V0_2,
        Err(KycResultError::Json { line: 1, column: 14 }),
    );
    let long_key = format!(r#"{{"{}":1}}"#, "k".repeat(100));
    check(
        &long_key,
        V0_4,
        Err(KycResultError::UnknownKey { key: "k".repeat(64) }),
    );
}

#[test]
fn versions_render_their_own_keys() {
    let mut result = KycMatchResult::new();
    result.insert(
        F::MiddleNames,
        FieldMatch::mismatched(Some(MatchScore::new(80).expect("in range"))),
    );
    result.insert(F::Nationality, FieldMatch::matched());
    result.insert(F::Country, FieldMatch::not_available());
    assert_eq!(
        result.to_json_value(V0_2).to_string(),
        r#"{"countryMatch":"not_available","middleNamesMatch":"false","middleNamesScore":80}"#
    );
    assert_eq!(
        serde_json::to_string(&result).expect("serialisable"),
        r#"{"middleNamesMatch":"false","middleNamesMatchScore":80,"countryMatch":"not_available","nationalityMatch":"true"}"#
    );
    let back = KycMatchResult::from_json_value_strict(&result.to_json_value(V0_4), V0_4).expect("decodes");
    assert_eq!(back, result);
}

#[test]
fn match_and_score_values() {
    assert_eq!("not_available".parse(), Ok(Match::NotAvailable));
    assert_eq!("maybe".parse::<Match>(), Err(KycValueError::Match));
    assert_eq!(
        serde_json::from_str::<Match>("false").ok(),
        Some(Match::Mismatched)
    );
    assert!(serde_json::from_str::<Match>("1").is_err());
    assert_eq!(MatchScore::new(101), Err(KycValueError::Score));
    assert_eq!(MatchScore::try_from(300_u64), Err(KycValueError::Score));
    assert_eq!(
        serde_json::from_str::<MatchScore>("42")
            .map(MatchScore::value)
            .ok(),
        Some(42)
    );
    assert!(serde_json::from_str::<MatchScore>("420").is_err());
}
