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
    /// Call Forwarding Signal `POST /unconditional-call-forwardings`.
    CallForwardingUnconditional,
    /// Call Forwarding Signal `POST /call-forwardings`.
    CallForwardings,
    /// Consent Info `POST /retrieve`.
    ConsentInfoRetrieve,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Self; 8] = [
        Self::KycMatch,
        Self::SimSwapCheck,
        Self::SimSwapRetrieveDate,
        Self::NumberVerificationVerify,
        Self::NumberVerificationDevicePhoneNumber,
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
            Self::CallForwardingUnconditional | Self::CallForwardings => Api::CallForwardingSignal,
            Self::ConsentInfoRetrieve => Api::ConsentInfo,
        }
    }

    /// The operation's name within its API (`match`, `check`, `retrieve-date`, `verify`,
    /// `device-phone-number`, `unconditional-call-forwardings`, `call-forwardings`, `retrieve`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::KycMatch => "match",
            Self::SimSwapCheck => "check",
            Self::SimSwapRetrieveDate => "retrieve-date",
            Self::NumberVerificationVerify => "verify",
            Self::NumberVerificationDevicePhoneNumber => "device-phone-number",
            Self::CallForwardingUnconditional => "unconditional-call-forwardings",
            Self::CallForwardings => "call-forwardings",
            Self::ConsentInfoRetrieve => "retrieve",
        }
    }

    /// The scope the CAMARA spec names for the operation.
    #[must_use]
    pub fn spec_scope(self) -> ApiScope {
        match self {
            Self::KycMatch => ApiScope::KycMatchMatch,
            Self::SimSwapCheck => ApiScope::SimSwapCheck,
            Self::SimSwapRetrieveDate => ApiScope::SimSwapRetrieveDate,
            Self::NumberVerificationVerify => ApiScope::NumberVerificationVerify,
            Self::NumberVerificationDevicePhoneNumber => ApiScope::NumberVerificationDevicePhoneNumberRead,
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
