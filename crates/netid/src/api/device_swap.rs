//! Device Swap: did the device behind a number change recently, and when.

use std::time::Duration;

use netid_camara::operation::{DeviceSwapCheck, DeviceSwapDate};

use crate::Operator;
use crate::api::sim_swap::max_age_in_hours;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The Device Swap API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct DeviceSwap;

impl Operator {
    /// A Device Swap call about `subject` (a phone number, usually).
    pub fn device_swap(&self, subject: impl Into<Subject>) -> Call<'_, DeviceSwap> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, DeviceSwap> {
    /// `POST /check`: did the device change within `max_age` (whole hours, 1 to 2400)?
    ///
    /// # Errors
    ///
    /// [`Error::Input`] for a `max_age` that is not a whole number of hours in range; the token
    /// flow's and the call's errors.
    pub async fn check(mut self, max_age: Duration) -> Result<Reply<DeviceSwapCheck>, Error> {
        let max_age = max_age_in_hours(max_age)?;
        let ready = self.prepare(Operation::DeviceSwapCheck).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .device_swap_check(bearer, max_age, ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }

    /// `POST /retrieve-date`: when did the device last change?
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors.
    pub async fn retrieve_date(mut self) -> Result<Reply<DeviceSwapDate>, Error> {
        let ready = self.prepare(Operation::DeviceSwapRetrieveDate).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .device_swap_retrieve_date(bearer, ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }
}
