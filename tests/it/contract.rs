//! The CAMARA client contract against the reference operator, through `netid-reqwest` on
//! 127.0.0.1: every operation of every spec version decodes strictly with its correlator echoed,
//! and the faults the operator pages document (429 with `Retry-After`, 5xx, malformed bodies,
//! slowness) end as the typed outcome the client promises. The same contract runs against the
//! replay transport and a scripted loopback server in `crates/camara/tests/it/contract.rs`.

use std::time::{Duration, SystemTime};

use netid_camara::kyc_match::{v0_2, v0_4};
use netid_camara::number_verification::v2::{device_phone_number, verify};
use netid_camara::sim_swap::{MaxAge, v1, v2};
use netid_camara::{
    CallOptions, CamaraClient, CamaraError, CorrelatorEcho, CorrelatorPolicy, DecodeErrorKind,
    OperatorProfile, RetryAfter, RetryPolicy, SpecVersion, Tolerance,
};
use netid_core::error_info::ErrorCode;
use netid_core::kyc::{KycClaims, Match};
use netid_core::phone::PhoneNumber;
use netid_core::scope::ApiScope;
use netid_core::secret::Pii;
use netid_server::Fault;

use crate::support::Sandbox;

const PETER: &str = "tel:+33699901040";
const DEVICE: &str = "ipport:198.51.100.7:40404";

fn strict(sandbox: &Sandbox, spec: SpecVersion) -> CamaraClient {
    sandbox
        .camara(spec)
        .with_correlator_policy(CorrelatorPolicy::Require)
}

fn claims() -> KycClaims {
    let mut claims = KycClaims::new();
    claims.phone_number = PhoneNumber::parse_strict("+33699901040").ok();
    claims.given_name = Some(Pii::new(String::from("Peter")));
    claims.family_name = Some(Pii::new(String::from("Lefebvre")));
    claims.postal_code = Some(Pii::new(String::from("44000")));
    claims
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_every_version_decodes_strictly_with_its_correlator() {
    let sandbox = Sandbox::start().await;
    let token = sandbox
        .token(
            PETER,
            &[
                ApiScope::KycMatchMatch,
                ApiScope::SimSwapCheck,
                ApiScope::SimSwapRetrieveDate,
            ],
        )
        .await;
    let options = CallOptions::new;

    let answer = strict(&sandbox, SpecVersion::KycMatch0_2_1)
        .send(&token, &v0_2::Request::new(claims()), options())
        .await
        .expect("KYC Match 0.2.1");
    assert_eq!(answer.echo, CorrelatorEcho::Echoed);
    assert!(answer.tolerated.is_empty(), "{:?}", answer.tolerated);
    assert_eq!(answer.value.result.len(), 3);
    assert!(
        answer
            .value
            .result
            .iter()
            .all(|(_, found)| found.result == Match::Matched)
    );

    let answer = strict(&sandbox, SpecVersion::KycMatch0_4_0)
        .send(&token, &v0_4::Request::new(claims()), options())
        .await
        .expect("KYC Match 0.4.0");
    assert_eq!(answer.echo, CorrelatorEcho::Echoed);
    assert!(answer.tolerated.is_empty());
    assert_eq!(answer.value.result.len(), 3);

    // SIM Swap 1.0 takes the number next to the token (it must be the token's); 2.1 refuses it.
    let number = PhoneNumber::parse_strict("+33699901040").expect("number");
    let v1_client = strict(&sandbox, SpecVersion::SimSwap1_0_0);
    let check = v1_client
        .send(
            &token,
            &v1::check::Request::new(MaxAge::DEFAULT).with_phone_number(number.clone()),
            options(),
        )
        .await
        .expect("SIM Swap 1.0 check");
    assert!(!check.value.swapped);
    let date = v1_client
        .send(&token, &v1::retrieve_date::Request::new(), options())
        .await
        .expect("SIM Swap 1.0 retrieve-date");
    assert!(date.value.latest_sim_change.is_some());
    let v2_client = strict(&sandbox, SpecVersion::SimSwap2_1_0);
    let check = v2_client
        .send(&token, &v2::check::Request::new(MaxAge::MAX), options())
        .await
        .expect("SIM Swap 2.1 check");
    assert!(!check.value.swapped, "a change in 2023 is older than 2400 h");
    let date = v2_client
        .send(&token, &v2::retrieve_date::Request::new(), options())
        .await
        .expect("SIM Swap 2.1 retrieve-date");
    assert!(date.value.latest_sim_change.is_some());

    // The Orange Spain page's subscriber swapped two days ago: within 240 h, not within 24 h.
    let spanish = sandbox.token("tel:+34654654654", &[ApiScope::SimSwapCheck]).await;
    for (hours, swapped) in [(240, true), (24, false)] {
        let max_age = MaxAge::new(hours).expect("in range");
        let check = v2_client
            .send(&spanish, &v2::check::Request::new(max_age), options())
            .await
            .expect("SIM Swap 2.1 check");
        assert_eq!(check.value.swapped, swapped, "{hours} h");
    }
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn number_verification_2_0_and_2_1_decode_strictly() {
    let sandbox = Sandbox::start().await;
    let apis = [
        ApiScope::NumberVerificationVerify,
        ApiScope::NumberVerificationDevicePhoneNumberRead,
    ];
    let number = PhoneNumber::parse_strict("+33699901040").expect("number");
    for spec in [
        SpecVersion::NumberVerification2_0_0,
        SpecVersion::NumberVerification2_1_0,
    ] {
        let client = strict(&sandbox, spec);
        // Number Verification tokens are single-use: one per call, obtained together.
        let (plain, hashed, device) = tokio::join!(
            sandbox.token(DEVICE, &apis),
            sandbox.token(DEVICE, &apis),
            sandbox.token(DEVICE, &apis),
        );
        for (token, request) in [
            (plain, verify::Request::plain(number.clone())),
            (hashed, verify::Request::hashed(number.hashed())),
        ] {
            let answer = client
                .send(&token, &request, CallOptions::new())
                .await
                .expect("verify");
            assert!(answer.value.device_phone_number_verified, "{spec:?}");
            assert_eq!(answer.echo, CorrelatorEcho::Echoed);
        }
        let answer = client
            .send(&device, &device_phone_number::Request::new(), CallOptions::new())
            .await
            .expect("device-phone-number");
        assert_eq!(answer.value.device_phone_number, number);
    }
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_end_as_typed_outcomes() {
    let sandbox = Sandbox::start().await;
    let token = sandbox.token(PETER, &[ApiScope::SimSwapCheck]).await;
    let path = "/sim-swap/v2/check";
    let request = v2::check::Request::new(MaxAge::DEFAULT);
    let client = strict(&sandbox, SpecVersion::SimSwap2_1_0);

    // 429 without a retry policy: the typed error keeps Retry-After.
    sandbox
        .server
        .inject_fault(path, Fault::too_many_requests(Duration::from_secs(1)).times(1));
    let error = client
        .send(&token, &request, CallOptions::new())
        .await
        .expect_err("429");
    let operator = error.as_operator().expect("an operator error");
    assert_eq!(operator.status(), 429);
    assert_eq!(*operator.code(), ErrorCode::TooManyRequests);
    assert_eq!(
        error.retry_after(),
        Some(RetryAfter::Delay(Duration::from_secs(1)))
    );

    // With a policy, Retry-After is honoured and the second attempt succeeds.
    let retrying = client.clone().with_retry(
        RetryPolicy::exponential(3).with_delays(Duration::from_millis(50), Duration::from_secs(2)),
    );
    sandbox
        .server
        .inject_fault(path, Fault::too_many_requests(Duration::from_secs(1)).times(1));
    let started = std::time::Instant::now();
    let answer = retrying
        .send(&token, &request, CallOptions::new())
        .await
        .expect("retried after 429");
    assert_eq!(answer.attempts, 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );

    // Two 503s, then success: bounded attempts with backoff.
    sandbox.server.inject_fault(path, Fault::status(503).times(2));
    let answer = retrying
        .send(&token, &request, CallOptions::new())
        .await
        .expect("retried after 503s");
    assert_eq!(answer.attempts, 3);

    // A 500 is never retried.
    sandbox.server.inject_fault(path, Fault::status(500).times(1));
    let error = retrying
        .send(&token, &request, CallOptions::new())
        .await
        .expect_err("500");
    assert_eq!(error.status(), Some(500));

    // A truncated body is a decoding error that keeps the status.
    sandbox
        .server
        .inject_fault(path, Fault::malformed_body().times(1));
    match client.send(&token, &request, CallOptions::new()).await {
        Err(CamaraError::Decode(error)) => {
            assert_eq!(error.status(), 200);
            assert_eq!(error.kind(), DecodeErrorKind::Syntax);
        }
        other => panic!("expected a decoding error, got {other:?}"),
    }

    // A slow operator and a caller's deadline: the deadline wins.
    sandbox
        .server
        .inject_fault(path, Fault::latency(Duration::from_secs(3)).times(1));
    let deadline = SystemTime::now() + Duration::from_millis(300);
    let error = client
        .send(&token, &request, CallOptions::new().with_deadline(deadline))
        .await
        .expect_err("deadline");
    assert!(matches!(error, CamaraError::Deadline { .. }), "{error:?}");

    sandbox.server.clear_faults();
    let answer = client
        .send(&token, &request, CallOptions::new())
        .await
        .expect("healthy again");
    assert_eq!(answer.attempts, 1);
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_profiles_at_the_operators_paths() {
    let sandbox = Sandbox::start().await;
    let token = sandbox
        .token(PETER, &[ApiScope::KycMatchMatch, ApiScope::SimSwap])
        .await;
    // Orange France KYC Match, strict: the sandbox answers the page's string results as the spec's.
    let client = sandbox.operator(
        OperatorProfile::orange_france_kyc_match_v0_2().with_tolerance(Tolerance::strict()),
        "/camara/ofr/kyc-match/v0.2",
    );
    let answer = client
        .send(&token, &v0_2::Request::new(claims()), CallOptions::new())
        .await
        .expect("Orange France path");
    assert_eq!(answer.value.result.len(), 3);
    let client = sandbox.operator(
        OperatorProfile::orange_spain_sim_swap_v1(),
        "/camara/oes/sim-swap/v1",
    );
    let answer = client
        .send(
            &token,
            &v1::check::Request::new(MaxAge::DEFAULT),
            CallOptions::new(),
        )
        .await
        .expect("Orange Spain path with the page's single sim-swap scope");
    assert!(!answer.value.swapped);
    sandbox.server.shutdown().await;
}
