//! CAMARA Device Swap: did the device (IMEI) behind a number change recently, and when.
//!
//! - [`v1`]: Device Swap 1.0.0 (`{apiRoot}/device-swap/v1`).
//!
//! `POST /check` (`maxAge` hours, 1 to 2400, default 240 → `swapped`) and `POST /retrieve-date`
//! (→ `latestDeviceChange`, an RFC 3339 timestamp or `null`, and an optional `monitoredPeriod` in
//! days). The bodies are those of SIM Swap 2.1.0 with `latestDeviceChange` for `latestSimChange`,
//! so both APIs share one implementation (`crate::swap`) and one [`MaxAge`].

pub mod v1;

pub use crate::sim_swap::{MaxAge, MaxAgeError};
