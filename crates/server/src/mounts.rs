//! Where each API is served: one row per (API, client profile, base path). The router is built
//! from this table, and the start banner, the index page and the operator file of `netid sandbox
//! serve` print it, so what the sandbox says it serves is what it serves.

use std::collections::BTreeMap;

use netid_core::spec::{Api, SpecVersion};
use serde::Serialize;

/// One base path at which the sandbox serves one version of an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ApiMount {
    /// The API (`kyc-match`, `sim-swap`, `number-verification`).
    pub api: &'static str,
    /// The name of the `netid` client profile that speaks this path and version: an operator's
    /// (`orange-france`, `orange-spain`) or a plain spec one (`camara-2.1.0`).
    pub profile: &'static str,
    /// The spec version served (`2.1.0`).
    pub version: &'static str,
    /// The base path (`/sim-swap/v2`); the API's operations are below it.
    pub base_path: String,
    /// The operations' paths below the base path (`/check`, `/retrieve-date`).
    pub operations: &'static [&'static str],
    /// Whether this is the mount an operator file for the sandbox names: the newest plain CAMARA
    /// version of the API, which every client speaking the spec understands.
    pub preferred: bool,
    /// Whether `phoneNumber` may come without its leading `+`: the operator's page documents it
    /// "optionally prefixed with '+'" (Orange France, Orange Spain), or the version's file declares
    /// no pattern for it (KYC Match 0.2.1). The other CAMARA paths follow the spec's `PhoneNumber`
    /// pattern. Not in the index: it describes how a path reads input, not what it serves.
    #[serde(skip)]
    pub lenient_phone_number: bool,
}

/// The operations of each API, below its base path.
const KYC_MATCH_OPERATIONS: &[&str] = &["/match"];
const SIM_SWAP_OPERATIONS: &[&str] = &["/check", "/retrieve-date"];
const NUMBER_VERIFICATION_OPERATIONS: &[&str] = &["/verify", "/device-phone-number"];
const NUMBER_RECYCLING_OPERATIONS: &[&str] = &["/check"];
const KYC_TENURE_OPERATIONS: &[&str] = &["/check-tenure"];
const KYC_AGE_VERIFICATION_OPERATIONS: &[&str] = &["/verify"];
const KYC_FILL_IN_OPERATIONS: &[&str] = &["/fill-in"];
const CALL_FORWARDING_SIGNAL_OPERATIONS: &[&str] = &["/unconditional-call-forwardings", "/call-forwardings"];
const CONSENT_INFO_OPERATIONS: &[&str] = &["/retrieve"];

/// The CAMARA base path of `spec`, as the spec's `servers` entry writes it (`/sim-swap/v2`).
pub(crate) fn camara_path(spec: SpecVersion) -> String {
    format!("/{}/{}", spec.api(), spec.path_segment())
}

fn mount(spec: SpecVersion, profile: &'static str, base_path: Option<&str>) -> ApiMount {
    let api = spec.api().as_str();
    let operations = match spec.api() {
        Api::KycMatch => KYC_MATCH_OPERATIONS,
        // Device Swap has SIM Swap's operations.
        Api::SimSwap | Api::DeviceSwap => SIM_SWAP_OPERATIONS,
        Api::NumberRecycling => NUMBER_RECYCLING_OPERATIONS,
        Api::KycTenure => KYC_TENURE_OPERATIONS,
        Api::KycAgeVerification => KYC_AGE_VERIFICATION_OPERATIONS,
        Api::KycFillIn => KYC_FILL_IN_OPERATIONS,
        Api::CallForwardingSignal => CALL_FORWARDING_SIGNAL_OPERATIONS,
        Api::ConsentInfo => CONSENT_INFO_OPERATIONS,
        _ => NUMBER_VERIFICATION_OPERATIONS,
    };
    ApiMount {
        api,
        profile,
        version: spec.as_str(),
        base_path: base_path.map_or_else(|| camara_path(spec), str::to_owned),
        operations,
        preferred: false,
        lenient_phone_number: false,
    }
}

/// A mount of an operator's page that documents `phoneNumber` "optionally prefixed with '+'".
fn lenient_phone_number(mut mount: ApiMount) -> ApiMount {
    mount.lenient_phone_number = true;
    mount
}

fn preferred(mut mount: ApiMount) -> ApiMount {
    mount.preferred = true;
    mount
}

/// Every base path the sandbox serves, per API and profile: the operators' paths (Orange France's
/// KYC Match v0.2, Orange Spain's SIM Swap v1) and the CAMARA ones of every version (Device Swap,
/// Number Recycling and KYC Tenure have one version each, so it is their preferred one).
pub fn api_mounts() -> Vec<ApiMount> {
    vec![
        lenient_phone_number(mount(
            SpecVersion::KycMatch0_2_1,
            "orange-france",
            Some("/camara/ofr/kyc-match/v0.2"),
        )),
        // kyc-match_v0.2.1.yaml gives `phoneNumber` no pattern, only a description.
        lenient_phone_number(mount(SpecVersion::KycMatch0_2_1, "camara-0.2.1", None)),
        preferred(mount(SpecVersion::KycMatch0_4_0, "camara-0.4.0", None)),
        lenient_phone_number(mount(
            SpecVersion::SimSwap1_0_0,
            "orange-spain",
            Some("/camara/oes/sim-swap/v1"),
        )),
        mount(SpecVersion::SimSwap1_0_0, "camara-1.0.0", None),
        preferred(mount(SpecVersion::SimSwap2_1_0, "camara-2.1.0", None)),
        // Number Verification 2.0.0 and 2.1.0 share one base path and one behaviour here.
        mount(SpecVersion::NumberVerification2_0_0, "camara-2.0.0", None),
        preferred(mount(SpecVersion::NumberVerification2_1_0, "camara-2.1.0", None)),
        preferred(mount(SpecVersion::DeviceSwap1_0_0, "camara-1.0.0", None)),
        preferred(mount(SpecVersion::NumberRecycling0_2_0, "camara-0.2.0", None)),
        preferred(mount(SpecVersion::KycTenure0_2_0, "camara-0.2.0", None)),
        preferred(mount(SpecVersion::KycAgeVerification0_2_1, "camara-0.2.1", None)),
        preferred(mount(SpecVersion::KycFillIn0_4_1, "camara-0.4.1", None)),
        preferred(mount(
            SpecVersion::CallForwardingSignal0_4_0,
            "camara-0.4.0",
            None,
        )),
        preferred(mount(SpecVersion::ConsentInfo0_2_0, "camara-0.2.0", None)),
    ]
}

/// The spec version of a mount, for the router.
pub(crate) fn spec_of(mount: &ApiMount) -> Option<SpecVersion> {
    SpecVersion::ALL
        .iter()
        .copied()
        .find(|spec| spec.api().as_str() == mount.api && spec.as_str() == mount.version)
}

/// The mounts the router serves, by base path: where two versions share a base path (Number
/// Verification 2.0.0 and 2.1.0), the newest one's, since the request does not say which version
/// its client speaks.
pub(crate) fn routed() -> BTreeMap<String, (ApiMount, SpecVersion)> {
    let mut by_path: BTreeMap<String, (ApiMount, SpecVersion)> = BTreeMap::new();
    for mount in api_mounts() {
        let Some(spec) = spec_of(&mount) else {
            continue;
        };
        let newest = by_path
            .get(&mount.base_path)
            .is_none_or(|(_, known)| *known < spec);
        if newest {
            by_path.insert(mount.base_path.clone(), (mount, spec));
        }
    }
    by_path
}

/// The spec version whose rules the router applies at `path`, an operation's full path
/// (`/sim-swap/v2/check`); `None` for every other path.
pub(crate) fn spec_at(path: &str) -> Option<SpecVersion> {
    routed().into_values().find_map(|(mount, spec)| {
        path.strip_prefix(mount.base_path.as_str())
            .is_some_and(|operation| mount.operations.contains(&operation))
            .then_some(spec)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camara_paths_follow_the_specs_servers_entries() {
        fn check(spec: SpecVersion, expected: &str) {
            assert_eq!(camara_path(spec), expected, "{spec}");
        }
        check(SpecVersion::KycMatch0_2_1, "/kyc-match/v0.2");
        check(SpecVersion::KycMatch0_4_0, "/kyc-match/v0.4");
        check(SpecVersion::SimSwap1_0_0, "/sim-swap/v1");
        check(SpecVersion::SimSwap2_1_0, "/sim-swap/v2");
        check(SpecVersion::NumberVerification2_0_0, "/number-verification/v2");
        check(SpecVersion::NumberVerification2_1_0, "/number-verification/v2");
        check(SpecVersion::DeviceSwap1_0_0, "/device-swap/v1");
        check(SpecVersion::NumberRecycling0_2_0, "/number-recycling/v0.2");
        check(SpecVersion::KycTenure0_2_0, "/kyc-tenure/v0.2");
        check(SpecVersion::KycAgeVerification0_2_1, "/kyc-age-verification/v0.2");
        check(SpecVersion::KycFillIn0_4_1, "/kyc-fill-in/v0.4");
        check(
            SpecVersion::CallForwardingSignal0_4_0,
            "/call-forwarding-signal/v0.4",
        );
        check(SpecVersion::ConsentInfo0_2_0, "/consent-info/v0.2");
    }

    #[test]
    fn every_mount_names_a_served_spec_version() {
        for mount in api_mounts() {
            assert!(spec_of(&mount).is_some(), "{mount:?}");
        }
    }

    #[test]
    fn each_api_has_one_preferred_mount() {
        let mounts = api_mounts();
        for api in Api::ALL.map(Api::as_str) {
            let preferred = mounts.iter().filter(|m| m.api == api && m.preferred).count();
            assert_eq!(preferred, 1, "{api}");
        }
    }

    #[test]
    fn spec_at_follows_the_routed_version_of_each_operation_path() {
        let cases = [
            ("/sim-swap/v1/check", Some(SpecVersion::SimSwap1_0_0)),
            (
                "/camara/oes/sim-swap/v1/retrieve-date",
                Some(SpecVersion::SimSwap1_0_0),
            ),
            ("/sim-swap/v2/check", Some(SpecVersion::SimSwap2_1_0)),
            (
                "/camara/ofr/kyc-match/v0.2/match",
                Some(SpecVersion::KycMatch0_2_1),
            ),
            // Shared base path: the newest version's rules.
            (
                "/number-verification/v2/verify",
                Some(SpecVersion::NumberVerification2_1_0),
            ),
            (
                "/device-swap/v1/retrieve-date",
                Some(SpecVersion::DeviceSwap1_0_0),
            ),
            ("/sim-swap/v2", None),
            ("/sim-swap/v2/match", None),
            ("/token", None),
        ];
        for (path, expected) in cases {
            assert_eq!(spec_at(path), expected, "{path}");
        }
    }
}
