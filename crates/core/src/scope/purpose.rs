//! Checked construction of a [`Purpose`]: the known W3C DPV purposes, a suggestion when the
//! `dpv:` prefix is missing or a term is misspelt, and an explicitly named door for the
//! operator-defined ones.

use std::fmt;

use super::Purpose;

/// The `dpv:` prefix every CAMARA purpose carries.
const PREFIX: &str = "dpv:";

/// Below this Jaro-Winkler similarity, a known purpose is not suggested for an unknown one.
const SUGGESTION_THRESHOLD: f64 = 0.85;

/// Why a purpose was refused by [`Purpose::parse_known`] or [`Purpose::custom`].
///
/// The purpose is configuration, not personal data, so `Display` quotes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PurposeError {
    /// A known purpose written without its `dpv:` prefix (`FraudPreventionAndDetection`).
    #[error("purpose `{given}` lacks the dpv: prefix: write `{suggestion}`")]
    MissingPrefix {
        /// The purpose as given.
        given: String,
        /// The known purpose it names once prefixed.
        suggestion: Purpose,
    },
    /// Not one of the known purposes.
    #[error("unknown purpose `{given}`{}; known purposes: {}", Suggestion(.suggestion.as_ref()), KnownList)]
    Unknown {
        /// The purpose as given.
        given: String,
        /// The closest known purpose, if one is close enough to be a likely misspelling.
        suggestion: Option<Purpose>,
    },
    /// A custom purpose that is not `dpv:` followed by a term of ASCII letters and digits.
    #[error(
        "a custom purpose must be dpv: followed by a term of ASCII letters and digits (such as dpv:Marketing)"
    )]
    InvalidCustom,
}

/// `, did you mean `…`?` when there is a suggestion.
struct Suggestion<'a>(Option<&'a Purpose>);

impl fmt::Display for Suggestion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(purpose) => write!(f, " (did you mean `{purpose}`?)"),
            None => Ok(()),
        }
    }
}

/// The known purposes, comma-separated.
struct KnownList;

impl fmt::Display for KnownList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, purpose) in Purpose::KNOWN.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            f.write_str(purpose.as_str())?;
        }
        Ok(())
    }
}

impl Purpose {
    /// Every purpose this crate names, in declaration order; `Other` excluded.
    pub const KNOWN: &'static [Purpose] = &[
        Purpose::FraudPreventionAndDetection,
        Purpose::IdentityVerification,
        Purpose::IdentityAuthentication,
        Purpose::RequestedServiceProvision,
        Purpose::ServiceProvision,
        Purpose::AccountManagement,
        Purpose::CommunicationForCustomerCare,
    ];

    /// Parses a purpose a user wrote, accepting only the [known](Self::KNOWN) ones, exactly as they
    /// go on the wire (`dpv:FraudPreventionAndDetection`).
    ///
    /// Unlike [`FromStr`](std::str::FromStr), which keeps any value as [`Purpose::Other`] so that
    /// what an operator sends round-trips, this refuses what the operator would refuse, before any
    /// request: use it for configuration and command-line input.
    ///
    /// ```
    /// use netid_core::scope::{Purpose, PurposeError};
    ///
    /// assert_eq!(
    ///     Purpose::parse_known("dpv:FraudPreventionAndDetection"),
    ///     Ok(Purpose::FraudPreventionAndDetection)
    /// );
    /// let error = Purpose::parse_known("FraudPreventionAndDetection").unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "purpose `FraudPreventionAndDetection` lacks the dpv: prefix: write `dpv:FraudPreventionAndDetection`"
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`PurposeError::MissingPrefix`] for a known term without `dpv:`, [`PurposeError::Unknown`]
    /// (with the closest known purpose, if any is close) for anything else.
    pub fn parse_known(text: &str) -> Result<Self, PurposeError> {
        if let Some(known) = Self::known(text) {
            return Ok(known);
        }
        let term = text.strip_prefix(PREFIX).unwrap_or(text);
        if !text.starts_with(PREFIX)
            && let Some(known) = Self::KNOWN.iter().find(|known| known.term() == term)
        {
            return Err(PurposeError::MissingPrefix {
                given: text.to_owned(),
                suggestion: known.clone(),
            });
        }
        Err(PurposeError::Unknown {
            given: text.to_owned(),
            suggestion: Self::closest(term),
        })
    }

    /// A purpose the operator defines and this crate does not know (`dpv:Marketing`): the one door
    /// to [`Purpose::Other`] for configuration, so that a misspelt known purpose is never sent by
    /// accident. A known purpose given here comes back as its own variant.
    ///
    /// ```
    /// use netid_core::scope::Purpose;
    ///
    /// assert_eq!(Purpose::custom("dpv:Marketing")?, Purpose::Other("dpv:Marketing".into()));
    /// assert!(Purpose::custom("Marketing").is_err());
    /// # Ok::<(), netid_core::scope::PurposeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`PurposeError::InvalidCustom`] unless `text` is `dpv:` followed by ASCII letters and digits.
    pub fn custom(text: &str) -> Result<Self, PurposeError> {
        let term = text.strip_prefix(PREFIX).ok_or(PurposeError::InvalidCustom)?;
        if term.is_empty() || !term.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(PurposeError::InvalidCustom);
        }
        Ok(Self::known(text).unwrap_or_else(|| Self::Other(text.to_owned())))
    }

    fn known(text: &str) -> Option<Self> {
        Self::KNOWN.iter().find(|known| known.as_str() == text).cloned()
    }

    /// The DPV term without `dpv:`.
    fn term(&self) -> &str {
        let text = self.as_str();
        text.strip_prefix(PREFIX).unwrap_or(text)
    }

    /// The known purpose most like `term`, compared without regard to case, if it is close enough.
    fn closest(term: &str) -> Option<Self> {
        let term = term.to_ascii_lowercase();
        Self::KNOWN
            .iter()
            .map(|known| {
                let similarity = strsim::jaro_winkler(&term, &known.term().to_ascii_lowercase());
                (similarity, known)
            })
            .filter(|(similarity, _)| *similarity >= SUGGESTION_THRESHOLD)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, known)| known.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_known_accepts_known_purposes_and_explains_the_rest() {
        let fraud = Purpose::FraudPreventionAndDetection;
        let unknown = |given: &str, suggestion: Option<Purpose>| {
            Err(PurposeError::Unknown {
                given: given.to_owned(),
                suggestion,
            })
        };
        let cases = [
            ("dpv:FraudPreventionAndDetection", Ok(fraud.clone())),
            ("dpv:IdentityVerification", Ok(Purpose::IdentityVerification)),
            (
                "FraudPreventionAndDetection",
                Err(PurposeError::MissingPrefix {
                    given: "FraudPreventionAndDetection".to_owned(),
                    suggestion: fraud.clone(),
                }),
            ),
            // The issue's example, and the Orange France page's transposed spelling.
            ("FraudPrevention", unknown("FraudPrevention", Some(fraud.clone()))),
            (
                "dpv:FraudDetectionAndPrevention",
                unknown("dpv:FraudDetectionAndPrevention", Some(fraud.clone())),
            ),
            (
                "dpv:frauddetectionandprevention",
                unknown("dpv:frauddetectionandprevention", Some(fraud.clone())),
            ),
            ("dpv:Marketing", unknown("dpv:Marketing", None)),
            ("", unknown("", None)),
        ];
        for (input, expected) in cases {
            assert_eq!(Purpose::parse_known(input), expected, "{input:?}");
        }
        for known in Purpose::KNOWN {
            assert_eq!(Purpose::parse_known(known.as_str()).as_ref(), Ok(known));
            assert_eq!(known.as_str().parse::<Purpose>().as_ref(), Ok(known));
        }
    }

    #[test]
    fn custom_is_the_door_to_other() {
        let cases = [
            ("dpv:Marketing", Ok(Purpose::Other("dpv:Marketing".to_owned()))),
            (
                "dpv:FraudPreventionAndDetection",
                Ok(Purpose::FraudPreventionAndDetection),
            ),
            ("Marketing", Err(PurposeError::InvalidCustom)),
            ("dpv:", Err(PurposeError::InvalidCustom)),
            ("dpv:Direct Marketing", Err(PurposeError::InvalidCustom)),
        ];
        for (input, expected) in cases {
            assert_eq!(Purpose::custom(input), expected, "{input:?}");
        }
    }

    #[test]
    fn errors_list_the_known_purposes() {
        let messages: Vec<String> = [
            Purpose::parse_known("FraudPrevention"),
            Purpose::parse_known("dpv:Marketing"),
            Purpose::parse_known("AccountManagement"),
            Purpose::custom("Marketing"),
        ]
        .into_iter()
        .map(|result| result.unwrap_err().to_string())
        .collect();
        insta::assert_snapshot!(messages.join("\n"));
    }
}
