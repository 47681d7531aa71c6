//! KYC Match: does what a customer claims match what the operator holds for the number?

use netid_core::kyc::{KycClaims, KycMatchResult};

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The KYC Match API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct KycMatch;

impl Operator {
    /// A KYC Match call about `subject` (the customer's phone number, usually).
    pub fn kyc_match(&self, subject: impl Into<Subject>) -> Call<'_, KycMatch> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, KycMatch> {
    /// `POST /match`: `claims` against the operator's records, one result (and score, where the
    /// version gives one) per field the operator answered.
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors, [`netid_camara::InvalidRequest::FieldNotInVersion`]
    /// for a claim the operator's version does not define.
    pub async fn match_claims(mut self, claims: KycClaims) -> Result<Reply<KycMatchResult>, Error> {
        let ready = self.prepare(Operation::KycMatch).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready.client.kyc_match(bearer, claims, ready.options).await?;
        Ok(Reply::new(answer, ready.info))
    }
}
