//! Call Forwarding Signal 0.4.0: the spec's examples against its schema, requests, quirks.

use netid_camara::call_forwarding_signal::CallForwardingService;
use netid_camara::call_forwarding_signal::v0_4::{call_forwardings, unconditional_call_forwardings};
use netid_camara::{CamaraError, DecodeErrorKind, Endpoint, Quirk, Target, Tolerance};
use netid_core::phone::PhoneNumber;
use serde_json::{Value, json};

use crate::support::{Spec, fixture, fixture_json, response, token};

const SPEC: &str = "call-forwarding-signal.yaml";

fn body(request: &http::Request<bytes::Bytes>) -> Value {
    serde_json::from_slice(request.body()).expect("a JSON body")
}

#[test]
fn spec_examples_follow_the_schema_and_decode_strictly() {
    let spec = Spec::load(SPEC);
    let unconditional = "camara/call-forwarding-signal/unconditional-call-forwardings.200.json";
    spec.validate(
        "#/components/schemas/UnconditionalCallForwardingSignal",
        &fixture_json(unconditional),
    )
    .expect("valid");
    let decoded = unconditional_call_forwardings::Request::from_http_response(
        &response(200, fixture(unconditional)),
        Tolerance::strict(),
    )
    .expect("decodes");
    assert_eq!(decoded.value.active, Some(true));

    let list = "camara/call-forwarding-signal/call-forwardings.200.json";
    spec.validate("#/components/schemas/CallForwardingSignal", &fixture_json(list))
        .expect("valid");
    let decoded =
        call_forwardings::Request::from_http_response(&response(200, fixture(list)), Tolerance::strict())
            .expect("decodes");
    assert_eq!(
        decoded.value.services,
        [
            CallForwardingService::Unconditional,
            CallForwardingService::ConditionalBusy,
            CallForwardingService::ConditionalNoAnswer,
        ]
    );
    assert!(decoded.tolerated.is_empty());
}

#[test]
fn requests_carry_the_number_only_when_asked() {
    let spec = Spec::load(SPEC);
    let correlator = "b4333c46-49c0-4f62-80d7-f0ef930f1c46"
        .parse()
        .expect("valid correlator");
    let token = token();
    let target = Target::new(
        "https://op.example/call-forwarding-signal/v0.4",
        &token,
        &correlator,
    );
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid");
    let two_legged = unconditional_call_forwardings::Request::new()
        .with_phone_number(number)
        .to_http_request(&target)
        .expect("request");
    assert_eq!(
        two_legged.uri(),
        "https://op.example/call-forwarding-signal/v0.4/unconditional-call-forwardings"
    );
    assert_eq!(body(&two_legged), json!({"phoneNumber": "+34654654654"}));
    let three_legged = call_forwardings::Request::new()
        .to_http_request(&target)
        .expect("request");
    assert_eq!(
        three_legged.uri(),
        "https://op.example/call-forwarding-signal/v0.4/call-forwardings"
    );
    assert_eq!(body(&three_legged), json!({}));
    for request in [&two_legged, &three_legged] {
        spec.validate("#/components/schemas/CreateCallForwardingSignal", &body(request))
            .expect("valid request");
    }
    spec.validate(
        "#/components/schemas/CreateCallForwardingSignal",
        &fixture_json("camara/call-forwarding-signal/request.2-legged.json"),
    )
    .expect("the spec's example is valid");
}

#[test]
fn deviations_are_tolerated_by_default_and_refused_strictly() {
    fn check(body: &str, tolerance: Tolerance) -> String {
        match call_forwardings::Request::from_http_response(&response(200, body.to_owned()), tolerance) {
            Ok(decoded) => format!("{:?} {:?}", decoded.value.services, decoded.tolerated),
            Err(CamaraError::Decode(error)) => format!("{:?} at {}", error.kind(), error.path()),
            Err(other) => format!("{other}"),
        }
    }
    let strict = Tolerance::strict();
    let lenient = Tolerance::lenient();
    assert_eq!(check(r#"["inactive"]"#, strict), "[Inactive] []");
    assert_eq!(
        check(r#"["unconditional", "conditional_roaming"]"#, lenient),
        r#"[Unconditional, Other("conditional_roaming")] [ToleratedQuirk { quirk: UnknownEnumValue, path: "$[1]" }]"#
    );
    assert_eq!(
        check(r#"["conditional_roaming"]"#, strict),
        format!("{:?} at $[0]", DecodeErrorKind::Quirk(Quirk::UnknownEnumValue))
    );
    assert_eq!(check("[]", lenient), "Data at $");
    assert_eq!(check(r#"{"active": true}"#, lenient), "Data at $");
    let unconditional = |body: &str, tolerance| {
        unconditional_call_forwardings::Request::from_http_response(
            &response(200, body.to_owned()),
            tolerance,
        )
        .map(|decoded| (decoded.value.active, decoded.tolerated.len()))
        .map_err(|error| error.to_string())
    };
    assert_eq!(
        unconditional(r#"{"active": "false"}"#, lenient),
        Ok((Some(false), 1))
    );
    assert_eq!(unconditional("{}", strict), Ok((None, 0)));
    assert!(unconditional(r#"{"active": "false"}"#, strict).is_err());
}
