//! Steps of the Device Swap, Number Recycling and KYC Tenure test definitions: the subscriber's
//! device history and contract (`[subscribers.line]` in `subscribers.toml`) and the dates the
//! requests carry. Listed before the other tables: their generic entries would otherwise take these
//! texts.

use serde_json::{Value, json};

use super::setup::{about, set};
use super::{Kind, Step, fail, step};
use crate::sandbox::{LIMITED, NEVER_SWAPPED, OLD_SWAP, OLD_SWAP_HOURS, RECYCLED};
use crate::world::World;

/// A day after [`MAIN`](crate::sandbox::MAIN)'s contract began (2019-03-01) and after the day
/// [`RECYCLED`] went to its current subscriber's predecessor, before it changed hands (2024-02-26).
pub(crate) const SIGNED_UP: &str = "2023-12-22";
/// A tenure [`MAIN`](crate::sandbox::MAIN) has held.
pub(crate) const TENURE_HELD: &str = "2020-01-01";
/// A tenure [`MAIN`](crate::sandbox::MAIN) has not held.
const TENURE_NOT_HELD: &str = "2010-01-01";
/// A day in the future whatever the date of the run.
const FUTURE: &str = "2999-12-31";

#[allow(clippy::too_many_lines)] // one table, read top to bottom
pub(super) fn steps() -> Vec<Step> {
    use Kind::{Check, Setup};
    vec![
        // Device histories: MAIN's device changed two hours ago, OLD_SWAP's 500 hours ago,
        // NEVER_SWAPPED's never (its first use was years ago), LIMITED's beyond its 30-day window.
        step(
            Setup,
            r#"^the device has been swapped(?: in the last "?\d+"?(?: hours)?)?$"#,
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^the device has been swapped more than 240 hours ago$",
            |w, _| {
                about(w, OLD_SWAP);
                Ok(())
            },
        ),
        step(Setup, r"^the device has never been swapped$", |w, _| {
            about(w, NEVER_SWAPPED);
            Ok(())
        }),
        step(
            Setup,
            r#"^the sim card has been associated with this device for more than "?\d+"? hours$"#,
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^the last swap for this phone number's in the device is known$",
            |w, _| {
                about(w, OLD_SWAP);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "maxAge" is set to a value lower that the last known device swap$"#,
            |w, _| {
                set(w, "maxAge", json!(OLD_SWAP_HOURS - 1));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a value greater than the allowed range$"#,
            |w, a| {
                set(w, &a[0], json!(2401));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is not setted$"#,
            |w, a| {
                w.json_body().remove(&crate::world::property(&a[0]));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the last device swap occurred outside the monitoring period allowed by local regulation$",
            |w, _| {
                about(w, LIMITED);
                Ok(())
            },
        ),
        step(
            Setup,
            r"^a valid phone number provided in the request body$",
            |_, _| {
                // The step that follows names the number.
                Ok(())
            },
        ),
        // Dates.
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a value in the future$"#,
            |w, a| {
                set(w, &a[0], json!(FUTURE));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a date on which the (?:user|User A) signed contracts with Service Provider$"#,
            |w, a| {
                set(w, &a[0], json!(SIGNED_UP));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the same phone number was cancelled by the User A and is used by User B$",
            |w, _| {
                about(w, RECYCLED);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a valid past date in format RFC 3339 / ISO 8601$"#,
            |w, a| {
                set(w, &a[0], json!(TENURE_HELD));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the mobile subscription (has|hasn't) had a valid tenure since the provided tenure date$",
            |w, a| {
                let date = if a[0] == "has" {
                    TENURE_HELD
                } else {
                    TENURE_NOT_HELD
                };
                set(w, "tenureDate", json!(date));
                Ok(())
            },
        ),
        // Checks.
        step(
            Check,
            r#"^if the response contains property "([^"]+)", the value is one of \[(.*)\]$"#,
            |w, a| {
                let name = a[0].trim_start_matches("$.");
                let allowed: Vec<Value> = serde_json::from_str(&format!("[{}]", a[1]))
                    .map_err(|e| super::Verdict::Failed(format!("the step's list: {e}")))?;
                match w.response()?.body.get(name) {
                    None => Ok(()),
                    Some(value) if allowed.contains(value) => Ok(()),
                    Some(value) => fail(format!("{} is {value}", a[0])),
                }
            },
        ),
    ]
}

/// The default body of the operations whose request needs a date: one the default token's
/// subscriber makes meaningful.
pub(crate) fn default_date(world: &World) -> Option<(&'static str, &'static str)> {
    match world.operation.api() {
        "number-recycling" => Some(("specifiedDate", SIGNED_UP)),
        "kyc-tenure" => Some(("tenureDate", TENURE_HELD)),
        _ => None,
    }
}
