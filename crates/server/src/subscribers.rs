//! The subscriber store: who the sandbox operator knows, and how each subscriber behaves.
//!
//! Loaded from a TOML or JSON document (the CLI reads the file; this crate only parses text). The
//! default set, [`SubscriberStore::default_set`], ships in `data/subscribers.toml`.
//!
//! # File format
//!
//! ```toml
//! [[subscribers]]
//! id = "fr-peter"                      # local account id (the pairwise `sub` is derived from it)
//! phone_number = "+33699901040"         # E.164
//! operator_token = "ts43-fr-peter"      # optional TS.43 token accepted as `login_hint=operatortoken:…`
//! opted_out = ["dpv:FraudPreventionAndDetection"]   # optional: purposes the subscriber refused
//! activation_date = "2019-03-01T10:00:00Z"          # optional, RFC 3339
//! sim_changes = [{ at = "2023-09-05T13:57:55.707Z" }, { hours_ago = 48 }]
//! monitored_period_days = 30            # optional: SIM Swap v2 privacy window
//! ciba = { action = "approve", after_secs = 2 }
//! # or { action = "deny", after_secs = 1 }, { action = "never" },
//! #    { action = "slow_down", times = 2, after_secs = 0 }
//! call_forwarding = ["conditional_busy"]  # optional: see `call_forwarding` (Call Forwarding Signal)
//!
//! [subscribers.consent]                 # optional: see `consent` (Consent Info)
//! records = [{ purpose = "dpv:FraudPreventionAndDetection", scopes = ["sim-swap:check"], status = "pending" }]
//!
//! [subscribers.kyc]                     # the record on file, with KYC Match's camelCase names
//! givenName = "Peter"                   # (also what KYC Fill-in returns, and the birthdate
//! familyName = "Lefebvre"               # KYC Age Verification checks)
//!
//! [subscribers.age_verification]        # optional: see `age`
//! verified_status = true
//! ```
//!
//! `hours_ago` entries are relative to the time of each request, so a "recent swap" stays recent.
//! Device changes, the contract and the APIs that do not apply live in an optional
//! `[subscribers.line]` table ([`Line`], module [`mod@line`]).

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use netid_core::kyc::{KycClaims, PreparedRecord};
use netid_core::phone::PhoneNumber;
use netid_core::scope::Purpose;
use netid_core::secret::Secret;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub mod age;
pub mod call_forwarding;
pub mod consent;
pub mod line;

use age::AgeFacts;
use call_forwarding::{CallForwarding, RawCallForwarding};
use consent::{Consents, RawConsents};
pub use line::Line;

/// The default subscriber document (French, Spanish, Dutch and Japanese records, fictional), as
/// shipped: a starting point for a `subscribers-file` of one's own.
pub const DEFAULT_SUBSCRIBERS_TOML: &str = include_str!("../data/subscribers.toml");

/// Why a subscriber document was refused. Names the subscriber by position and the field, never a
/// value (they are personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubscriberFileError {
    /// The document is not valid TOML or JSON for the format, or a field has the wrong type.
    #[error("subscriber document does not parse: {0}")]
    Syntax(String),
    /// A field of one subscriber is invalid.
    #[error("subscriber #{index}: invalid {field}: {reason}")]
    Field {
        /// Position of the subscriber in the document, from 0.
        index: usize,
        /// The field name.
        field: &'static str,
        /// What was expected.
        reason: String,
    },
    /// Two subscribers share a phone number, an id or an operator token.
    #[error("subscriber #{index}: duplicate {field}")]
    Duplicate {
        /// Position of the second subscriber in the document, from 0.
        index: usize,
        /// The duplicated field.
        field: &'static str,
    },
}

/// What the sandbox's authentication device does when a CIBA request reaches the subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CibaBehaviour {
    /// The subscriber approves `after` the request was made.
    Approve {
        /// Delay before approval.
        after: Duration,
    },
    /// The subscriber refuses `after` the request was made (`access_denied`).
    Deny {
        /// Delay before the refusal.
        after: Duration,
    },
    /// The subscriber never answers: the request expires (`expired_token`).
    Never,
    /// The first `times` polls get `slow_down`, then the subscriber approves `after` the request.
    SlowDown {
        /// Number of `slow_down` answers.
        times: u32,
        /// Delay before approval.
        after: Duration,
    },
}

/// One entry of a SIM change history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SimChange {
    At(SystemTime),
    Ago(Duration),
}

impl SimChange {
    fn resolve(self, now: SystemTime) -> SystemTime {
        match self {
            Self::At(at) => at,
            Self::Ago(ago) => now.checked_sub(ago).unwrap_or(SystemTime::UNIX_EPOCH),
        }
    }
}

/// A subscriber of the sandbox operator.
#[derive(Clone)]
pub struct Subscriber {
    id: String,
    phone_number: PhoneNumber,
    operator_token: Option<Secret<String>>,
    opted_out: Vec<String>,
    activation_date: Option<SystemTime>,
    sim_changes: Vec<SimChange>,
    monitored_period: Option<Duration>,
    ciba: CibaBehaviour,
    line: Line,
    /// Normalised when loaded, so that a KYC Match request normalises only its claims.
    kyc: PreparedRecord,
    age: AgeFacts,
    call_forwarding: CallForwarding,
    consents: Consents,
}

impl Subscriber {
    /// The local account id (input of the pairwise subject).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The subscriber's number.
    pub fn phone_number(&self) -> &PhoneNumber {
        &self.phone_number
    }

    /// The KYC record on file.
    pub fn kyc(&self) -> &KycClaims {
        self.kyc.record()
    }

    /// The KYC record on file, normalised for [`Matcher::match_prepared`](netid_core::kyc::Matcher::match_prepared).
    pub fn prepared_kyc(&self) -> &PreparedRecord {
        &self.kyc
    }

    /// What the line reports to KYC Age Verification.
    pub fn age_facts(&self) -> AgeFacts {
        self.age
    }

    /// The scripted CIBA behaviour.
    pub fn ciba(&self) -> CibaBehaviour {
        self.ciba
    }

    /// Whether the subscriber opted out of processing for `purpose`.
    pub fn is_opted_out(&self, purpose: &Purpose) -> bool {
        self.opted_out.iter().any(|p| p == purpose.as_str())
    }

    /// The latest SIM change as seen at `now`, if any.
    pub fn latest_sim_change(&self, now: SystemTime) -> Option<SystemTime> {
        self.sim_changes.iter().map(|c| c.resolve(now)).max()
    }

    /// The activation date of the line, if on file.
    pub fn activation_date(&self) -> Option<SystemTime> {
        self.activation_date
    }

    /// The period over which the operator keeps SIM change events (SIM Swap v2 `monitoredPeriod`).
    pub fn monitored_period(&self) -> Option<Duration> {
        self.monitored_period
    }

    /// The line: device changes, contract, APIs that do not apply.
    pub fn line(&self) -> &Line {
        &self.line
    }

    /// Whether the subscriber has a TS.43 operator token (the token itself is a secret).
    pub fn has_operator_token(&self) -> bool {
        self.operator_token.is_some()
    }

    /// The purposes the subscriber refused (`dpv:…`).
    pub fn opted_out(&self) -> &[String] {
        &self.opted_out
    }

    /// The line's call forwarding service (Call Forwarding Signal).
    pub fn call_forwarding(&self) -> &CallForwarding {
        &self.call_forwarding
    }

    /// The subscriber's consents (Consent Info).
    pub fn consents(&self) -> &Consents {
        &self.consents
    }

    fn operator_token_matches(&self, token: &str) -> bool {
        self.operator_token.as_ref().is_some_and(|t| t.ct_eq(token))
    }
}

/// Shows the id and the masked number only.
impl fmt::Debug for Subscriber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            id,
            phone_number,
            operator_token,
            opted_out,
            activation_date: _,
            sim_changes,
            monitored_period,
            ciba,
            line,
            kyc,
            age,
            call_forwarding,
            consents,
        } = self;
        f.debug_struct("Subscriber")
            .field("id", id)
            .field("phone_number", phone_number)
            .field("operator_token", &operator_token.as_ref().map(|_| "[redacted]"))
            .field("opted_out", opted_out)
            .field("sim_changes", &sim_changes.len())
            .field("monitored_period", monitored_period)
            .field("ciba", ciba)
            .field("device_changes", &line.device_change_count())
            .field("kyc", kyc.record())
            .field("age", age)
            .field("call_forwarding", call_forwarding)
            .field("consent_records", &consents.len())
            .finish()
    }
}

/// The subscribers of the sandbox operator, indexed by number and operator token.
#[derive(Debug, Clone, Default)]
pub struct SubscriberStore {
    subscribers: Vec<Subscriber>,
    by_number: BTreeMap<String, usize>,
}

impl SubscriberStore {
    /// The default set shipped with the crate (`data/subscribers.toml`): French, Spanish, Dutch and
    /// Japanese subscribers, including the person of the Orange France KYC Match page.
    pub fn default_set() -> Self {
        // The shipped file is checked by this crate's tests; an empty store is the fallback should it
        // ever not parse, so that no input can make this panic.
        Self::from_toml_str(DEFAULT_SUBSCRIBERS_TOML).unwrap_or_default()
    }

    /// Parses a TOML subscriber document (see the module docs).
    ///
    /// # Errors
    ///
    /// [`SubscriberFileError`] naming the first invalid subscriber and field.
    pub fn from_toml_str(text: &str) -> Result<Self, SubscriberFileError> {
        let file: FileModel =
            toml::from_str(text).map_err(|e| SubscriberFileError::Syntax(e.message().to_owned()))?;
        Self::from_model(file)
    }

    /// The default subscriber document as JSON: the same structure as
    /// [`DEFAULT_SUBSCRIBERS_TOML`], for [`SubscriberStore::from_json_str`].
    pub fn default_document_json() -> serde_json::Value {
        toml::from_str(DEFAULT_SUBSCRIBERS_TOML).unwrap_or_default()
    }

    /// Parses a JSON subscriber document: the same structure as the TOML form.
    ///
    /// # Errors
    ///
    /// [`SubscriberFileError`] naming the first invalid subscriber and field.
    pub fn from_json_str(text: &str) -> Result<Self, SubscriberFileError> {
        let file: FileModel = serde_json::from_str(text)
            .map_err(|e| SubscriberFileError::Syntax(format!("line {} column {}", e.line(), e.column())))?;
        Self::from_model(file)
    }

    /// Number of subscribers.
    pub fn len(&self) -> usize {
        self.subscribers.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.subscribers.is_empty()
    }

    /// Every subscriber, in document order.
    pub fn iter(&self) -> impl Iterator<Item = &Subscriber> {
        self.subscribers.iter()
    }

    /// The subscriber with this number.
    pub fn by_phone_number(&self, number: &PhoneNumber) -> Option<&Subscriber> {
        self.by_number
            .get(number.expose_e164())
            .and_then(|&i| self.subscribers.get(i))
    }

    /// The subscriber holding this TS.43 operator token (compared in constant time).
    pub fn by_operator_token(&self, token: &str) -> Option<&Subscriber> {
        self.subscribers.iter().find(|s| s.operator_token_matches(token))
    }

    fn from_model(file: FileModel) -> Result<Self, SubscriberFileError> {
        let mut store = Self::default();
        let mut ids = std::collections::BTreeSet::new();
        for (index, raw) in file.subscribers.into_iter().enumerate() {
            let subscriber = raw.into_subscriber(index)?;
            if !ids.insert(subscriber.id.clone()) {
                return Err(SubscriberFileError::Duplicate { index, field: "id" });
            }
            if let Some(token) = &subscriber.operator_token
                && store.by_operator_token(token.expose_secret()).is_some()
            {
                return Err(SubscriberFileError::Duplicate {
                    index,
                    field: "operator_token",
                });
            }
            let key = subscriber.phone_number.expose_e164().to_owned();
            if store.by_number.insert(key, store.subscribers.len()).is_some() {
                return Err(SubscriberFileError::Duplicate {
                    index,
                    field: "phone_number",
                });
            }
            store.subscribers.push(subscriber);
        }
        Ok(store)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileModel {
    #[serde(default)]
    subscribers: Vec<RawSubscriber>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubscriber {
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
enum RawSimChange {
    At { at: String },
    Ago { hours_ago: u32 },
}

impl RawSimChange {
    /// The change of subscriber `index`, read from `field`.
    fn into_change(self, index: usize, field: &'static str) -> Result<SimChange, SubscriberFileError> {
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
    fn into_subscriber(self, index: usize) -> Result<Subscriber, SubscriberFileError> {
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

    #[test]
    fn default_set_parses_with_every_country() {
        let store = SubscriberStore::from_toml_str(DEFAULT_SUBSCRIBERS_TOML).unwrap();
        let countries: std::collections::BTreeSet<u16> = store
            .iter()
            .map(|s| s.phone_number().country_code().value())
            .collect();
        assert_eq!(countries, [31, 33, 34, 81].into_iter().collect());
        let peter = store
            .by_phone_number(&PhoneNumber::parse_strict("+33699901040").unwrap())
            .unwrap();
        assert_eq!(peter.id(), "fr-peter");
        assert!(store.by_operator_token("ts43-fr-peter").is_some());
    }

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
