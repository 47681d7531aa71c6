//! Device Swap 1.0.0: `check` and `retrieve-date`, computed from the subscriber's device changes
//! (`[subscribers.line] device_changes`), with the identifier rules of Commonalities 0.6.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::spec::Api;
use serde_json::{Map, Value, json};

use super::identifier::{IdentifierRules, SIM_SWAP_V2, subject};
use super::monitored_period::{changed_within, check_max_age, withheld};
use super::{ApiError, Served, answer_as, bearer, object, phone_number, require_scope, rfc3339};
use crate::state::Shared;
use crate::subscribers::Subscriber;

/// Device Swap 1.0.0 words its identifier errors as SIM Swap 2.1.0 does (both Commonalities 0.6).
const DEVICE_SWAP: &IdentifierRules = &SIM_SWAP_V2;

fn not_applicable() -> ApiError {
    ApiError::new(
        422,
        ErrorCode::ServiceNotApplicable,
        "The service is not available for the provided phone number.",
    )
}

/// The subscriber of the request and what `read` takes from the body, after the token, scope and
/// body checks; refused with `422 SERVICE_NOT_APPLICABLE` when the line does not take the API or
/// was never used in a device (no change and no activation on file), as the spec says of a number
/// "never installed in a device".
async fn device_subscriber<'a, T>(
    shared: &'a Shared,
    headers: &HeaderMap,
    body: &[u8],
    (now, scope): (SystemTime, &str),
    read: impl FnOnce(&Map<String, Value>) -> Result<T, ApiError>,
) -> Result<(&'a Subscriber, T), ApiError> {
    let grant = bearer(shared, headers, now).await?;
    require_scope(&grant, &[scope, "device-swap"])?;
    let mut body = object(headers, body)?;
    let number = phone_number(&mut body, false)?;
    // The body is judged before the subscriber: a malformed request is the caller's first error.
    let read = read(&body)?;
    let subscriber = subject(shared, &grant, number, DEVICE_SWAP)?;
    let line = subscriber.line();
    if !line.applies_to(Api::DeviceSwap)
        || (line.latest_device_change(now).is_none() && subscriber.activation_date().is_none())
    {
        return Err(not_applicable());
    }
    Ok((subscriber, read))
}

/// `POST …/device-swap/v1/check`.
pub(crate) async fn check(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let now = shared.now();
        let (subscriber, max_age) =
            device_subscriber(&shared, &headers, &body, (now, "device-swap:check"), max_age).await?;
        check_max_age(max_age, subscriber.monitored_period())?;
        let swapped = changed_within(subscriber.line().latest_device_change(now), now, max_age);
        Ok(json!({ "swapped": swapped }))
    })
    .await
}

/// `maxAge`: 240 when absent; `400 INVALID_ARGUMENT` when not an integer of at least 1, `400
/// OUT_OF_RANGE` above 2400 (the `Generic400Check` answer of the spec).
fn max_age(body: &Map<String, Value>) -> Result<u64, ApiError> {
    let Some(value) = body.get("maxAge") else {
        return Ok(240);
    };
    match value.as_u64() {
        Some(hours @ 1..=2400) => Ok(hours),
        Some(2401..) => Err(ApiError::new(
            400,
            ErrorCode::OutOfRange,
            "Client specified an invalid range.",
        )),
        _ => Err(ApiError::new(
            400,
            ErrorCode::InvalidArgument,
            "maxAge must be an integer between 1 and 2400",
        )),
    }
}

/// `POST …/device-swap/v1/retrieve-date`.
pub(crate) async fn retrieve_date(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let now = shared.now();
        let scope = (now, "device-swap:retrieve-date");
        let (subscriber, ()) = device_subscriber(&shared, &headers, &body, scope, |_| Ok(())).await?;
        // The latest change, or the first use of the number in a device when it never changed.
        let latest = subscriber
            .line()
            .latest_device_change(now)
            .or(subscriber.activation_date());
        // Beyond the operator's privacy window the date is not disclosed, the window is.
        if let Some(days) = withheld(latest, now, subscriber.monitored_period()) {
            return Ok(json!({
                "latestDeviceChange": null,
                "monitoredPeriod": days,
            }));
        }
        Ok(json!({ "latestDeviceChange": latest.map_or(Value::Null, rfc3339) }))
    })
    .await
}
