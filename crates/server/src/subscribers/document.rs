//! The subscriber document as written (TOML or JSON, see the parent module's docs) and its
//! checks: each raw entry becomes a [`Subscriber`], or a [`SubscriberFileError`] naming the entry
//! and the field.

use std::time::{Duration, SystemTime};

use netid_core::kyc::{KycClaims, PreparedRecord};
use netid_core::phone::PhoneNumber;
use netid_core::secret::Secret;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::age::AgeFacts;
use super::call_forwarding::{CallForwarding, RawCallForwarding};
use super::consent::{Consents, RawConsents};
use super::line;
use super::{CibaBehaviour, SimChange, Subscriber, SubscriberFileError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileModel {
    #[serde(default)]
    pub(super) subscribers: Vec<RawSubscriber>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubscriber {
    id: String,
    phone_number: String,
    #[serde(default)]
    operator_token: Option<String>,
    #[serde(default)]
    opted_out: Vec<String>,
    #[serde(default)]
    activation_date: Option<String>,
    #[serde(default)]
    sim_changes: Vec<RawSimChange>,
    #[serde(default)]
    monitored_period_days: Option<u32>,
    #[serde(default)]
    ciba: Option<RawCiba>,
    #[serde(default)]
    kyc: Option<serde_json::Value>,
    #[serde(default)]
    line: Option<line::RawLine>,
    age_verification: Option<AgeFacts>,
    call_forwarding: Option<RawCallForwarding>,
    #[serde(default)]
    consent: Option<RawConsents>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawSimChange {
    At { at: String },
    Ago { hours_ago: u32 },
}

impl RawSimChange {
    /// The change of subscriber `index`, read from `field`.
    pub(super) fn into_change(
        self,
        index: usize,
        field: &'static str,
    ) -> Result<SimChange, SubscriberFileError> {
        match self {
            Self::At { at } => parse_time(index, field, &at).map(SimChange::At),
            Self::Ago { hours_ago } => Ok(SimChange::Ago(Duration::from_secs(u64::from(hours_ago) * 3600))),
        }
    }
}

#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
enum RawCiba {
    Approve {
        #[serde(default)]
        after_secs: u32,
    },
    Deny {
        #[serde(default)]
        after_secs: u32,
    },
    Never,
    SlowDown {
        #[serde(default = "one")]
        times: u32,
        #[serde(default)]
        after_secs: u32,
    },
}

fn one() -> u32 {
    1
}

fn parse_time(index: usize, field: &'static str, text: &str) -> Result<SystemTime, SubscriberFileError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(SystemTime::from)
        .map_err(|_| SubscriberFileError::Field {
            index,
            field,
            reason: String::from("an RFC 3339 date-time"),
        })
}

impl RawSubscriber {
    pub(super) fn into_subscriber(self, index: usize) -> Result<Subscriber, SubscriberFileError> {
        let field = |field: &'static str, reason: &str| SubscriberFileError::Field {
            index,
            field,
            reason: reason.to_owned(),
        };
        if self.id.is_empty() {
            return Err(field("id", "a non-empty string"));
        }
        let phone_number = PhoneNumber::parse_strict(&self.phone_number)
            .map_err(|e| field("phone_number", &e.to_string()))?;
        let activation_date = self
            .activation_date
            .as_deref()
            .map(|t| parse_time(index, "activation_date", t))
            .transpose()?;
        let sim_changes = self
            .sim_changes
            .into_iter()
            .map(|c| c.into_change(index, "sim_changes"))
            .collect::<Result<Vec<_>, _>>()?;
        let line = self.line.unwrap_or_default().into_line(index, activation_date)?;
        for purpose in &self.opted_out {
            if !purpose.starts_with("dpv:") {
                return Err(field("opted_out", "purposes of the form dpv:<Purpose>"));
            }
        }
        let secs = |s: u32| Duration::from_secs(u64::from(s));
        let ciba = match self.ciba {
            None => CibaBehaviour::Approve {
                after: Duration::ZERO,
            },
            Some(RawCiba::Approve { after_secs }) => CibaBehaviour::Approve {
                after: secs(after_secs),
            },
            Some(RawCiba::Deny { after_secs }) => CibaBehaviour::Deny {
                after: secs(after_secs),
            },
            Some(RawCiba::Never) => CibaBehaviour::Never,
            Some(RawCiba::SlowDown { times, after_secs }) => CibaBehaviour::SlowDown {
                times,
                after: secs(after_secs),
            },
        };
        let kyc = match self.kyc {
            None => KycClaims::new(),
            Some(value) => {
                serde_json::from_value::<KycClaims>(value).map_err(|e| field("kyc", &e.to_string()))?
            }
        };
        let call_forwarding = match self.call_forwarding {
            None => CallForwarding::inactive(),
            Some(raw) => raw.parse().map_err(|reason| field("call_forwarding", &reason))?,
        };
        let consents = match self.consent {
            None => Consents::default(),
            Some(raw) => raw
                .parse(|text| parse_time(index, "consent", text).ok())
                .map_err(|(name, reason)| field(name, reason))?,
        };
        Ok(Subscriber {
            id: self.id,
            phone_number,
            operator_token: self.operator_token.map(Secret::new),
            opted_out: self.opted_out,
            activation_date,
            sim_changes,
            monitored_period: self
                .monitored_period_days
                .map(|d| Duration::from_secs(u64::from(d) * 86_400)),
            ciba,
            line,
            kyc: PreparedRecord::new(kyc),
            age: self.age_verification.unwrap_or_default(),
            call_forwarding,
            consents,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subscribers::SubscriberStore;

    #[test]
    fn refuses_bad_documents() {
        let check = |text: &str, expected: SubscriberFileError| {
            assert_eq!(
                SubscriberStore::from_toml_str(text).unwrap_err(),
                expected,
                "{text}"
            );
        };
        check(
            "[[subscribers]]\nid = \"a\"\nphone_number = \"33699901040\"\n",
            SubscriberFileError::Field {
                index: 0,
                field: "phone_number",
                reason: String::from("phone number must start with '+' and the country calling code"),
            },
        );
        check(
            "[[subscribers]]\nid = \"a\"\nphone_number = \"+33699901040\"\n[[subscribers]]\nid = \"b\"\nphone_number = \"+33699901040\"\n",
            SubscriberFileError::Duplicate {
                index: 1,
                field: "phone_number",
            },
        );
        check(
            "[[subscribers]]\nid = \"a\"\nphone_number = \"+33699901040\"\nactivation_date = \"yesterday\"\n",
            SubscriberFileError::Field {
                index: 0,
                field: "activation_date",
                reason: String::from("an RFC 3339 date-time"),
            },
        );
        assert!(matches!(
            SubscriberStore::from_toml_str("subscribers = 3"),
            Err(SubscriberFileError::Syntax(_))
        ));
    }

    #[test]
    fn json_and_relative_sim_changes() {
        let store = SubscriberStore::from_json_str(
            r#"{"subscribers":[{"id":"x","phone_number":"+34600000001","sim_changes":[{"hours_ago":2},{"at":"2020-01-01T00:00:00Z"}],"ciba":{"action":"never"}}]}"#,
        )
        .unwrap();
        let s = store.iter().next().unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        assert_eq!(s.latest_sim_change(now), Some(now - Duration::from_secs(7200)));
        assert_eq!(s.ciba(), CibaBehaviour::Never);
        let debug = format!("{s:?}");
        assert!(!debug.contains("600000001"), "{debug}");
    }
}
