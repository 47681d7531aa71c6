//! KYC Tenure: has a subscription been with its operator since a given date, and on what contract.

use netid_camara::operation::KycTenure as Tenure;
use time::Date;

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The KYC Tenure API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct KycTenure;

impl Operator {
    /// A KYC Tenure call about `subject` (a phone number, usually).
    pub fn kyc_tenure(&self, subject: impl Into<Subject>) -> Call<'_, KycTenure> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, KycTenure> {
    /// `POST /check-tenure`: has the subscription had continuous tenure since `tenure_date`? The
    /// reply also carries the contract type when the operator knows it.
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors; the operator answers `OUT_OF_RANGE` for a date in
    /// the future.
    pub async fn check_tenure(mut self, tenure_date: Date) -> Result<Reply<Tenure>, Error> {
        let ready = self.prepare(Operation::KycTenureCheckTenure).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .kyc_tenure_check(bearer, tenure_date, ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }
}
