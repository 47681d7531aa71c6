//! Facts about the CAMARA specs that every netid crate shares: which APIs exist ([`Api`]) and which
//! published versions of them netid implements ([`SpecVersion`]).
//!
//! The client crate (`netid-camara`) re-exports both at `netid_camara::profile`, and the reference
//! server names its routes with them, so a version is spelt once.

use std::fmt;
use std::str::FromStr;

use crate::kyc::KycVersion;

/// A CAMARA API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Api {
    /// KYC Match (`kyc-match`).
    KycMatch,
    /// SIM Swap (`sim-swap`).
    SimSwap,
    /// Number Verification (`number-verification`).
    NumberVerification,
    /// Device Swap (`device-swap`).
    DeviceSwap,
    /// Number Recycling (`number-recycling`).
    NumberRecycling,
    /// KYC Tenure (`kyc-tenure`).
    KycTenure,
    /// KYC Age Verification (`kyc-age-verification`).
    KycAgeVerification,
    /// KYC Fill-in (`kyc-fill-in`).
    KycFillIn,
    /// Call Forwarding Signal (`call-forwarding-signal`).
    CallForwardingSignal,
    /// Consent Info (`consent-info`).
    ConsentInfo,
}

impl Api {
    /// Every API, in declaration order.
    pub const ALL: [Self; 10] = [
        Self::KycMatch,
        Self::SimSwap,
        Self::NumberVerification,
        Self::DeviceSwap,
        Self::NumberRecycling,
        Self::KycTenure,
        Self::KycAgeVerification,
        Self::KycFillIn,
        Self::CallForwardingSignal,
        Self::ConsentInfo,
    ];

    /// The API name as CAMARA writes it in base paths (`kyc-match`, `sim-swap`,
    /// `number-verification`, `device-swap`, `number-recycling`, `kyc-tenure`, `kyc-age-verification`,
    /// `kyc-fill-in`, `call-forwarding-signal`, `consent-info`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::KycMatch => "kyc-match",
            Self::SimSwap => "sim-swap",
            Self::NumberVerification => "number-verification",
            Self::DeviceSwap => "device-swap",
            Self::NumberRecycling => "number-recycling",
            Self::KycTenure => "kyc-tenure",
            Self::KycAgeVerification => "kyc-age-verification",
            Self::KycFillIn => "kyc-fill-in",
            Self::CallForwardingSignal => "call-forwarding-signal",
            Self::ConsentInfo => "consent-info",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Api {
    type Err = SpecError;

    /// Reads the base-path name exactly (`kyc-match`, `sim-swap`, `device-swap`, ...).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|api| api.as_str() == s)
            .ok_or(SpecError::UnknownApi)
    }
}

/// A published CAMARA spec version netid implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SpecVersion {
    /// KYC Match 0.2.1 (client module `netid_camara::kyc_match::v0_2`).
    KycMatch0_2_1,
    /// KYC Match 0.4.0 (client module `netid_camara::kyc_match::v0_4`).
    KycMatch0_4_0,
    /// SIM Swap 1.0.0 (client module `netid_camara::sim_swap::v1`).
    SimSwap1_0_0,
    /// SIM Swap 2.1.0 (client module `netid_camara::sim_swap::v2`).
    SimSwap2_1_0,
    /// Number Verification 2.0.0 (client module `netid_camara::number_verification::v2`).
    NumberVerification2_0_0,
    /// Number Verification 2.1.0 (client module `netid_camara::number_verification::v2`).
    NumberVerification2_1_0,
    /// Device Swap 1.0.0 (client module `netid_camara::device_swap::v1`).
    DeviceSwap1_0_0,
    /// Number Recycling 0.2.0 (client module `netid_camara::number_recycling::v0_2`).
    NumberRecycling0_2_0,
    /// KYC Tenure 0.2.0 (client module `netid_camara::kyc_tenure::v0_2`).
    KycTenure0_2_0,
    /// KYC Age Verification 0.2.1 (client module `netid_camara::kyc_age_verification::v0_2`).
    KycAgeVerification0_2_1,
    /// KYC Fill-in 0.4.1 (client module `netid_camara::kyc_fill_in::v0_4`).
    KycFillIn0_4_1,
    /// Call Forwarding Signal 0.4.0 (client module `netid_camara::call_forwarding_signal::v0_4`).
    CallForwardingSignal0_4_0,
    /// Consent Info 0.2.0 (client module `netid_camara::consent_info::v0_2`).
    ConsentInfo0_2_0,
}

impl SpecVersion {
    /// Every version, grouped by API in [`Api::ALL`] order, oldest first.
    pub const ALL: [Self; 13] = [
        Self::KycMatch0_2_1,
        Self::KycMatch0_4_0,
        Self::SimSwap1_0_0,
        Self::SimSwap2_1_0,
        Self::NumberVerification2_0_0,
        Self::NumberVerification2_1_0,
        Self::DeviceSwap1_0_0,
        Self::NumberRecycling0_2_0,
        Self::KycTenure0_2_0,
        Self::KycAgeVerification0_2_1,
        Self::KycFillIn0_4_1,
        Self::CallForwardingSignal0_4_0,
        Self::ConsentInfo0_2_0,
    ];

    /// The versions of `api`, oldest first.
    #[must_use]
    pub const fn versions_of(api: Api) -> &'static [Self] {
        match api {
            Api::KycMatch => &[Self::KycMatch0_2_1, Self::KycMatch0_4_0],
            Api::SimSwap => &[Self::SimSwap1_0_0, Self::SimSwap2_1_0],
            Api::NumberVerification => &[Self::NumberVerification2_0_0, Self::NumberVerification2_1_0],
            Api::DeviceSwap => &[Self::DeviceSwap1_0_0],
            Api::NumberRecycling => &[Self::NumberRecycling0_2_0],
            Api::KycTenure => &[Self::KycTenure0_2_0],
            Api::KycAgeVerification => &[Self::KycAgeVerification0_2_1],
            Api::KycFillIn => &[Self::KycFillIn0_4_1],
            Api::CallForwardingSignal => &[Self::CallForwardingSignal0_4_0],
            Api::ConsentInfo => &[Self::ConsentInfo0_2_0],
        }
    }

    /// The version of `api` whose `info.version` is `version` (`2.1.0`).
    ///
    /// # Errors
    ///
    /// [`SpecError::UnknownVersion`] when netid does not implement that version of `api`.
    pub fn parse(api: Api, version: &str) -> Result<Self, SpecError> {
        Self::versions_of(api)
            .iter()
            .copied()
            .find(|spec| spec.as_str() == version)
            .ok_or(SpecError::UnknownVersion { api })
    }

    /// The API this version belongs to.
    #[must_use]
    pub const fn api(self) -> Api {
        match self {
            Self::KycMatch0_2_1 | Self::KycMatch0_4_0 => Api::KycMatch,
            Self::SimSwap1_0_0 | Self::SimSwap2_1_0 => Api::SimSwap,
            Self::NumberVerification2_0_0 | Self::NumberVerification2_1_0 => Api::NumberVerification,
            Self::DeviceSwap1_0_0 => Api::DeviceSwap,
            Self::NumberRecycling0_2_0 => Api::NumberRecycling,
            Self::KycTenure0_2_0 => Api::KycTenure,
            Self::KycAgeVerification0_2_1 => Api::KycAgeVerification,
            Self::KycFillIn0_4_1 => Api::KycFillIn,
            Self::CallForwardingSignal0_4_0 => Api::CallForwardingSignal,
            Self::ConsentInfo0_2_0 => Api::ConsentInfo,
        }
    }

    /// The version as the spec's `info.version` writes it (`1.0.0`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::KycMatch0_2_1 => "0.2.1",
            Self::KycMatch0_4_0 => "0.4.0",
            Self::SimSwap1_0_0 => "1.0.0",
            Self::SimSwap2_1_0 => "2.1.0",
            Self::NumberVerification2_0_0 => "2.0.0",
            Self::NumberVerification2_1_0 => "2.1.0",
            Self::DeviceSwap1_0_0 => "1.0.0",
            Self::NumberRecycling0_2_0 | Self::KycTenure0_2_0 | Self::ConsentInfo0_2_0 => "0.2.0",
            Self::CallForwardingSignal0_4_0 => "0.4.0",
            Self::KycAgeVerification0_2_1 => "0.2.1",
            Self::KycFillIn0_4_1 => "0.4.1",
        }
    }

    /// The version segment of the spec's base path (`v0.2`, `v1`, `v2`).
    #[must_use]
    pub const fn path_segment(self) -> &'static str {
        match self {
            Self::KycMatch0_2_1
            | Self::NumberRecycling0_2_0
            | Self::KycTenure0_2_0
            | Self::KycAgeVerification0_2_1
            | Self::ConsentInfo0_2_0 => "v0.2",
            Self::KycMatch0_4_0 | Self::KycFillIn0_4_1 | Self::CallForwardingSignal0_4_0 => "v0.4",
            Self::SimSwap1_0_0 | Self::DeviceSwap1_0_0 => "v1",
            Self::SimSwap2_1_0 | Self::NumberVerification2_0_0 | Self::NumberVerification2_1_0 => "v2",
        }
    }

    /// How this version's OpenAPI file constrains the `x-correlator` request header (its
    /// `components.parameters.x-correlator` schema).
    #[must_use]
    pub const fn x_correlator_rule(self) -> CorrelatorRule {
        match self {
            Self::KycMatch0_2_1 | Self::SimSwap1_0_0 => CorrelatorRule::Any,
            Self::NumberVerification2_0_0 => CorrelatorRule::Alphanumeric55,
            // Every file from Commonalities 0.5 on (KYC Match 0.4.0, SIM Swap 2.1.0, Number
            // Verification 2.1.0 and all the APIs added since) uses the Commonalities pattern.
            _ => CorrelatorRule::Camara,
        }
    }

    /// The KYC Match field set and key spelling of this version, `None` for the other APIs (KYC Age
    /// Verification and KYC Fill-in name their fields themselves).
    #[must_use]
    pub const fn kyc_version(self) -> Option<KycVersion> {
        match self {
            Self::KycMatch0_2_1 => Some(KycVersion::V0_2),
            Self::KycMatch0_4_0 => Some(KycVersion::V0_4),
            _ => None,
        }
    }
}

/// A spec version's constraint on the `x-correlator` request header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CorrelatorRule {
    /// `type: string` with no pattern (KYC Match 0.2.1, SIM Swap 1.0.0): any header value.
    Any,
    /// `^[a-zA-Z0-9-]{0,55}$` (Number Verification 2.0.0).
    Alphanumeric55,
    /// Commonalities' `^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`, the
    /// [`XCorrelator`](crate::correlator::XCorrelator) type (every later version).
    Camara,
}

impl CorrelatorRule {
    /// Whether `value` satisfies the rule.
    #[must_use]
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Alphanumeric55 => {
                value.len() <= 55 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }
            Self::Camara => value.parse::<crate::correlator::XCorrelator>().is_ok(),
        }
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api(), self.as_str())
    }
}

/// An API name or a spec version that netid does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// Not one of the names of [`Api::ALL`].
    #[error("unknown camara api, expected one of: {}", names(&Api::ALL.map(Api::as_str)))]
    UnknownApi,
    /// Not one of the versions of `api` ([`SpecVersion::versions_of`]).
    #[error("unknown {api} version, expected one of: {}", version_names(*.api))]
    UnknownVersion {
        /// The API whose versions were searched.
        api: Api,
    },
}

fn names(names: &[&str]) -> String {
    names.join(", ")
}

fn version_names(api: Api) -> String {
    let versions: Vec<&str> = SpecVersion::versions_of(api)
        .iter()
        .map(|spec| spec.as_str())
        .collect();
    names(&versions)
}

#[cfg(test)]
mod tests;
