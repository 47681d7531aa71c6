//! Every documented error of every spec version and operator page maps to a typed operator error.

use std::time::Duration;

use bytes::Bytes;
use netid_camara::device_swap::v1 as device_swap;
use netid_camara::kyc_age_verification::v0_2 as age_v0_2;
use netid_camara::kyc_fill_in::v0_4 as fill_in_v0_4;
use netid_camara::kyc_match::{v0_2, v0_4};
use netid_camara::kyc_tenure::v0_2 as kyc_tenure;
use netid_camara::number_recycling::v0_2 as number_recycling;
use netid_camara::number_verification::v2::verify;
use netid_camara::sim_swap::{v1, v2};
use netid_camara::{CamaraError, DecodeErrorKind, Endpoint, RetryAfter, Tolerance};
use netid_camara::{call_forwarding_signal, consent_info};
use netid_core::error_info::ErrorCode;
use serde_json::Value;

use crate::support::{Spec, fixture, fixture_json, response};

type Decode = fn(&netid_transport::HttpResponse) -> Result<(), CamaraError>;

fn decode_with<E: Endpoint>(response: &netid_transport::HttpResponse) -> Result<(), CamaraError> {
    E::from_http_response(response, Tolerance::strict()).map(|_| ())
}

/// `(spec file, decoder)` for every spec version this crate implements.
pub(crate) fn specs() -> Vec<(&'static str, Decode)> {
    vec![
        ("kyc-match_v0.2.1.yaml", decode_with::<v0_2::Request>),
        ("kyc-match.yaml", decode_with::<v0_4::Request>),
        ("sim-swap_v1.0.0.yaml", decode_with::<v1::check::Request>),
        ("sim-swap.yaml", decode_with::<v2::retrieve_date::Request>),
        ("number-verification_v2.0.0.yaml", decode_with::<verify::Request>),
        ("number-verification.yaml", decode_with::<verify::Request>),
        ("device-swap.yaml", decode_with::<device_swap::check::Request>),
        (
            "number-recycling.yaml",
            decode_with::<number_recycling::check::Request>,
        ),
        (
            "kyc-tenure.yaml",
            decode_with::<kyc_tenure::check_tenure::Request>,
        ),
        ("kyc-age-verification.yaml", decode_with::<age_v0_2::Request>),
        ("kyc-fill-in.yaml", decode_with::<fill_in_v0_4::Request>),
        (
            "call-forwarding-signal.yaml",
            decode_with::<call_forwarding_signal::v0_4::call_forwardings::Request>,
        ),
        (
            "consent-info.yaml",
            decode_with::<consent_info::v0_2::retrieve::Request>,
        ),
    ]
}

/// Every `(response name, example name, example body)` of a spec's error responses.
fn documented_errors(spec: &Spec) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    let Some(responses) = spec.components()["responses"].as_object() else {
        return found;
    };
    for (name, definition) in responses {
        let content = &definition["content"]["application/json"];
        if let Some(examples) = content["examples"].as_object() {
            for (example, body) in examples {
                found.push((name.clone(), example.clone(), body["value"].clone()));
            }
        }
        if content["example"].is_object() {
            found.push((name.clone(), "example".to_owned(), content["example"].clone()));
        }
    }
    found
}

#[test]
fn every_documented_error_of_every_spec_version() {
    let mut report = String::new();
    for (file, decode) in specs() {
        let spec = Spec::load(file);
        let errors = documented_errors(&spec);
        assert!(!errors.is_empty(), "{file} documents errors");
        for (name, example, body) in errors {
            spec.validate_error(&name, &body)
                .unwrap_or_else(|error| panic!("{file} {example}: {error}"));
            let status = u16::try_from(body["status"].as_u64().expect("status")).expect("u16");
            let bytes = Bytes::from(serde_json::to_vec(&body).expect("serialisable"));
            let error = decode(&response(status, bytes)).expect_err("an error status");
            let CamaraError::Operator(operator) = &error else {
                panic!("{file} {example}: {error:?}")
            };
            assert_eq!(operator.status(), status);
            assert!(
                !matches!(operator.code(), ErrorCode::Other(_)),
                "{file} {example}: unknown code {}",
                operator.code()
            );
            report.push_str(&format!("{file} {name} {example}\n  {error}\n"));
        }
    }
    insta::assert_snapshot!(report);
}

#[test]
fn every_operator_page_error() {
    type Decode = fn(&netid_transport::HttpResponse) -> CamaraError;
    // Each page's errors through the decoder of the operation the page documents.
    let sim_swap: Decode = |response| {
        v1::check::Request::from_http_response(response, Tolerance::strict())
            .map(|_| ())
            .expect_err("an error")
    };
    let kyc_match: Decode = |response| {
        v0_2::Request::from_http_response(response, Tolerance::strict())
            .map(|_| ())
            .expect_err("an error")
    };
    let pages = [
        (
            "orange-spain/sim-swap",
            &[400, 401, 403, 404, 405, 409, 429, 500, 503, 504][..],
            sim_swap,
        ),
        (
            "orange-france/kyc-match",
            &[400, 401, 403, 404, 503][..],
            kyc_match,
        ),
    ];
    let mut report = String::new();
    for (directory, statuses, decode) in pages {
        for status in statuses {
            let path = format!("{directory}/error.{status}.json");
            let error = decode(&response(*status, fixture(&path)));
            let CamaraError::Operator(operator) = &error else {
                panic!("{path}: {error:?}")
            };
            assert_eq!(operator.status(), *status);
            assert_eq!(operator.info().status, *status);
            assert!(!matches!(operator.code(), ErrorCode::Other(_)), "{path}");
            report.push_str(&format!("{path}\n  {error}\n"));
        }
    }
    for path in [
        "masstack/number-verification/error.400.json",
        "masstack/number-verification/error.401.json",
        "masstack/number-verification/error.401.authentication-required.json",
        "masstack/number-verification/error.403.json",
        "masstack/number-verification/error.403.not-mobile-network.json",
    ] {
        let body = fixture_json(path);
        let status = u16::try_from(body["status"].as_u64().expect("status")).expect("u16");
        let error =
            verify::Request::from_http_response(&response(status, fixture(path)), Tolerance::strict())
                .expect_err("an error");
        assert!(
            matches!(&error, CamaraError::Operator(e) if !matches!(e.code(), ErrorCode::Other(_))),
            "{path}"
        );
        report.push_str(&format!("{path}\n  {error}\n"));
    }
    insta::assert_snapshot!(report);
}

#[test]
fn the_orange_spain_errors_follow_the_v1_schemas_where_documented() {
    let spec = Spec::load("sim-swap_v1.0.0.yaml");
    for (status, schema) in [
        (400, "Generic400"),
        (401, "Generic401"),
        (403, "Generic403"),
        (404, "Generic404"),
        (500, "Generic500"),
        (503, "Generic503"),
        (504, "Generic504"),
    ] {
        let body = fixture_json(&format!("orange-spain/sim-swap/error.{status}.json"));
        spec.validate_error(schema, &body)
            .unwrap_or_else(|error| panic!("{status}: {error}"));
    }
}

#[test]
fn unusual_error_bodies() {
    let check = |status: u16, body: Bytes, tolerance: Tolerance| -> String {
        match v2::check::Request::from_http_response(&response(status, body), tolerance) {
            Ok(_) => "ok".to_owned(),
            Err(CamaraError::Operator(error)) => format!("operator {} {}", error.status(), error.code()),
            Err(CamaraError::Decode(error)) => {
                format!("decode {} {:?} at {}", error.status(), error.kind(), error.path())
            }
            Err(other) => format!("{other:?}"),
        }
    };
    let lenient = Tolerance::lenient();
    let strict = Tolerance::strict();
    let unknown = fixture("quirks/sim-swap/error.422.unknown-code.json");
    assert_eq!(
        check(422, unknown.clone(), strict),
        "operator 422 SIM_SWAP.SOMETHING_NEW"
    );
    let as_string = fixture("quirks/sim-swap/error.400.status-as-string.json");
    assert_eq!(
        check(400, as_string.clone(), lenient),
        "operator 400 INVALID_ARGUMENT"
    );
    assert_eq!(
        check(400, as_string, strict),
        "decode 400 Quirk(ScalarAsString) at $.status"
    );
    assert_eq!(
        check(502, fixture("quirks/sim-swap/error.502.html"), lenient),
        "decode 502 Syntax at $"
    );
    assert_eq!(check(503, Bytes::new(), lenient), "decode 503 Syntax at $");
    assert_eq!(
        check(401, Bytes::from_static(br#"{"error":"invalid_token"}"#), strict),
        "decode 401 Quirk(UnknownField) at $.error"
    );
    assert_eq!(
        check(401, Bytes::from_static(br#"{"error":"invalid_token"}"#), lenient),
        "decode 401 Data at $"
    );
    assert_eq!(
        check(
            400,
            Bytes::from_static(br#"{"status":400,"code":7,"message":"m"}"#),
            lenient
        ),
        "decode 400 Data at $.code"
    );
    let decode = v2::check::Request::from_http_response(
        &response(502, fixture("quirks/sim-swap/error.502.html")),
        lenient,
    )
    .expect_err("decode error");
    assert!(matches!(&decode, CamaraError::Decode(e) if e.kind() == DecodeErrorKind::Syntax));
    assert_eq!(decode.status(), Some(502));
}

#[test]
fn retry_after_is_kept_on_operator_errors() {
    let check = |header: &str| {
        let mut response = response(429, fixture("orange-spain/sim-swap/error.429.json"));
        response
            .headers_mut()
            .insert("retry-after", header.parse().expect("header value"));
        let error = v1::check::Request::from_http_response(&response, Tolerance::strict()).expect_err("429");
        error
            .as_operator()
            .and_then(netid_camara::OperatorError::retry_after)
    };
    assert_eq!(check("7"), Some(RetryAfter::Delay(Duration::from_secs(7))));
    assert!(matches!(
        check("Wed, 01 Jan 2025 00:00:30 GMT"),
        Some(RetryAfter::At(_))
    ));
    assert_eq!(check("later"), None);
}
