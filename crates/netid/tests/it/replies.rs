//! What a reply carries, on replayed operators and a token the caller gives: the status, the spec
//! version that answered, the correlator echo, and the deviations the profile tolerated (which the
//! spec-conformant sandbox never shows).

use std::sync::Arc;
use std::time::Duration;

use netid::{Error, SpecVersion, Subject, TokenSource};
use netid_camara::{CamaraError, CorrelatorEcho, Quirk};
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_core::phone::PhoneNumber;
use netid_core::secret::Pii;
use netid_core::token::AccessToken;
use netid_transport::test_util::{ReplayEvent, ReplayTransport};

use crate::support::{camara_request, json_response, replayed};

const TOKEN: &str = "given-token";

fn maria() -> Subject {
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid number");
    Subject::phone_number(number).with_access_token(AccessToken::new(TOKEN))
}

/// The quirks of `tolerated` as (name, JSON path).
fn quirks(tolerated: &[netid_camara::ToleratedQuirk]) -> Vec<(Quirk, &str)> {
    tolerated
        .iter()
        .map(|quirk| (quirk.quirk, quirk.path.as_str()))
        .collect()
}

/// Orange Spain's SIM Swap v1 as the operator page shows it: `swapped` as a string.
fn orange_spain_check(answer: &str) -> Arc<ReplayTransport> {
    Arc::new(ReplayTransport::new([ReplayEvent::new(
        camara_request(
            "POST",
            "https://api.orange.com/camara/oes/sim-swap/v1/check",
            TOKEN,
            Some(r#"{"phoneNumber":"+34654654654","maxAge":240}"#),
        ),
        json_response(200, answer),
    )]))
}

#[tokio::test]
async fn a_reply_names_the_status_the_spec_and_the_tolerated_quirks() {
    let replay = orange_spain_check(r#"{"swapped":"true"}"#);
    let operator = replayed("[sim-swap]\nprofile = \"orange-spain\"", replay.clone());
    let reply = operator
        .sim_swap(maria())
        .check(Duration::from_secs(240 * 3600))
        .await
        .expect("tolerated");
    replay.assert_complete();
    assert!(reply.value.swapped);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.spec, SpecVersion::SimSwap1_0_0);
    assert_eq!(reply.attempts, 1);
    assert_eq!(reply.echo, CorrelatorEcho::Echoed);
    assert_eq!(
        quirks(&reply.tolerated),
        vec![(Quirk::ScalarAsString, "$.swapped")]
    );
    assert_eq!(reply.token.source, TokenSource::Given);
    assert_eq!(reply.token.scope, None);
}

#[tokio::test]
async fn a_strict_description_refuses_what_the_profile_tolerates() {
    let replay = orange_spain_check(r#"{"swapped":"true"}"#);
    let operator = replayed(
        "[sim-swap]\nprofile = \"orange-spain\"\nstrict = true",
        replay.clone(),
    );
    let error = operator
        .sim_swap(maria())
        .check(Duration::from_secs(240 * 3600))
        .await
        .expect_err("strict");
    replay.assert_complete();
    assert!(matches!(error, Error::Call(CamaraError::Decode(_))), "{error:?}");
    assert_eq!(error.kind(), "decode");
}

#[tokio::test]
async fn a_kyc_reply_tolerates_boolean_results_from_orange_france() {
    let replay = Arc::new(ReplayTransport::new([ReplayEvent::new(
        camara_request(
            "POST",
            "https://api.orange.com/camara/ofr/kyc-match/v0.2/match",
            TOKEN,
            Some(r#"{"phoneNumber":"+34654654654","givenName":"María José"}"#),
        ),
        json_response(200, r#"{"givenNameMatch":true}"#),
    )]));
    let operator = replayed("[kyc-match]\nprofile = \"orange-france\"", replay.clone());
    let mut claims = KycClaims::new();
    claims.given_name = Some(Pii::new("María José".to_owned()));
    let reply = operator
        .kyc_match(maria())
        .match_claims(claims)
        .await
        .expect("tolerated");
    replay.assert_complete();
    assert_eq!(
        reply.value.get(KycField::GivenName).map(|found| found.result),
        Some(Match::Matched)
    );
    assert_eq!(reply.spec, SpecVersion::KycMatch0_2_1);
    assert_eq!(
        quirks(&reply.tolerated),
        vec![(Quirk::MatchAsBoolean, "$.givenNameMatch")]
    );
}
