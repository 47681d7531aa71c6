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

pub mod age;
pub mod call_forwarding;
pub mod consent;
pub mod line;

mod document;

use age::AgeFacts;
use call_forwarding::CallForwarding;
use consent::Consents;
use document::FileModel;
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

    /// The subscribers whose number starts with one of `prefixes` (`+34`), in document order: the
    /// default subscribers of a hosted operator.
    pub(crate) fn within_prefixes(&self, prefixes: &[String]) -> Self {
        let mut store = Self::default();
        for subscriber in &self.subscribers {
            let number = subscriber.phone_number.expose_e164();
            if prefixes.iter().any(|prefix| number.starts_with(prefix.as_str())) {
                store.by_number.insert(number.to_owned(), store.subscribers.len());
                store.subscribers.push(subscriber.clone());
            }
        }
        store
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
}
