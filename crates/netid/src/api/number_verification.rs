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
        let ready = self.prepare(Operation::NumberVerificationVerify).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .verify_number(bearer, number.into(), ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }

    /// `GET /device-phone-number`: the device's own number.
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors.
    pub async fn device_phone_number(mut self) -> Result<Reply<PhoneNumber>, Error> {
        let ready = self
            .prepare(Operation::NumberVerificationDevicePhoneNumber)
            .await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready.client.device_phone_number(bearer, ready.options).await?;
        Ok(Reply::new(answer, ready.info))
    }
}
