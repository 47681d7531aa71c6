//! Consent Info 0.2.0: the spec's examples against its schema, requests, quirks.

use netid_camara::consent_info::v0_2::retrieve;
use netid_camara::consent_info::{ConsentQuery, StatusReason};
use netid_camara::{Endpoint, InvalidRequest, Target, Tolerance};
use netid_core::phone::PhoneNumber;
use netid_core::scope::{ApiScope, Purpose};
use serde_json::Value;

use crate::support::{Spec, fixture, fixture_json, response, token};

const SPEC: &str = "consent-info.yaml";

#[test]
fn spec_examples_follow_the_schema_and_decode_strictly() {
    let spec = Spec::load(SPEC);
    let mut report = Vec::new();
    for name in [
        "ready-for-processing",
        "consent-required-capture-url",
        "multiple-scopes-multiple-apis",
        "multiples-scopes-one-api-different-status",
        "data-processing-opt-out",
    ] {
        let path = format!("camara/consent-info/retrieve.200.{name}.json");
        spec.validate(
            "#/components/schemas/RetrieveStatusResponseBody",
            &fixture_json(&path),
        )
        .unwrap_or_else(|error| panic!("{path}: {error}"));
        let decoded =
            retrieve::Request::from_http_response(&response(200, fixture(&path)), Tolerance::strict())
                .unwrap_or_else(|error| panic!("{path}: {error}"));
        assert!(decoded.tolerated.is_empty(), "{path}");
        // Encoding the decoded answer gives the example back (dates keep offset and fraction).
        assert_eq!(
            serde_json::to_value(&decoded.value).expect("serialisable"),
            fixture_json(&path),
            "{path}"
        );
        let reasons: Vec<String> = decoded
            .value
            .status_info
            .iter()
            .map(|status| {
                status
                    .status_reason
                    .as_ref()
                    .map_or_else(|| "valid".to_owned(), ToString::to_string)
            })
            .collect();
        report.push(format!("{name}: {}", reasons.join(", ")));
    }
    assert_eq!(
        report,
        [
            "ready-for-processing: valid",
            "consent-required-capture-url: EXPIRED",
            "multiple-scopes-multiple-apis: PENDING, PENDING",
            "multiples-scopes-one-api-different-status: valid, OBJECTED",
            "data-processing-opt-out: OBJECTED",
        ]
    );
}

#[test]
fn requests_match_the_spec_examples() {
    let spec = Spec::load(SPEC);
    let correlator = "b4333c46-49c0-4f62-80d7-f0ef930f1c46"
        .parse()
        .expect("valid correlator");
    let token = token();
    let target = Target::new("https://op.example/consent-info/v0.2", &token, &correlator);
    let example = fixture_json("camara/consent-info/retrieve.request.one-scope-callback-url.json");
    let number =
        PhoneNumber::parse_strict(example["phoneNumber"].as_str().expect("a number")).expect("valid");
    let query = ConsentQuery::new(
        vec![ApiScope::Other("location-verification:verify".into())],
        Purpose::FraudPreventionAndDetection,
    )
    .with_capture_url()
    .with_callback_url("https://consumer.example.com/consent/callback");
    let request = retrieve::Request::new(query)
        .with_phone_number(number)
        .to_http_request(&target)
        .expect("request");
    assert_eq!(request.uri(), "https://op.example/consent-info/v0.2/retrieve");
    let sent: Value = serde_json::from_slice(request.body()).expect("JSON");
    assert_eq!(sent, example);
    spec.validate("#/components/schemas/RetrieveStatusRequestBody", &sent)
        .expect("valid request");
    spec.validate(
        "#/components/schemas/RetrieveStatusRequestBody",
        &fixture_json("camara/consent-info/retrieve.request.multiple-scopes-one-api.json"),
    )
    .expect("the spec's example is valid");
    let empty = retrieve::Request::new(ConsentQuery::new(
        Vec::new(),
        Purpose::FraudPreventionAndDetection,
    ));
    assert_eq!(
        empty.to_http_request(&target).err(),
        Some(InvalidRequest::NoScopes)
    );
}

#[test]
fn deviations_are_tolerated_by_default_and_refused_strictly() {
    let body = r#"{"statusInfo":[{"scopes":["sim-swap:check"],"purpose":"dpv:FraudPreventionAndDetection","statusValidForProcessing":"false","statusReason":"WITHDRAWN","note":1}]}"#;
    let lenient =
        retrieve::Request::from_http_response(&response(200, body), Tolerance::lenient()).expect("tolerated");
    let paths: Vec<&str> = lenient
        .tolerated
        .iter()
        .map(|quirk| quirk.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "$.statusInfo[0].statusValidForProcessing",
            "$.statusInfo[0].note",
            "$.statusInfo[0].statusReason"
        ]
    );
    assert_eq!(
        lenient.value.status_info[0].status_reason,
        Some(StatusReason::Other("WITHDRAWN".into()))
    );
    let strict = retrieve::Request::from_http_response(&response(200, body), Tolerance::strict())
        .expect_err("refused");
    assert_eq!(strict.status(), Some(200));
    let empty =
        retrieve::Request::from_http_response(&response(200, r#"{"statusInfo":[]}"#), Tolerance::lenient())
            .expect_err("minItems 1");
    assert!(empty.to_string().contains("$.statusInfo"), "{empty}");
}
