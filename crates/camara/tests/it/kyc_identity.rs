//! KYC Age Verification 0.2.1 and KYC Fill-in 0.4.1: the specs' examples are valid against the
//! official schemas, are what the client sends and reads, and decode strictly; the operations apply
//! the Commonalities 0.6 identifier rules.

use std::sync::Arc;

use netid_camara::kyc_age_verification::{AgeCheck, AgeQuery, AgeThreshold, Restriction, v0_2};
use netid_camara::kyc_fill_in::v0_4;
use netid_camara::operation::Bearer;
use netid_camara::{
    CallOptions, CamaraError, Endpoint, InvalidRequest, OperatorProfile, SpecVersion, Tolerance,
};
use netid_core::kyc::{Gender, KycClaims};
use netid_core::phone::PhoneNumber;
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support::{Spec, expected, fixture, fixture_json, harness, response, token};

const API_ROOT: &str = "https://operator.example";

fn number() -> PhoneNumber {
    PhoneNumber::parse_strict("+34629255833").expect("the spec's number")
}

fn text(path: &str) -> String {
    String::from_utf8(fixture(path).to_vec()).expect("utf-8")
}

#[test]
fn the_spec_examples_follow_the_schemas() {
    let age = Spec::load("kyc-age-verification.yaml");
    let fill = Spec::load("kyc-fill-in.yaml");
    for (spec, schema, path) in [
        (
            &age,
            "VerifyRequestBody",
            "camara/kyc-age-verification/verify.request.2-legged.json",
        ),
        (
            &age,
            "VerifyResponseBody",
            "camara/kyc-age-verification/verify.200.json",
        ),
        (
            &fill,
            "KYC_FillinRequest",
            "camara/kyc-fill-in/fill-in.request.2-legged.json",
        ),
        (&fill, "KYC_FillinResponse", "camara/kyc-fill-in/fill-in.200.json"),
    ] {
        spec.validate(&format!("#/components/schemas/{schema}"), &fixture_json(path))
            .unwrap_or_else(|error| panic!("{path}: {error}"));
    }
}

#[tokio::test]
async fn age_verification_sends_and_reads_the_spec_examples() {
    let url = format!("{API_ROOT}/kyc-age-verification/v0.2/verify");
    let body = text("camara/kyc-age-verification/verify.request.2-legged.json");
    let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(
        expected("POST", &url, Some(&body)),
        response(200, fixture("camara/kyc-age-verification/verify.200.json")),
    )]));
    let h = harness(
        replay.clone(),
        OperatorProfile::camara(SpecVersion::KycAgeVerification0_2_1, API_ROOT)
            .with_tolerance(Tolerance::strict()),
    );
    let identity: KycClaims = serde_json::from_value(serde_json::json!({
        "idDocument": "66666666q",
        "name": "Federica Sanchez Arjona",
        "givenName": "Federica",
        "familyName": "Sanchez Arjona",
        "middleNames": "Sanchez",
        "familyNameAtBirth": "YYYY",
        "birthdate": "1978-08-22",
        "email": "federicaSanchez.Arjona@example.com",
    }))
    .expect("identity claims");
    let query = AgeQuery::new(AgeThreshold::new(18).expect("in range"))
        .with_identity(identity)
        .with_content_lock()
        .with_parental_control();
    let token = token();
    let number = number();
    let answer = h
        .client
        .kyc_age_verification(Bearer::two_legged(&token, &number), query, CallOptions::new())
        .await
        .expect("answered");
    let value = answer.value;
    assert_eq!(value.age_check, AgeCheck::AtLeast);
    assert_eq!(value.verified_status, Some(true));
    assert_eq!(value.identity_match_score.map(|score| score.value()), Some(90));
    assert_eq!(value.content_lock, Some(Restriction::Inactive));
    assert_eq!(value.parental_control, Some(Restriction::Active));
    assert_eq!(answer.spec, SpecVersion::KycAgeVerification0_2_1);
    replay.assert_complete();
}

#[tokio::test]
async fn age_verification_refuses_what_the_version_does_not_take() {
    let replay = Arc::new(ReplayTransport::new([]));
    let h = harness(
        replay.clone(),
        OperatorProfile::camara(SpecVersion::KycAgeVerification0_2_1, API_ROOT),
    );
    let token = token();
    let mut identity = KycClaims::new();
    identity.gender = Some(Gender::Female);
    let query = AgeQuery::new(AgeThreshold::new(18).expect("in range")).with_identity(identity);
    let error = h
        .client
        .kyc_age_verification(Bearer::three_legged(&token), query.clone(), CallOptions::new())
        .await
        .expect_err("gender is not an identity field of the API");
    assert_eq!(
        error,
        CamaraError::InvalidRequest(InvalidRequest::FieldNotInVersion { field: "gender" })
    );
    let error = h
        .client
        .kyc_fill_in(Bearer::three_legged(&token), CallOptions::new())
        .await
        .expect_err("an age verification profile");
    assert!(
        matches!(
            error,
            CamaraError::InvalidRequest(InvalidRequest::ProfileMismatch { .. })
        ),
        "{error:?}"
    );
    replay.assert_complete();
}

#[tokio::test]
async fn fill_in_reads_every_attribute_and_redacts_them() {
    let url = format!("{API_ROOT}/kyc-fill-in/v0.4/fill-in");
    let replay = Arc::new(ReplayTransport::new([
        ReplayEvent::new(
            expected(
                "POST",
                &url,
                Some(&text("camara/kyc-fill-in/fill-in.request.2-legged.json")),
            ),
            response(200, fixture("camara/kyc-fill-in/fill-in.200.json")),
        ),
        // A three-legged token: the number stays out of the body (Commonalities 0.6).
        ReplayEvent::new(
            expected("POST", &url, Some("{}")),
            response(200, r#"{"givenName":"Federica"}"#),
        ),
    ]));
    let h = harness(
        replay.clone(),
        OperatorProfile::camara(SpecVersion::KycFillIn0_4_1, API_ROOT).with_tolerance(Tolerance::strict()),
    );
    let token = token();
    let number = number();
    let record = h
        .client
        .kyc_fill_in(Bearer::two_legged(&token, &number), CallOptions::new())
        .await
        .expect("answered")
        .value;
    assert_eq!(
        serde_json::to_value(&record).expect("serialises"),
        fixture_json("camara/kyc-fill-in/fill-in.200.json")
    );
    let debug = format!("{record:?}");
    for value in ["Federica", "66666666q", "1978", "abc@example.com", "629255833"] {
        assert!(!debug.contains(value), "{debug}");
    }
    let record = h
        .client
        .kyc_fill_in(
            Bearer::three_legged(&token).with_phone_number(&number),
            CallOptions::new(),
        )
        .await
        .expect("answered")
        .value;
    assert!(record.given_name.is_some() && record.family_name.is_none());
    replay.assert_complete();
}

#[test]
fn unknown_values_are_refused_strictly_and_dropped_leniently() {
    let decode = |body: &'static str, tolerance: Tolerance| {
        v0_2::Request::from_http_response(&response(200, body), tolerance)
            .map(|decoded| (decoded.value.verification, decoded.tolerated.len()))
            .map_err(|error| error.to_string())
    };
    let lenient = decode(
        r#"{"ageCheck":"true","contentLock":"maybe"}"#,
        Tolerance::lenient(),
    )
    .expect("tolerated");
    assert_eq!((lenient.0.content_lock, lenient.1), (None, 1));
    assert!(
        decode(
            r#"{"ageCheck":"true","contentLock":"maybe"}"#,
            Tolerance::strict()
        )
        .is_err()
    );
    assert!(decode(r#"{"ageCheck":"maybe"}"#, Tolerance::lenient()).is_err());
    assert!(
        decode(
            r#"{"ageCheck":"true","identityMatchScore":101}"#,
            Tolerance::lenient()
        )
        .is_err()
    );
    let fill_in = v0_4::Request::from_http_response(
        &response(200, r#"{"givenNameMatch":"true"}"#),
        Tolerance::strict(),
    );
    assert!(fill_in.is_err());
}
