//! Version-independent operations: one call per operation, whose spec version the client's
//! [`OperatorProfile`](crate::OperatorProfile) picks, with each version's identifier rules applied
//! and one result type per operation.
//!
//! | operation | call | result |
//! | --- | --- | --- |
//! | KYC Match `match` | [`CamaraClient::kyc_match`] | [`KycMatchResult`] |
//! | SIM Swap `check` | [`CamaraClient::sim_swap_check`] | [`SimSwapCheck`] |
//! | SIM Swap `retrieve-date` | [`CamaraClient::sim_swap_retrieve_date`] | [`SimSwapDate`] |
//! | Number Verification `verify` | [`CamaraClient::verify_number`] | [`NumberVerification`] |
//! | Number Verification `device-phone-number` | [`CamaraClient::device_phone_number`] | [`PhoneNumber`] |
//! | Device Swap `check` | [`CamaraClient::device_swap_check`] | [`DeviceSwapCheck`] |
//! | Device Swap `retrieve-date` | [`CamaraClient::device_swap_retrieve_date`] | [`DeviceSwapDate`] |
//! | Number Recycling `check` | [`CamaraClient::number_recycling_check`] | [`NumberRecycling`] |
//! | KYC Tenure `check-tenure` | [`CamaraClient::kyc_tenure_check`] | [`KycTenure`] |
//! | KYC Age Verification `verify` | [`CamaraClient::kyc_age_verification`] | [`AgeVerification`](crate::kyc_age_verification::AgeVerification) |
//! | KYC Fill-in `fill-in` | [`CamaraClient::kyc_fill_in`] | [`KycClaims`] |
//! | Call Forwarding Signal `unconditional-call-forwardings` | [`CamaraClient::unconditional_call_forwarding`] | [`UnconditionalCallForwarding`] |
//! | Call Forwarding Signal `call-forwardings` | [`CamaraClient::call_forwardings`] | [`CallForwardings`] |
//! | Consent Info `retrieve` | [`CamaraClient::consent_info`] | [`ConsentStatus`] |
//!
//! [`CamaraClient::kyc_match`]: crate::CamaraClient::kyc_match
//! [`CamaraClient::sim_swap_check`]: crate::CamaraClient::sim_swap_check
//! [`CamaraClient::sim_swap_retrieve_date`]: crate::CamaraClient::sim_swap_retrieve_date
//! [`CamaraClient::verify_number`]: crate::CamaraClient::verify_number
//! [`CamaraClient::device_phone_number`]: crate::CamaraClient::device_phone_number
//! [`CamaraClient::device_swap_check`]: crate::CamaraClient::device_swap_check
//! [`CamaraClient::device_swap_retrieve_date`]: crate::CamaraClient::device_swap_retrieve_date
//! [`CamaraClient::number_recycling_check`]: crate::CamaraClient::number_recycling_check
//! [`CamaraClient::kyc_tenure_check`]: crate::CamaraClient::kyc_tenure_check
//! [`CamaraClient::kyc_age_verification`]: crate::CamaraClient::kyc_age_verification
//! [`CamaraClient::kyc_fill_in`]: crate::CamaraClient::kyc_fill_in
//! [`CamaraClient::unconditional_call_forwarding`]: crate::CamaraClient::unconditional_call_forwarding
//! [`CamaraClient::call_forwardings`]: crate::CamaraClient::call_forwardings
//! [`CamaraClient::consent_info`]: crate::CamaraClient::consent_info
//! [`KycMatchResult`]: netid_core::kyc::KycMatchResult
//! [`KycClaims`]: netid_core::kyc::KycClaims
//!
//! The per-version request types (`sim_swap::v1::check::Request`, …) stay available for callers that
//! want one version's exact body; [`Answer::spec`](crate::Answer::spec) says which version answered.
//!
//! # Identifier rules
//!
//! Who the call is about comes from the [`Bearer`]: a three-legged token names the subscriber itself,
//! a two-legged one does not. For each spec version the call applies what that version says:
//!
//! | version | three-legged token | two-legged token |
//! | --- | --- | --- |
//! | KYC Match 0.2.1, 0.4.0, SIM Swap 1.0.0 | the number is sent when known (the operator checks it matches) | the number is required |
//! | SIM Swap 2.1.0 and every API added since (Device Swap 1.0.0, Number Recycling 0.2.0, KYC Tenure 0.2.0, KYC Age Verification 0.2.1, KYC Fill-in 0.4.1, Call Forwarding Signal 0.4.0, Consent Info 0.2.0) | the number is never sent (`422 UNNECESSARY_IDENTIFIER` otherwise) | the number is required |
//! | Number Verification 2.0.0, 2.1.0 | no identifier: the token is the device's | refused: the API needs a mobile-network authentication |

use netid_core::phone::PhoneNumber;
use netid_core::token::AccessToken;

use crate::error::{CamaraError, InvalidRequest};
use crate::profile::{Api, SpecVersion};

mod device_swap;
mod kyc_match;
mod kyc_tenure;
mod number_recycling;
mod number_verification;
mod sim_swap;

pub use device_swap::{DeviceSwapCheck, DeviceSwapDate};
pub use kyc_tenure::KycTenure;
pub use number_recycling::NumberRecycling;
pub use number_verification::{NumberToVerify, NumberVerification};
pub use sim_swap::{SimSwapCheck, SimSwapDate};
mod call_forwarding_signal;
mod consent_info;

pub use crate::consent_info::{ConsentQuery, ConsentStatus};
pub use call_forwarding_signal::{CallForwardings, UnconditionalCallForwarding};

/// Whom an access token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// Obtained for one subscriber (CIBA, the authorization-code flow, JWT-bearer): the token names
    /// the subject of the call.
    ThreeLegged,
    /// Obtained for the application alone (client credentials): the request must name the subject.
    TwoLegged,
}

/// The access token of one call, what kind it is, and the subscriber's number when the caller knows
/// it.
///
/// ```
/// use netid_camara::operation::Bearer;
/// use netid_core::phone::PhoneNumber;
/// use netid_core::token::AccessToken;
///
/// let token = AccessToken::new("from-ciba");
/// let number = PhoneNumber::parse_strict("+34654654654")?;
/// // A CIBA token for that subscriber: the number goes in the body only where the version allows it.
/// let bearer = Bearer::three_legged(&token).with_phone_number(&number);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Bearer<'a> {
    token: &'a AccessToken,
    kind: TokenKind,
    phone_number: Option<&'a PhoneNumber>,
}

impl<'a> Bearer<'a> {
    /// A three-legged token: it names the subscriber.
    #[must_use]
    pub fn three_legged(token: &'a AccessToken) -> Self {
        Self {
            token,
            kind: TokenKind::ThreeLegged,
            phone_number: None,
        }
    }

    /// A two-legged token for a call about `phone_number`.
    #[must_use]
    pub fn two_legged(token: &'a AccessToken, phone_number: &'a PhoneNumber) -> Self {
        Self {
            token,
            kind: TokenKind::TwoLegged,
            phone_number: Some(phone_number),
        }
    }

    /// The subscriber's number, sent with a three-legged token where the version allows it.
    #[must_use]
    pub fn with_phone_number(mut self, phone_number: &'a PhoneNumber) -> Self {
        self.phone_number = Some(phone_number);
        self
    }

    /// The token.
    #[must_use]
    pub fn token(&self) -> &'a AccessToken {
        self.token
    }

    /// What kind of token it is.
    #[must_use]
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The number to put in the request body under `spec`'s identifier rules.
    ///
    /// # Errors
    ///
    /// [`InvalidRequest::MissingIdentifier`] for a two-legged token without a number, and
    /// [`InvalidRequest::ThreeLeggedTokenRequired`] for a two-legged token on an API that needs a
    /// subscriber's token.
    pub fn identifier(&self, spec: SpecVersion) -> Result<Option<PhoneNumber>, InvalidRequest> {
        match (IdentifierRule::of(spec), self.kind) {
            (IdentifierRule::SubscriberTokenOnly, TokenKind::TwoLegged) => {
                Err(InvalidRequest::ThreeLeggedTokenRequired { api: spec.api() })
            }
            (
                IdentifierRule::SubscriberTokenOnly | IdentifierRule::NeverWithSubscriberToken,
                TokenKind::ThreeLegged,
            ) => Ok(None),
            (_, TokenKind::TwoLegged) => self
                .phone_number
                .cloned()
                .map(Some)
                .ok_or(InvalidRequest::MissingIdentifier { api: spec.api() }),
            (IdentifierRule::OptionalWithSubscriberToken, TokenKind::ThreeLegged) => {
                Ok(self.phone_number.cloned())
            }
        }
    }
}

/// How a spec version identifies the subject of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdentifierRule {
    /// A number next to a three-legged token is allowed (and must match it).
    OptionalWithSubscriberToken,
    /// A number next to a three-legged token is refused (`UNNECESSARY_IDENTIFIER`).
    NeverWithSubscriberToken,
    /// Only a subscriber's token authorises the call; the request carries no identifier.
    SubscriberTokenOnly,
}

impl IdentifierRule {
    fn of(spec: SpecVersion) -> Self {
        match spec.api() {
            Api::NumberVerification => Self::SubscriberTokenOnly,
            // Commonalities 0.6 (SIM Swap 2.1.0 onwards) forbids the identifier beside a 3-legged token;
            // each of these specs says so in its "Identifying the phone number" section.
            Api::DeviceSwap
            | Api::NumberRecycling
            | Api::KycTenure
            | Api::KycAgeVerification
            | Api::KycFillIn
            | Api::CallForwardingSignal
            | Api::ConsentInfo => Self::NeverWithSubscriberToken,
            _ if spec == SpecVersion::SimSwap2_1_0 => Self::NeverWithSubscriberToken,
            _ => Self::OptionalWithSubscriberToken,
        }
    }
}

pub(crate) fn mismatch(operation: &str, profile: SpecVersion) -> CamaraError {
    InvalidRequest::ProfileMismatch {
        operation: operation.to_owned(),
        profile,
    }
    .into()
}

mod kyc_identity;
#[cfg(test)]
mod tests;
