//! Number Recycling: has the subscriber behind a number changed since a given date.

use netid_camara::operation::NumberRecycling as Recycled;
use time::Date;

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The Number Recycling API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct NumberRecycling;

impl Operator {
    /// A Number Recycling call about `subject` (a phone number, usually).
    pub fn number_recycling(&self, subject: impl Into<Subject>) -> Call<'_, NumberRecycling> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, NumberRecycling> {
    /// `POST /check`: did the subscriber of the number change after `specified_date` (for example
    /// the day the user signed up with you)?
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors; the operator answers `OUT_OF_RANGE` for a date in
    /// the future.
    pub async fn check(mut self, specified_date: Date) -> Result<Reply<Recycled>, Error> {
        let ready = self.prepare(Operation::NumberRecyclingCheck).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .number_recycling_check(bearer, specified_date, ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }
}
