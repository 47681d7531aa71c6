//! Every operation of every API, with the plain `camara-*` profiles and with the operator profiles
//! the sandbox serves, against the sandbox over reqwest: one CIBA flow per scope, the value the
//! sandbox's subscriber gives, and the scope written as the profile writes it.

use std::time::{Duration, SystemTime};

use netid::{Operator, SpecVersion, Subject, TokenSource};
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_core::phone::PhoneNumber;
use netid_core::secret::Pii;
use netid_server::ServerConfig;
use tokio::task::JoinSet;

use crate::support::{operator, sandbox};

const FRAUD: &str = "openid dpv:FraudPreventionAndDetection";

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("valid number")
}

/// Runs every case at once (each CIBA flow waits a polling interval) and re-raises a case's panic.
async fn all(cases: JoinSet<()>) {
    let mut cases = cases;
    while let Some(done) = cases.join_next().await {
        if let Err(error) = done {
            std::panic::resume_unwind(error.into_panic());
        }
    }
}

/// The token of a first call for a scope came from a CIBA flow that polled at least once, with
/// the scope `expected`.
fn assert_flow(profile: &str, token: &netid::TokenInfo, expected: &str) {
    assert!(
        matches!(token.source, TokenSource::Ciba { polls } if polls >= 1),
        "{profile}: {:?}",
        token.source
    );
    assert_eq!(
        token.scope.as_ref().map(ToString::to_string).as_deref(),
        Some(expected),
        "{profile}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kyc_match_on_every_profile() {
    let server = sandbox(ServerConfig::demo()).await;
    let cases = [
        (
            "orange-france",
            "/camara/ofr/kyc-match/v0.2",
            SpecVersion::KycMatch0_2_1,
        ),
        ("camara-0.2.1", "/kyc-match/v0.2", SpecVersion::KycMatch0_2_1),
        ("camara-0.4.0", "/kyc-match/v0.4", SpecVersion::KycMatch0_4_0),
    ];
    let mut runs = JoinSet::new();
    for (profile, path, spec) in cases {
        let (operator, _) = operator(
            &server,
            &format!(
                "issuer = \"{{issuer}}\"\n[kyc-match]\nprofile = \"{profile}\"\nbase-url = \"{{issuer}}{path}\""
            ),
        );
        runs.spawn(async move {
            let mut claims = KycClaims::new();
            claims.given_name = Some(Pii::new("Peter".to_owned()));
            claims.family_name = Some(Pii::new("Dupont".to_owned()));
            let reply = operator
                .kyc_match(number("+33699901040"))
                .match_claims(claims)
                .await
                .unwrap_or_else(|error| panic!("{profile}: {error}"));
            let result = |field| reply.value.get(field).map(|found| found.result);
            assert_eq!(result(KycField::GivenName), Some(Match::Matched), "{profile}");
            assert_eq!(result(KycField::FamilyName), Some(Match::Mismatched), "{profile}");
            assert_eq!((reply.status, reply.spec), (200, spec), "{profile}");
            assert_flow(profile, &reply.token, &format!("{FRAUD} kyc-match:match"));
        });
    }
    all(runs).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sim_swap_check_and_retrieve_date_on_every_profile() {
    let server = sandbox(ServerConfig::demo()).await;
    // (profile, base path, spec, scope of check, scope of retrieve-date)
    let cases = [
        (
            "orange-spain",
            "/camara/oes/sim-swap/v1",
            SpecVersion::SimSwap1_0_0,
            "sim-swap",
            "sim-swap",
        ),
        (
            "camara-1.0.0",
            "/sim-swap/v1",
            SpecVersion::SimSwap1_0_0,
            "sim-swap:check",
            "sim-swap:retrieve-date",
        ),
        (
            "camara-2.1.0",
            "/sim-swap/v2",
            SpecVersion::SimSwap2_1_0,
            "sim-swap:check",
            "sim-swap:retrieve-date",
        ),
    ];
    let mut runs = JoinSet::new();
    for (profile, path, spec, check_scope, date_scope) in cases {
        let (operator, counting) = operator(
            &server,
            &format!(
                "issuer = \"{{issuer}}\"\n[sim-swap]\nprofile = \"{profile}\"\nbase-url = \"{{issuer}}{path}\""
            ),
        );
        runs.spawn(async move {
            let maria = || number("+34654654654");
            // The sandbox swapped this SIM 48 hours ago.
            for (hours, swapped) in [(240, true), (24, false)] {
                let reply = operator
                    .sim_swap(maria())
                    .check(Duration::from_secs(hours * 3600))
                    .await
                    .unwrap_or_else(|error| panic!("{profile} check: {error}"));
                assert_eq!(reply.value.swapped, swapped, "{profile} {hours} h");
                assert_eq!((reply.status, reply.spec), (200, spec), "{profile}");
            }
            let before = SystemTime::now();
            let reply = operator
                .sim_swap(maria())
                .retrieve_date()
                .await
                .unwrap_or_else(|error| panic!("{profile} retrieve-date: {error}"));
            let changed = SystemTime::from(reply.value.latest_sim_change.expect("a change is known"));
            let age = before.duration_since(changed).expect("in the past");
            assert!(
                (Duration::from_secs(47 * 3600)..Duration::from_secs(49 * 3600)).contains(&age),
                "{profile}: {age:?}"
            );
            // The change is within the monitored period: no version then names the period.
            assert_eq!(reply.value.monitored_period, None, "{profile}");
            assert_eq!(
                reply.token.scope.as_ref().map(ToString::to_string),
                Some(format!("{FRAUD} {date_scope}"))
            );
            // One flow per scope: orange-spain writes one global scope for both operations, so
            // retrieve-date reuses the token of check.
            let flows = if check_scope == date_scope { 1 } else { 2 };
            assert_eq!(counting.count("/bc-authorize"), flows, "{profile}");
            if flows == 1 {
                assert_eq!(reply.token.source, TokenSource::Cached, "{profile}");
            } else {
                assert_flow(profile, &reply.token, &format!("{FRAUD} {date_scope}"));
            }
        });
    }
    all(runs).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn number_verification_verify_and_device_phone_number_on_every_profile() {
    let on_network = number("+33699901040");
    let server = sandbox(ServerConfig::demo().with_network_subscriber(Some(on_network))).await;
    let cases = [
        (
            "camara-2.1.0",
            "ipport:198.51.100.7:40404",
            SpecVersion::NumberVerification2_1_0,
        ),
        (
            "camara-2.0.0",
            "ipport:198.51.100.7",
            SpecVersion::NumberVerification2_0_0,
        ),
        // The masstack page names the device by a TS.43 token; the sandbox knows fr-peter's.
        (
            "masstack",
            "operatortoken:ts43-fr-peter",
            SpecVersion::NumberVerification2_0_0,
        ),
    ];
    let mut runs = JoinSet::new();
    for (profile, hint, spec) in cases {
        let (operator, _) = operator(
            &server,
            &format!(
                "issuer = \"{{issuer}}\"\n[number-verification]\nprofile = \"{profile}\"\nbase-url = \"{{issuer}}/number-verification/v2\""
            ),
        );
        runs.spawn(async move {
            let device = || Subject::login_hint(hint.parse().expect("valid hint"));
            for (claimed, verified) in [("+33699901040", true), ("+34654654654", false)] {
                let reply = operator
                    .number_verification(device())
                    .verify(number(claimed))
                    .await
                    .unwrap_or_else(|error| panic!("{profile} verify: {error}"));
                assert_eq!(reply.value.verified, verified, "{profile} {claimed}");
                assert_eq!((reply.status, reply.spec), (200, spec), "{profile}");
            }
            let reply = operator
                .number_verification(device())
                .device_phone_number()
                .await
                .unwrap_or_else(|error| panic!("{profile} device-phone-number: {error}"));
            assert_eq!(reply.value.expose_e164(), "+33699901040", "{profile}");
            assert_flow(
                profile,
                &reply.token,
                &format!("{FRAUD} number-verification:device-phone-number:read"),
            );
        });
    }
    all(runs).await;
    server.shutdown().await;
}

/// An operator describing every API at once shares one provider (one discovery) among them.
#[tokio::test]
async fn one_operator_serves_every_api_with_one_discovery() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, counting): (Operator, _) = operator(
        &server,
        r#"
        issuer = "{issuer}"
        [kyc-match]
        profile = "camara-0.4.0"
        base-url = "{issuer}/kyc-match/v0.4"
        [sim-swap]
        profile = "camara-2.1.0"
        base-url = "{issuer}/sim-swap/v2"
        scope = "sim-swap:check sim-swap:retrieve-date"
        "#,
    );
    let mut claims = KycClaims::new();
    claims.given_name = Some(Pii::new("María José".to_owned()));
    let maria = || number("+34654654654");
    let kyc = operator
        .kyc_match(maria())
        .match_claims(claims)
        .await
        .expect("kyc");
    assert_eq!(
        kyc.value.get(KycField::GivenName).map(|found| found.result),
        Some(Match::Matched)
    );
    let check = operator
        .sim_swap(maria())
        .check(Duration::from_secs(240 * 3600))
        .await
        .expect("check");
    // The table's scope replaces the profile's, for both operations: one flow serves both.
    let date = operator.sim_swap(maria()).retrieve_date().await.expect("date");
    assert_eq!(
        check.token.scope.as_ref().map(ToString::to_string).as_deref(),
        Some("openid dpv:FraudPreventionAndDetection sim-swap:check sim-swap:retrieve-date")
    );
    assert_eq!(date.token.source, TokenSource::Cached);
    assert_eq!(counting.count("/.well-known/openid-configuration"), 1);
    assert_eq!(counting.count("/bc-authorize"), 2);
    server.shutdown().await;
}
