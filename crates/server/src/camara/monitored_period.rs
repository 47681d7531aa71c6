//! The swap APIs' time windows: `maxAge` for `check` and the operator's monitored period (how far
//! back local law lets a change be disclosed), as SIM Swap and Device Swap share them.

use std::time::{Duration, SystemTime};

use netid_core::error_info::ErrorCode;

use super::ApiError;

const SECONDS_PER_HOUR: u64 = 3600;
const SECONDS_PER_DAY: u64 = 86_400;

/// `400 OUT_OF_RANGE` when `max_age` hours reach further back than the monitored `period` (SIM
/// Swap 2.1.0 and Device Swap 1.0.0 name the period's days in the message).
pub(super) fn check_max_age(max_age: u64, period: Option<Duration>) -> Result<(), ApiError> {
    match period {
        Some(period) if Duration::from_secs(max_age * SECONDS_PER_HOUR) > period => Err(ApiError::new(
            400,
            ErrorCode::OutOfRange,
            &format!(
                "Check monitor period could not exceed local regulations ({} days)",
                period.as_secs() / SECONDS_PER_DAY
            ),
        )),
        _ => Ok(()),
    }
}

/// Whether the `latest` change happened within the last `max_age` hours; a window reaching before
/// the clock's epoch takes in every change.
pub(super) fn changed_within(latest: Option<SystemTime>, now: SystemTime, max_age: u64) -> bool {
    let since = now.checked_sub(Duration::from_secs(max_age * SECONDS_PER_HOUR));
    match (latest, since) {
        (Some(change), Some(since)) => change >= since,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The monitored period in days when the `latest` change (or the lack of one) lies before it, so
/// that `retrieve-date` withholds the date; `None` when the date may be disclosed.
pub(super) fn withheld(latest: Option<SystemTime>, now: SystemTime, period: Option<Duration>) -> Option<u64> {
    let period = period?;
    let window_start = now.checked_sub(period).unwrap_or(SystemTime::UNIX_EPOCH);
    latest
        .is_none_or(|t| t < window_start)
        .then_some(period.as_secs() / SECONDS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(SECONDS_PER_DAY);

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + 1000 * DAY
    }

    #[test]
    fn max_age_may_not_reach_past_the_period() {
        let cases = [
            (240, None, true),
            (2400, None, true),
            (240, Some(10 * DAY), true),
            (241, Some(10 * DAY), false),
            (2400, Some(100 * DAY), true),
        ];
        for (max_age, period, accepted) in cases {
            let answer = check_max_age(max_age, period);
            assert_eq!(answer.is_ok(), accepted, "{max_age} h within {period:?}");
        }
        let err = check_max_age(241, Some(10 * DAY)).unwrap_err();
        let body = serde_json::to_value(&err.info).unwrap();
        assert_eq!(body["code"], "OUT_OF_RANGE");
        assert_eq!(
            body["message"],
            "Check monitor period could not exceed local regulations (10 days)"
        );
    }

    #[test]
    fn a_change_counts_from_max_age_hours_ago() {
        let hour = Duration::from_secs(SECONDS_PER_HOUR);
        let cases = [
            (None, 240, false),
            (Some(now() - 240 * hour), 240, true),
            (Some(now() - 241 * hour), 240, false),
            (Some(now()), 1, true),
            // A window reaching before the epoch takes in every change.
            (Some(SystemTime::UNIX_EPOCH), u64::MAX / SECONDS_PER_HOUR, true),
        ];
        for (latest, max_age, changed) in cases {
            assert_eq!(
                changed_within(latest, now(), max_age),
                changed,
                "{latest:?} {max_age}"
            );
        }
    }

    #[test]
    fn a_date_before_the_period_is_withheld() {
        let cases = [
            (None, None, None),
            (Some(now() - 50 * DAY), None, None),
            (None, Some(30 * DAY), Some(30)),
            (Some(now() - 31 * DAY), Some(30 * DAY), Some(30)),
            (Some(now() - 30 * DAY), Some(30 * DAY), None),
            (Some(now() - DAY), Some(30 * DAY), None),
            // A period longer than the clock's past starts at the epoch.
            (Some(SystemTime::UNIX_EPOCH), Some(5000 * DAY), None),
        ];
        for (latest, period, days) in cases {
            assert_eq!(withheld(latest, now(), period), days, "{latest:?} {period:?}");
        }
    }
}
