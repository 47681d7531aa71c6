//! Call Forwarding Signal: are calls to a number forwarded, unconditionally or otherwise.

use netid_camara::operation::{CallForwardings, UnconditionalCallForwarding};

use crate::Operator;
use crate::call::{Call, Reply, Subject};
use crate::error::Error;
use crate::operation::Operation;

/// The Call Forwarding Signal API (marker of [`Call`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallForwardingSignal;

impl Operator {
    /// A Call Forwarding Signal call about `subject` (a phone number, usually).
    pub fn call_forwarding_signal(&self, subject: impl Into<Subject>) -> Call<'_, CallForwardingSignal> {
        Call::new(self, subject.into())
    }
}

impl Call<'_, CallForwardingSignal> {
    /// `POST /unconditional-call-forwardings`: is every call to the number forwarded?
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors.
    pub async fn unconditional(mut self) -> Result<Reply<UnconditionalCallForwarding>, Error> {
        let ready = self.prepare(Operation::CallForwardingUnconditional).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready
            .client
            .unconditional_call_forwarding(bearer, ready.options)
            .await?;
        Ok(Reply::new(answer, ready.info))
    }

    /// `POST /call-forwardings`: which call forwarding services are active on the number?
    ///
    /// # Errors
    ///
    /// The token flow's and the call's errors (an operator that does not offer the general status
    /// answers 501 `NOT_IMPLEMENTED`).
    pub async fn call_forwardings(mut self) -> Result<Reply<CallForwardings>, Error> {
        let ready = self.prepare(Operation::CallForwardings).await?;
        let bearer = self.subject.bearer(&ready.token)?;
        let answer = ready.client.call_forwardings(bearer, ready.options).await?;
        Ok(Reply::new(answer, ready.info))
    }
}
