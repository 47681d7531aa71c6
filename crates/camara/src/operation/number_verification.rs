//! Number Verification `verify` and `device-phone-number`, whatever the version.

use netid_core::phone::{HashedPhoneNumber, PhoneNumber};

use super::{Bearer, mismatch};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::CamaraError;
use crate::number_verification::v2::{device_phone_number, verify};
use crate::profile::Api;

/// The answer of a Number Verification `verify`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NumberVerification {
    /// Whether the number is the one of the device that obtained the token.
    pub verified: bool,
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
    /// Number Verification `POST /verify`: is `number` the number of the device that obtained the
    /// (three-legged) token?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::ThreeLeggedTokenRequired`](crate::InvalidRequest::ThreeLeggedTokenRequired) for a two-legged bearer.
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
