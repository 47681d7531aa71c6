//! The crate's error type: every rejection names the check that failed.

use std::fmt;

use netid_core::ports::RandomError;

use crate::store::shared::StoreError;

/// The check a SAML message failed.
///
/// Each variant has a stable snake_case name ([`Check::as_str`]) that tools such as the `netid saml
/// verify` command print as `error.check`; the names never change once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Check {
    /// The message is larger than the configured cap (encoded, decoded or inflated).
    Size,
    /// Base64, DEFLATE, percent-encoding or UTF-8 decoding failed.
    Encoding,
    /// The XML is not well formed, has a DTD, or exceeds the depth limit.
    Xml,
    /// A required element or attribute is missing or malformed (root, version, structure).
    Schema,
    /// Two elements carry the same ID.
    DuplicateId,
    /// The Response does not carry exactly one Assertion where one is allowed.
    AssertionCount,
    /// No trusted signature covers the message or the Assertion, or a signature is invalid.
    Signature,
    /// A signature does not follow the SAML signature profile (placement, references, transforms).
    SignatureProfile,
    /// A signature or digest algorithm is not on the allow-list.
    Algorithm,
    /// The top-level status code is not Success.
    Status,
    /// The Response's Destination is missing or not the ACS URL.
    Destination,
    /// An Issuer is missing or not the IdP's entity ID.
    Issuer,
    /// No bearer SubjectConfirmationData is acceptable (Recipient, NotOnOrAfter, NotBefore).
    SubjectConfirmation,
    /// InResponseTo names no outstanding request, disagrees, or is missing for a solicited flow.
    InResponseTo,
    /// The Conditions time window (or a LogoutRequest's validity) does not contain the current
    /// time.
    Conditions,
    /// The SP is missing from an AudienceRestriction.
    Audience,
    /// The Assertion was already consumed.
    Replay,
    /// An HTTP-Redirect query string is malformed or its signature does not verify.
    QuerySignature,
    /// An EncryptedAssertion, EncryptedID or EncryptedAttribute cannot be decrypted with the SP
    /// keys. Every cause (key, padding, plaintext) gives this one check and one reason, so the
    /// error is no decryption oracle.
    Decryption,
    /// Signed IdP metadata is past its `validUntil`.
    MetadataValidity,
    /// A LogoutRequest's NameID or SessionIndex is not the session's.
    Session,
}

impl Check {
    /// Every check, in declaration order.
    pub const ALL: [Check; 21] = [
        Check::Size,
        Check::Encoding,
        Check::Xml,
        Check::Schema,
        Check::DuplicateId,
        Check::AssertionCount,
        Check::Signature,
        Check::SignatureProfile,
        Check::Algorithm,
        Check::Status,
        Check::Destination,
        Check::Issuer,
        Check::SubjectConfirmation,
        Check::InResponseTo,
        Check::Conditions,
        Check::Audience,
        Check::Replay,
        Check::QuerySignature,
        Check::Decryption,
        Check::MetadataValidity,
        Check::Session,
    ];

    /// The stable snake_case name of the check.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Size => "size",
            Check::Encoding => "encoding",
            Check::Xml => "xml",
            Check::Schema => "schema",
            Check::DuplicateId => "duplicate_id",
            Check::AssertionCount => "assertion_count",
            Check::Signature => "signature",
            Check::SignatureProfile => "signature_profile",
            Check::Algorithm => "algorithm",
            Check::Status => "status",
            Check::Destination => "destination",
            Check::Issuer => "issuer",
            Check::SubjectConfirmation => "subject_confirmation",
            Check::InResponseTo => "in_response_to",
            Check::Conditions => "conditions",
            Check::Audience => "audience",
            Check::Replay => "replay",
            Check::QuerySignature => "query_signature",
            Check::Decryption => "decryption",
            Check::MetadataValidity => "metadata_validity",
            Check::Session => "session",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in this crate.
///
/// Display strings are lowercase, carry no trailing period and never include personal data (no
/// NameID, no attribute value, no assertion body): only the failed check, what was expected, and
/// values that are public protocol metadata (entity IDs, URLs, algorithm URIs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A received message was rejected; the IdP (or an attacker) is at fault.
    #[error("rejected by the {check} check: {reason}")]
    Rejected {
        /// The check that failed.
        check: Check,
        /// What failed and what was expected.
        reason: String,
    },
    /// The caller's configuration or input is unusable (a certificate that does not parse, an
    /// empty entity ID, a private key of the wrong type).
    #[error("invalid configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// The random source failed while drawing a request ID.
    #[error("random source failed")]
    Random(#[source] RandomError),
    /// A shared state store (replay cache or outstanding requests) could not be consulted, so
    /// the message was refused: a Response whose replay check did not complete is never accepted.
    #[error("refused: the state store failed")]
    Store(#[source] StoreError),
    /// Signing an outgoing message failed.
    #[error("signing failed: {reason}")]
    Signing {
        /// Why signing failed.
        reason: String,
    },
}

impl Error {
    /// The failed check, when the error is a rejection of a received message.
    pub fn check(&self) -> Option<Check> {
        match self {
            Error::Rejected { check, .. } => Some(*check),
            _ => None,
        }
    }

    pub(crate) fn reject(check: Check, reason: impl Into<String>) -> Self {
        Error::Rejected {
            check,
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::Config {
            reason: reason.into(),
        }
    }
}

/// Shorthand for a rejection result.
pub(crate) fn reject<T>(check: Check, reason: impl Into<String>) -> Result<T, Error> {
    Err(Error::reject(check, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_are_unique_snake_case() {
        let mut names: Vec<&str> = Check::ALL.iter().map(|c| c.as_str()).collect();
        for name in &names {
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Check::ALL.len());
    }

    #[test]
    fn display_names_the_check() {
        let e = Error::reject(Check::Audience, "the SP entity ID is not an audience");
        assert_eq!(
            e.to_string(),
            "rejected by the audience check: the SP entity ID is not an audience"
        );
        assert_eq!(e.check(), Some(Check::Audience));
        assert_eq!(Error::config("x").check(), None);
        let store = Error::Store(StoreError::Timeout(std::time::Duration::from_secs(1)));
        assert_eq!(store.to_string(), "refused: the state store failed");
        assert_eq!(store.check(), None);
    }
}
