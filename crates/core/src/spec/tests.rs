//! Unit tests of the spec facts: API names, versions, spellings and `x-correlator` rules.

use super::*;

#[test]
fn api_names_round_trip() {
    fn check(text: &str, expected: Result<Api, SpecError>) {
        assert_eq!(text.parse::<Api>(), expected, "{text}");
    }
    for api in Api::ALL {
        check(api.as_str(), Ok(api));
        check(&api.to_string(), Ok(api));
    }
    check("Sim-Swap", Err(SpecError::UnknownApi));
    check("sim_swap", Err(SpecError::UnknownApi));
    check("", Err(SpecError::UnknownApi));
    assert_eq!(
        SpecError::UnknownApi.to_string(),
        "unknown camara api, expected one of: kyc-match, sim-swap, number-verification, device-swap, \
         number-recycling, kyc-tenure, kyc-age-verification, kyc-fill-in, call-forwarding-signal, \
         consent-info"
    );
}

#[test]
fn versions_belong_to_their_api() {
    fn check(api: Api, text: &str, expected: Result<SpecVersion, SpecError>) {
        assert_eq!(SpecVersion::parse(api, text), expected, "{api} {text}");
    }
    for spec in SpecVersion::ALL {
        assert!(SpecVersion::versions_of(spec.api()).contains(&spec), "{spec}");
        check(spec.api(), spec.as_str(), Ok(spec));
    }
    let listed: usize = Api::ALL
        .iter()
        .map(|api| SpecVersion::versions_of(*api).len())
        .sum();
    assert_eq!(listed, SpecVersion::ALL.len());
    // The same `info.version` names different versions of different APIs.
    check(Api::SimSwap, "2.1.0", Ok(SpecVersion::SimSwap2_1_0));
    check(
        Api::NumberVerification,
        "2.1.0",
        Ok(SpecVersion::NumberVerification2_1_0),
    );
    check(Api::DeviceSwap, "1.0.0", Ok(SpecVersion::DeviceSwap1_0_0));
    check(Api::KycTenure, "0.2.0", Ok(SpecVersion::KycTenure0_2_0));
    check(
        Api::NumberRecycling,
        "0.2.0",
        Ok(SpecVersion::NumberRecycling0_2_0),
    );
    check(
        Api::KycMatch,
        "2.1.0",
        Err(SpecError::UnknownVersion { api: Api::KycMatch }),
    );
    // KYC Match and KYC Age Verification both have a 0.2.1.
    check(
        Api::KycAgeVerification,
        "0.2.1",
        Ok(SpecVersion::KycAgeVerification0_2_1),
    );
    check(
        Api::KycFillIn,
        "0.4.0",
        Err(SpecError::UnknownVersion { api: Api::KycFillIn }),
    );
    check(
        Api::SimSwap,
        "v2",
        Err(SpecError::UnknownVersion { api: Api::SimSwap }),
    );
    assert_eq!(
        SpecError::UnknownVersion { api: Api::SimSwap }.to_string(),
        "unknown sim-swap version, expected one of: 1.0.0, 2.1.0"
    );
}

#[test]
fn spellings_follow_the_specs() {
    fn check(spec: SpecVersion, display: &str, segment: &str, kyc: Option<KycVersion>) {
        assert_eq!(spec.to_string(), display);
        assert_eq!(spec.path_segment(), segment, "{spec}");
        assert_eq!(spec.kyc_version(), kyc, "{spec}");
    }
    check(
        SpecVersion::KycMatch0_2_1,
        "kyc-match 0.2.1",
        "v0.2",
        Some(KycVersion::V0_2),
    );
    check(
        SpecVersion::KycMatch0_4_0,
        "kyc-match 0.4.0",
        "v0.4",
        Some(KycVersion::V0_4),
    );
    check(SpecVersion::SimSwap1_0_0, "sim-swap 1.0.0", "v1", None);
    check(SpecVersion::SimSwap2_1_0, "sim-swap 2.1.0", "v2", None);
    check(
        SpecVersion::NumberVerification2_0_0,
        "number-verification 2.0.0",
        "v2",
        None,
    );
    check(
        SpecVersion::NumberVerification2_1_0,
        "number-verification 2.1.0",
        "v2",
        None,
    );
    check(SpecVersion::DeviceSwap1_0_0, "device-swap 1.0.0", "v1", None);
    check(
        SpecVersion::NumberRecycling0_2_0,
        "number-recycling 0.2.0",
        "v0.2",
        None,
    );
    check(SpecVersion::KycTenure0_2_0, "kyc-tenure 0.2.0", "v0.2", None);
    check(
        SpecVersion::KycAgeVerification0_2_1,
        "kyc-age-verification 0.2.1",
        "v0.2",
        None,
    );
    check(SpecVersion::KycFillIn0_4_1, "kyc-fill-in 0.4.1", "v0.4", None);
    check(
        SpecVersion::CallForwardingSignal0_4_0,
        "call-forwarding-signal 0.4.0",
        "v0.4",
        None,
    );
    check(SpecVersion::ConsentInfo0_2_0, "consent-info 0.2.0", "v0.2", None);
}

/// The negative tests of `tests/conformance` read the same fact from the vendored OpenAPI
/// files; this table keeps it visible where it is declared.
#[test]
fn correlator_rules_follow_each_file() {
    fn check(spec: SpecVersion, rule: CorrelatorRule) {
        assert_eq!(spec.x_correlator_rule(), rule, "{spec}");
    }
    check(SpecVersion::KycMatch0_2_1, CorrelatorRule::Any);
    check(SpecVersion::KycMatch0_4_0, CorrelatorRule::Camara);
    check(SpecVersion::SimSwap1_0_0, CorrelatorRule::Any);
    check(SpecVersion::SimSwap2_1_0, CorrelatorRule::Camara);
    check(
        SpecVersion::NumberVerification2_0_0,
        CorrelatorRule::Alphanumeric55,
    );
    check(SpecVersion::NumberVerification2_1_0, CorrelatorRule::Camara);
}

#[test]
fn correlator_rules_accept_what_their_pattern_accepts() {
    fn check(rule: CorrelatorRule, value: &str, accepted: bool) {
        assert_eq!(rule.accepts(value), accepted, "{rule:?} {value:?}");
    }
    let uuid = "b4333c46-49c0-4f62-80d7-f0ef930f1c46";
    for rule in [
        CorrelatorRule::Any,
        CorrelatorRule::Alphanumeric55,
        CorrelatorRule::Camara,
    ] {
        check(rule, uuid, true);
        check(rule, "", true);
    }
    check(CorrelatorRule::Any, "order 42", true);
    check(CorrelatorRule::Alphanumeric55, "order 42", false);
    check(CorrelatorRule::Camara, "order 42", false);
    check(CorrelatorRule::Alphanumeric55, "a:b", false);
    check(CorrelatorRule::Camara, "a:b", true);
    check(CorrelatorRule::Alphanumeric55, &"a".repeat(55), true);
    check(CorrelatorRule::Alphanumeric55, &"a".repeat(56), false);
    check(CorrelatorRule::Camara, &"a".repeat(256), true);
    check(CorrelatorRule::Camara, &"a".repeat(257), false);
}
