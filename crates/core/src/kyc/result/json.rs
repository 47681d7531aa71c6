//! The JSON forms of a [`KycMatchResult`]: the strict decoder of each version's schema, the writer of
//! either version, and `Serialize` (the 0.4.0 form).

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::{FieldMatch, KycMatchResult, KycResultError, Match, MatchScore};
use crate::kyc::{KycField, KycVersion};

impl KycMatchResult {
    /// Reads a response body exactly as `version`'s schema defines it.
    ///
    /// Results must be the spec's strings (`"true"`, `"false"`, `"not_available"`); a score must be
    /// an integer from 0 to 100 (0.2.1) or 99 (0.4.0), spelt as the version spells it
    /// (`middleNamesScore` in 0.2.1, `middleNamesMatchScore` in 0.4.0), and stand beside a `"false"`
    /// result ("This property shall only be returned when the value of the corresponding match field
    /// is `false`", both versions); every property must be one the version defines.
    ///
    /// # Errors
    ///
    /// [`KycResultError`] naming the first rule the body breaks.
    pub fn from_json_slice_strict(body: &[u8], version: KycVersion) -> Result<Self, KycResultError> {
        let value: Value = serde_json::from_slice(body).map_err(|error| KycResultError::Json {
            line: error.line(),
            column: error.column(),
        })?;
        Self::from_json_value_strict(&value, version)
    }

    /// Reads an already parsed body, as [`KycMatchResult::from_json_slice_strict`].
    ///
    /// # Errors
    ///
    /// As for [`KycMatchResult::from_json_slice_strict`], [`KycResultError::Json`] aside.
    pub fn from_json_value_strict(body: &Value, version: KycVersion) -> Result<Self, KycResultError> {
        let object = body.as_object().ok_or(KycResultError::NotAnObject)?;
        Self::from_object(object, version)
    }

    /// Writes the response body as `version` spells it, leaving out the fields it does not define.
    pub fn to_json_value(&self, version: KycVersion) -> Value {
        let mut object = Map::new();
        for (field, result) in self.iter().filter(|(field, _)| field.is_in(version)) {
            object.insert(field.match_key().to_owned(), Value::from(result.result.as_str()));
            if let (Some(score), Some(key)) = (result.score, field.score_key_in(version)) {
                object.insert(key.to_owned(), Value::from(score.value()));
            }
        }
        Value::Object(object)
    }

    fn from_object(object: &Map<String, Value>, version: KycVersion) -> Result<Self, KycResultError> {
        let mut fields = Self::new();
        let mut scores = Vec::new();
        for (key, value) in object {
            if let Some(field) = KycField::from_match_key(key).filter(|field| field.is_in(version)) {
                fields.insert(
                    field,
                    FieldMatch::new(decode_match(field.match_key(), value)?, None),
                );
            } else if let Some((field, key)) = score_field(key, version) {
                scores.push((field, key, decode_score(key, value, version)?));
            } else {
                return Err(unknown_key(key));
            }
        }
        for (field, key, score) in scores {
            let entry = fields.fields[field.index()]
                .as_mut()
                .ok_or(KycResultError::ScoreWithoutResult { key })?;
            if entry.result != Match::Mismatched {
                return Err(KycResultError::ScoreWithoutMismatch { key });
            }
            entry.score = Some(score);
        }
        Ok(fields)
    }
}

/// The field whose score property `version` spells `key`, with the key as a static string.
fn score_field(key: &str, version: KycVersion) -> Option<(KycField, &'static str)> {
    let field = KycField::from_score_key(key).filter(|field| field.is_in(version))?;
    let spelt = field.score_key_in(version).filter(|spelt| *spelt == key)?;
    Some((field, spelt))
}

fn unknown_key(key: &str) -> KycResultError {
    KycResultError::UnknownKey {
        key: key.chars().take(64).collect(),
    }
}

fn decode_match(key: &'static str, value: &Value) -> Result<Match, KycResultError> {
    match value {
        Value::String(text) => text.parse().map_err(|_| KycResultError::InvalidMatch { key }),
        Value::Bool(_) => Err(KycResultError::BooleanMatch { key }),
        _ => Err(KycResultError::InvalidMatch { key }),
    }
}

fn decode_score(key: &'static str, value: &Value, version: KycVersion) -> Result<MatchScore, KycResultError> {
    let max = match version {
        KycVersion::V0_2 => MatchScore::PERFECT,
        KycVersion::V0_4 => MatchScore::MAX_MISMATCH,
    };
    value
        .as_u64()
        .and_then(|score| MatchScore::try_from(score).ok())
        .filter(|score| *score <= max)
        .ok_or(KycResultError::InvalidScore {
            key,
            max: max.value(),
        })
}

/// Writes the 0.4.0 form, in spec order.
impl Serialize for KycMatchResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self.len() + self.iter().filter(|(_, r)| r.score.is_some()).count();
        let mut map = serializer.serialize_map(Some(entries))?;
        for (field, result) in self.iter() {
            map.serialize_entry(field.match_key(), &result.result)?;
            if let (Some(score), Some(key)) = (result.score, field.score_key()) {
                map.serialize_entry(key, &score)?;
            }
        }
        map.end()
    }
}
