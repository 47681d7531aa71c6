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
//! The per-version request types (`sim_swap::v1::check::Request`, …) stay available for callers that
//! want one version's exact body; [`Answer::spec`] says which version answered.
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

use netid_core::kyc::{KycClaims, KycMatchResult};
use netid_core::phone::{HashedPhoneNumber, PhoneNumber};
use netid_core::token::AccessToken;
use time::OffsetDateTime;

use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::{CamaraError, InvalidRequest};
use crate::kyc_match::{v0_2, v0_4};
use crate::number_verification::v2::{device_phone_number, verify};
use crate::profile::{Api, SpecVersion};
use crate::sim_swap::{self, MaxAge};

mod device_swap;
mod kyc_tenure;
mod number_recycling;

pub use device_swap::{DeviceSwapCheck, DeviceSwapDate};
pub use kyc_tenure::KycTenure;
pub use number_recycling::NumberRecycling;
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

/// The answer of a SIM Swap `check`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SimSwapCheck {
    /// Whether the SIM was swapped within the period asked.
    pub swapped: bool,
}

/// The answer of a SIM Swap `retrieve-date`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SimSwapDate {
    /// The last SIM change, or `None` when the operator knows of none (within its monitored period).
    pub latest_sim_change: Option<OffsetDateTime>,
    /// Days the operator monitors SIM changes, when it says (SIM Swap 2.1.0; never in 1.0.0).
    pub monitored_period: Option<u32>,
}

/// The answer of a Number Verification `verify`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NumberVerification {
    /// Whether the number is the one of the device that obtained the token.
    pub verified: bool,
}

impl From<sim_swap::v1::check::Response> for SimSwapCheck {
    fn from(response: sim_swap::v1::check::Response) -> Self {
        Self {
            swapped: response.swapped,
        }
    }
}

impl From<sim_swap::v2::check::Response> for SimSwapCheck {
    fn from(response: sim_swap::v2::check::Response) -> Self {
        Self {
            swapped: response.swapped,
        }
    }
}

impl From<sim_swap::v1::retrieve_date::Response> for SimSwapDate {
    /// 1.0.0 has no monitored period.
    fn from(response: sim_swap::v1::retrieve_date::Response) -> Self {
        Self {
            latest_sim_change: response.latest_sim_change,
            monitored_period: None,
        }
    }
}

impl From<sim_swap::v2::retrieve_date::Response> for SimSwapDate {
    fn from(response: sim_swap::v2::retrieve_date::Response) -> Self {
        Self {
            latest_sim_change: response.latest_sim_change,
            monitored_period: response.monitored_period,
        }
    }
}

/// The number a Number Verification `verify` checks: in clear or hashed (the operator then never
/// receives it in clear).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NumberToVerify {
    /// Sent as `phoneNumber`.
    Plain(PhoneNumber),
    /// Sent as `hashedPhoneNumber` (SHA-256 of the E.164 form).
    Hashed(HashedPhoneNumber),
}

impl From<PhoneNumber> for NumberToVerify {
    fn from(number: PhoneNumber) -> Self {
        Self::Plain(number)
    }
}

impl From<HashedPhoneNumber> for NumberToVerify {
    fn from(number: HashedPhoneNumber) -> Self {
        Self::Hashed(number)
    }
}

impl CamaraClient {
    /// KYC Match `POST /match` in the profile's version: `claims` against the operator's records.
    /// The phone number of the claims is replaced by the [`Bearer`]'s identifier under the
    /// version's rules (kept with a three-legged token when the bearer names no number).
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::ProfileMismatch`] when the profile is not a KYC Match
    /// one, [`InvalidRequest::FieldNotInVersion`] for a claim the version does not define.
    pub async fn kyc_match(
        &self,
        bearer: Bearer<'_>,
        mut claims: KycClaims,
        options: CallOptions,
    ) -> Result<Answer<KycMatchResult>, CamaraError> {
        let spec = self.profile().spec();
        if let Some(number) = bearer.identifier(spec)? {
            claims.phone_number = Some(number);
        }
        let token = bearer.token();
        match spec {
            SpecVersion::KycMatch0_2_1 => Ok(self
                .send(token, &v0_2::Request::new(claims), options)
                .await?
                .map(|response| response.result)),
            SpecVersion::KycMatch0_4_0 => Ok(self
                .send(token, &v0_4::Request::new(claims), options)
                .await?
                .map(|response| response.result)),
            other => Err(mismatch("kyc-match match", other)),
        }
    }

    /// SIM Swap `POST /check` in the profile's version: was the SIM swapped within `max_age`?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`] for a two-legged bearer without a
    /// number.
    pub async fn sim_swap_check(
        &self,
        bearer: Bearer<'_>,
        max_age: MaxAge,
        options: CallOptions,
    ) -> Result<Answer<SimSwapCheck>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        let token = bearer.token();
        match spec {
            SpecVersion::SimSwap1_0_0 => {
                let mut request = sim_swap::v1::check::Request::new(max_age);
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            SpecVersion::SimSwap2_1_0 => {
                let mut request = sim_swap::v2::check::Request::new(max_age);
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            other => Err(mismatch("sim-swap check", other)),
        }
    }

    /// SIM Swap `POST /retrieve-date` in the profile's version: when did the SIM last change?
    ///
    /// # Errors
    ///
    /// As [`sim_swap_check`](Self::sim_swap_check).
    pub async fn sim_swap_retrieve_date(
        &self,
        bearer: Bearer<'_>,
        options: CallOptions,
    ) -> Result<Answer<SimSwapDate>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        let token = bearer.token();
        match spec {
            SpecVersion::SimSwap1_0_0 => {
                let mut request = sim_swap::v1::retrieve_date::Request::new();
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            SpecVersion::SimSwap2_1_0 => {
                let mut request = sim_swap::v2::retrieve_date::Request::new();
                request.phone_number = number;
                Ok(self.send(token, &request, options).await?.map(Into::into))
            }
            other => Err(mismatch("sim-swap retrieve-date", other)),
        }
    }

    /// Number Verification `POST /verify`: is `number` the number of the device that obtained the
    /// (three-legged) token?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::ThreeLeggedTokenRequired`] for a two-legged bearer.
    pub async fn verify_number(
        &self,
        bearer: Bearer<'_>,
        number: NumberToVerify,
        options: CallOptions,
    ) -> Result<Answer<NumberVerification>, CamaraError> {
        let spec = self.profile().spec();
        bearer.identifier(spec)?;
        if spec.api() != Api::NumberVerification {
            return Err(mismatch("number-verification verify", spec));
        }
        let request = match number {
            NumberToVerify::Plain(number) => verify::Request::plain(number),
            NumberToVerify::Hashed(hash) => verify::Request::hashed(hash),
        };
        Ok(self
            .send(bearer.token(), &request, options)
            .await?
            .map(|response| NumberVerification {
                verified: response.device_phone_number_verified,
            }))
    }

    /// Number Verification `GET /device-phone-number`: the number of the device that obtained the
    /// (three-legged) token.
    ///
    /// # Errors
    ///
    /// As [`verify_number`](Self::verify_number).
    pub async fn device_phone_number(
        &self,
        bearer: Bearer<'_>,
        options: CallOptions,
    ) -> Result<Answer<PhoneNumber>, CamaraError> {
        let spec = self.profile().spec();
        bearer.identifier(spec)?;
        if spec.api() != Api::NumberVerification {
            return Err(mismatch("number-verification device-phone-number", spec));
        }
        Ok(self
            .send(bearer.token(), &device_phone_number::Request::new(), options)
            .await?
            .map(|response| response.device_phone_number))
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
