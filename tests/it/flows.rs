//! Every flow of the toolkit against the reference operator, through `netid-reqwest` on loopback:
//! CIBA outcomes, the CAMARA APIs at the operators' paths and the CAMARA ones, and SAML sign-in.

use netid_camara::kyc_match::v0_2;
use netid_camara::number_verification::v2::{device_phone_number, verify};
use netid_camara::sim_swap::{MaxAge, v1, v2};
use netid_camara::{CallOptions, CamaraError, OperatorProfile, SpecVersion};
use netid_ciba::Error;
use netid_ciba::error::{FlowError, OAuthErrorCode};
use netid_core::error_info::ErrorCode;
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_core::phone::PhoneNumber;
use netid_core::scope::ApiScope;
use netid_core::secret::Pii;

use crate::support::Sandbox;

const PETER: &str = "tel:+33699901040";
const MARIA: &str = "tel:+34654654654";
const DEVICE: &str = "ipport:198.51.100.7:40404";

fn oauth_code(result: &Result<netid_ciba::tokens::TokenSet, Error>) -> Option<OAuthErrorCode> {
    match result {
        Err(Error::OAuth(error)) => Some(error.code.clone()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ciba_grants_a_token_with_a_verified_id_token() {
    let sandbox = Sandbox::start().await;
    let tokens = sandbox
        .ciba(PETER, &[ApiScope::SimSwapCheck])
        .await
        .expect("granted");
    assert!(
        tokens.id_token.is_some(),
        "the sandbox signs ID tokens and the client verifies them"
    );
    let scope = tokens.scope.expect("scope echoed");
    assert!(scope.contains("sim-swap:check"), "{scope}");
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ciba_ends_denied_expired_or_unknown() {
    let sandbox = Sandbox::start().await;
    let denied = sandbox.ciba("tel:+33612345678", &[ApiScope::SimSwapCheck]).await;
    assert_eq!(
        oauth_code(&denied),
        Some(OAuthErrorCode::AccessDenied),
        "{denied:?}"
    );

    let expired = sandbox.ciba("tel:+34600000002", &[ApiScope::SimSwapCheck]).await;
    let is_expired = oauth_code(&expired) == Some(OAuthErrorCode::ExpiredToken)
        || matches!(expired, Err(Error::Flow(FlowError::DeadlineReached)));
    assert!(is_expired, "{expired:?}");

    let unknown = sandbox.ciba("tel:+33700000000", &[ApiScope::SimSwapCheck]).await;
    assert_eq!(
        oauth_code(&unknown),
        Some(OAuthErrorCode::UnknownUserId),
        "{unknown:?}"
    );
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kyc_match_v0_2_at_the_orange_france_path() {
    let sandbox = Sandbox::start().await;
    let token = sandbox.token(PETER, &[ApiScope::KycMatchMatch]).await;
    let client = sandbox.operator(
        OperatorProfile::orange_france_kyc_match_v0_2(),
        "camara/ofr/kyc-match/v0.2",
    );
    let mut claims = KycClaims::new();
    claims.given_name = Some(Pii::new(String::from("Peter")));
    claims.family_name = Some(Pii::new(String::from("Lefebre")));
    let answer = client
        .send(&token, &v0_2::Request::new(claims), CallOptions::new())
        .await
        .expect("match answered");
    let result = answer.value.result;
    assert_eq!(
        result.get(KycField::GivenName).map(|m| m.result),
        Some(Match::Matched)
    );
    let family = result.get(KycField::FamilyName).expect("familyName answered");
    assert_eq!(family.result, Match::Mismatched);
    assert!(family.score.is_some_and(|score| score.value() > 80), "{family:?}");
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_swap_v1_at_the_orange_spain_path_and_v2() {
    let sandbox = Sandbox::start().await;
    let token = sandbox.token(MARIA, &[ApiScope::SimSwap]).await;
    let v1_client = sandbox.operator(
        OperatorProfile::orange_spain_sim_swap_v1(),
        "camara/oes/sim-swap/v1",
    );
    let check = v1_client
        .send(
            &token,
            &v1::check::Request::new(MaxAge::DEFAULT),
            CallOptions::new(),
        )
        .await
        .expect("check answered");
    assert!(check.value.swapped, "es-maria's SIM changed 48 h ago");
    let recent = v1_client
        .send(
            &token,
            &v1::check::Request::new(MaxAge::new(24).expect("24 h")),
            CallOptions::new(),
        )
        .await
        .expect("check answered");
    assert!(!recent.value.swapped, "not within 24 h");

    let v2_client = sandbox.camara(SpecVersion::SimSwap2_1_0);
    let date = v2_client
        .send(&token, &v2::retrieve_date::Request::new(), CallOptions::new())
        .await
        .expect("retrieve-date answered");
    assert!(
        date.value.latest_sim_change.is_some(),
        "the change 48 h ago is inside the 30-day window"
    );
    // Spec 2.1: `monitoredPeriod` is only valued when the change is older than the window.
    assert_eq!(date.value.monitored_period, None);
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn number_verification_needs_the_mobile_network() {
    let sandbox = Sandbox::start().await;
    let apis = [
        ApiScope::NumberVerificationVerify,
        ApiScope::NumberVerificationDevicePhoneNumberRead,
    ];
    let client = sandbox.camara(SpecVersion::NumberVerification2_1_0);
    let own = PhoneNumber::parse_strict("+33699901040").expect("number");
    let other = PhoneNumber::parse_strict("+34654654654").expect("number");

    // Number Verification tokens are single-use (issue 16): one token per call.
    let check = |request: verify::Request| {
        let client = client.clone();
        let (sandbox, apis) = (&sandbox, &apis);
        async move {
            let token = sandbox.token(DEVICE, apis).await;
            client
                .send(&token, &request, CallOptions::new())
                .await
                .expect("verify answered")
                .value
                .device_phone_number_verified
        }
    };
    assert!(check(verify::Request::plain(own.clone())).await);
    assert!(check(verify::Request::hashed(own.hashed())).await);
    assert!(!check(verify::Request::plain(other.clone())).await);
    assert!(!check(verify::Request::hashed(other.hashed())).await);
    let network = sandbox.token(DEVICE, &apis).await;
    let device = client
        .send(&network, &device_phone_number::Request::new(), CallOptions::new())
        .await
        .expect("device number answered");
    assert_eq!(device.value.device_phone_number, own);
    // The answer spent the token: reusing the raw token is the spec's 401.
    let reused = client
        .send(&network, &verify::Request::plain(own.clone()), CallOptions::new())
        .await
        .expect_err("a spent token is refused");
    match reused {
        CamaraError::Operator(error) => {
            assert_eq!((error.status(), error.code()), (401, &ErrorCode::Unauthenticated));
        }
        other => panic!("expected an operator error, got {other:?}"),
    }

    // A token from a CIBA flow by phone number is not a network authentication.
    let by_number = sandbox.token(PETER, &apis).await;
    let refused = client
        .send(&by_number, &verify::Request::plain(own), CallOptions::new())
        .await
        .expect_err("refused");
    match refused {
        CamaraError::Operator(error) => {
            assert_eq!(error.status(), 403);
            assert_eq!(
                *error.code(),
                ErrorCode::NumberVerificationUserNotAuthenticatedByMobileNetwork
            );
        }
        other => panic!("expected an operator error, got {other:?}"),
    }
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camara_calls_without_the_right_scope_are_refused() {
    let sandbox = Sandbox::start().await;
    let token = sandbox.token(PETER, &[ApiScope::SimSwapCheck]).await;
    let refused = sandbox
        .camara(SpecVersion::SimSwap2_1_0)
        .send(&token, &v2::retrieve_date::Request::new(), CallOptions::new())
        .await
        .expect_err("refused");
    match refused {
        CamaraError::Operator(error) => {
            assert_eq!(error.status(), 403);
            assert_eq!(*error.code(), ErrorCode::PermissionDenied);
        }
        other => panic!("expected an operator error, got {other:?}"),
    }
    sandbox.server.shutdown().await;
}
