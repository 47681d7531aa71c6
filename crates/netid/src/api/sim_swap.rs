//! SIM Swap: was the SIM behind a number swapped recently, and when.

use std::time::Duration;

use netid_camara::operation::{SimSwapCheck, SimSwapDate};
use netid_camara::sim_swap::MaxAge;

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The SIM Swap API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SimSwap;

impl Operator {
    /// A SIM Swap call about `subject` (a phone number, usually).
    pub fn sim_swap(&self, subject: impl Into<Subject>) -> Call<'_, SimSwap> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, SimSwap> {
    /// `POST /check`: was the SIM swapped within `max_age` (whole hours, 1 to 2400)?
    ///
    /// # Errors
    ///
    /// [`Error::Input`] for a `max_age` that is not a whole number of hours in range; the token
    /// flow's and the call's errors.
    pub async fn check(mut self, max_age: Duration) -> Result<Reply<SimSwapCheck>, Error> {
        let max_age = max_age_in_hours(max_age)?;
        let ready = self.prepare(Operation::SimSwapCheck).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .sim_swap_check(bearer, max_age, ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }

    /// `POST /retrieve-date`: when was the SIM last swapped?
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors.
    pub async fn retrieve_date(mut self) -> Result<Reply<SimSwapDate>, Error> {
        let ready = self.prepare(Operation::SimSwapRetrieveDate).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready.client.sim_swap_retrieve_date(bearer, ready.options).await?;
        Ok(Reply::new(answer, ready.info))
    }
}

/// `max_age` as the whole hours of a `maxAge` (SIM Swap and Device Swap share it).
pub(crate) fn max_age_in_hours(max_age: Duration) -> Result<MaxAge, Error> {
    let seconds = max_age.as_secs();
    if !seconds.is_multiple_of(3600) || max_age.subsec_nanos() != 0 {
        return Err(Error::Input(format!(
            "max age must be a whole number of hours, got {seconds} s"
        )));
    }
    let hours = u32::try_from(seconds / 3600).unwrap_or(u32::MAX);
    MaxAge::new(hours).map_err(|error| Error::Input(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_ages_are_whole_hours_in_range() {
        let check = |seconds: u64, expected: Result<u16, &str>| {
            let got = max_age_in_hours(Duration::from_secs(seconds))
                .map(MaxAge::hours)
                .map_err(|error| error.to_string());
            assert_eq!(got, expected.map_err(str::to_owned), "{seconds}");
        };
        check(3600, Ok(1));
        check(240 * 3600, Ok(240));
        check(2400 * 3600, Ok(2400));
        check(0, Err("maxAge must be between 1 and 2400 hours, got 0"));
        check(
            2401 * 3600,
            Err("maxAge must be between 1 and 2400 hours, got 2401"),
        );
        check(5400, Err("max age must be a whole number of hours, got 5400 s"));
    }
}
