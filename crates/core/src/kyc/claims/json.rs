//! [`KycClaims::from_json_str`]: claims a user wrote (a claims file, a `--claims` flag), refused
//! with a typed [`ClaimsError`] that names the field or the position, never the value.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::IgnoredAny;
use serde_json::error::Category;

use super::KycClaims;

/// Below this Jaro-Winkler similarity, a valid field name is not suggested for an unknown one.
const SUGGESTION_THRESHOLD: f64 = 0.85;

/// Why a claims document was refused by [`KycClaims::from_json_str`].
///
/// `Display` names the field, the JSON path or the position, never a value: claims are personal
/// data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// A property that is not a KYC Match claim (a typo such as `givenname`).
    #[error(
        "unknown field `{field}`{}; valid fields: {}",
        Suggestion(closest(.field, .expected)),
        .expected.join(", ")
    )]
    UnknownField {
        /// The property as written.
        field: String,
        /// Every valid property name ([`KycClaims::FIELD_NAMES`]).
        expected: &'static [&'static str],
    },
    /// A property whose value has the wrong type or form (a date that is not `YYYY-MM-DD`).
    #[error("invalid value at {path} (line {line}, column {column})")]
    InvalidValue {
        /// The JSON path of the value (`birthdate`, `.` for the document itself).
        path: String,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
    },
    /// The text is not JSON (a missing quote, a trailing comma, a truncated document).
    #[error("the claims are not valid JSON (line {line}, column {column})")]
    Syntax {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
    },
}

/// ` (did you mean `…`?)` when a valid field is close.
struct Suggestion<'a>(Option<&'a str>);

impl fmt::Display for Suggestion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(field) => write!(f, " (did you mean `{field}`?)"),
            None => Ok(()),
        }
    }
}

/// The valid field most like `field`, compared without regard to case, if it is close enough.
fn closest(field: &str, expected: &'static [&'static str]) -> Option<&'static str> {
    let field = field.to_ascii_lowercase();
    expected
        .iter()
        .map(|valid| (strsim::jaro_winkler(&field, &valid.to_ascii_lowercase()), *valid))
        .filter(|(similarity, _)| *similarity >= SUGGESTION_THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, valid)| valid)
}

impl KycClaims {
    /// Every property name of the request body, as [`KycClaims`] reads and writes it.
    pub const FIELD_NAMES: &'static [&'static str] = &[
        "phoneNumber",
        "idDocument",
        "idDocumentType",
        "idDocumentExpiryDate",
        "name",
        "givenName",
        "familyName",
        "nameKanaHankaku",
        "nameKanaZenkaku",
        "middleNames",
        "familyNameAtBirth",
        "address",
        "streetName",
        "streetNumber",
        "postalCode",
        "region",
        "locality",
        "country",
        "houseNumberExtension",
        "birthdate",
        "email",
        "gender",
        "cityOfBirth",
        "countryOfBirth",
        "nationality",
    ];

    /// Reads claims a user wrote, as a JSON object of KYC Match properties.
    ///
    /// Stricter than a server must be with a request body: an unknown property is refused rather
    /// than ignored, because a typo (`givenname`) would otherwise silently drop a claim. Values
    /// are read as by `Deserialize` (the phone number leniently, dates as `YYYY-MM-DD`).
    ///
    /// ```
    /// use netid_core::kyc::{ClaimsError, KycClaims};
    ///
    /// let claims = KycClaims::from_json_str(r#"{"givenName": "Ana", "birthdate": "1990-01-31"}"#)?;
    /// assert!(claims.given_name.is_some());
    ///
    /// let typo = KycClaims::from_json_str(r#"{"givenname": "Ana"}"#).unwrap_err();
    /// assert!(matches!(typo, ClaimsError::UnknownField { ref field, .. } if field == "givenname"));
    /// assert!(typo.to_string().starts_with("unknown field `givenname` (did you mean `givenName`?)"));
    /// # Ok::<(), ClaimsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ClaimsError::UnknownField`] for the first property that is not a claim,
    /// [`ClaimsError::InvalidValue`] for a value of the wrong type or form,
    /// [`ClaimsError::Syntax`] for text that is not JSON.
    pub fn from_json_str(text: &str) -> Result<Self, ClaimsError> {
        // A first pass over the keys only, so that an unknown one is reported by name without
        // reading serde's message; anything else is left to the typed pass.
        if let Ok(keys) = serde_json::from_str::<BTreeMap<String, IgnoredAny>>(text)
            && let Some(field) = keys.keys().find(|key| !Self::FIELD_NAMES.contains(&key.as_str()))
        {
            return Err(ClaimsError::UnknownField {
                field: field.clone(),
                expected: Self::FIELD_NAMES,
            });
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let claims = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let (line, column) = (inner.line(), inner.column());
            match inner.classify() {
                Category::Data => ClaimsError::InvalidValue { path, line, column },
                Category::Io | Category::Syntax | Category::Eof => ClaimsError::Syntax { line, column },
            }
        })?;
        deserializer.end().map_err(|error| ClaimsError::Syntax {
            line: error.line(),
            column: error.column(),
        })?;
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(result: Result<KycClaims, ClaimsError>) -> Result<(), ClaimsError> {
        result.map(|_| ())
    }

    #[test]
    fn from_json_str_names_what_is_wrong_and_never_the_value() {
        let unknown = |field: &str| {
            Err(ClaimsError::UnknownField {
                field: field.to_owned(),
                expected: KycClaims::FIELD_NAMES,
            })
        };
        let cases = [
            (r#"{"givenName": "Ana", "familyName": "Lopez"}"#, Ok(())),
            (r#"{"phoneNumber": "34654654654", "postalCode": 28001}"#, Ok(())),
            ("{}", Ok(())),
            (r#"{"givenname": "Ana"}"#, unknown("givenname")),
            (
                r#"{"givenName": "Ana", "nickname": "Annie"}"#,
                unknown("nickname"),
            ),
            (
                r#"{"birthdate": "31/01/1990"}"#,
                Err(ClaimsError::InvalidValue {
                    path: "birthdate".to_owned(),
                    line: 1,
                    column: 27,
                }),
            ),
            // serde_json reports the position after the value it refused: here the line break.
            (
                "{\n  \"email\": \"ana.example\"\n}",
                Err(ClaimsError::InvalidValue {
                    path: "email".to_owned(),
                    line: 3,
                    column: 1,
                }),
            ),
            (
                r#"{"phoneNumber": "654654654"}"#,
                Err(ClaimsError::InvalidValue {
                    path: "phoneNumber".to_owned(),
                    line: 1,
                    column: 28,
                }),
            ),
            (
                "42",
                Err(ClaimsError::InvalidValue {
                    path: ".".to_owned(),
                    line: 1,
                    column: 2,
                }),
            ),
            (
                r#"{"givenName": "Ana",}"#,
                Err(ClaimsError::Syntax { line: 1, column: 21 }),
            ),
            (
                r#"{"givenName": "Ana"#,
                Err(ClaimsError::Syntax { line: 1, column: 18 }),
            ),
            (
                r#"{"givenName": "Ana"} x"#,
                Err(ClaimsError::Syntax { line: 1, column: 22 }),
            ),
        ];
        for (input, expected) in cases {
            let got = kind(KycClaims::from_json_str(input));
            assert_eq!(got, expected, "{input}");
            if let Err(error) = got {
                for value in ["Ana", "Annie", "31/01/1990", "ana.example", "654654654"] {
                    assert!(!error.to_string().contains(value), "{error} quotes {value}");
                }
            }
        }
    }

    #[test]
    fn field_names_are_those_serde_reads() {
        // serde's own message lists the fields the derive reads: the constant must be that list.
        let error = serde_json::from_str::<KycClaims>(r#"{"x": 1}"#).unwrap_err();
        let listed: Vec<String> = KycClaims::FIELD_NAMES
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        assert_eq!(
            error.to_string(),
            format!(
                "unknown field `x`, expected one of {} at line 1 column 4",
                listed.join(", ")
            )
        );
    }

    #[test]
    fn messages() {
        let messages: Vec<String> = [
            r#"{"givenname": "Ana"}"#,
            r#"{"nickname": "Annie"}"#,
            r#"{"birthdate": "31/01/1990"}"#,
            r#"{"givenName": "Ana",}"#,
        ]
        .into_iter()
        .map(|input| KycClaims::from_json_str(input).unwrap_err().to_string())
        .collect();
        insta::assert_snapshot!(messages.join("\n"));
    }
}
