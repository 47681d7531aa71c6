//! Call Forwarding Signal 0.4.0 (`{apiRoot}/call-forwarding-signal/v0.4`).
//!
//! Spec: `call-forwarding-signal.yaml`, <https://github.com/camaraproject/CallForwardingSignal>.
//!
//! Errors: 400 `INVALID_ARGUMENT`; 401 `UNAUTHENTICATED`; 403 `PERMISSION_DENIED`; 404 `NOT_FOUND`,
//! `IDENTIFIER_NOT_FOUND`; 422 `SERVICE_NOT_APPLICABLE`, `MISSING_IDENTIFIER`,
//! `UNNECESSARY_IDENTIFIER`; 429 `QUOTA_EXCEEDED`, `TOO_MANY_REQUESTS`; and, for
//! `/call-forwardings` only, 501 `NOT_IMPLEMENTED` (an operator may not offer the general status).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CallForwardingService;
use crate::error::DecodeError;
use crate::profile::Quirk;
use crate::wire::Normalizer;

crate::call_forwarding_signal::operation!(
    unconditional_call_forwardings,
    "unconditional-call-forwardings",
    "/unconditional-call-forwardings",
    "`POST /unconditional-call-forwardings`: is the unconditional call forwarding active?",
    crate::call_forwarding_signal::v0_4::UnconditionalCallForwardingSignal,
    crate::call_forwarding_signal::v0_4::normalize_unconditional
);

crate::call_forwarding_signal::operation!(
    call_forwardings,
    "call-forwardings",
    "/call-forwardings",
    "`POST /call-forwardings`: which call forwarding services are active?",
    crate::call_forwarding_signal::v0_4::CallForwardingSignal,
    crate::call_forwarding_signal::v0_4::normalize_services
);

/// The `UnconditionalCallForwardingSignal` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct UnconditionalCallForwardingSignal {
    /// Whether the unconditional call forwarding is active. The schema does not require the field:
    /// `None` when the operator left it out.
    #[serde(default)]
    pub active: Option<bool>,
}

/// The `CallForwardingSignal` answer: a JSON array of at least one state (`["inactive"]` when
/// nothing is forwarded).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
#[non_exhaustive]
pub struct CallForwardingSignal {
    /// The states, in the operator's order.
    pub services: Vec<CallForwardingService>,
}

pub(crate) fn normalize_unconditional(
    value: &mut Value,
    normalizer: &mut Normalizer<'_>,
) -> Result<(), DecodeError> {
    let map = normalizer.object(value)?;
    normalizer.boolean(map, "active")?;
    normalizer.known_fields(map, &["active"])
}

/// The array must hold at least one string (`minItems: 1`); a value outside the enumeration is a
/// tolerated [`Quirk::UnknownEnumValue`], kept as the catch-all.
pub(crate) fn normalize_services(
    value: &mut Value,
    normalizer: &mut Normalizer<'_>,
) -> Result<(), DecodeError> {
    let Value::Array(items) = value else {
        return Err(normalizer.data_error("$".to_owned(), "expected a JSON array".to_owned()));
    };
    if items.is_empty() {
        return Err(normalizer.data_error("$".to_owned(), "expected at least one state".to_owned()));
    }
    for (index, item) in items.iter().enumerate() {
        if let Value::String(text) = item
            && !CallForwardingService::parse(text).is_known()
        {
            normalizer.deviation(Quirk::UnknownEnumValue, format!("$[{index}]"))?;
        }
    }
    Ok(())
}
