//! SIM Swap 1.0.0 and 2.1.0: requests, fixtures, quirks, schema validation.

use std::sync::Arc;

use netid_camara::sim_swap::{MaxAge, v1, v2};
use netid_camara::{
    CallOptions, CamaraError, DecodeErrorKind, Endpoint, OperatorProfile, SpecVersion, Tolerance,
};
use netid_core::phone::PhoneNumber;
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support::{Spec, expected, fixture, fixture_json, harness, response, token};

fn spain() -> OperatorProfile {
    OperatorProfile::orange_spain_sim_swap_v1()
}

fn number() -> PhoneNumber {
    PhoneNumber::parse_strict("+34654654654").expect("valid number")
}

#[tokio::test]
async fn orange_spain_page_examples_round_trip() {
    let base = "https://api.orange.com/camara/oes/sim-swap/v1";
    let check_body =
        String::from_utf8(fixture("orange-spain/sim-swap/check.request.json").to_vec()).expect("utf-8");
    let date_body = String::from_utf8(fixture("orange-spain/sim-swap/retrieve-date.request.json").to_vec())
        .expect("utf-8");
    let replay = Arc::new(ReplayTransport::new([
        ReplayEvent::new(
            expected("POST", &format!("{base}/check"), Some(&check_body)),
            response(200, fixture("orange-spain/sim-swap/check.200.json")),
        ),
        ReplayEvent::new(
            expected("POST", &format!("{base}/retrieve-date"), Some(&date_body)),
            response(200, fixture("orange-spain/sim-swap/retrieve-date.200.json")),
        ),
    ]));
    let h = harness(replay.clone(), spain());
    let check = v1::check::Request::new(MaxAge::DEFAULT).with_phone_number(number());
    let answer = h
        .client
        .send(&token(), &check, CallOptions::new())
        .await
        .expect("check");
    assert!(answer.value.swapped);
    assert_eq!(answer.attempts, 1);
    assert!(answer.tolerated.is_empty());

    let date = v1::retrieve_date::Request::new().with_phone_number(number());
    let answer = h
        .client
        .send(&token(), &date, CallOptions::new())
        .await
        .expect("retrieve-date");
    let when = answer.value.latest_sim_change.expect("a date");
    assert_eq!(when.unix_timestamp(), 1_693_922_275);
    assert_eq!(when.millisecond(), 707);
    replay.assert_complete();
}

#[test]
fn serialised_requests() {
    let correlator = "b4333c46-49c0-4f62-80d7-f0ef930f1c46"
        .parse()
        .expect("valid correlator");
    let token = token();
    let target = netid_camara::Target::new("https://op.example/sim-swap/v2", &token, &correlator);
    let show = |request: http::Request<bytes::Bytes>| {
        let mut text = format!("{} {}\n", request.method(), request.uri());
        for (name, value) in request.headers() {
            let value = if name == "authorization" {
                "Bearer [redacted]"
            } else {
                value.to_str().unwrap_or("?")
            };
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push_str(&String::from_utf8_lossy(request.body()));
        text
    };
    let max = MaxAge::new(2400).expect("in range");
    insta::assert_snapshot!(
        "sim_swap_v2_check_3_legged",
        show(
            v2::check::Request::new(max)
                .to_http_request(&target)
                .expect("request")
        )
    );
    insta::assert_snapshot!(
        "sim_swap_v2_check_2_legged_digits",
        show(
            v2::check::Request::new(MaxAge::MIN)
                .with_phone_number(number())
                .to_http_request(&target.with_phone_style(netid_camara::PhoneStyle::Digits))
                .expect("request")
        )
    );
    let v1_target = netid_camara::Target::new("https://op.example/sim-swap/v1", &token, &correlator);
    insta::assert_snapshot!(
        "sim_swap_v1_check",
        show(
            v1::check::Request::new(MaxAge::DEFAULT)
                .with_phone_number(number())
                .to_http_request(&v1_target)
                .expect("request")
        )
    );
    insta::assert_snapshot!(
        "sim_swap_v2_retrieve_date_3_legged",
        show(
            v2::retrieve_date::Request::new()
                .to_http_request(&target)
                .expect("request")
        )
    );
    insta::assert_snapshot!(
        "sim_swap_v2_retrieve_date_2_legged",
        show(
            v2::retrieve_date::Request::new()
                .with_phone_number(number())
                .to_http_request(&target)
                .expect("request")
        )
    );
    insta::assert_snapshot!(
        "sim_swap_v1_retrieve_date",
        show(
            v1::retrieve_date::Request::new()
                .with_phone_number(number())
                .to_http_request(&v1_target)
                .expect("request")
        )
    );
}

/// Every request the clients build is valid against the official schema of its version.
#[test]
fn requests_follow_the_specs() {
    let correlator = "c".parse().expect("valid correlator");
    let token = token();
    let target = netid_camara::Target::new("https://op.example", &token, &correlator);
    let body = |request: http::Request<bytes::Bytes>| -> serde_json::Value {
        serde_json::from_slice(request.body()).expect("JSON body")
    };
    for (file, phone) in [
        ("sim-swap_v1.0.0.yaml", true),
        ("sim-swap.yaml", true),
        ("sim-swap.yaml", false),
    ] {
        let spec = Spec::load(file);
        let mut check = v1::check::Request::new(MaxAge::new(7).expect("in range"));
        let mut date = v1::retrieve_date::Request::new();
        if phone {
            check = check.with_phone_number(number());
            date = date.with_phone_number(number());
        }
        spec.validate(
            "#/components/schemas/CreateCheckSimSwap",
            &body(check.to_http_request(&target).expect("request")),
        )
        .expect("check request valid");
        spec.validate(
            "#/components/schemas/CreateSimSwapDate",
            &body(date.to_http_request(&target).expect("request")),
        )
        .expect("retrieve-date request valid");
    }
    // The spec's own request examples are what the client builds.
    let spec = Spec::load("sim-swap.yaml");
    for (example, schema) in [
        ("CHECK_3LEGS", "CreateCheckSimSwap"),
        ("CHECK_2LEGS", "CreateCheckSimSwap"),
        ("RETRIEVE_3LEGS", "CreateSimSwapDate"),
    ] {
        let value = &spec.components()["examples"][example]["value"];
        spec.validate(&format!("#/components/schemas/{schema}"), value)
            .expect("spec example valid");
    }
    let check = v2::check::Request::new(MaxAge::new(120).expect("in range"));
    assert_eq!(
        body(check.to_http_request(&target).expect("request")),
        fixture_json("camara/sim-swap/check.request.3-legged.json")
    );
    assert_eq!(
        body(
            v2::retrieve_date::Request::new()
                .to_http_request(&target)
                .expect("request")
        ),
        fixture_json("camara/sim-swap/retrieve-date.request.3-legged.json")
    );
}

/// Decodes a fixture as a v1 or v2 retrieve-date answer and prints the outcome.
fn retrieve(version: u8, path: &str, tolerance: Tolerance) -> String {
    let response = response(200, fixture(path));
    let outcome = if version == 1 {
        v1::retrieve_date::Request::from_http_response(&response, tolerance)
            .map(|d| format!("{:?} {:?}", d.value, d.tolerated))
    } else {
        v2::retrieve_date::Request::from_http_response(&response, tolerance)
            .map(|d| format!("{:?} {:?}", d.value, d.tolerated))
    };
    match outcome {
        Ok(text) => text,
        Err(CamaraError::Decode(error)) => format!("decode error {:?} at {}", error.kind(), error.path()),
        Err(other) => format!("{other:?}"),
    }
}

#[test]
fn retrieve_date_fixtures() {
    let strict = Tolerance::strict();
    let lenient = Tolerance::lenient();
    let cases = [
        (1, "orange-spain/sim-swap/retrieve-date.200.json", strict),
        (2, "camara/sim-swap/retrieve-date.200.nanoseconds.json", strict),
        (2, "camara/sim-swap/retrieve-date.200.offset.json", strict),
        (1, "camara/sim-swap/retrieve-date.200.null.json", strict),
        (2, "camara/sim-swap/retrieve-date.200.null.json", strict),
        (
            2,
            "camara/sim-swap/retrieve-date.200.monitored-period.json",
            strict,
        ),
        (
            1,
            "camara/sim-swap/retrieve-date.200.monitored-period.json",
            lenient,
        ),
        (
            1,
            "camara/sim-swap/retrieve-date.200.monitored-period.json",
            strict,
        ),
        (
            2,
            "quirks/sim-swap/retrieve-date.200.monitored-period-as-string.json",
            lenient,
        ),
        (
            2,
            "quirks/sim-swap/retrieve-date.200.monitored-period-as-string.json",
            strict,
        ),
    ];
    let mut report = String::new();
    for (version, path, tolerance) in cases {
        let mode = if tolerance == strict { "strict" } else { "lenient" };
        report.push_str(&format!(
            "v{version} {mode} {path}\n  {}\n",
            retrieve(version, path, tolerance)
        ));
    }
    insta::assert_snapshot!(report);
}

#[test]
fn retrieve_date_fixtures_follow_the_specs() {
    for (file, path, valid) in [
        (
            "sim-swap_v1.0.0.yaml",
            "orange-spain/sim-swap/retrieve-date.200.json",
            true,
        ),
        (
            "sim-swap_v1.0.0.yaml",
            "camara/sim-swap/retrieve-date.200.null.json",
            true,
        ),
        (
            "sim-swap.yaml",
            "camara/sim-swap/retrieve-date.200.nanoseconds.json",
            true,
        ),
        (
            "sim-swap.yaml",
            "camara/sim-swap/retrieve-date.200.offset.json",
            true,
        ),
        (
            "sim-swap.yaml",
            "camara/sim-swap/retrieve-date.200.null.json",
            true,
        ),
        (
            "sim-swap.yaml",
            "camara/sim-swap/retrieve-date.200.monitored-period.json",
            true,
        ),
        (
            "sim-swap.yaml",
            "quirks/sim-swap/retrieve-date.200.monitored-period-as-string.json",
            false,
        ),
    ] {
        let outcome = Spec::load(file).validate("#/components/schemas/SimSwapInfo", &fixture_json(path));
        assert_eq!(outcome.is_ok(), valid, "{file} {path}: {outcome:?}");
    }
}

#[test]
fn check_fixtures() {
    let check = |path: &str, tolerance: Tolerance| -> String {
        match v1::check::Request::from_http_response(&response(200, fixture(path)), tolerance) {
            Ok(decoded) => format!(
                "swapped={} tolerated={:?}",
                decoded.value.swapped, decoded.tolerated
            ),
            Err(CamaraError::Decode(error)) => format!("{:?} at {}", error.kind(), error.path()),
            Err(other) => format!("{other:?}"),
        }
    };
    assert_eq!(
        check("orange-spain/sim-swap/check.200.json", Tolerance::strict()),
        "swapped=true tolerated=[]"
    );
    assert_eq!(
        check(
            "quirks/sim-swap/check.200.swapped-as-string.json",
            Tolerance::lenient()
        ),
        r#"swapped=true tolerated=[ToleratedQuirk { quirk: ScalarAsString, path: "$.swapped" }]"#
    );
    assert_eq!(
        check(
            "quirks/sim-swap/check.200.swapped-as-string.json",
            Tolerance::strict()
        ),
        "Quirk(ScalarAsString) at $.swapped"
    );
    assert_eq!(
        check(
            "quirks/sim-swap/check.200.unknown-field.json",
            Tolerance::lenient()
        ),
        r#"swapped=false tolerated=[ToleratedQuirk { quirk: UnknownField, path: "$.checkedAt" }]"#
    );
    assert_eq!(
        check(
            "quirks/sim-swap/check.200.unknown-field.json",
            Tolerance::strict()
        ),
        "Quirk(UnknownField) at $.checkedAt"
    );
    let spec = Spec::load("sim-swap_v1.0.0.yaml");
    spec.validate(
        "#/components/schemas/CheckSimSwapInfo",
        &fixture_json("orange-spain/sim-swap/check.200.json"),
    )
    .expect("page example valid");
    assert!(
        spec.validate(
            "#/components/schemas/CheckSimSwapInfo",
            &fixture_json("quirks/sim-swap/check.200.swapped-as-string.json")
        )
        .is_err()
    );
}

#[test]
fn the_trailing_comma_of_the_orange_spain_page_is_a_decode_error() {
    let body = fixture("orange-spain/ciba/token.200.trailing-comma.json");
    for status in [200, 401] {
        let error =
            v1::check::Request::from_http_response(&response(status, body.clone()), Tolerance::lenient())
                .expect_err("invalid JSON");
        let CamaraError::Decode(decode) = &error else {
            panic!("expected a decode error, got {error:?}")
        };
        assert_eq!(decode.kind(), DecodeErrorKind::Syntax);
        assert_eq!(decode.status(), status);
        assert_eq!(decode.expose_body(), &body);
        assert!(!error.to_string().contains("OFR_"), "{error}");
        assert!(!format!("{error:?}").contains("OFR_"), "{error:?}");
    }
    let error = v1::check::Request::from_http_response(&response(200, body), Tolerance::lenient())
        .expect_err("invalid");
    insta::assert_snapshot!(error, @"could not decode the 200 response body at $: not valid JSON (103 bytes)");
}

#[tokio::test]
async fn a_profile_for_another_api_is_refused_before_sending() {
    let replay = Arc::new(ReplayTransport::new([]));
    let h = harness(
        replay.clone(),
        OperatorProfile::camara(SpecVersion::SimSwap2_1_0, "https://x"),
    );
    let error = h
        .client
        .send(
            &token(),
            &v1::check::Request::new(MaxAge::DEFAULT),
            CallOptions::new(),
        )
        .await
        .expect_err("v1 op on v2 profile");
    insta::assert_snapshot!(error, @"operation sim-swap check is not part of sim-swap 2.1.0");
    assert!(replay.received().is_empty());
}
