//! A subscriber's consents (Consent Info), as the subscriber file writes them:
//!
//! ```toml
//! [subscribers.consent]
//! not_available = false          # true: Consent Info does not apply to this line (422)
//! capture_limit_reached = false  # true: capture URLs were asked too often (403)
//! records = [
//!   { purpose = "dpv:FraudPreventionAndDetection", scopes = ["sim-swap:check"], status = "granted",
//!     expires = { in_days = 30 } },
//!   { purpose = "dpv:FraudPreventionAndDetection", scopes = ["kyc-match:match"], status = "granted",
//!     expires = { days_ago = 3 } },   # a time-limited consent that ran out: EXPIRED
//!   { purpose = "dpv:IdentityVerification", scopes = ["kyc-match:match"], status = "pending" },
//! ]
//! ```
//!
//! `status` is `granted`, `pending`, `requested` or `denied`; a granted consent whose `expires` is past
//! is expired. A scope and purpose without a record is valid for processing, as the sandbox's token
//! endpoints issue tokens for it, unless the subscriber opted out of the purpose (`opted_out`), which
//! the token endpoints refuse and Consent Info reports as `OBJECTED`.

use std::time::{Duration, SystemTime};

use serde::Deserialize;

/// What a consent record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordState {
    Granted,
    Pending,
    Requested,
    Denied,
}

/// When a granted consent ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expiry {
    At(SystemTime),
    In(Duration),
    Ago(Duration),
}

impl Expiry {
    fn resolve(self, now: SystemTime) -> SystemTime {
        match self {
            Self::At(at) => at,
            Self::In(after) => now.checked_add(after).unwrap_or(now),
            Self::Ago(before) => now.checked_sub(before).unwrap_or(SystemTime::UNIX_EPOCH),
        }
    }
}

/// One record: the subscriber's answer for some scopes and a purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ConsentRecord {
    purpose: String,
    scopes: Vec<String>,
    state: RecordState,
    expires: Option<Expiry>,
}

/// Why processing is not permitted, with the Consent Info 0.2.0 spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Reason {
    Pending,
    Requested,
    Denied,
    Expired,
    Objected,
}

impl Reason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Requested => "REQUESTED",
            Self::Denied => "DENIED",
            Self::Expired => "EXPIRED",
            Self::Objected => "OBJECTED",
        }
    }

    /// Whether the subscriber can act on it through a capture URL.
    pub(crate) fn is_capturable(self) -> bool {
        matches!(self, Self::Pending | Self::Requested | Self::Expired)
    }
}

/// The status of one scope for one purpose at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ScopeStatus {
    /// `None` when processing is permitted.
    pub(crate) reason: Option<Reason>,
    /// When a time-limited consent ends or ended.
    pub(crate) expires: Option<SystemTime>,
}

/// The consents of one subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Consents {
    not_available: bool,
    capture_limit_reached: bool,
    records: Vec<ConsentRecord>,
}

impl Consents {
    /// Whether Consent Info applies to the line.
    pub fn is_available(&self) -> bool {
        !self.not_available
    }

    /// Whether a capture URL would exceed the capture frequency.
    pub fn capture_limit_reached(&self) -> bool {
        self.capture_limit_reached
    }

    /// The number of records on file.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record is on file.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The status of `scope` for `purpose` at `now`; `opted_out` when the subscriber objected to the
    /// purpose, which no record overrides.
    pub(crate) fn status(&self, opted_out: bool, purpose: &str, scope: &str, now: SystemTime) -> ScopeStatus {
        if opted_out {
            return ScopeStatus {
                reason: Some(Reason::Objected),
                expires: None,
            };
        }
        let record = self
            .records
            .iter()
            .find(|record| record.purpose == purpose && record.scopes.iter().any(|s| s == scope));
        let Some(record) = record else {
            return ScopeStatus {
                reason: None,
                expires: None,
            };
        };
        let expires = record.expires.map(|expiry| expiry.resolve(now));
        let reason = match record.state {
            RecordState::Granted if expires.is_some_and(|at| at <= now) => Some(Reason::Expired),
            RecordState::Granted => None,
            RecordState::Pending => Some(Reason::Pending),
            RecordState::Requested => Some(Reason::Requested),
            RecordState::Denied => Some(Reason::Denied),
        };
        // The spec gives a date only to valid and expired statuses.
        let expires = match reason {
            None | Some(Reason::Expired) => expires,
            Some(_) => None,
        };
        ScopeStatus { reason, expires }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConsents {
    #[serde(default)]
    not_available: bool,
    #[serde(default)]
    capture_limit_reached: bool,
    #[serde(default)]
    records: Vec<RawRecord>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    purpose: String,
    scopes: Vec<String>,
    status: RawState,
    #[serde(default)]
    expires: Option<RawExpiry>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawState {
    Granted,
    Pending,
    Requested,
    Denied,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawExpiry {
    At { at: String },
    In { in_days: u32 },
    Ago { days_ago: u32 },
}

impl RawConsents {
    /// The consents, or the field at fault and what was expected.
    pub(super) fn parse(
        self,
        parse_time: impl Fn(&str) -> Option<SystemTime>,
    ) -> Result<Consents, (&'static str, &'static str)> {
        let days = |d: u32| Duration::from_secs(u64::from(d) * 86_400);
        let mut records = Vec::new();
        for raw in self.records {
            if !raw.purpose.starts_with("dpv:") {
                return Err(("consent.records", "purposes of the form dpv:<Purpose>"));
            }
            if raw.scopes.is_empty() {
                return Err(("consent.records", "at least one scope per record"));
            }
            let expires = match raw.expires {
                None => None,
                Some(RawExpiry::At { at }) => Some(Expiry::At(
                    parse_time(&at).ok_or(("consent.records", "an RFC 3339 date-time in expires.at"))?,
                )),
                Some(RawExpiry::In { in_days }) => Some(Expiry::In(days(in_days))),
                Some(RawExpiry::Ago { days_ago }) => Some(Expiry::Ago(days(days_ago))),
            };
            let state = match raw.status {
                RawState::Granted => RecordState::Granted,
                RawState::Pending => RecordState::Pending,
                RawState::Requested => RecordState::Requested,
                RawState::Denied => RecordState::Denied,
            };
            records.push(ConsentRecord {
                purpose: raw.purpose,
                scopes: raw.scopes,
                state,
                expires,
            });
        }
        Ok(Consents {
            not_available: self.not_available,
            capture_limit_reached: self.capture_limit_reached,
            records,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_from_records() {
        let raw: RawConsents = toml::from_str(
            r#"records = [
                { purpose = "dpv:A", scopes = ["s:granted"], status = "granted", expires = { in_days = 1 } },
                { purpose = "dpv:A", scopes = ["s:expired"], status = "granted", expires = { days_ago = 1 } },
                { purpose = "dpv:A", scopes = ["s:pending"], status = "pending" },
                { purpose = "dpv:A", scopes = ["s:requested"], status = "requested" },
                { purpose = "dpv:A", scopes = ["s:denied"], status = "denied", expires = { days_ago = 1 } },
            ]"#,
        )
        .unwrap();
        let consents = raw.parse(|_| None).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        let day = Duration::from_secs(86_400);
        let check = |opted_out: bool,
                     purpose: &str,
                     scope: &str,
                     reason: Option<Reason>,
                     expires: Option<SystemTime>| {
            assert_eq!(
                consents.status(opted_out, purpose, scope, now),
                ScopeStatus { reason, expires },
                "{purpose} {scope}"
            );
        };
        check(false, "dpv:A", "s:granted", None, Some(now + day));
        check(
            false,
            "dpv:A",
            "s:expired",
            Some(Reason::Expired),
            Some(now - day),
        );
        check(false, "dpv:A", "s:pending", Some(Reason::Pending), None);
        check(false, "dpv:A", "s:requested", Some(Reason::Requested), None);
        check(false, "dpv:A", "s:denied", Some(Reason::Denied), None);
        check(false, "dpv:A", "s:none", None, None);
        check(false, "dpv:B", "s:pending", None, None);
        check(true, "dpv:A", "s:granted", Some(Reason::Objected), None);
    }

    #[test]
    fn refuses_bad_records() {
        let parse = |text: &str| toml::from_str::<RawConsents>(text).map(|raw| raw.parse(|_| None));
        assert!(matches!(
            parse(r#"records = [{ purpose = "A", scopes = ["s"], status = "granted" }]"#),
            Ok(Err(("consent.records", _)))
        ));
        assert!(matches!(
            parse(r#"records = [{ purpose = "dpv:A", scopes = [], status = "granted" }]"#),
            Ok(Err(("consent.records", _)))
        ));
        assert!(parse(r#"records = [{ purpose = "dpv:A", scopes = ["s"], status = "maybe" }]"#).is_err());
    }
}
