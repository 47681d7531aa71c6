//! CAMARA conformance: the vendored test definitions (`features/`, Gherkin files of the CAMARA
//! project) executed against the in-process sandbox over plain HTTP.
//!
//! Each feature file is parsed with the `gherkin` crate; each step text is matched against our own
//! step table (`steps.rs`), so every step the files use is either implemented or listed there with
//! the reason it cannot apply to a sandbox. The outcome of every scenario is written to
//! `README.md` beside this file: the test fails when the table differs from the run, and
//! `UPDATE_CONFORMANCE=1 cargo test -p netid-tests --test conformance` rewrites it.

mod negative;
mod report;
mod sandbox;
mod schema;
mod steps;
mod world;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use report::{Outcome, Row};
use sandbox::Conformance;
use schema::Spec;
use world::{Operation, World};

/// One feature file and the operation it tests.
struct Suite {
    /// `<api>-<version>` folder under `features/`.
    folder: &'static str,
    file: &'static str,
    /// The OpenAPI file of that version under `tests/fixtures/camara-specs/`.
    spec: &'static str,
    operation: Operation,
}

const fn suite(
    folder: &'static str,
    file: &'static str,
    spec: &'static str,
    method: &'static str,
    path: &'static str,
) -> Suite {
    Suite {
        folder,
        file,
        spec,
        operation: Operation { method, path },
    }
}

/// Every version the sandbox serves, one row per feature file.
const SUITES: &[Suite] = &[
    suite(
        "kyc-match-0.2.1",
        "kyc-match.feature",
        "kyc-match_v0.2.1.yaml",
        "POST",
        "/kyc-match/v0.2/match",
    ),
    suite(
        "kyc-match-0.4.0",
        "kyc-match.feature",
        "kyc-match.yaml",
        "POST",
        "/kyc-match/v0.4/match",
    ),
    suite(
        "sim-swap-1.0.0",
        "sim-swap-check.feature",
        "sim-swap_v1.0.0.yaml",
        "POST",
        "/sim-swap/v1/check",
    ),
    suite(
        "sim-swap-1.0.0",
        "sim-swap-retrieveDate.feature",
        "sim-swap_v1.0.0.yaml",
        "POST",
        "/sim-swap/v1/retrieve-date",
    ),
    suite(
        "sim-swap-2.1.0",
        "sim-swap-checkSimSwap.feature",
        "sim-swap.yaml",
        "POST",
        "/sim-swap/v2/check",
    ),
    suite(
        "sim-swap-2.1.0",
        "sim-swap-retrieveSimSwapDate.feature",
        "sim-swap.yaml",
        "POST",
        "/sim-swap/v2/retrieve-date",
    ),
    suite(
        "number-verification-2.0.0",
        "number-verification-verify.feature",
        "number-verification_v2.0.0.yaml",
        "POST",
        "/number-verification/v2/verify",
    ),
    suite(
        "number-verification-2.0.0",
        "number-verification-device-phone-number-share.feature",
        "number-verification_v2.0.0.yaml",
        "GET",
        "/number-verification/v2/device-phone-number",
    ),
    suite(
        "number-verification-2.1.0",
        "number-verification-phoneNumberVerify.feature",
        "number-verification.yaml",
        "POST",
        "/number-verification/v2/verify",
    ),
    suite(
        "number-verification-2.1.0",
        "number-verification-phoneNumberShare.feature",
        "number-verification.yaml",
        "GET",
        "/number-verification/v2/device-phone-number",
    ),
    suite(
        "device-swap-1.0.0",
        "device-swap-checkDeviceSwap.feature",
        "device-swap.yaml",
        "POST",
        "/device-swap/v1/check",
    ),
    suite(
        "device-swap-1.0.0",
        "device-swap-retrieveDeviceSwapDate.feature",
        "device-swap.yaml",
        "POST",
        "/device-swap/v1/retrieve-date",
    ),
    suite(
        "number-recycling-0.2.0",
        "number-recycling.feature",
        "number-recycling.yaml",
        "POST",
        "/number-recycling/v0.2/check",
    ),
    suite(
        "kyc-tenure-0.2.0",
        "kyc-tenure.feature",
        "kyc-tenure.yaml",
        "POST",
        "/kyc-tenure/v0.2/check-tenure",
    ),
    suite(
        "kyc-age-verification-0.2.1",
        "kyc-age-verification.feature",
        "kyc-age-verification.yaml",
        "POST",
        "/kyc-age-verification/v0.2/verify",
    ),
    suite(
        "kyc-fill-in-0.4.1",
        "kyc-fill-in.feature",
        "kyc-fill-in.yaml",
        "POST",
        "/kyc-fill-in/v0.4/fill-in",
    ),
    suite(
        "call-forwarding-signal-0.4.0",
        "call-forwarding-signal-retrieveUnconditionalCallForwarding.feature",
        "call-forwarding-signal.yaml",
        "POST",
        "/call-forwarding-signal/v0.4/unconditional-call-forwardings",
    ),
    suite(
        "call-forwarding-signal-0.4.0",
        "call-forwarding-signal-retrieveCallForwarding.feature",
        "call-forwarding-signal.yaml",
        "POST",
        "/call-forwarding-signal/v0.4/call-forwardings",
    ),
    suite(
        "consent-info-0.2.0",
        "consent-info.feature",
        "consent-info.yaml",
        "POST",
        "/consent-info/v0.2/retrieve",
    ),
];

/// Scenarios that cannot pass against any implementation of the version, or test a feature the spec
/// makes optional that the sandbox does not offer: (folder, tag, text in the example row or "",
/// reason). A listed scenario that fails is reported as not applicable with the reason; one that
/// passes stays passed.
const EXCEPTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "kyc-match-0.4.0",
        "KYC_Match_5_success_specific_property_false",
        "",
        "upstream defect: the scenario sends the value on file (\"does perfectly match\") and expects \"false\"",
    ),
    (
        "kyc-match-0.2.1",
        "KYC_Match_4_success_specific_property_score",
        "MatchScore",
        "upstream defect: the 0.2.1 OpenAPI file has no score for this property",
    ),
    (
        "kyc-match-0.2.1",
        "KYC_Match_12_idDocument_required",
        "",
        "optional (second-level validation): the sandbox does not require idDocument",
    ),
    (
        "kyc-match-0.2.1",
        "KYC_Match_13_idDocument_mismatch_when_idDocument_is_required",
        "",
        "optional (second-level validation): the sandbox does not require idDocument",
    ),
    (
        "kyc-match-0.4.0",
        "KYC_Match_12_idDocument_required",
        "",
        "optional (second-level validation): the sandbox does not require idDocument",
    ),
    (
        "kyc-match-0.4.0",
        "KYC_Match_13_idDocument_mismatch_when_idDocument_is_required",
        "",
        "optional (second-level validation): the sandbox does not require idDocument",
    ),
    (
        "number-verification-2.0.0",
        "NumberVerification_phone_number_verify205_must_have_used_network_or_sim_based_authentication",
        "",
        "upstream defect: the scenario sends GET to the POST-only /verify (405 is the right answer)",
    ),
    (
        "number-verification-2.0.0",
        "NumberVerification_phone_number_share205_must_have_used_network_or_sim_based_authentication",
        "",
        "upstream defect: the scenario expects a message the 2.0.0 OpenAPI file does not give (its text: \"Client must authenticate via the mobile network to use this service\")",
    ),
    (
        "call-forwarding-signal-0.4.0",
        "call_forwarding_signal_400.2_empty_request_body",
        "",
        "upstream defect: `{}` is a valid CreateCallForwardingSignal with the background's three-legged token (no property is required), and the spec answers 422 MISSING_IDENTIFIER, not 400, with a two-legged one",
    ),
    (
        "call-forwarding-signal-0.4.0",
        "call_forwarding_signal_02_call_forwarding_check_not_active_phoneNumber",
        "",
        "upstream defect: expects a JSON string, the spec's CallForwardingSignal is an array (`[\"inactive\"]`); and its setup is @call_forwarding_signal_04's, which expects active services",
    ),
    (
        "call-forwarding-signal-0.4.0",
        "call_forwarding_signal_03_call_forwarding_check_not_active_access_token",
        "",
        "upstream defect: expects a JSON string, the spec's CallForwardingSignal is an array (`[\"inactive\"]`); and its setup is @call_forwarding_signal_05's, which expects active services",
    ),
];

/// The reason an exception gives for a failing scenario, if one is listed.
fn exception(folder: &str, case: &Case) -> Option<&'static str> {
    EXCEPTIONS
        .iter()
        .find(|(f, tag, example, _)| *f == folder && *tag == case.tag && case.name.contains(example))
        .map(|(_, _, _, reason)| *reason)
}

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// One scenario with its steps, an outline expanded to one per example row.
struct Case {
    tag: String,
    name: String,
    steps: Vec<String>,
}

/// The scenarios of a feature file, background steps first, outline placeholders filled in.
fn cases(feature: &gherkin::Feature) -> Vec<Case> {
    let background: Vec<String> = feature
        .background
        .iter()
        .flat_map(|b| b.steps.iter().map(|s| s.value.clone()))
        .collect();
    let mut cases = Vec::new();
    for scenario in &feature.scenarios {
        let tag = scenario.tags.first().cloned().unwrap_or_default();
        let steps: Vec<String> = background
            .iter()
            .cloned()
            .chain(scenario.steps.iter().map(|s| s.value.clone()))
            .collect();
        let rows: Vec<Vec<(String, String)>> = scenario
            .examples
            .iter()
            .filter_map(|e| e.table.as_ref())
            .flat_map(|table| {
                let header = table.rows.first().cloned().unwrap_or_default();
                table.rows.iter().skip(1).map(move |row| {
                    header
                        .iter()
                        .cloned()
                        .zip(row.iter().cloned())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        if rows.is_empty() {
            cases.push(Case {
                tag,
                name: scenario.name.clone(),
                steps,
            });
            continue;
        }
        for row in rows {
            let fill = |text: &String| {
                row.iter().fold(text.clone(), |acc, (key, value)| {
                    acc.replace(&format!("<{key}>"), value)
                })
            };
            let example = row.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(", ");
            cases.push(Case {
                tag: tag.clone(),
                name: format!("{} [{example}]", scenario.name),
                steps: steps.iter().map(fill).collect(),
            });
        }
    }
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camara_test_definitions() {
    let conformance = Arc::new(Conformance::start().await);
    let mut rows = Vec::new();
    let mut unknown_steps = Vec::new();
    for suite in SUITES {
        let path = here().join("features").join(suite.folder).join(suite.file);
        let feature = gherkin::Feature::parse_path(&path, gherkin::GherkinEnv::default())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let spec = Arc::new(Spec::load(suite.spec));
        for case in cases(&feature) {
            let mut world = World::new(conformance.clone(), spec.clone(), suite.operation);
            let outcome = match steps::plan(&case.steps) {
                Ok(plan) => world.run(&plan).await,
                Err(missing) => {
                    unknown_steps.extend(missing);
                    Outcome::Failing("step not implemented".to_owned())
                }
            };
            let outcome = match (outcome, exception(suite.folder, &case)) {
                (Outcome::Failing(_), Some(reason)) => Outcome::NotApplicable(reason.to_owned()),
                (outcome, _) => outcome,
            };
            rows.push(Row {
                api: suite.folder.to_owned(),
                file: suite.file.to_owned(),
                tag: case.tag,
                name: case.name,
                outcome,
            });
        }
    }
    conformance.shutdown().await;
    unknown_steps.sort();
    unknown_steps.dedup();
    assert!(
        unknown_steps.is_empty(),
        "steps without an entry in the step table:\n{}",
        unknown_steps.join("\n")
    );
    report::check(&here().join("README.md"), &rows);
}
