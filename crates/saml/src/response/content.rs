//! What a verified Assertion says: the NameID (in the clear or from an EncryptedID) and the
//! attributes (in the clear or from EncryptedAttributes), and the public result types.

use std::collections::BTreeMap;
use std::time::SystemTime;

use netid_core::secret::Pii;
use uppsala::{Document, NodeId};

use super::{MAX_ENCRYPTED_ATTRIBUTES, ResponseVerifier};
use crate::decrypt::Encrypted;
use crate::error::{Check, Error, reject};
use crate::orange::OrangeProfile;
use crate::xml::{self, NS_SAML};

/// Reads a `saml:NameID` element (from the Assertion or from a decrypted EncryptedID).
fn read_name_id(doc: &Document<'_>, n: NodeId) -> Result<NameId, Error> {
    let value = xml::full_text(doc, n)?.trim().to_owned();
    if value.is_empty() {
        return reject(Check::Schema, "the NameID is empty");
    }
    Ok(NameId {
        value: Pii::new(value),
        format: xml::attr(doc, n, "Format").map(str::to_owned),
    })
}

/// Adds the values of one `saml:Attribute` element to `out`.
fn read_attribute(
    doc: &Document<'_>,
    attr: NodeId,
    out: &mut BTreeMap<String, Vec<Pii<String>>>,
) -> Result<(), Error> {
    let name = xml::attr(doc, attr, "Name")
        .ok_or_else(|| Error::reject(Check::Schema, "an Attribute has no Name"))?;
    let values = out.entry(name.to_owned()).or_default();
    for v in xml::children_named(doc, attr, NS_SAML, "AttributeValue") {
        values.push(Pii::new(xml::full_text(doc, v)?.trim().to_owned()));
    }
    Ok(())
}

impl ResponseVerifier {
    /// The Subject's NameID, in the clear or decrypted from its EncryptedID.
    pub(crate) fn name_id(&self, doc: &Document<'_>, subject: NodeId) -> Result<NameId, Error> {
        let plain = xml::optional_child(doc, subject, NS_SAML, "NameID")?;
        let encrypted = xml::optional_child(doc, subject, NS_SAML, "EncryptedID")?;
        match (plain, encrypted) {
            (Some(n), None) => read_name_id(doc, n),
            (None, Some(e)) => {
                let decrypted = self.decrypt(doc, e, Encrypted::NameId)?;
                let (inner, n) = decrypted.parse()?;
                read_name_id(&inner, n)
            }
            (Some(_), Some(_)) => reject(Check::Schema, "the Subject has both a NameID and an EncryptedID"),
            (None, None) => reject(Check::Schema, "the Subject has no NameID or EncryptedID"),
        }
    }

    /// The attributes of every AttributeStatement, in the clear or decrypted from
    /// EncryptedAttributes (at most [`MAX_ENCRYPTED_ATTRIBUTES`]: each costs RSA operations).
    pub(super) fn attributes(
        &self,
        doc: &Document<'_>,
        a: NodeId,
    ) -> Result<BTreeMap<String, Vec<Pii<String>>>, Error> {
        let mut out: BTreeMap<String, Vec<Pii<String>>> = BTreeMap::new();
        let children: Vec<NodeId> = xml::children_named(doc, a, NS_SAML, "AttributeStatement")
            .flat_map(|statement| xml::child_elements(doc, statement))
            .collect();
        // Counted before any is decrypted: the bound is on the work an attacker can cause.
        let encrypted = children
            .iter()
            .filter(|c| xml::is(doc, **c, NS_SAML, "EncryptedAttribute"))
            .count();
        if encrypted > MAX_ENCRYPTED_ATTRIBUTES {
            return reject(
                Check::Size,
                format!("more than {MAX_ENCRYPTED_ATTRIBUTES} EncryptedAttribute elements"),
            );
        }
        for child in children {
            if xml::is(doc, child, NS_SAML, "Attribute") {
                read_attribute(doc, child, &mut out)?;
            } else if xml::is(doc, child, NS_SAML, "EncryptedAttribute") {
                let decrypted = self.decrypt(doc, child, Encrypted::Attribute)?;
                let (inner, attr) = decrypted.parse()?;
                read_attribute(&inner, attr, &mut out)?;
            }
        }
        Ok(out)
    }
}

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

impl NameId {
    /// A NameID with its value (personal data) and optional `Format` URI, as a session
    /// remembers it for Single Logout.
    pub fn new(value: impl Into<String>, format: Option<String>) -> Self {
        Self {
            value: Pii::new(value.into()),
            format,
        }
    }
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
