//! KYC Fill-in: the identity data the operator holds for a subscriber, to fill in a form.

use netid_core::kyc::KycClaims;

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The KYC Fill-in API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct KycFillIn;

impl Operator {
    /// A KYC Fill-in call about `subject` (the customer's phone number, usually).
    pub fn kyc_fill_in(&self, subject: impl Into<Subject>) -> Call<'_, KycFillIn> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, KycFillIn> {
    /// `POST /fill-in`: the subscriber's data on file, limited to the attributes the token's
    /// scopes release (the profile's scopes: `kyc-fill-in:set-all` unless an operator file names
    /// per-attribute ones). Every value is personal data, redacted in the record's `Debug`.
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors.
    pub async fn fill_in(mut self) -> Result<Reply<KycClaims>, Error> {
        let ready = self.prepare(Operation::KycFillIn).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready.client.kyc_fill_in(bearer, ready.options).await?;
        Ok(Reply::new(answer, ready.info))
    }
}
