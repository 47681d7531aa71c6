//! KYC Age Verification: is the subscriber at least a given age?

use netid_camara::kyc_age_verification::{AgeQuery, AgeVerification};

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The KYC Age Verification API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct KycAgeVerification;

impl Operator {
    /// A KYC Age Verification call about `subject` (the customer's phone number, usually).
    pub fn kyc_age_verification(&self, subject: impl Into<Subject>) -> Call<'_, KycAgeVerification> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, KycAgeVerification> {
    /// `POST /verify`: is the subscriber at least `query`'s threshold old? With the identity fields,
    /// content-lock and parental-control questions `query` adds.
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors,
    /// [`netid_camara::InvalidRequest::FieldNotInVersion`] for an identity field the API does not
    /// take.
    pub async fn verify(mut self, query: AgeQuery) -> Result<Reply<AgeVerification>, Error> {
        let ready = self.prepare(Operation::KycAgeVerificationVerify).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .kyc_age_verification(bearer, query, ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }
}
