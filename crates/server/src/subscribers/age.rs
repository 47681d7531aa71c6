//! What a subscriber's line says about age-restricted services (KYC Age Verification): whether the
//! identity on file was checked against an official document, the content lock and the parental
//! control, and whether the service applies to the line at all.
//!
//! ```toml
//! [subscribers.age_verification]
//! verified_status = true              # optional: `verifiedStatus`; absent = not returned
//! content_lock = "true"               # optional: "true" | "false" | "not_available"; absent = not
//! parental_control = "not_available"  #   implemented for this line (never returned)
//! applicable = false                  # optional, default true: 422 SERVICE_NOT_APPLICABLE
//! ```
//!
//! `ageCheck` itself comes from the KYC record's `birthdate` (`not_available` without one).

use serde::Deserialize;

/// The state of a line restriction, as the API reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Restriction {
    /// `"true"`: on.
    #[serde(rename = "true")]
    Active,
    /// `"false"`: off.
    #[serde(rename = "false")]
    Inactive,
    /// `"not_available"`: the operator cannot tell.
    #[serde(rename = "not_available")]
    NotAvailable,
}

impl Restriction {
    /// The spec's string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "true",
            Self::Inactive => "false",
            Self::NotAvailable => "not_available",
        }
    }
}

/// The age-related facts of one line (the `age_verification` table of a subscriber).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeFacts {
    /// `verifiedStatus`, if the operator reports it for this line.
    #[serde(default)]
    pub verified_status: Option<bool>,
    /// `contentLock`, if implemented for this line.
    #[serde(default)]
    pub content_lock: Option<Restriction>,
    /// `parentalControl`, if implemented for this line.
    #[serde(default)]
    pub parental_control: Option<Restriction>,
    /// Whether the API applies to the line (`422 SERVICE_NOT_APPLICABLE` otherwise).
    #[serde(default = "yes")]
    pub applicable: bool,
}

impl Default for AgeFacts {
    /// Nothing reported, the service applicable.
    fn default() -> Self {
        Self {
            verified_status: None,
            content_lock: None,
            parental_control: None,
            applicable: true,
        }
    }
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_table() {
        let facts: AgeFacts =
            toml::from_str("verified_status = true\ncontent_lock = \"not_available\"\n").unwrap();
        assert_eq!(facts.verified_status, Some(true));
        assert_eq!(facts.content_lock, Some(Restriction::NotAvailable));
        assert_eq!(facts.parental_control, None);
        assert!(facts.applicable);
        assert!(toml::from_str::<AgeFacts>("content_lock = \"yes\"").is_err());
        assert!(toml::from_str::<AgeFacts>("verified = true").is_err());
    }
}
