//! The operations the facade calls, named once: their API, their name in logs and reports, and the
//! scope CAMARA gives each.

use std::fmt;

use netid_camara::Api;
use netid_core::scope::ApiScope;

/// One operation of one CAMARA API, whatever its spec version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Operation {
    /// KYC Match `POST /match`.
    KycMatch,
    /// SIM Swap `POST /check`.
    SimSwapCheck,
    /// SIM Swap `POST /retrieve-date`.
    SimSwapRetrieveDate,
    /// Number Verification `POST /verify`.
    NumberVerificationVerify,
    /// Number Verification `GET /device-phone-number`.
    NumberVerificationDevicePhoneNumber,
    /// Device Swap `POST /check`.
    DeviceSwapCheck,
    /// Device Swap `POST /retrieve-date`.
    DeviceSwapRetrieveDate,
    /// Number Recycling `POST /check`.
    NumberRecyclingCheck,
    /// KYC Tenure `POST /check-tenure`.
    KycTenureCheckTenure,
    /// KYC Age Verification `POST /verify`.
    KycAgeVerificationVerify,
    /// KYC Fill-in `POST /fill-in`.
    KycFillIn,
    /// Call Forwarding Signal `POST /unconditional-call-forwardings`.
    CallForwardingUnconditional,
    /// Call Forwarding Signal `POST /call-forwardings`.
    CallForwardings,
    /// Consent Info `POST /retrieve`.
    ConsentInfoRetrieve,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Self; 14] = [
        Self::KycMatch,
        Self::SimSwapCheck,
        Self::SimSwapRetrieveDate,
        Self::NumberVerificationVerify,
        Self::NumberVerificationDevicePhoneNumber,
        Self::DeviceSwapCheck,
        Self::DeviceSwapRetrieveDate,
        Self::NumberRecyclingCheck,
        Self::KycTenureCheckTenure,
        Self::KycAgeVerificationVerify,
        Self::KycFillIn,
        Self::CallForwardingUnconditional,
        Self::CallForwardings,
        Self::ConsentInfoRetrieve,
    ];

    /// The API the operation belongs to.
    #[must_use]
    pub const fn api(self) -> Api {
        match self {
            Self::KycMatch => Api::KycMatch,
            Self::SimSwapCheck | Self::SimSwapRetrieveDate => Api::SimSwap,
            Self::NumberVerificationVerify | Self::NumberVerificationDevicePhoneNumber => {
                Api::NumberVerification
            }
            Self::DeviceSwapCheck | Self::DeviceSwapRetrieveDate => Api::DeviceSwap,
            Self::NumberRecyclingCheck => Api::NumberRecycling,
            Self::KycTenureCheckTenure => Api::KycTenure,
            Self::KycAgeVerificationVerify => Api::KycAgeVerification,
            Self::KycFillIn => Api::KycFillIn,
            Self::CallForwardingUnconditional | Self::CallForwardings => Api::CallForwardingSignal,
            Self::ConsentInfoRetrieve => Api::ConsentInfo,
        }
    }

    /// The operation's name within its API (`match`, `check`, `retrieve-date`, `verify`,
    /// `device-phone-number`, `check-tenure`, `fill-in`, `unconditional-call-forwardings`,
    /// `call-forwardings`, `retrieve`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::KycMatch => "match",
            Self::SimSwapCheck => "check",
            Self::SimSwapRetrieveDate => "retrieve-date",
            Self::NumberVerificationVerify | Self::KycAgeVerificationVerify => "verify",
            Self::NumberVerificationDevicePhoneNumber => "device-phone-number",
            Self::DeviceSwapCheck | Self::NumberRecyclingCheck => "check",
            Self::DeviceSwapRetrieveDate => "retrieve-date",
            Self::KycTenureCheckTenure => "check-tenure",
            Self::KycFillIn => "fill-in",
            Self::CallForwardingUnconditional => "unconditional-call-forwardings",
            Self::CallForwardings => "call-forwardings",
            Self::ConsentInfoRetrieve => "retrieve",
        }
    }

    /// The scope the CAMARA spec names for the operation (for KYC Fill-in, `kyc-fill-in:set-all`:
    /// every attribute; a profile or an operator file may narrow it to per-attribute scopes).
    #[must_use]
    pub fn spec_scope(self) -> ApiScope {
        match self {
            Self::KycMatch => ApiScope::KycMatchMatch,
            Self::SimSwapCheck => ApiScope::SimSwapCheck,
            Self::SimSwapRetrieveDate => ApiScope::SimSwapRetrieveDate,
            Self::NumberVerificationVerify => ApiScope::NumberVerificationVerify,
            Self::NumberVerificationDevicePhoneNumber => ApiScope::NumberVerificationDevicePhoneNumberRead,
            Self::DeviceSwapCheck => ApiScope::DeviceSwapCheck,
            Self::DeviceSwapRetrieveDate => ApiScope::DeviceSwapRetrieveDate,
            Self::NumberRecyclingCheck => ApiScope::NumberRecyclingCheck,
            Self::KycTenureCheckTenure => ApiScope::KycTenureCheckTenure,
            Self::KycAgeVerificationVerify => ApiScope::KycAgeVerificationVerify,
            Self::KycFillIn => ApiScope::KycFillInSetAll,
            Self::CallForwardingUnconditional => ApiScope::CallForwardingSignalUnconditionalRead,
            Self::CallForwardings => ApiScope::CallForwardingSignalCallForwardingsRead,
            Self::ConsentInfoRetrieve => ApiScope::ConsentInfoRetrieve,
        }
    }

    /// The operations of `api`.
    pub fn of(api: Api) -> impl Iterator<Item = Self> {
        Self::ALL
            .into_iter()
            .filter(move |operation| operation.api() == api)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api(), self.as_str())
    }
}
