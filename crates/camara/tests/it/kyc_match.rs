//! KYC Match 0.2.1 and 0.4.0: Orange France's page example, quirks, schema validation.

use std::sync::Arc;

use netid_camara::kyc_match::{v0_2, v0_4};
use netid_camara::{CallOptions, CamaraError, Endpoint, InvalidRequest, OperatorProfile, Target, Tolerance};
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support::{Spec, expected, fixture, fixture_json, harness, response, token};

fn page_claims() -> KycClaims {
    serde_json::from_slice(&fixture("orange-france/kyc-match/match.request.json"))
        .expect("the page's request decodes")
}

#[tokio::test]
async fn orange_france_page_example_round_trips() {
    let body =
        String::from_utf8(fixture("orange-france/kyc-match/match.request.json").to_vec()).expect("utf-8");
    let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(
        expected(
            "POST",
            "https://api.orange.com/camara/ofr/kyc-match/v0.2/match",
            Some(&body),
        ),
        response(200, fixture("orange-france/kyc-match/match.200.json")),
    )]));
    let h = harness(replay.clone(), OperatorProfile::orange_france_kyc_match_v0_2());
    let answer = h
        .client
        .send(&token(), &v0_2::Request::new(page_claims()), CallOptions::new())
        .await
        .expect("match");
    let result = &answer.value.result;
    let given = result.get(KycField::GivenName).expect("given name answered");
    assert_eq!(
        (given.result, given.score.map(|s| s.value())),
        (Match::Mismatched, Some(96))
    );
    assert_eq!(
        result.get(KycField::Gender).map(|m| m.result),
        Some(Match::NotAvailable)
    );
    assert_eq!(result.len(), 8);
    assert!(answer.tolerated.is_empty());
    replay.assert_complete();
    // The request's Debug names fields, never values.
    let debug = format!("{:?}", v0_2::Request::new(page_claims()));
    assert!(
        !debug.contains("Lefebvre") && !debug.contains("sfr.fr"),
        "{debug}"
    );
}

#[test]
fn requests_and_page_examples_follow_the_specs() {
    let correlator = "c".parse().expect("valid");
    let token = token();
    let target = Target::new("https://op.example", &token, &correlator);
    let body = |request: http::Request<bytes::Bytes>| -> serde_json::Value {
        serde_json::from_slice(request.body()).expect("JSON")
    };
    let sent = body(
        v0_2::Request::new(page_claims())
            .to_http_request(&target)
            .expect("request"),
    );
    assert_eq!(sent, fixture_json("orange-france/kyc-match/match.request.json"));
    for (file, request) in [
        (
            "kyc-match_v0.2.1.yaml",
            v0_2::Request::new(page_claims()).to_http_request(&target),
        ),
        (
            "kyc-match.yaml",
            v0_4::Request::new(page_claims()).to_http_request(&target),
        ),
    ] {
        let spec = Spec::load(file);
        spec.validate(
            "#/components/schemas/KYC_MatchRequestBody",
            &body(request.expect("request")),
        )
        .expect("valid request");
    }
    let spec = Spec::load("kyc-match_v0.2.1.yaml");
    spec.validate(
        "#/components/schemas/KYC_MatchResponse",
        &fixture_json("orange-france/kyc-match/match.200.json"),
    )
    .expect("the page's answer is valid 0.2.1");
    for quirk in [
        "match.200.booleans.json",
        "match.200.scores-as-strings.json",
        "match.200.unknown-enum.json",
    ] {
        let outcome = spec.validate(
            "#/components/schemas/KYC_MatchResponse",
            &fixture_json(&format!("quirks/kyc-match/{quirk}")),
        );
        assert!(outcome.is_err(), "{quirk} is a deviation");
    }
    insta::assert_snapshot!(
        "kyc_match_v0_2_request",
        serde_json::to_string_pretty(&sent).expect("JSON")
    );
}

#[test]
fn caller_misuse_is_refused() {
    let correlator = "c".parse().expect("valid");
    let token = token();
    let target = Target::new("https://op.example", &token, &correlator);
    let empty = v0_2::Request::new(KycClaims::new()).to_http_request(&target);
    assert_eq!(empty.err(), Some(InvalidRequest::NoClaims));
    let mut claims = page_claims();
    claims.nationality = Some("FR".parse().expect("valid country"));
    let newer = v0_2::Request::new(claims.clone()).to_http_request(&target);
    assert_eq!(
        newer.err(),
        Some(InvalidRequest::FieldNotInVersion { field: "nationality" })
    );
    assert!(v0_4::Request::new(claims).to_http_request(&target).is_ok());
    insta::assert_snapshot!(InvalidRequest::FieldNotInVersion { field: "nationality" }, @"claim nationality is not defined in this spec version");
}

#[test]
fn quirks_are_tolerated_or_refused() {
    let decode = |version: u8, path: &str, tolerance: Tolerance| -> String {
        let response = response(200, fixture(path));
        let outcome = if version == 2 {
            v0_2::Request::from_http_response(&response, tolerance).map(|d| (d.value.result, d.tolerated))
        } else {
            v0_4::Request::from_http_response(&response, tolerance).map(|d| (d.value.result, d.tolerated))
        };
        match outcome {
            Ok((result, tolerated)) => format!(
                "{} {:?}",
                serde_json::to_string(&result).expect("JSON"),
                tolerated
            ),
            Err(CamaraError::Decode(error)) => format!("{:?} at {}", error.kind(), error.path()),
            Err(other) => format!("{other:?}"),
        }
    };
    let mut report = String::new();
    for path in [
        "orange-france/kyc-match/match.200.json",
        "quirks/kyc-match/match.200.booleans.json",
        "quirks/kyc-match/match.200.scores-as-strings.json",
        "quirks/kyc-match/match.200.unknown-enum.json",
        "quirks/kyc-match/match.200.unknown-field.json",
    ] {
        for version in [2, 4] {
            for (mode, tolerance) in [("lenient", Tolerance::lenient()), ("strict", Tolerance::strict())] {
                report.push_str(&format!(
                    "v0.{version} {mode} {path}\n  {}\n",
                    decode(version, path, tolerance)
                ));
            }
        }
    }
    insta::assert_snapshot!(report);
}

/// The 0.4.0 spec's own response example (every field answered, string results, scores on some
/// mismatches) decodes strictly and is valid against the 0.4.0 schema.
#[tokio::test]
async fn the_0_4_spec_example_decodes_strictly() {
    let body = fixture("camara/kyc-match/match.200.v0.4.json");
    Spec::load("kyc-match.yaml")
        .validate(
            "#/components/schemas/KYC_MatchResponse",
            &fixture_json("camara/kyc-match/match.200.v0.4.json"),
        )
        .expect("the example follows the 0.4.0 schema");
    let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(
        expected(
            "POST",
            "https://op.example/kyc-match/v0.4/match",
            Some(&String::from_utf8_lossy(&fixture(
                "orange-france/kyc-match/match.request.json",
            ))),
        ),
        response(200, body),
    )]));
    let profile = OperatorProfile::camara(netid_camara::SpecVersion::KycMatch0_4_0, "https://op.example");
    let h = harness(replay.clone(), profile);
    let answer = h
        .client
        .send(&token(), &v0_4::Request::new(page_claims()), CallOptions::new())
        .await
        .expect("strict decoding");
    let result = &answer.value.result;
    assert_eq!(result.len(), 24);
    assert!(answer.tolerated.is_empty());
    let check = |field: KycField, expected: (Match, Option<u8>)| {
        let found = result.get(field).expect("answered");
        assert_eq!(
            (found.result, found.score.map(|s| s.value())),
            expected,
            "{field:?}"
        );
    };
    check(KycField::IdDocument, (Match::Matched, None));
    check(KycField::GivenName, (Match::NotAvailable, None));
    check(KycField::FamilyNameAtBirth, (Match::Mismatched, Some(90)));
    check(KycField::Email, (Match::Mismatched, Some(87)));
    check(KycField::CityOfBirth, (Match::Mismatched, Some(86)));
    check(KycField::Birthdate, (Match::Mismatched, None));
}

/// Each KYC Match quirk: core's strict decoder refuses the raw body, so the quirk can only reach it
/// rewritten by the normaliser; a lenient profile reports it at its path; a strict profile refuses
/// it with that path; a strict profile that allows just this quirk accepts it.
#[test]
fn quirks_reach_core_only_after_normalisation() {
    use netid_camara::{DecodeErrorKind, Quirk};
    use netid_core::kyc::{KycMatchResult, KycVersion};

    fn check(version: KycVersion, body: &str, quirk: Quirk, path: &str, tolerated: &str) {
        let case = format!("{version:?} {body}");
        assert!(
            KycMatchResult::from_json_slice_strict(body.as_bytes(), version).is_err(),
            "core accepts the raw quirk: {case}"
        );
        let response = response(200, bytes::Bytes::copy_from_slice(body.as_bytes()));
        let decode =
            |tolerance: Tolerance| match version {
                V0_2 => v0_2::Request::from_http_response(&response, tolerance)
                    .map(|d| (d.value.result, d.tolerated)),
                _ => v0_4::Request::from_http_response(&response, tolerance)
                    .map(|d| (d.value.result, d.tolerated)),
            };
        let (result, reported) = decode(Tolerance::lenient()).expect(&case);
        assert_eq!(serde_json::to_string(&result).expect("JSON"), tolerated, "{case}");
        let reported: Vec<_> = reported.iter().map(|t| (t.quirk, t.path.as_str())).collect();
        assert_eq!(reported, [(quirk, path)], "{case}");
        match decode(Tolerance::strict()) {
            Err(CamaraError::Decode(error)) => {
                assert_eq!(
                    (error.kind(), error.path()),
                    (DecodeErrorKind::Quirk(quirk), path),
                    "{case}"
                );
            }
            other => panic!("strict tolerance accepted {case}: {other:?}"),
        }
        let (only, _) = decode(Tolerance::strict().with(quirk)).expect(&case);
        assert_eq!(only, result, "{case}");
    }

    use KycVersion::{V0_2, V0_4};
    check(
        V0_4,
        r#"{"emailMatch":true}"#,
        Quirk::MatchAsBoolean,
        "$.emailMatch",
        r#"{"emailMatch":"true"}"#,
    );
    check(
        V0_2,
        r#"{"givenNameMatch":"false","givenNameMatchScore":"96"}"#,
        Quirk::ScalarAsString,
        "$.givenNameMatchScore",
        r#"{"givenNameMatch":"false","givenNameMatchScore":96}"#,
    );
    check(
        V0_4,
        r#"{"familyNameMatch":"true","matchId":"a1"}"#,
        Quirk::UnknownField,
        "$.matchId",
        r#"{"familyNameMatch":"true"}"#,
    );
    // A 0.4.0 field in a 0.2.1 answer, and each version's other spelling of the middle-names score.
    check(
        V0_2,
        r#"{"familyNameMatch":"true","nationalityMatch":"true"}"#,
        Quirk::UnknownField,
        "$.nationalityMatch",
        r#"{"familyNameMatch":"true"}"#,
    );
    check(
        V0_4,
        r#"{"middleNamesMatch":"false","middleNamesScore":90}"#,
        Quirk::UnknownField,
        "$.middleNamesScore",
        r#"{"middleNamesMatch":"false"}"#,
    );
    check(
        V0_2,
        r#"{"middleNamesMatch":"false","middleNamesMatchScore":90}"#,
        Quirk::UnknownField,
        "$.middleNamesMatchScore",
        r#"{"middleNamesMatch":"false"}"#,
    );
    check(
        V0_4,
        r#"{"givenNameMatch":"partial","givenNameMatchScore":80,"familyNameMatch":"true"}"#,
        Quirk::UnknownEnumValue,
        "$.givenNameMatch",
        r#"{"familyNameMatch":"true"}"#,
    );
    for version in [V0_2, V0_4] {
        for result in ["true", "not_available"] {
            check(
                version,
                &format!(r#"{{"nameMatch":"{result}","nameMatchScore":50}}"#),
                Quirk::ScoreWithoutMismatch,
                "$.nameMatchScore",
                &format!(r#"{{"nameMatch":"{result}"}}"#),
            );
        }
    }
    check(
        V0_4,
        r#"{"nameMatch":"false","nameMatchScore":100}"#,
        Quirk::PerfectScore,
        "$.nameMatchScore",
        r#"{"nameMatch":"false","nameMatchScore":99}"#,
    );
}

/// What the spec allows passes a strict profile untouched; what no quirk covers is a data error at
/// its path whatever the tolerance.
#[test]
fn spec_bodies_pass_and_broken_bodies_fail_at_their_path() {
    use netid_camara::DecodeErrorKind;

    let decode = |body: &str, tolerance: Tolerance| {
        let response = response(200, bytes::Bytes::copy_from_slice(body.as_bytes()));
        v0_2::Request::from_http_response(&response, tolerance)
    };
    // 0.2.1 allows a score of 100.
    let answer = decode(
        r#"{"nameMatch":"false","nameMatchScore":100}"#,
        Tolerance::strict(),
    )
    .expect("valid 0.2.1");
    assert_eq!(
        answer
            .value
            .result
            .get(KycField::Name)
            .and_then(|m| m.score)
            .map(|s| s.value()),
        Some(100)
    );
    for (body, path) in [
        (r#"{"nameMatchScore":50}"#, "$.nameMatchScore"),
        (
            r#"{"nameMatch":"false","nameMatchScore":101}"#,
            "$.nameMatchScore",
        ),
        (r#"{"nameMatch":null}"#, "$.nameMatch"),
        ("[]", "$"),
    ] {
        for tolerance in [Tolerance::lenient(), Tolerance::strict()] {
            match decode(body, tolerance) {
                Err(CamaraError::Decode(error)) => {
                    assert_eq!(
                        (error.kind(), error.path()),
                        (DecodeErrorKind::Data, path),
                        "{body}"
                    );
                }
                other => panic!("{body} decoded: {other:?}"),
            }
        }
    }
}
