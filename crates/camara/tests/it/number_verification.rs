//! Number Verification 2.0.0 / 2.1.0 through the masstack profile (base URL without the API segment).

use std::sync::Arc;

use netid_camara::number_verification::v2::{device_phone_number, verify};
use netid_camara::{CallOptions, CamaraError, Endpoint, OperatorProfile, SpecVersion, Target, Tolerance};
use netid_core::phone::{HashedPhoneNumber, PhoneNumber};
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support::{Spec, expected, fixture, fixture_json, harness, response, token};

const BASE: &str = "https://opengateway.masstack.com/v2";

#[tokio::test]
async fn masstack_verify_plain_hashed_and_device_number() {
    let number = PhoneNumber::parse_strict("+34666111333").expect("valid");
    let plain = format!(r#"{{"phoneNumber":"{}"}}"#, number.expose_e164());
    let hashed = format!(r#"{{"hashedPhoneNumber":"{}"}}"#, number.hashed().as_str());
    let replay = Arc::new(ReplayTransport::new([
        ReplayEvent::new(
            expected("POST", &format!("{BASE}/verify"), Some(&plain)),
            response(200, fixture("masstack/number-verification/verify.200.json")),
        ),
        ReplayEvent::new(
            expected("POST", &format!("{BASE}/verify"), Some(&hashed)),
            response(
                200,
                fixture("quirks/number-verification/verify.200.verified-as-string.json"),
            ),
        ),
        ReplayEvent::new(
            expected("GET", &format!("{BASE}/device-phone-number"), None),
            response(
                200,
                fixture("quirks/number-verification/device-phone-number.200.no-plus.json"),
            ),
        ),
    ]));
    let h = harness(replay.clone(), OperatorProfile::masstack_number_verification_v2());
    let answer = h
        .client
        .send(
            &token(),
            &verify::Request::plain(number.clone()),
            CallOptions::new(),
        )
        .await
        .expect("verify");
    assert!(answer.value.device_phone_number_verified);
    let answer = h
        .client
        .send(
            &token(),
            &verify::Request::hashed(number.hashed()),
            CallOptions::new(),
        )
        .await
        .expect("hashed");
    assert!(!answer.value.device_phone_number_verified);
    assert_eq!(answer.tolerated.len(), 1);
    let answer = h
        .client
        .send(&token(), &device_phone_number::Request::new(), CallOptions::new())
        .await
        .expect("share");
    assert_eq!(answer.value.device_phone_number, number);
    assert_eq!(
        format!("{:?}", answer.value),
        r#"Response { device_phone_number: PhoneNumber("+34*******33") }"#
    );
    replay.assert_complete();
}

#[test]
fn requests_follow_both_specs() {
    let correlator = "c".parse().expect("valid");
    let token = token();
    let target = Target::new(BASE, &token, &correlator);
    let number = PhoneNumber::parse_strict("+123456789").expect("valid");
    let hash: HashedPhoneNumber = "32F67AB4E4312618B09CD23ED8CE41B13E095FE52B73B2E8DA8EF49830E50DBA"
        .parse()
        .expect("valid hash");
    let body = |request: verify::Request| -> serde_json::Value {
        serde_json::from_slice(request.to_http_request(&target).expect("request").body()).expect("JSON")
    };
    for file in ["number-verification_v2.0.0.yaml", "number-verification.yaml"] {
        let spec = Spec::load(file);
        for request in [
            verify::Request::plain(number.clone()),
            verify::Request::hashed(hash.clone()),
        ] {
            spec.validate(
                "#/components/schemas/NumberVerificationRequestBody",
                &body(request),
            )
            .expect("valid request");
        }
        spec.validate(
            "#/components/schemas/NumberVerificationMatchResponse",
            &fixture_json("masstack/number-verification/verify.200.json"),
        )
        .expect("valid response");
        spec.validate(
            "#/components/schemas/NumberVerificationShareResponse",
            &fixture_json("masstack/number-verification/device-phone-number.200.json"),
        )
        .expect("valid response");
        let quirk = fixture_json("quirks/number-verification/device-phone-number.200.no-plus.json");
        assert!(
            spec.validate("#/components/schemas/NumberVerificationShareResponse", &quirk)
                .is_err()
        );
    }
    let page_number = PhoneNumber::parse_strict("+34666111333").expect("valid");
    assert_eq!(
        body(verify::Request::plain(page_number)),
        fixture_json("masstack/number-verification/verify.request.plain.json")
    );
    assert_eq!(
        body(verify::Request::hashed(hash)),
        fixture_json("masstack/number-verification/verify.request.hashed.json")
    );
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
    let number = PhoneNumber::parse_strict("+34666111333").expect("valid");
    insta::assert_snapshot!(
        "nv_verify_plain",
        show(
            verify::Request::plain(number.clone())
                .to_http_request(&target)
                .expect("request")
        )
    );
    insta::assert_snapshot!(
        "nv_verify_hashed",
        show(
            verify::Request::hashed(number.hashed())
                .to_http_request(&target)
                .expect("request")
        )
    );
    insta::assert_snapshot!(
        "nv_device_phone_number",
        show(
            device_phone_number::Request::new()
                .to_http_request(&target)
                .expect("request")
        )
    );
    let get = device_phone_number::Request::new()
        .to_http_request(&target)
        .expect("request");
    assert_eq!(get.method(), "GET");
    assert!(get.body().is_empty());
    assert!(!get.headers().contains_key("content-type"));
}

#[test]
fn quirks_are_tolerated_or_refused() {
    let decode = |path: &str, tolerance: Tolerance| -> String {
        match device_phone_number::Request::from_http_response(&response(200, fixture(path)), tolerance) {
            Ok(decoded) => format!(
                "{} {:?}",
                decoded.value.device_phone_number.expose_e164(),
                decoded.tolerated
            ),
            Err(CamaraError::Decode(error)) => format!("{:?} at {}", error.kind(), error.path()),
            Err(other) => format!("{other:?}"),
        }
    };
    let no_plus = "quirks/number-verification/device-phone-number.200.no-plus.json";
    assert_eq!(
        decode(no_plus, Tolerance::lenient()),
        r#"+34666111333 [ToleratedQuirk { quirk: MissingPlus, path: "$.devicePhoneNumber" }]"#
    );
    assert_eq!(
        decode(no_plus, Tolerance::strict()),
        "Quirk(MissingPlus) at $.devicePhoneNumber"
    );
    assert_eq!(
        decode(
            "masstack/number-verification/device-phone-number.200.json",
            Tolerance::strict()
        ),
        "+123456789 []"
    );
    let as_string = "quirks/number-verification/verify.200.verified-as-string.json";
    let strict = verify::Request::from_http_response(&response(200, fixture(as_string)), Tolerance::strict())
        .expect_err("strict");
    assert!(matches!(strict, CamaraError::Decode(e) if e.path() == "$.devicePhoneNumberVerified"));
}

#[test]
fn the_profile_carries_the_spec_version() {
    let profile = OperatorProfile::masstack_number_verification_v2();
    assert_eq!(profile.spec(), SpecVersion::NumberVerification2_0_0);
    assert!(verify::Request::METADATA.supports(SpecVersion::NumberVerification2_1_0));
    assert!(!verify::Request::METADATA.supports(SpecVersion::SimSwap2_1_0));
}
