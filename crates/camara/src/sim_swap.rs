//! CAMARA SIM Swap: did the SIM card of a number change recently, and when.
//!
//! - [`v1`]: SIM Swap 1.0.0 (`{apiRoot}/sim-swap/v1`), served by Orange Spain
//!   ([`OperatorProfile::orange_spain_sim_swap_v1`](crate::profile::OperatorProfile::orange_spain_sim_swap_v1)).
//! - [`v2`]: SIM Swap 2.1.0 (`{apiRoot}/sim-swap/v2`): `monitoredPeriod` in retrieve-date answers,
//!   422 `UNNECESSARY_IDENTIFIER` when a 3-legged token already names the number.
//!
//! Both versions: `POST /check` (`maxAge` hours, 1 to 2400, default 240 → `swapped`) and
//! `POST /retrieve-date` (→ `latestSimChange`, an RFC 3339 timestamp or `null`).
//!
//! The operations are written once for SIM Swap and Device Swap (`crate::swap`); [`MaxAge`] is
//! shared with [`device_swap`](crate::device_swap) too.

use std::fmt;

use serde::Serialize;

pub mod v1;
pub mod v2;

/// The `maxAge` of a check: hours to look back, 1 to 2400 (default 240).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MaxAge(u16);

/// A `maxAge` outside 1 to 2400 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("maxAge must be between 1 and 2400 hours, got {0}")]
pub struct MaxAgeError(pub u32);

impl MaxAge {
    /// The spec's default, 240 hours.
    pub const DEFAULT: Self = Self(240);
    /// The smallest value, 1 hour.
    pub const MIN: Self = Self(1);
    /// The largest value, 2400 hours.
    pub const MAX: Self = Self(2400);

    /// `hours`, if within 1 to 2400.
    ///
    /// # Errors
    ///
    /// [`MaxAgeError`] outside that range.
    pub fn new(hours: u32) -> Result<Self, MaxAgeError> {
        match u16::try_from(hours) {
            Ok(value) if (1..=2400).contains(&value) => Ok(Self(value)),
            _ => Err(MaxAgeError(hours)),
        }
    }

    /// The number of hours.
    #[must_use]
    pub fn hours(self) -> u16 {
        self.0
    }
}

impl Default for MaxAge {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for MaxAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}h", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_range() {
        for (hours, ok) in [
            (0, false),
            (1, true),
            (240, true),
            (2400, true),
            (2401, false),
            (70_000, false),
        ] {
            assert_eq!(MaxAge::new(hours).is_ok(), ok, "{hours}");
        }
        assert_eq!(MaxAge::default().hours(), 240);
        assert_eq!(
            MaxAgeError(0).to_string(),
            "maxAge must be between 1 and 2400 hours, got 0"
        );
    }
}
