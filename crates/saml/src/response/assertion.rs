//! What a verified Response asserts: the values handed to the application.

use std::collections::BTreeMap;
use std::time::SystemTime;

use netid_core::secret::Pii;

use crate::orange::OrangeProfile;

/// The subject's name identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameId {
    /// The full NameID text (comments ignored, surrounding whitespace trimmed). Personal data.
    pub value: Pii<String>,
    /// The `Format` attribute, verbatim (Orange's sample misspells the transient format as
    /// `nameidformat:transient`; it is reported as sent).
    pub format: Option<String>,
}

/// What a verified Response asserts about the user.
///
/// Every value was read from the Assertion element the verified signature covers (or, for the
/// HTTP-Redirect binding, from the message the query signature covers).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedAssertion {
    /// The subject's NameID.
    pub name_id: NameId,
    /// The AuthnStatement's SessionIndex, when present.
    pub session_index: Option<String>,
    /// The AuthnContextClassRef, when present (e.g. `…:ac:classes:Password`).
    pub authn_context_class_ref: Option<String>,
    /// Attributes by Name; each keeps all its values in document order. Personal data.
    pub attributes: BTreeMap<String, Vec<Pii<String>>>,
    /// The Assertion's ID (recorded in the replay cache).
    pub assertion_id: String,
    /// The Issuer (the configured IdP entity ID).
    pub issuer: String,
    /// The request this answers; `None` for an accepted unsolicited response.
    pub in_response_to: Option<String>,
    /// The earliest of the bearer confirmation's and the Conditions' NotOnOrAfter.
    pub not_on_or_after: SystemTime,
    /// Whether the Response element carried a verified signature.
    pub response_signed: bool,
    /// Whether the Assertion element carried a verified signature.
    pub assertion_signed: bool,
}

impl VerifiedAssertion {
    /// The values of attribute `name`, if the Assertion carried it.
    pub fn attribute(&self, name: &str) -> Option<&[Pii<String>]> {
        self.attributes.get(name).map(Vec::as_slice)
    }

    /// The Orange Authentication API view of the attributes (`OrangeAPIToken` and the profile).
    pub fn orange_profile(&self) -> OrangeProfile {
        OrangeProfile::from_attributes(&self.attributes)
    }
}
