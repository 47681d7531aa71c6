//! The KYC Match response: a tri-state result and an optional score per field.

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
/// 100 is accepted because 0.2.1 allows it; decoding a 0.4.0 body
/// ([`KycMatchResult::from_json_slice_strict`] with [`KycVersion::V0_4`]) refuses it.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected fields `(field, result, score)`, or the expected error.
    type Expected<'a> = Result<&'a [(KycField, Match, Option<u8>)], KycResultError>;

    fn check(body: &str, version: KycVersion, expected: Expected<'_>) {
        let got = KycMatchResult::from_json_slice_strict(body.as_bytes(), version);
        let expected = expected.map(|fields| {
            let mut result = KycMatchResult::new();
            for (field, outcome, score) in fields {
                let score = score.map(|s| MatchScore::new(s).expect("test score in range"));
                result.insert(*field, FieldMatch::new(*outcome, score));
            }
            result
        });
        assert_eq!(got, expected, "{body} ({version:?})");
    }

    use KycField as F;
    use KycVersion::{V0_2, V0_4};
    use Match::{Matched as T, Mismatched as N, NotAvailable as NA};

    #[test]
    fn results_decode_from_the_spec_strings_only() {
        let body = r#"{"givenNameMatch":"false","givenNameMatchScore":96,"familyNameMatch":"true","genderMatch":"not_available"}"#;
        let expected: &[_] = &[
            (F::GivenName, N, Some(96)),
            (F::FamilyName, T, None),
            (F::Gender, NA, None),
        ];
        check(body, V0_2, Ok(expected));
        check(body, V0_4, Ok(expected));
        // Booleans are an operator quirk: netid-camara rewrites them before this decoder runs.
        for version in [V0_2, V0_4] {
            check(
                r#"{"emailMatch":true}"#,
                version,
                Err(KycResultError::BooleanMatch { key: "emailMatch" }),
            );
            check(
                r#"{"emailMatch":"TRUE"}"#,
                version,
                Err(KycResultError::InvalidMatch { key: "emailMatch" }),
            );
            check(
                r#"{"emailMatch":null}"#,
                version,
                Err(KycResultError::InvalidMatch { key: "emailMatch" }),
            );
            check("{}", version, Ok(&[]));
        }
    }

    #[test]
    fn scores_follow_each_version() {
        // 0.2.1 allows 100 and spells the middle-names score `middleNamesScore`.
        check(
            r#"{"middleNamesMatch":"false","middleNamesScore":100}"#,
            V0_2,
            Ok(&[(F::MiddleNames, N, Some(100))]),
        );
        check(
            r#"{"middleNamesMatch":"false","middleNamesMatchScore":90}"#,
            V0_2,
            Err(KycResultError::UnknownKey {
                key: "middleNamesMatchScore".into(),
            }),
        );
        check(
            r#"{"middleNamesMatch":"false","middleNamesMatchScore":99}"#,
            V0_4,
            Ok(&[(F::MiddleNames, N, Some(99))]),
        );
        check(
            r#"{"middleNamesMatch":"false","middleNamesScore":90}"#,
            V0_4,
            Err(KycResultError::UnknownKey {
                key: "middleNamesScore".into(),
            }),
        );
        check(
            r#"{"nameMatch":"false","nameMatchScore":100}"#,
            V0_4,
            Err(KycResultError::InvalidScore {
                key: "nameMatchScore",
                max: 99,
            }),
        );
        for bad in ["101", "-1", "88.5", "\"88\"", "null"] {
            check(
                &format!(r#"{{"nameMatch":"false","nameMatchScore":{bad}}}"#),
                V0_2,
                Err(KycResultError::InvalidScore {
                    key: "nameMatchScore",
                    max: 100,
                }),
            );
        }
        for version in [V0_2, V0_4] {
            check(
                r#"{"nameMatchScore":50}"#,
                version,
                Err(KycResultError::ScoreWithoutResult {
                    key: "nameMatchScore",
                }),
            );
            // Both versions: "only returned when the value of the corresponding match field is false".
            for result in ["true", "not_available"] {
                check(
                    &format!(r#"{{"nameMatch":"{result}","nameMatchScore":50}}"#),
                    version,
                    Err(KycResultError::ScoreWithoutMismatch {
                        key: "nameMatchScore",
                    }),
                );
            }
        }
    }

    #[test]
    fn unknown_keys_and_bad_bodies() {
        check(
            r#"{"emailMatch":"true","vendorExtension":{"x":1}}"#,
            V0_4,
            Err(KycResultError::UnknownKey {
                key: "vendorExtension".into(),
            }),
        );
        check(
            r#"{"phoneNumberMatch":"true"}"#,
            V0_4,
            Err(KycResultError::UnknownKey {
                key: "phoneNumberMatch".into(),
            }),
        );
        // A 0.4.0 field is unknown to 0.2.1.
        check(
            r#"{"nationalityMatch":"true"}"#,
            V0_2,
            Err(KycResultError::UnknownKey {
                key: "nationalityMatch".into(),
            }),
        );
        check(
            r#"{"nationalityMatch":"true"}"#,
            V0_4,
            Ok(&[(F::Nationality, T, None)]),
        );
        check("[]", V0_2, Err(KycResultError::NotAnObject));
        check(
            "{\"emailMatch\":",
            V0_2,
            Err(KycResultError::Json { line: 1, column: 14 }),
        );
        let long_key = format!(r#"{{"{}":1}}"#, "k".repeat(100));
        check(
            &long_key,
            V0_4,
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
            result.to_json_value(V0_2).to_string(),
            r#"{"countryMatch":"not_available","middleNamesMatch":"false","middleNamesScore":80}"#
        );
        assert_eq!(
            serde_json::to_string(&result).expect("serialisable"),
            r#"{"middleNamesMatch":"false","middleNamesMatchScore":80,"countryMatch":"not_available","nationalityMatch":"true"}"#
        );
        let back =
            KycMatchResult::from_json_value_strict(&result.to_json_value(V0_4), V0_4).expect("decodes");
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
