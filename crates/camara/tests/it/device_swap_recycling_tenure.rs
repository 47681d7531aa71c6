//! Device Swap 1.0.0, Number Recycling 0.2.0 and KYC Tenure 0.2.0: requests and fixtures against
//! the official schemas, decoding strict and lenient.

use netid_camara::device_swap::{MaxAge, v1};
use netid_camara::kyc_tenure::{ContractType, v0_2 as tenure};
use netid_camara::number_recycling::v0_2 as recycling;
use netid_camara::{CamaraError, Endpoint, Target, Tolerance};
use netid_core::correlator::XCorrelator;
use netid_core::phone::PhoneNumber;
use serde_json::Value;
use time::macros::date;

use crate::support::{Spec, fixture, fixture_json, response, token};

fn body(request: &http::Request<bytes::Bytes>) -> Value {
    serde_json::from_slice(request.body()).expect("JSON body")
}

fn correlator() -> XCorrelator {
    "c".parse().expect("valid correlator")
}

/// Every request the clients build is valid against its spec, and equals the spec's own example.
#[test]
fn requests_follow_the_specs() {
    let (token, correlator) = (token(), correlator());
    let target = Target::new("https://op.example", &token, &correlator);
    let example_number = PhoneNumber::parse_strict("+346661113334").expect("spec example number");
    let spec = Spec::load("device-swap.yaml");
    let check = v1::check::Request::new(MaxAge::new(120).expect("in range"));
    let two_legged = check.clone().with_phone_number(example_number);
    for (request, fixture_path) in [
        (&check, "camara/device-swap/check.request.3-legged.json"),
        (&two_legged, "camara/device-swap/check.request.2-legged.json"),
    ] {
        let sent = body(&request.to_http_request(&target).expect("request"));
        spec.validate("#/components/schemas/CreateCheckDeviceSwap", &sent)
            .expect("check request valid");
        assert_eq!(sent, fixture_json(fixture_path));
    }
    assert_eq!(
        fixture_json("camara/device-swap/check.request.3-legged.json"),
        spec.components()["examples"]["CHECK_3LEGS"]["value"]
    );
    let date = body(
        &v1::retrieve_date::Request::new()
            .to_http_request(&target)
            .expect("request"),
    );
    spec.validate("#/components/schemas/CreateDeviceSwapDate", &date)
        .expect("retrieve-date request valid");
    assert_eq!(date, spec.components()["examples"]["RETRIEVE_3LEGS"]["value"]);

    let spec = Spec::load("number-recycling.yaml");
    let number = PhoneNumber::parse_strict("+123456789").expect("spec example number");
    let sent = body(
        &recycling::check::Request::new(date!(2024 - 10 - 31))
            .with_phone_number(number)
            .to_http_request(&target)
            .expect("request"),
    );
    spec.validate("#/components/schemas/CreateCheckNumRecycling", &sent)
        .expect("number recycling request valid");
    assert_eq!(
        sent,
        fixture_json("camara/number-recycling/check.request.2-legged.json")
    );

    let spec = Spec::load("kyc-tenure.yaml");
    let sent = body(
        &tenure::check_tenure::Request::new(date!(2023 - 07 - 03))
            .to_http_request(&target)
            .expect("request"),
    );
    spec.validate("#/components/schemas/Tenure", &sent)
        .expect("tenure request valid");
    assert_eq!(
        sent,
        fixture_json("camara/kyc-tenure/check-tenure.request.3-legged.json")
    );
}

#[test]
fn response_fixtures_follow_the_specs() {
    for (file, schema, path, valid) in [
        (
            "device-swap.yaml",
            "DeviceSwapInfo",
            "camara/device-swap/retrieve-date.200.json",
            true,
        ),
        (
            "device-swap.yaml",
            "DeviceSwapInfo",
            "camara/device-swap/retrieve-date.200.null.json",
            true,
        ),
        (
            "device-swap.yaml",
            "DeviceSwapInfo",
            "camara/device-swap/retrieve-date.200.monitored-period.json",
            true,
        ),
        // A SIM Swap body is not a Device Swap one: the date field is required.
        (
            "device-swap.yaml",
            "DeviceSwapInfo",
            "camara/sim-swap/retrieve-date.200.null.json",
            false,
        ),
        (
            "device-swap.yaml",
            "CheckDeviceSwapInfo",
            "camara/device-swap/check.200.json",
            true,
        ),
        (
            "number-recycling.yaml",
            "CheckNumRecyclingInfo",
            "camara/number-recycling/check.200.json",
            true,
        ),
        (
            "kyc-tenure.yaml",
            "TenureInfo",
            "camara/kyc-tenure/check-tenure.200.json",
            true,
        ),
        (
            "kyc-tenure.yaml",
            "TenureInfo",
            "camara/kyc-tenure/check-tenure.200.no-contract-type.json",
            true,
        ),
        (
            "kyc-tenure.yaml",
            "TenureInfo",
            "quirks/kyc-tenure/check-tenure.200.unknown-contract-type.json",
            false,
        ),
    ] {
        let outcome =
            Spec::load(file).validate(&format!("#/components/schemas/{schema}"), &fixture_json(path));
        assert_eq!(outcome.is_ok(), valid, "{file} {path}: {outcome:?}");
    }
    // The retrieve-date examples of the spec are the fixtures.
    let spec = Spec::load("device-swap.yaml");
    for (example, path) in [
        (
            "RETRIEVE_MONITORED_NULL",
            "camara/device-swap/retrieve-date.200.null.json",
        ),
        (
            "RETRIEVE_MONITORED_PERIOD",
            "camara/device-swap/retrieve-date.200.monitored-period.json",
        ),
    ] {
        assert_eq!(
            spec.components()["examples"][example]["value"],
            fixture_json(path),
            "{example}"
        );
    }
}

/// Decodes `path` with the decoder `E` and prints the outcome.
fn decode<E: Endpoint>(path: &str, tolerance: Tolerance) -> String
where
    E::Response: std::fmt::Debug,
{
    match E::from_http_response(&response(200, fixture(path)), tolerance) {
        Ok(decoded) => format!("{:?} {:?}", decoded.value, decoded.tolerated),
        Err(CamaraError::Decode(error)) => format!("decode error {:?} at {}", error.kind(), error.path()),
        Err(other) => format!("{other:?}"),
    }
}

#[test]
fn response_fixtures_decode() {
    let (strict, lenient) = (Tolerance::strict(), Tolerance::lenient());
    let mut report = String::new();
    let mut line = |path: &str, mode: &str, outcome: String| {
        report.push_str(&format!("{mode} {path}\n  {outcome}\n"));
    };
    for path in [
        "camara/device-swap/retrieve-date.200.json",
        "camara/device-swap/retrieve-date.200.null.json",
        "camara/device-swap/retrieve-date.200.monitored-period.json",
        // `latestSimChange` is not a Device Swap field.
        "camara/sim-swap/retrieve-date.200.offset.json",
    ] {
        line(path, "strict", decode::<v1::retrieve_date::Request>(path, strict));
    }
    let path = "camara/device-swap/check.200.json";
    line(path, "strict", decode::<v1::check::Request>(path, strict));
    let path = "camara/number-recycling/check.200.json";
    line(path, "strict", decode::<recycling::check::Request>(path, strict));
    for path in [
        "camara/kyc-tenure/check-tenure.200.json",
        "camara/kyc-tenure/check-tenure.200.no-contract-type.json",
    ] {
        line(
            path,
            "strict",
            decode::<tenure::check_tenure::Request>(path, strict),
        );
    }
    let path = "quirks/kyc-tenure/check-tenure.200.unknown-contract-type.json";
    line(
        path,
        "lenient",
        decode::<tenure::check_tenure::Request>(path, lenient),
    );
    line(
        path,
        "strict",
        decode::<tenure::check_tenure::Request>(path, strict),
    );
    insta::assert_snapshot!(report);
    let decoded = tenure::check_tenure::Request::from_http_response(
        &response(200, fixture("camara/kyc-tenure/check-tenure.200.json")),
        strict,
    )
    .expect("decodes");
    assert_eq!(decoded.value.contract_type, Some(ContractType::PayMonthly));
}
