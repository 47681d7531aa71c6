//! CAMARA Consent Info: may the application process a subscriber's data for these scopes and this
//! purpose, and if not, why, and where can the subscriber give consent.
//!
//! - [`v0_2`]: Consent Info 0.2.0 (`{apiRoot}/consent-info/v0.2`): `POST /retrieve`. A two-legged
//!   token names the number in the body; a three-legged one must not (`422 UNNECESSARY_IDENTIFIER`).
//!
//! The types here are the same in every version: the question ([`ConsentQuery`]) and the answer
//! ([`ConsentStatus`], one [`StatusInfo`] per group of scopes sharing a status).

use std::fmt;

use netid_core::scope::{ApiScope, Purpose};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

pub mod v0_2;

/// What a Consent Info request asks, besides who it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsentQuery {
    /// The scopes of the operations the application means to call (at least one).
    pub scopes: Vec<ApiScope>,
    /// Why the data would be processed.
    pub purpose: Purpose,
    /// Whether the operator should answer a consent capture URL when the subscriber must act.
    pub request_capture_url: bool,
    /// Where the operator sends the subscriber back after the capture (with `requestCaptureUrl`).
    pub callback_url: Option<String>,
}

impl ConsentQuery {
    /// A query about `scopes` for `purpose`, without a capture URL.
    #[must_use]
    pub fn new(scopes: Vec<ApiScope>, purpose: Purpose) -> Self {
        Self {
            scopes,
            purpose,
            request_capture_url: false,
            callback_url: None,
        }
    }

    /// Asks for a consent capture URL when the subscriber must act.
    #[must_use]
    pub fn with_capture_url(mut self) -> Self {
        self.request_capture_url = true;
        self
    }

    /// Asks the operator to send the subscriber back to `url` after the capture.
    #[must_use]
    pub fn with_callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

/// Why data processing is not permitted (`statusReason`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum StatusReason {
    /// `PENDING`: not established yet (consent never given where it is needed).
    Pending,
    /// `REQUESTED`: a consent capture was started and the subscriber has not decided.
    Requested,
    /// `DENIED`: the subscriber refused, or withdrew, consent.
    Denied,
    /// `EXPIRED`: a time-limited permission ended.
    Expired,
    /// `OBJECTED`: the subscriber opted out of processing that needed no opt-in.
    Objected,
    /// A value the spec version does not define, kept as received.
    #[doc(hidden)]
    Other(String),
}

impl StatusReason {
    /// Every value Consent Info 0.2.0 defines.
    pub const KNOWN: [Self; 5] = [
        Self::Pending,
        Self::Requested,
        Self::Denied,
        Self::Expired,
        Self::Objected,
    ];

    /// The value as the spec writes it (`EXPIRED`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "PENDING",
            Self::Requested => "REQUESTED",
            Self::Denied => "DENIED",
            Self::Expired => "EXPIRED",
            Self::Objected => "OBJECTED",
            Self::Other(other) => other,
        }
    }

    /// The reason written `text`; unknown values become the catch-all.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|known| known.as_str() == text)
            .unwrap_or_else(|| Self::Other(text.to_owned()))
    }

    /// Whether the subscriber can change it through the consent capture URL (`PENDING`,
    /// `REQUESTED`, `EXPIRED`: the cases the spec gives a `captureUrl` for).
    #[must_use]
    pub fn is_capturable(&self) -> bool {
        matches!(self, Self::Pending | Self::Requested | Self::Expired)
    }
}

impl fmt::Display for StatusReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for StatusReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StatusReason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::parse(&text))
    }
}

/// The status of data processing for some scopes and a purpose (`statusInfoObject`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StatusInfo {
    /// The scopes this status applies to (some of those asked).
    pub scopes: Vec<ApiScope>,
    /// The purpose asked.
    pub purpose: Purpose,
    /// Whether processing is permitted now.
    pub status_valid_for_processing: bool,
    /// Why processing is not permitted (present when it is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<StatusReason>,
    /// When a time-limited permission ends (valid) or ended (`EXPIRED`).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_date: Option<OffsetDateTime>,
}

/// The answer of a Consent Info request (`RetrieveStatusResponseBody`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConsentStatus {
    /// One entry per group of scopes sharing a status (at least one).
    pub status_info: Vec<StatusInfo>,
    /// Where the subscriber can give or renew consent, when asked for and applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_url: Option<String>,
}

impl ConsentStatus {
    /// Whether processing is permitted for every scope answered.
    #[must_use]
    pub fn all_valid(&self) -> bool {
        self.status_info
            .iter()
            .all(|status| status.status_valid_for_processing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_including_unknown_ones() {
        for known in StatusReason::KNOWN {
            assert_eq!(StatusReason::parse(known.as_str()), known);
        }
        assert_eq!(
            StatusReason::parse("WITHDRAWN"),
            StatusReason::Other("WITHDRAWN".into())
        );
        let capturable: Vec<&str> = StatusReason::KNOWN
            .iter()
            .filter(|reason| reason.is_capturable())
            .map(StatusReason::as_str)
            .collect();
        assert_eq!(capturable, ["PENDING", "REQUESTED", "EXPIRED"]);
    }

    #[test]
    fn queries_build_the_spec_fields() {
        let query = ConsentQuery::new(vec![ApiScope::SimSwapCheck], Purpose::FraudPreventionAndDetection)
            .with_capture_url()
            .with_callback_url("https://app.example/back");
        assert!(query.request_capture_url);
        assert_eq!(query.callback_url.as_deref(), Some("https://app.example/back"));
    }
}
