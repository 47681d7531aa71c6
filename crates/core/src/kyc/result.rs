//! The KYC Match response: a tri-state result and an optional score per field.
//!
//! This file holds the response type ([`KycMatchResult`]) and its decoding error; the per-field values
//! live in `values.rs`, and the strict, per-version JSON forms in `json.rs`.

use std::fmt;

use super::{KycField, KycVersion};

mod json;
mod values;

pub use values::{FieldMatch, Match, MatchScore};

/// Why a KYC Match response body was refused. Carries no value of the body (an unknown key is shown
/// cut to 64 characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KycResultError {
    /// The body is not JSON.
    #[error("kyc match result is not valid json at line {line} column {column}")]
    Json {
        /// Line of the syntax error, from 1.
        line: usize,
        /// Column of the syntax error, from 1.
        column: usize,
    },
    /// The body is JSON but not an object.
    #[error("kyc match result must be a json object")]
    NotAnObject,
    /// A result property holds something other than the tri-state.
    #[error("{key} must be \"true\", \"false\" or \"not_available\"")]
    InvalidMatch {
        /// The property.
        key: &'static str,
    },
    /// A result property holds a JSON boolean instead of the spec's string.
    #[error("{key} must be a string, not a boolean")]
    BooleanMatch {
        /// The property.
        key: &'static str,
    },
    /// A score property holds something other than an integer from 0 to the maximum.
    #[error("{key} must be an integer from 0 to {max}")]
    InvalidScore {
        /// The property.
        key: &'static str,
        /// The largest score the version allows: 100 in 0.2.1, 99 in 0.4.0.
        max: u8,
    },
    /// A score arrived without its result property.
    #[error("{key} has no matching result property")]
    ScoreWithoutResult {
        /// The score property.
        key: &'static str,
    },
    /// A score arrived with a result other than `"false"`.
    #[error("{key} is only allowed when the result is \"false\"")]
    ScoreWithoutMismatch {
        /// The score property.
        key: &'static str,
    },
    /// A property the version's schema does not define (a 0.4.0 field in a 0.2.1 body included).
    #[error("unknown property {key:?}")]
    UnknownKey {
        /// The property name, cut to 64 characters.
        key: String,
    },
}

/// A KYC Match response (`KYC_MatchResponse`): one [`FieldMatch`] per field that was requested.
///
/// Kept in spec order ([`KycField`] order). `Serialize` writes the 0.4.0 form (results as strings,
/// `*MatchScore` integers); [`KycMatchResult::to_json_value`] writes either version.
///
/// Decoding is strict, per version ([`KycMatchResult::from_json_slice_strict`]): what operators send
/// beside the spec (booleans, unknown keys, strings for scores, ...) is the client's business;
/// `netid-camara` rewrites it, reports it, and only then hands the body to this decoder. There is
/// deliberately no `Deserialize`, so no second, looser reading can exist.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KycMatchResult {
    /// The result of each field, indexed by its position in [`KycField::ALL`]: an operator fills
    /// it on every request, and an array costs no allocation and no search.
    fields: [Option<FieldMatch>; KycField::ALL.len()],
}

/// Prints the present fields as a map in spec order, as the `BTreeMap` this type held did.
impl fmt::Debug for KycMatchResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Fields<'a>(&'a KycMatchResult);
        impl fmt::Debug for Fields<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map().entries(self.0.iter()).finish()
            }
        }
        f.debug_struct("KycMatchResult")
            .field("fields", &Fields(self))
            .finish()
    }
}

impl KycMatchResult {
    /// An empty result.
    pub fn new() -> Self {
        Self::default()
    }

    /// The result of `field`, if it is present.
    pub fn get(&self, field: KycField) -> Option<&FieldMatch> {
        self.fields[field.index()].as_ref()
    }

    /// Sets the result of `field`, returning the previous one.
    pub fn insert(&mut self, field: KycField, result: FieldMatch) -> Option<FieldMatch> {
        self.fields[field.index()].replace(result)
    }

    /// Removes the result of `field`, returning it.
    pub fn remove(&mut self, field: KycField) -> Option<FieldMatch> {
        self.fields[field.index()].take()
    }

    /// The present fields and their results, in spec order.
    pub fn iter(&self) -> impl Iterator<Item = (KycField, &FieldMatch)> {
        KycField::ALL
            .into_iter()
            .zip(&self.fields)
            .filter_map(|(field, result)| Some((field, result.as_ref()?)))
    }

    /// Number of fields present.
    pub fn len(&self) -> usize {
        self.fields.iter().flatten().count()
    }

    /// Whether no field is present.
    pub fn is_empty(&self) -> bool {
        self.fields.iter().all(Option::is_none)
    }

    /// The same result without the fields `version` does not define.
    pub fn restricted_to(mut self, version: KycVersion) -> Self {
        for field in KycField::ALL {
            if !field.is_in(version) {
                self.fields[field.index()] = None;
            }
        }
        self
    }
}

#[cfg(test)]
mod tests;
