//! Consent Info: may the application process a subscriber's data for some scopes and a purpose.

use netid_camara::operation::{ConsentQuery, ConsentStatus};

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The Consent Info API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ConsentInfo;

impl Operator {
    /// A Consent Info call about `subject` (a phone number, usually).
    pub fn consent_info(&self, subject: impl Into<Subject>) -> Call<'_, ConsentInfo> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, ConsentInfo> {
    /// `POST /retrieve`: the validity status of processing for `query`'s scopes and purpose, and a
    /// consent capture URL when asked for and the subscriber must act.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] for a query without scopes; the token flow's and the call's errors.
    pub async fn retrieve(mut self, query: ConsentQuery) -> Result<Reply<ConsentStatus>, Error> {
        if query.scopes.is_empty() {
            return Err(Error::Input(
                "a consent info query needs at least one scope".to_owned(),
            ));
        }
        let ready = self.prepare(Operation::ConsentInfoRetrieve).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready.client.consent_info(bearer, query, ready.options).await?;
        Ok(Reply::new(answer, ready.info))
    }
}
