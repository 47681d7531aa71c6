//! What the sandbox knows of a subscriber's line beyond SIM changes: the devices it was used in
//! (Device Swap), when the current subscriber's contract on the number began (Number Recycling, KYC
//! Tenure), the contract type (KYC Tenure), and the APIs that do not apply to it (`422
//! SERVICE_NOT_APPLICABLE`).
//!
//! ```toml
//! [subscribers.line]
//! device_changes = [{ at = "2024-09-18T07:37:53.471Z" }, { hours_ago = 30 }]
//! contract_start = "2024-02-26"   # optional, YYYY-MM-DD; default: the day (UTC) of `activation_date`
//! contract_type = "PAYM"          # optional: PAYG, PAYM or Business
//! not_applicable = ["kyc-tenure"] # optional: CAMARA API names
//! ```

use std::fmt;
use std::time::SystemTime;

use netid_core::spec::Api;
use serde::Deserialize;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::document::RawSimChange;
use super::{SimChange, SubscriberFileError};

/// The contract types KYC Tenure 0.2.0 defines.
const CONTRACT_TYPES: [&str; 3] = ["PAYG", "PAYM", "Business"];

/// A subscriber's line: device history, contract and the APIs that do not apply to it.
#[derive(Clone, Default)]
pub struct Line {
    device_changes: Vec<SimChange>,
    contract_start: Option<Date>,
    contract_type: Option<&'static str>,
    not_applicable: Vec<Api>,
}

impl Line {
    /// The latest device change as seen at `now`, if any.
    pub fn latest_device_change(&self, now: SystemTime) -> Option<SystemTime> {
        self.device_changes.iter().map(|c| c.resolve(now)).max()
    }

    /// The day the current subscriber's contract on the number began: a subscriber change (Number
    /// Recycling) happened after any earlier day, and tenure (KYC Tenure) runs from it.
    pub fn contract_start(&self) -> Option<Date> {
        self.contract_start
    }

    /// The contract type (`PAYG`, `PAYM`, `Business`), when on file.
    pub fn contract_type(&self) -> Option<&'static str> {
        self.contract_type
    }

    /// Whether `api` applies to the line (otherwise `422 SERVICE_NOT_APPLICABLE`).
    pub fn applies_to(&self, api: Api) -> bool {
        !self.not_applicable.contains(&api)
    }

    /// Number of device changes on file (for `Debug`, which shows no date).
    pub(super) fn device_change_count(&self) -> usize {
        self.device_changes.len()
    }
}

/// Shows what is on file, never a date (they describe a person's contract).
impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            device_changes,
            contract_start,
            contract_type,
            not_applicable,
        } = self;
        f.debug_struct("Line")
            .field("device_changes", &device_changes.len())
            .field("contract_start", &contract_start.map(|_| "[redacted]"))
            .field("contract_type", contract_type)
            .field("not_applicable", not_applicable)
            .finish()
    }
}

/// The `[subscribers.line]` table as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLine {
    #[serde(default)]
    device_changes: Vec<RawSimChange>,
    #[serde(default)]
    contract_start: Option<String>,
    #[serde(default)]
    contract_type: Option<String>,
    #[serde(default)]
    not_applicable: Vec<String>,
}

impl RawLine {
    /// The line of subscriber `index`, whose line was activated at `activation`.
    pub(super) fn into_line(
        self,
        index: usize,
        activation: Option<SystemTime>,
    ) -> Result<Line, SubscriberFileError> {
        let field = |field: &'static str, reason: &str| SubscriberFileError::Field {
            index,
            field,
            reason: reason.to_owned(),
        };
        let device_changes = self
            .device_changes
            .into_iter()
            .map(|change| change.into_change(index, "line.device_changes"))
            .collect::<Result<Vec<_>, _>>()?;
        let contract_start = match self.contract_start {
            Some(text) => Some(
                Date::parse(&text, format_description!("[year]-[month]-[day]"))
                    .map_err(|_| field("line.contract_start", "a date YYYY-MM-DD"))?,
            ),
            None => activation.map(|at| OffsetDateTime::from(at).date()),
        };
        let contract_type = match self.contract_type {
            None => None,
            Some(text) => Some(
                CONTRACT_TYPES
                    .into_iter()
                    .find(|known| *known == text)
                    .ok_or_else(|| field("line.contract_type", "one of PAYG, PAYM, Business"))?,
            ),
        };
        let not_applicable = self
            .not_applicable
            .iter()
            .map(|name| {
                name.parse::<Api>()
                    .map_err(|e| field("line.not_applicable", &e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Line {
            device_changes,
            contract_start,
            contract_type,
            not_applicable,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::subscribers::SubscriberStore;

    fn line(table: &str) -> Result<Line, SubscriberFileError> {
        let text = format!(
            "[[subscribers]]\nid = \"a\"\nphone_number = \"+34600000001\"\nactivation_date = \"2020-05-06T23:30:00-02:00\"\n[subscribers.line]\n{table}"
        );
        SubscriberStore::from_toml_str(&text)
            .map(|store| store.iter().next().map(|s| s.line().clone()).unwrap_or_default())
    }

    #[test]
    fn line_tables() {
        let default = line("").expect("an empty table");
        // The activation's day in UTC (23:30 at -02:00 is the next day).
        assert_eq!(
            default.contract_start().map(|d| d.to_string()),
            Some("2020-05-07".to_owned())
        );
        assert_eq!(default.contract_type(), None);
        assert!(default.applies_to(Api::DeviceSwap));
        let full = line(
            "device_changes = [{ hours_ago = 3 }, { at = \"2020-01-01T00:00:00Z\" }]\ncontract_start = \"2024-02-26\"\ncontract_type = \"Business\"\nnot_applicable = [\"kyc-tenure\"]",
        )
        .expect("valid");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        assert_eq!(
            full.latest_device_change(now),
            Some(now - Duration::from_secs(3 * 3600))
        );
        assert_eq!(
            full.contract_start().map(|d| d.to_string()),
            Some("2024-02-26".to_owned())
        );
        assert_eq!(full.contract_type(), Some("Business"));
        assert!(!full.applies_to(Api::KycTenure) && full.applies_to(Api::NumberRecycling));
        let refused = |table: &str, field: &'static str| {
            assert!(
                matches!(line(table), Err(SubscriberFileError::Field { field: f, .. }) if f == field),
                "{table}"
            );
        };
        refused("contract_start = \"2024-02-30\"", "line.contract_start");
        refused("contract_type = \"prepaid\"", "line.contract_type");
        refused("not_applicable = [\"sim_swap\"]", "line.not_applicable");
        refused("device_changes = [{ at = \"yesterday\" }]", "line.device_changes");
        assert!(matches!(line("colour = 1"), Err(SubscriberFileError::Syntax(_))));
    }
}
