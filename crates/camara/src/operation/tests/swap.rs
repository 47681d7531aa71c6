//! SIM Swap and Device Swap: one call per operation on every version.

use std::sync::Arc;

use netid_transport::test_util::ReplayTransport;
use time::OffsetDateTime;

use super::support::{client, exchange, number, token};
use crate::client::CallOptions;
use crate::operation::*;
use crate::sim_swap::MaxAge;

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
