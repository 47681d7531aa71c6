//! The SAML XML-Signature profile and its verification.
//!
//! [`profile`] checks the shape of every `ds:Signature` (SAML Core §5.4, and the lessons of every
//! XSW paper): where it sits, one `SignedInfo` with one `Reference` to its parent, the allowed
//! algorithms and transforms. [`check`] then verifies the digest and the signature value of that
//! shape with the configured keys only ([`keys`]), over [`c14n`]'s exclusive canonicalization.
//! bergshamra supplies the pieces kept from it: key loading, escaping and attribute order in
//! C14N, inclusive C14N, ECDSA verification.

use std::fmt;

use uppsala::{Document, NodeId};

use crate::error::{Check, Error, reject};
use crate::xml::NS_DS;

pub(crate) mod c14n;
mod check;
mod keys;
mod profile;

pub(crate) use keys::TrustedKeys;

/// A signature algorithm accepted on XML signatures and HTTP-Redirect query signatures.
///
/// SHA-1 variants exist only to name what [`insecure_allow_sha1`](crate::ResponseVerifier::insecure_allow_sha1)
/// lets through; they are refused by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-256 (`…xmldsig-more#rsa-sha256`).
    RsaSha256,
    /// RSA PKCS#1 v1.5 with SHA-384.
    RsaSha384,
    /// RSA PKCS#1 v1.5 with SHA-512.
    RsaSha512,
    /// ECDSA with SHA-256.
    EcdsaSha256,
    /// ECDSA with SHA-384.
    EcdsaSha384,
    /// ECDSA with SHA-512.
    EcdsaSha512,
    /// RSA PKCS#1 v1.5 with SHA-1: broken, accepted only through an `insecure_` opt-in.
    InsecureRsaSha1,
}

impl SignatureAlgorithm {
    const TABLE: [(SignatureAlgorithm, &'static str); 7] = [
        (
            Self::RsaSha256,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        ),
        (
            Self::RsaSha384,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
        ),
        (
            Self::RsaSha512,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        ),
        (
            Self::EcdsaSha256,
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        ),
        (
            Self::EcdsaSha384,
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        ),
        (
            Self::EcdsaSha512,
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
        ),
        (
            Self::InsecureRsaSha1,
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        ),
    ];

    /// The algorithm's XML-DSig URI (also the HTTP-Redirect `SigAlg` value).
    pub fn uri(self) -> &'static str {
        Self::TABLE
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("", |(_, uri)| uri)
    }

    /// Looks an algorithm up by URI, applying the allow-list.
    ///
    /// # Errors
    ///
    /// [`Check::Algorithm`] for an unknown or forbidden URI (HMAC, DSA, MD5, and SHA-1 unless
    /// `allow_sha1`).
    pub(crate) fn from_uri(uri: &str, allow_sha1: bool) -> Result<Self, Error> {
        match Self::TABLE.iter().find(|(_, u)| *u == uri) {
            Some((Self::InsecureRsaSha1, _)) if !allow_sha1 => reject(
                Check::Algorithm,
                "rsa-sha1 is refused (opt in with insecure_allow_sha1)",
            ),
            Some((a, _)) => Ok(*a),
            None => reject(
                Check::Algorithm,
                format!("signature algorithm {} is not allowed", short(uri)),
            ),
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.uri())
    }
}

/// Keeps an attacker-chosen URI short in error messages.
pub(crate) fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).filter(|c| !c.is_control()).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// Which parts of a Response carry a verified enveloped signature.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Signed {
    pub(crate) response: bool,
    pub(crate) assertion: bool,
}

/// Verifies every `ds:Signature` in the document under the SAML profile.
///
/// Every signature under `scope` is checked: `response` is the Response element (`None` for a
/// decrypted Assertion, verified in a document of its own), `assertion` the single Assertion (if
/// any, and `None` when it is still encrypted). Signatures may only be direct children of these
/// two elements, at most one each, placed right after the Issuer, in the shape [`profile`]
/// checks; no other signature may be in the document, and each signature must verify with a
/// configured key and cover exactly its parent.
///
/// The caller has refused duplicate IDs first (`response::check_unique_ids`, which every caller
/// runs): the Reference is checked against the parent's ID, so an ID shared with another element
/// would make the signed element ambiguous to any other reader.
pub(crate) fn verify(
    doc: &Document<'_>,
    scope: NodeId,
    response: Option<NodeId>,
    assertion: Option<NodeId>,
    keys: &TrustedKeys,
    allow_sha1: bool,
) -> Result<Signed, Error> {
    let mut signed = Signed::default();
    let mut expected = Vec::new();
    // One walk of the whole document: its signatures, those outside `scope` included, which only
    // the count below sees.
    let mut everywhere = 0;
    for node in doc.descendants(doc.root()) {
        if !doc
            .element(node)
            .is_some_and(|e| e.matches_name_ns(NS_DS, "Signature"))
        {
            continue;
        }
        everywhere += 1;
        if !is_within(doc, node, scope) {
            continue;
        }
        let sig = node;
        let parent = doc.parent(sig);
        let slot = match parent {
            Some(p) if Some(p) == response => &mut signed.response,
            Some(p) if Some(p) == assertion => &mut signed.assertion,
            _ => {
                return reject(
                    Check::SignatureProfile,
                    "a Signature is not a direct child of the Response or the Assertion",
                );
            }
        };
        if *slot {
            return reject(
                Check::SignatureProfile,
                "an element carries more than one Signature",
            );
        }
        *slot = true;
        // Only this branch ever sets a slot, so `parent` is known to be `Some`.
        let Some(parent) = parent else {
            return reject(Check::SignatureProfile, "a Signature has no parent");
        };
        profile::check_placement(doc, parent, sig)?;
        let parts = profile::check_structure(doc, parent, sig, allow_sha1)?;
        expected.push((sig, parent, parts));
    }
    if expected.is_empty() {
        return Ok(signed);
    }
    if keys.is_empty() {
        // Fail closed: without a configured certificate nothing can be trusted (samael's bug).
        return reject(Check::Signature, "no IdP signing certificate is configured");
    }
    if everywhere != expected.len() {
        return reject(Check::Signature, "the verifier saw a different set of signatures");
    }
    let mut canonical = Vec::with_capacity(doc.input_text().len());
    for (sig, parent, parts) in &expected {
        check::signature(doc, *sig, *parent, parts, keys, &mut canonical)?;
    }
    Ok(signed)
}

/// True when `node` is a strict descendant of `scope`.
fn is_within(doc: &Document<'_>, node: NodeId, scope: NodeId) -> bool {
    let mut cursor = doc.parent(node);
    while let Some(id) = cursor {
        if id == scope {
            return true;
        }
        cursor = doc.parent(id);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_allow_list() {
        for (uri, sha1, ok) in [
            ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", false, true),
            ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", false, true),
            ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", false, false),
            ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", true, true),
            ("http://www.w3.org/2000/09/xmldsig#dsa-sha1", true, false),
            ("http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", true, false),
        ] {
            assert_eq!(SignatureAlgorithm::from_uri(uri, sha1).is_ok(), ok, "{uri}");
        }
        assert_eq!(
            SignatureAlgorithm::from_uri(SignatureAlgorithm::RsaSha512.uri(), false),
            Ok(SignatureAlgorithm::RsaSha512)
        );
    }
}
