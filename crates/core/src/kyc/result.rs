//! The KYC Match response: a tri-state result and an optional score per field.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{KycField, KycValueError, KycVersion};

/// The outcome of matching one field (`MatchResult`): `"true"`, `"false"` or `"not_available"`.
///
/// Decodes from those strings and, because operators send them, from the JSON booleans `true` and
/// `false`; always encodes as the spec's strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// `"true"`: the claimed value equals the operator's (a score of 100).
    Matched,
    /// `"false"`: the claimed value differs from the operator's.
    Mismatched,
    /// `"not_available"`: the operator has no value to compare with.
    NotAvailable,
}

impl Match {
    /// The spec's string (`"true"`, `"false"`, `"not_available"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Match::Matched => "true",
            Match::Mismatched => "false",
            Match::NotAvailable => "not_available",
        }
    }
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Match {
    type Err = KycValueError;

    /// Reads the spec's strings exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "true" => Ok(Match::Matched),
            "false" => Ok(Match::Mismatched),
            "not_available" => Ok(Match::NotAvailable),
            _ => Err(KycValueError::Match),
        }
    }
}

impl Serialize for Match {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads the spec's strings and the JSON booleans.
impl<'de> Deserialize<'de> for Match {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MatchVisitor;

        impl Visitor<'_> for MatchVisitor {
            type Value = Match;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"true\", \"false\", \"not_available\" or a boolean")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Match, E> {
                Ok(if value { Match::Matched } else { Match::Mismatched })
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Match, E> {
                value.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_any(MatchVisitor)
    }
}

/// A similarity score (`MatchScoreResult`): 0 to 99 in 0.4.0, 0 to 100 in 0.2.1.
///
/// 100 is accepted because 0.2.1 allows it; the strict decoder
/// ([`KycMatchResult::from_json_slice_strict`]) refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatchScore(u8);

impl MatchScore {
    /// Score 0: nothing in common.
    pub const ZERO: MatchScore = MatchScore(0);
    /// Score 100: equal values (0.2.1 only; 0.4.0 says `"true"` instead).
    pub const PERFECT: MatchScore = MatchScore(100);
    /// The highest score 0.4.0 allows (a mismatch can at best be close).
    pub const MAX_MISMATCH: MatchScore = MatchScore(99);

    /// A score from 0 to 100.
    ///
    /// # Errors
    ///
    /// [`KycValueError::Score`] above 100.
    pub const fn new(value: u8) -> Result<Self, KycValueError> {
        if value <= 100 {
            Ok(Self(value))
        } else {
            Err(KycValueError::Score)
        }
    }

    /// The score, 0 to 100.
    pub const fn value(self) -> u8 {
        self.0
    }
}

impl fmt::Display for MatchScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u8> for MatchScore {
    type Error = KycValueError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<u64> for MatchScore {
    type Error = KycValueError;

    fn try_from(value: u64) -> Result<Self, Self::Error> {
        u8::try_from(value)
            .map_err(|_| KycValueError::Score)
            .and_then(Self::new)
    }
}

impl Serialize for MatchScore {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for MatchScore {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u64::deserialize(deserializer)?;
        Self::try_from(value).map_err(de::Error::custom)
    }
}

/// The result of one field: the tri-state and, for a mismatch, an optional score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FieldMatch {
    /// `true`, `false` or `not_available`.
    pub result: Match,
    /// The `*MatchScore` property, if the operator sent one.
    pub score: Option<MatchScore>,
}

impl FieldMatch {
    /// A result with an optional score.
    pub const fn new(result: Match, score: Option<MatchScore>) -> Self {
        Self { result, score }
    }

    /// `"true"`, no score.
    pub const fn matched() -> Self {
        Self::new(Match::Matched, None)
    }

    /// `"false"` with an optional score.
    pub const fn mismatched(score: Option<MatchScore>) -> Self {
        Self::new(Match::Mismatched, score)
    }

    /// `"not_available"`, no score.
    pub const fn not_available() -> Self {
        Self::new(Match::NotAvailable, None)
    }
}

/// Why a KYC Match response body was refused. Carries no value of the body (an unknown key is shown
/// cut to 64 characters in strict mode).
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
    /// A result property holds a JSON boolean (strict mode).
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
        /// The largest score accepted: 100, or 99 in strict mode.
        max: u8,
    },
    /// A score arrived without its result property.
    #[error("{key} has no matching result property")]
    ScoreWithoutResult {
        /// The score property.
        key: &'static str,
    },
    /// A score arrived with a result other than `"false"` (strict mode).
    #[error("{key} is only allowed when the result is \"false\"")]
    ScoreWithoutMismatch {
        /// The score property.
        key: &'static str,
    },
    /// A property the 0.4.0 schema does not define (strict mode).
    #[error("unknown property {key:?}")]
    UnknownKey {
        /// The property name, cut to 64 characters.
        key: String,
    },
}

/// How much of the spec the decoder enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lenient,
    Strict,
}

/// A KYC Match response (`KYC_MatchResponse`): one [`FieldMatch`] per field that was requested.
///
/// Kept in spec order ([`KycField`] order). `Serialize` writes the 0.4.0 form (results as strings,
/// `*MatchScore` integers); [`KycMatchResult::to_json_value`] writes either version. `Deserialize` is
/// [`KycMatchResult::from_json_slice`]'s lenient reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KycMatchResult {
    fields: BTreeMap<KycField, FieldMatch>,
}

impl KycMatchResult {
    /// An empty result.
    pub fn new() -> Self {
        Self::default()
    }

    /// The result of `field`, if it is present.
    pub fn get(&self, field: KycField) -> Option<&FieldMatch> {
        self.fields.get(&field)
    }

    /// Sets the result of `field`, returning the previous one.
    pub fn insert(&mut self, field: KycField, result: FieldMatch) -> Option<FieldMatch> {
        self.fields.insert(field, result)
    }

    /// Removes the result of `field`, returning it.
    pub fn remove(&mut self, field: KycField) -> Option<FieldMatch> {
        self.fields.remove(&field)
    }

    /// The present fields and their results, in spec order.
    pub fn iter(&self) -> impl Iterator<Item = (KycField, &FieldMatch)> {
        self.fields.iter().map(|(field, result)| (*field, result))
    }

    /// Number of fields present.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether no field is present.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The same result without the fields `version` does not define.
    pub fn restricted_to(mut self, version: KycVersion) -> Self {
        self.fields.retain(|field, _| field.is_in(version));
        self
    }

    /// Reads a response body, tolerating what operators send.
    ///
    /// Accepts the spec's strings and the JSON booleans for results, scores from 0 to 100 (0.2.1), the
    /// 0.2.1 key `middleNamesScore` beside `middleNamesMatchScore`, scores beside any result, and
    /// ignores unknown properties.
    ///
    /// # Errors
    ///
    /// [`KycResultError`] when the body is not a JSON object, a result is not a tri-state, a score is
    /// not an integer from 0 to 100, or a score has no result.
    pub fn from_json_slice(body: &[u8]) -> Result<Self, KycResultError> {
        Self::decode(body, Mode::Lenient)
    }

    /// Reads a response body exactly as the 0.4.0 schema defines it.
    ///
    /// Results must be strings, scores integers from 0 to 99 next to a `"false"` result, and every
    /// property one of the schema's.
    ///
    /// # Errors
    ///
    /// [`KycResultError`] naming the first rule the body breaks.
    pub fn from_json_slice_strict(body: &[u8]) -> Result<Self, KycResultError> {
        Self::decode(body, Mode::Strict)
    }

    /// Reads an already parsed body leniently, as [`KycMatchResult::from_json_slice`].
    ///
    /// # Errors
    ///
    /// As for [`KycMatchResult::from_json_slice`], [`KycResultError::Json`] aside.
    pub fn from_json_value(body: &Value) -> Result<Self, KycResultError> {
        let object = body.as_object().ok_or(KycResultError::NotAnObject)?;
        Self::from_object(object, Mode::Lenient)
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

    fn decode(body: &[u8], mode: Mode) -> Result<Self, KycResultError> {
        let value: Value = serde_json::from_slice(body).map_err(|error| KycResultError::Json {
            line: error.line(),
            column: error.column(),
        })?;
        let object = value.as_object().ok_or(KycResultError::NotAnObject)?;
        Self::from_object(object, mode)
    }

    fn from_object(object: &Map<String, Value>, mode: Mode) -> Result<Self, KycResultError> {
        let mut fields = BTreeMap::new();
        let mut scores = Vec::new();
        for (key, value) in object {
            if let Some(field) = KycField::from_match_key(key) {
                fields.insert(
                    field,
                    FieldMatch::new(decode_match(field.match_key(), value, mode)?, None),
                );
            } else if let Some(field) = KycField::from_score_key(key) {
                let key = match field.score_key() {
                    Some(known) if known == key => known,
                    _ if mode == Mode::Strict => return Err(unknown_key(key)),
                    // `middleNamesScore` (0.2.1), the only other spelling `from_score_key` knows.
                    _ => "middleNamesScore",
                };
                scores.push((field, key, decode_score(key, value, mode)?));
            } else if mode == Mode::Strict {
                return Err(unknown_key(key));
            }
        }
        for (field, key, score) in scores {
            let entry = fields
                .get_mut(&field)
                .ok_or(KycResultError::ScoreWithoutResult { key })?;
            if mode == Mode::Strict && entry.result != Match::Mismatched {
                return Err(KycResultError::ScoreWithoutMismatch { key });
            }
            entry.score = Some(score);
        }
        Ok(Self { fields })
    }
}

fn unknown_key(key: &str) -> KycResultError {
    KycResultError::UnknownKey {
        key: key.chars().take(64).collect(),
    }
}

fn decode_match(key: &'static str, value: &Value, mode: Mode) -> Result<Match, KycResultError> {
    match (value, mode) {
        (Value::String(text), _) => text.parse().map_err(|_| KycResultError::InvalidMatch { key }),
        (Value::Bool(_), Mode::Strict) => Err(KycResultError::BooleanMatch { key }),
        (Value::Bool(true), Mode::Lenient) => Ok(Match::Matched),
        (Value::Bool(false), Mode::Lenient) => Ok(Match::Mismatched),
        _ => Err(KycResultError::InvalidMatch { key }),
    }
}

fn decode_score(key: &'static str, value: &Value, mode: Mode) -> Result<MatchScore, KycResultError> {
    let max = match mode {
        Mode::Lenient => MatchScore::PERFECT,
        Mode::Strict => MatchScore::MAX_MISMATCH,
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
        let entries = self.fields.len() + self.fields.values().filter(|r| r.score.is_some()).count();
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

/// Reads leniently, as [`KycMatchResult::from_json_slice`].
impl<'de> Deserialize<'de> for KycMatchResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = Map::<String, Value>::deserialize(deserializer)?;
        Self::from_object(&object, Mode::Lenient).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected fields `(field, result, score)`, or the expected error.
    type Expected<'a> = Result<&'a [(KycField, Match, Option<u8>)], KycResultError>;

    fn check(body: &str, mode: Mode, expected: Expected<'_>) {
        let got = KycMatchResult::decode(body.as_bytes(), mode);
        let expected = expected.map(|fields| {
            let mut result = KycMatchResult::new();
            for (field, outcome, score) in fields {
                let score = score.map(|s| MatchScore::new(s).expect("test score in range"));
                result.insert(*field, FieldMatch::new(*outcome, score));
            }
            result
        });
        assert_eq!(got, expected, "{body} ({mode:?})");
    }

    use KycField as F;
    use Match::{Matched as T, Mismatched as N, NotAvailable as NA};
    use Mode::{Lenient, Strict};

    #[test]
    fn results_decode_from_strings_and_booleans() {
        let body = r#"{"givenNameMatch":"false","givenNameMatchScore":96,"familyNameMatch":"true","genderMatch":"not_available"}"#;
        let expected: &[_] = &[
            (F::GivenName, N, Some(96)),
            (F::FamilyName, T, None),
            (F::Gender, NA, None),
        ];
        check(body, Lenient, Ok(expected));
        check(body, Strict, Ok(expected));
        check(
            r#"{"emailMatch":true,"countryMatch":false}"#,
            Lenient,
            Ok(&[(F::Email, T, None), (F::Country, N, None)]),
        );
        check(
            r#"{"emailMatch":true}"#,
            Strict,
            Err(KycResultError::BooleanMatch { key: "emailMatch" }),
        );
        check(
            r#"{"emailMatch":"TRUE"}"#,
            Lenient,
            Err(KycResultError::InvalidMatch { key: "emailMatch" }),
        );
        check(
            r#"{"emailMatch":null}"#,
            Lenient,
            Err(KycResultError::InvalidMatch { key: "emailMatch" }),
        );
        check("{}", Strict, Ok(&[]));
    }

    #[test]
    fn scores_follow_each_version() {
        // 0.2.1 allows 100 and spells the middle-names score `middleNamesScore`.
        check(
            r#"{"middleNamesMatch":"false","middleNamesScore":100}"#,
            Lenient,
            Ok(&[(F::MiddleNames, N, Some(100))]),
        );
        check(
            r#"{"middleNamesMatch":"false","middleNamesMatchScore":99}"#,
            Strict,
            Ok(&[(F::MiddleNames, N, Some(99))]),
        );
        check(
            r#"{"middleNamesMatch":"false","middleNamesScore":90}"#,
            Strict,
            Err(KycResultError::UnknownKey {
                key: "middleNamesScore".into(),
            }),
        );
        check(
            r#"{"nameMatch":"false","nameMatchScore":100}"#,
            Strict,
            Err(KycResultError::InvalidScore {
                key: "nameMatchScore",
                max: 99,
            }),
        );
        for bad in ["101", "-1", "88.5", "\"88\"", "null"] {
            check(
                &format!(r#"{{"nameMatch":"false","nameMatchScore":{bad}}}"#),
                Lenient,
                Err(KycResultError::InvalidScore {
                    key: "nameMatchScore",
                    max: 100,
                }),
            );
        }
        check(
            r#"{"nameMatchScore":50}"#,
            Lenient,
            Err(KycResultError::ScoreWithoutResult {
                key: "nameMatchScore",
            }),
        );
        check(
            r#"{"nameMatch":"true","nameMatchScore":50}"#,
            Lenient,
            Ok(&[(F::Name, T, Some(50))]),
        );
        check(
            r#"{"nameMatch":"true","nameMatchScore":50}"#,
            Strict,
            Err(KycResultError::ScoreWithoutMismatch {
                key: "nameMatchScore",
            }),
        );
    }

    #[test]
    fn unknown_keys_and_bad_bodies() {
        check(
            r#"{"emailMatch":"true","vendorExtension":{"x":1}}"#,
            Lenient,
            Ok(&[(F::Email, T, None)]),
        );
        check(
            r#"{"phoneNumberMatch":"true"}"#,
            Strict,
            Err(KycResultError::UnknownKey {
                key: "phoneNumberMatch".into(),
            }),
        );
        check("[]", Lenient, Err(KycResultError::NotAnObject));
        check(
            "{\"emailMatch\":",
            Lenient,
            Err(KycResultError::Json { line: 1, column: 14 }),
        );
        let long_key = format!(r#"{{"{}":1}}"#, "k".repeat(100));
        check(
            &long_key,
            Strict,
            Err(KycResultError::UnknownKey { key: "k".repeat(64) }),
        );
    }

    #[test]
    fn versions_render_their_own_keys() {
        let mut result = KycMatchResult::new();
        result.insert(
            F::MiddleNames,
            FieldMatch::mismatched(Some(MatchScore::new(80).expect("in range"))),
        );
        result.insert(F::Nationality, FieldMatch::matched());
        result.insert(F::Country, FieldMatch::not_available());
        assert_eq!(
            result.to_json_value(KycVersion::V0_2).to_string(),
            r#"{"countryMatch":"not_available","middleNamesMatch":"false","middleNamesScore":80}"#
        );
        assert_eq!(
            serde_json::to_string(&result).expect("serialisable"),
            r#"{"middleNamesMatch":"false","middleNamesMatchScore":80,"countryMatch":"not_available","nationalityMatch":"true"}"#
        );
        let back: KycMatchResult =
            serde_json::from_value(result.to_json_value(KycVersion::V0_4)).expect("decodes");
        assert_eq!(back, result);
    }

    #[test]
    fn match_and_score_values() {
        assert_eq!("not_available".parse(), Ok(Match::NotAvailable));
        assert_eq!("maybe".parse::<Match>(), Err(KycValueError::Match));
        assert_eq!(
            serde_json::from_str::<Match>("false").ok(),
            Some(Match::Mismatched)
        );
        assert!(serde_json::from_str::<Match>("1").is_err());
        assert_eq!(MatchScore::new(101), Err(KycValueError::Score));
        assert_eq!(MatchScore::try_from(300_u64), Err(KycValueError::Score));
        assert_eq!(
            serde_json::from_str::<MatchScore>("42")
                .map(MatchScore::value)
                .ok(),
            Some(42)
        );
        assert!(serde_json::from_str::<MatchScore>("420").is_err());
    }
}
