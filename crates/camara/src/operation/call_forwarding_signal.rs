//! Call Forwarding Signal operations, whatever the profile's version.

use crate::call_forwarding_signal::{CallForwardingService, v0_4};
use crate::client::{Answer, CallOptions, CamaraClient};
use crate::error::CamaraError;
use crate::operation::{Bearer, mismatch};
use crate::profile::SpecVersion;

/// The answer of `unconditional-call-forwardings`, in every version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UnconditionalCallForwarding {
    /// Whether every call to the number is forwarded; `None` when the operator did not say (0.4.0
    /// does not require the field).
    pub active: Option<bool>,
}

/// The answer of `call-forwardings`, in every version: the states of the number's call forwarding
/// service, `[inactive]` when none is active.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CallForwardings {
    /// The states, in the operator's order.
    pub services: Vec<CallForwardingService>,
}

impl CallForwardings {
    /// The active forwarding services (every state but `inactive`).
    pub fn active(&self) -> impl Iterator<Item = &CallForwardingService> {
        self.services
            .iter()
            .filter(|service| **service != CallForwardingService::Inactive)
    }

    /// Whether no call forwarding service is active.
    #[must_use]
    pub fn is_inactive(&self) -> bool {
        self.active().next().is_none()
    }
}

impl CamaraClient {
    /// Call Forwarding Signal `POST /unconditional-call-forwardings` in the profile's version: is
    /// every call to the number forwarded?
    ///
    /// # Errors
    ///
    /// A [`CamaraError`]; [`InvalidRequest::MissingIdentifier`](crate::InvalidRequest::MissingIdentifier)
    /// for a two-legged bearer without a number.
    pub async fn unconditional_call_forwarding(
        &self,
        bearer: Bearer<'_>,
        options: CallOptions,
    ) -> Result<Answer<UnconditionalCallForwarding>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::CallForwardingSignal0_4_0 => {
                let mut request = v0_4::unconditional_call_forwardings::Request::new();
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(|response| UnconditionalCallForwarding {
                        active: response.active,
                    }))
            }
            other => Err(mismatch(
                "call-forwarding-signal unconditional-call-forwardings",
                other,
            )),
        }
    }

    /// Call Forwarding Signal `POST /call-forwardings` in the profile's version: which call
    /// forwarding services are active on the number?
    ///
    /// # Errors
    ///
    /// As [`unconditional_call_forwarding`](Self::unconditional_call_forwarding); an operator that
    /// does not offer the general status answers 501 `NOT_IMPLEMENTED`.
    pub async fn call_forwardings(
        &self,
        bearer: Bearer<'_>,
        options: CallOptions,
    ) -> Result<Answer<CallForwardings>, CamaraError> {
        let spec = self.profile().spec();
        let number = bearer.identifier(spec)?;
        match spec {
            SpecVersion::CallForwardingSignal0_4_0 => {
                let mut request = v0_4::call_forwardings::Request::new();
                request.phone_number = number;
                Ok(self
                    .send(bearer.token(), &request, options)
                    .await?
                    .map(|response| CallForwardings {
                        services: response.services,
                    }))
            }
            other => Err(mismatch("call-forwarding-signal call-forwardings", other)),
        }
    }
}
