use std::sync::Arc;

use bytes::Bytes;
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};
use time::OffsetDateTime;

use super::*;
use crate::client::{CallOptions, CamaraClient};
use crate::profile::OperatorProfile;
use crate::sim_swap::MaxAge;

fn number() -> PhoneNumber {
    PhoneNumber::parse_strict("+34654654654").expect("valid number")
}

fn token() -> AccessToken {
    AccessToken::new("t")
}

fn client(replay: &Arc<ReplayTransport>, spec: SpecVersion) -> CamaraClient {
    let clock = ManualClock::new(std::time::SystemTime::UNIX_EPOCH);
    CamaraClient::with_details(
        replay.clone(),
        OperatorProfile::camara(spec, "https://op.example"),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(1)),
        Arc::new(InstantSleep::new(clock)),
    )
}

fn exchange(method: &str, url: &str, body: Option<&str>, answer: &'static str) -> ReplayEvent {
    let mut request = http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", "Bearer t")
        .header("accept", "application/json");
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(Bytes::copy_from_slice(body.unwrap_or_default().as_bytes()))
        .expect("valid request");
    let response = http::Response::builder()
        .status(200)
        .body(Bytes::from_static(answer.as_bytes()))
        .expect("valid response");
    ReplayEvent::new(request, response)
}

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

#[tokio::test]
async fn one_sim_swap_check_call_on_both_versions() {
    let token = token();
    let number = number();
    let bearer = Bearer::three_legged(&token).with_phone_number(&number);
    // 1.0.0 sends the number beside a three-legged token; 2.1.0 must not.
    for (spec, url, body) in [
        (
            SpecVersion::SimSwap1_0_0,
            "https://op.example/sim-swap/v1/check",
            r#"{"phoneNumber":"+34654654654","maxAge":24}"#,
        ),
        (
            SpecVersion::SimSwap2_1_0,
            "https://op.example/sim-swap/v2/check",
            r#"{"maxAge":24}"#,
        ),
    ] {
        let replay = Arc::new(ReplayTransport::new([exchange(
            "POST",
            url,
            Some(body),
            r#"{"swapped": true}"#,
        )]));
        let max_age = MaxAge::new(24).expect("in range");
        let answer = client(&replay, spec)
            .sim_swap_check(bearer, max_age, CallOptions::new())
            .await
            .expect("check");
        assert_eq!(answer.value, SimSwapCheck { swapped: true });
        assert_eq!(answer.spec, spec);
        replay.assert_complete();
    }
}

#[tokio::test]
async fn one_retrieve_date_result_on_both_versions() {
    let token = token();
    let number = number();
    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/sim-swap/v2/retrieve-date",
        Some(r#"{"phoneNumber":"+34654654654"}"#),
        r#"{"latestSimChange": null, "monitoredPeriod": 120}"#,
    )]));
    let answer = client(&replay, SpecVersion::SimSwap2_1_0)
        .sim_swap_retrieve_date(Bearer::two_legged(&token, &number), CallOptions::new())
        .await
        .expect("retrieve-date");
    assert_eq!(
        answer.value,
        SimSwapDate {
            latest_sim_change: None,
            monitored_period: Some(120)
        }
    );
    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/sim-swap/v1/retrieve-date",
        Some("{}"),
        r#"{"latestSimChange": "2024-09-05T14:37:55.707Z"}"#,
    )]));
    let answer = client(&replay, SpecVersion::SimSwap1_0_0)
        .sim_swap_retrieve_date(Bearer::three_legged(&token), CallOptions::new())
        .await
        .expect("retrieve-date");
    assert_eq!(
        answer.value.latest_sim_change.map(OffsetDateTime::unix_timestamp),
        Some(1_725_547_075)
    );
    assert_eq!(answer.value.monitored_period, None);
}

#[tokio::test]
async fn kyc_match_puts_the_identifier_in_the_claims() {
    let token = token();
    let number = number();
    let mut claims = KycClaims::default();
    claims.given_name = Some("Ana".to_owned().into());
    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/kyc-match/v0.4/match",
        Some(r#"{"phoneNumber":"+34654654654","givenName":"Ana"}"#),
        r#"{"givenNameMatch": "true"}"#,
    )]));
    let answer = client(&replay, SpecVersion::KycMatch0_4_0)
        .kyc_match(Bearer::two_legged(&token, &number), claims, CallOptions::new())
        .await
        .expect("match");
    assert_eq!(
        answer.value.get(KycField::GivenName).map(|found| found.result),
        Some(Match::Matched)
    );
    replay.assert_complete();
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

fn date(text: &str) -> time::Date {
    time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).expect("valid date")
}

#[tokio::test]
async fn device_swap_operations() {
    let token = token();
    let number = number();
    let replay = Arc::new(ReplayTransport::new([
        exchange(
            "POST",
            "https://op.example/device-swap/v1/check",
            Some(r#"{"maxAge":240}"#),
            r#"{"swapped": false}"#,
        ),
        exchange(
            "POST",
            "https://op.example/device-swap/v1/retrieve-date",
            Some(r#"{"phoneNumber":"+34654654654"}"#),
            r#"{"latestDeviceChange": "2024-09-18T07:37:53.471829447Z", "monitoredPeriod": 120}"#,
        ),
    ]));
    let client = client(&replay, SpecVersion::DeviceSwap1_0_0);
    let three = Bearer::three_legged(&token).with_phone_number(&number);
    let answer = client
        .device_swap_check(three, MaxAge::DEFAULT, CallOptions::new())
        .await
        .expect("check");
    assert_eq!(answer.value, DeviceSwapCheck { swapped: false });
    assert_eq!(answer.spec, SpecVersion::DeviceSwap1_0_0);
    let answer = client
        .device_swap_retrieve_date(Bearer::two_legged(&token, &number), CallOptions::new())
        .await
        .expect("retrieve-date");
    assert_eq!(
        answer
            .value
            .latest_device_change
            .map(OffsetDateTime::unix_timestamp),
        Some(1_726_645_073)
    );
    assert_eq!(answer.value.monitored_period, Some(120));
    replay.assert_complete();
    let error = client
        .sim_swap_check(three, MaxAge::DEFAULT, CallOptions::new())
        .await
        .expect_err("another api");
    assert_eq!(
        error.to_string(),
        "operation sim-swap check is not part of device-swap 1.0.0"
    );
}

#[tokio::test]
async fn number_recycling_and_kyc_tenure_send_calendar_dates() {
    let token = token();
    let number = number();
    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/number-recycling/v0.2/check",
        Some(r#"{"phoneNumber":"+34654654654","specifiedDate":"2024-10-31"}"#),
        r#"{"phoneNumberRecycled": true}"#,
    )]));
    let answer = client(&replay, SpecVersion::NumberRecycling0_2_0)
        .number_recycling_check(
            Bearer::two_legged(&token, &number),
            date("2024-10-31"),
            CallOptions::new(),
        )
        .await
        .expect("check");
    assert_eq!(answer.value, NumberRecycling { recycled: true });
    replay.assert_complete();

    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/kyc-tenure/v0.2/check-tenure",
        Some(r#"{"tenureDate":"2023-07-03"}"#),
        r#"{"tenureDateCheck": true, "contractType": "PAYM"}"#,
    )]));
    let client = client(&replay, SpecVersion::KycTenure0_2_0);
    let answer = client
        .kyc_tenure_check(
            Bearer::three_legged(&token).with_phone_number(&number),
            date("2023-07-03"),
            CallOptions::new(),
        )
        .await
        .expect("check-tenure");
    assert_eq!(
        answer.value,
        KycTenure {
            tenure_date_check: true,
            contract_type: Some(crate::kyc_tenure::ContractType::PayMonthly),
        }
    );
    replay.assert_complete();
    let negative = time::Date::from_calendar_date(-1, time::Month::January, 1).expect("valid date");
    let error = client
        .kyc_tenure_check(Bearer::three_legged(&token), negative, CallOptions::new())
        .await
        .expect_err("year -1");
    assert_eq!(
        error.to_string(),
        "tenureDate must be a date between years 0000 and 9999"
    );
    assert_eq!(replay.received().len(), 1);
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
async fn call_forwarding_operations_send_the_identifier_of_the_token_kind() {
    use crate::call_forwarding_signal::CallForwardingService;
    let token = token();
    let number = number();
    let replay = Arc::new(ReplayTransport::new([
        exchange(
            "POST",
            "https://op.example/call-forwarding-signal/v0.4/unconditional-call-forwardings",
            Some(r#"{"phoneNumber":"+34654654654"}"#),
            r#"{"active": true}"#,
        ),
        exchange(
            "POST",
            "https://op.example/call-forwarding-signal/v0.4/call-forwardings",
            Some("{}"),
            r#"["conditional_busy", "conditional_no_answer"]"#,
        ),
    ]));
    let client = client(&replay, SpecVersion::CallForwardingSignal0_4_0);
    let answer = client
        .unconditional_call_forwarding(Bearer::two_legged(&token, &number), CallOptions::new())
        .await
        .expect("unconditional");
    assert_eq!(answer.value, UnconditionalCallForwarding { active: Some(true) });
    let three = Bearer::three_legged(&token).with_phone_number(&number);
    let answer = client
        .call_forwardings(three, CallOptions::new())
        .await
        .expect("call-forwardings");
    assert_eq!(
        answer.value.services,
        [
            CallForwardingService::ConditionalBusy,
            CallForwardingService::ConditionalNoAnswer
        ]
    );
    assert!(!answer.value.is_inactive());
    replay.assert_complete();
}

#[tokio::test]
async fn consent_info_sends_the_query_and_refuses_an_empty_one() {
    use netid_core::scope::{ApiScope, Purpose};

    use crate::consent_info::StatusReason;
    let token = token();
    let number = number();
    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/consent-info/v0.2/retrieve",
        Some(
            r#"{"phoneNumber":"+34654654654","scopes":["sim-swap:check"],"purpose":"dpv:FraudPreventionAndDetection","requestCaptureUrl":true}"#,
        ),
        r#"{"statusInfo":[{"scopes":["sim-swap:check"],"purpose":"dpv:FraudPreventionAndDetection","statusValidForProcessing":false,"statusReason":"PENDING"}],"captureUrl":"https://op.example/capture/1"}"#,
    )]));
    let client = client(&replay, SpecVersion::ConsentInfo0_2_0);
    let query = ConsentQuery::new(vec![ApiScope::SimSwapCheck], Purpose::FraudPreventionAndDetection)
        .with_capture_url();
    let answer = client
        .consent_info(Bearer::two_legged(&token, &number), query, CallOptions::new())
        .await
        .expect("retrieve");
    assert!(!answer.value.all_valid());
    assert_eq!(
        answer.value.status_info[0].status_reason,
        Some(StatusReason::Pending)
    );
    assert_eq!(
        answer.value.capture_url.as_deref(),
        Some("https://op.example/capture/1")
    );
    replay.assert_complete();
    let empty = ConsentQuery::new(Vec::new(), Purpose::FraudPreventionAndDetection);
    let error = client
        .consent_info(Bearer::two_legged(&token, &number), empty, CallOptions::new())
        .await
        .expect_err("no scopes");
    assert_eq!(
        error.to_string(),
        "a consent info request needs at least one scope"
    );
}
