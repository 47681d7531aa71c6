//! Number Verification: is a number the one of the device in use, or which number is it?
//!
//! The subject is the device, named by a login hint its network gives (`ipport:`, or an
//! `operatortoken:` from TS.43), or by a token it obtained with the authorization-code flow.

use netid_camara::operation::{NumberToVerify, NumberVerification as Verification};
use netid_core::phone::PhoneNumber;

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The Number Verification API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct NumberVerification;

impl Operator {
    /// A Number Verification call for the `device` (a login hint, or the token it obtained).
    pub fn number_verification(&self, device: impl Into<Subject>) -> Call<'_, NumberVerification> {
        Call::new(self, device.into())
    }
}

impl Call<'_, NumberVerification> {
    /// `POST /verify`: is `number` (plain or hashed) the device's?
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors.
    pub async fn verify(mut self, number: impl Into<NumberToVerify>) -> Result<Reply<Verification>, Error> {
        let (token, info) = self.token(Operation::NumberVerificationVerify).await?;
        let runtime = self
            .operator
            .inner
            .runtime(Operation::NumberVerificationVerify.api())?;
        let options = self.options(self.operator.inner.clock.now());
        let answer = runtime
            .client
            .verify_number(self.subject.bearer(&token)?, number.into(), options)
            .await?;
        Ok(Reply::new(answer, info))
    }

    /// `GET /device-phone-number`: the device's own number.
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors.
    pub async fn device_phone_number(mut self) -> Result<Reply<PhoneNumber>, Error> {
        let (token, info) = self.token(Operation::NumberVerificationDevicePhoneNumber).await?;
        let runtime = self
            .operator
            .inner
            .runtime(Operation::NumberVerificationDevicePhoneNumber.api())?;
        let options = self.options(self.operator.inner.clock.now());
        let answer = runtime
            .client
            .device_phone_number(self.subject.bearer(&token)?, options)
            .await?;
        Ok(Reply::new(answer, info))
    }
}
