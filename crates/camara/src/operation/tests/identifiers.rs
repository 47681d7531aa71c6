//! What is refused or left out before anything is sent: the identifier rules per spec version and
//! token kind, a two-legged token on Number Verification, an operation of another API.

use std::sync::Arc;

use netid_transport::test_util::ReplayTransport;

use super::support::{client, number, token};
use crate::client::CallOptions;
use crate::operation::*;
use crate::sim_swap::MaxAge;

#[test]
fn identifier_rules_per_version_and_token_kind() {
    let token = token();
    let number = number();
    let three = Bearer::three_legged(&token);
    let three_with = Bearer::three_legged(&token).with_phone_number(&number);
    let two = Bearer::two_legged(&token, &number);
    let sent = Ok(Some(number.clone()));
    let check =
        |bearer: Bearer<'_>, spec: SpecVersion, expected: &Result<Option<PhoneNumber>, InvalidRequest>| {
            assert_eq!(&bearer.identifier(spec), expected, "{spec} {:?}", bearer.kind());
        };
    for spec in [
        SpecVersion::KycMatch0_2_1,
        SpecVersion::KycMatch0_4_0,
        SpecVersion::SimSwap1_0_0,
    ] {
        check(three, spec, &Ok(None));
        check(three_with, spec, &sent);
        check(two, spec, &sent);
    }
    check(three, SpecVersion::SimSwap2_1_0, &Ok(None));
    check(three_with, SpecVersion::SimSwap2_1_0, &Ok(None));
    check(two, SpecVersion::SimSwap2_1_0, &sent);
    for spec in [
        SpecVersion::NumberVerification2_0_0,
        SpecVersion::NumberVerification2_1_0,
    ] {
        check(three_with, spec, &Ok(None));
        check(
            two,
            spec,
            &Err(InvalidRequest::ThreeLeggedTokenRequired {
                api: Api::NumberVerification,
            }),
        );
    }
    // The Commonalities 0.6 APIs added since: never an identifier beside a 3-legged token.
    for spec in [
        SpecVersion::DeviceSwap1_0_0,
        SpecVersion::NumberRecycling0_2_0,
        SpecVersion::KycTenure0_2_0,
    ] {
        check(three, spec, &Ok(None));
        check(three_with, spec, &Ok(None));
        check(two, spec, &sent);
    }
    let mut anonymous = two;
    anonymous.phone_number = None;
    check(
        anonymous,
        SpecVersion::KycTenure0_2_0,
        &Err(InvalidRequest::MissingIdentifier { api: Api::KycTenure }),
    );
    check(
        anonymous,
        SpecVersion::SimSwap2_1_0,
        &Err(InvalidRequest::MissingIdentifier { api: Api::SimSwap }),
    );
}

#[test]
fn commonalities_0_6_apis_never_send_the_number_beside_a_three_legged_token() {
    let token = token();
    let number = number();
    for spec in [
        SpecVersion::CallForwardingSignal0_4_0,
        SpecVersion::ConsentInfo0_2_0,
    ] {
        let three_with = Bearer::three_legged(&token).with_phone_number(&number);
        assert_eq!(three_with.identifier(spec), Ok(None), "{spec}");
        assert_eq!(
            Bearer::two_legged(&token, &number).identifier(spec),
            Ok(Some(number.clone())),
            "{spec}"
        );
        let mut anonymous = Bearer::two_legged(&token, &number);
        anonymous.phone_number = None;
        assert_eq!(
            anonymous.identifier(spec),
            Err(InvalidRequest::MissingIdentifier { api: spec.api() }),
            "{spec}"
        );
    }
}

#[tokio::test]
async fn number_verification_refuses_two_legged_tokens_before_sending() {
    let token = token();
    let number = number();
    let replay = Arc::new(ReplayTransport::new([]));
    let client = client(&replay, SpecVersion::NumberVerification2_1_0);
    let error = client
        .verify_number(
            Bearer::two_legged(&token, &number),
            number.clone().into(),
            CallOptions::new(),
        )
        .await
        .expect_err("two-legged");
    assert_eq!(
        error.to_string(),
        "number-verification needs a three-legged token (obtained for the subscriber), not a two-legged one"
    );
    assert!(replay.received().is_empty());
}

#[tokio::test]
async fn an_operation_of_another_api_is_refused() {
    let token = token();
    let replay = Arc::new(ReplayTransport::new([]));
    let error = client(&replay, SpecVersion::KycMatch0_2_1)
        .sim_swap_check(Bearer::three_legged(&token), MaxAge::DEFAULT, CallOptions::new())
        .await
        .expect_err("wrong api");
    assert!(
        matches!(
            error,
            CamaraError::InvalidRequest(InvalidRequest::ProfileMismatch { .. })
        ),
        "{error:?}"
    );
    let error = client(&replay, SpecVersion::SimSwap2_1_0)
        .device_phone_number(Bearer::three_legged(&token), CallOptions::new())
        .await
        .expect_err("wrong api");
    assert_eq!(
        error.to_string(),
        "operation number-verification device-phone-number is not part of sim-swap 2.1.0"
    );
}
