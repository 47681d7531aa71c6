//! SIM Swap 1.0.0 and 2.1.0: `check` and `retrieve-date`, computed from the subscriber's SIM
//! changes, with each version's identifier rules and `maxAge` answers.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::spec::SpecVersion;
use serde_json::{Value, json};
use std::sync::Arc;

use super::identifier::{rules, subject};
use super::monitored_period::{changed_within, check_max_age, withheld};
use super::{ApiError, Served, answer_as, bearer, object, phone_number, require_scope, rfc3339};
use crate::state::Shared;

/// `POST …/sim-swap/v{1,2}/check`.
pub(crate) async fn check(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let spec = served.spec;
    answer_as(spec, &headers, async || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        require_scope(&grant, &["sim-swap:check", "sim-swap"])?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, served.lenient_phone)?;
        let max_age = match body.get("maxAge") {
            None => 240,
            Some(v) => v
                .as_u64()
                .ok_or_else(|| ApiError::invalid_argument("maxAge must be an integer"))?,
        };
        if !(1..=2400).contains(&max_age) {
            return Err(if spec == SpecVersion::SimSwap1_0_0 {
                ApiError::invalid_argument("maxAge must be between 1 and 2400")
            } else {
                ApiError::new(400, ErrorCode::OutOfRange, "Client specified an invalid range.")
            });
        }
        let subscriber = subject(&shared, &grant, number, rules(spec))?;
        if spec == SpecVersion::SimSwap2_1_0 {
            check_max_age(max_age, subscriber.monitored_period())?;
        }
        let swapped = changed_within(subscriber.latest_sim_change(now), now, max_age);
        Ok(json!({ "swapped": swapped }))
    })
    .await
}

/// `POST …/sim-swap/v{1,2}/retrieve-date`.
pub(crate) async fn retrieve_date(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let spec = served.spec;
    answer_as(spec, &headers, async || {
        let now = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        require_scope(&grant, &["sim-swap:retrieve-date", "sim-swap"])?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, served.lenient_phone)?;
        let subscriber = subject(&shared, &grant, number, rules(spec))?;
        // The latest change, or the activation date when the SIM never changed.
        let latest = subscriber.latest_sim_change(now).or(subscriber.activation_date());
        // Where local law limits the history, a change before the window is not disclosed: 1.0.0
        // answers `null` (its test definitions expect it), 2.1.0 adds the window in days.
        if let Some(days) = withheld(latest, now, subscriber.monitored_period()) {
            return Ok(if spec == SpecVersion::SimSwap2_1_0 {
                json!({
                    "latestSimChange": null,
                    "monitoredPeriod": days,
                })
            } else {
                json!({ "latestSimChange": null })
            });
        }
        Ok(json!({ "latestSimChange": latest.map_or(Value::Null, rfc3339) }))
    })
    .await
}
