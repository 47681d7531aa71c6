//! Call Forwarding Signal and Consent Info: the Commonalities 0.6 calls.

use std::sync::Arc;

use netid_transport::test_util::ReplayTransport;

use super::support::{client, exchange, number, token};
use crate::client::CallOptions;
use crate::operation::*;

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
