//! The SAML XML-Signature profile, enforced around bergshamra's cryptographic check.
//!
//! bergshamra verifies digests and signature values against the configured keys only
//! (`trusted_keys_only`), but it does not restrict algorithms, the number of references, their
//! targets, or where a signature sits. This module checks all of that on the same parsed document
//! before and after calling it (SAML 2.0 Core §5.4, and the lessons of every XSW paper).

use std::fmt;

use bergshamra::dsig::verify::verify_all_document_with_source;
use bergshamra::{DsigContext, KeysManager, VerifyResult};
use uppsala::{Document, NodeId};

use crate::error::{Check, Error, reject};
use crate::xml::{self, NS_DS, NS_SAML};

const C14N_EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const NS_EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

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

fn digest_allowed(uri: &str, allow_sha1: bool) -> Result<(), Error> {
    match uri {
        "http://www.w3.org/2001/04/xmlenc#sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#sha384"
        | "http://www.w3.org/2001/04/xmlenc#sha512" => Ok(()),
        "http://www.w3.org/2000/09/xmldsig#sha1" if allow_sha1 => Ok(()),
        "http://www.w3.org/2000/09/xmldsig#sha1" => reject(
            Check::Algorithm,
            "sha1 digests are refused (opt in with insecure_allow_sha1)",
        ),
        other => reject(
            Check::Algorithm,
            format!("digest algorithm {} is not allowed", short(other)),
        ),
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
/// two elements, at most one each, placed right after the
/// Issuer; each must have exactly one `SignedInfo` with one `Reference` to `#` + its parent's ID,
/// the transforms enveloped-signature then optionally exc-c14n (in that order), allowed
/// algorithms, and no `ds:Object`. Then bergshamra checks every one against the trusted keys
/// only, and each must cover exactly its parent.
pub(crate) fn verify(
    doc: &Document<'_>,
    source: &str,
    scope: NodeId,
    response: Option<NodeId>,
    assertion: Option<NodeId>,
    keys: &KeysManager,
    allow_sha1: bool,
) -> Result<Signed, Error> {
    let mut signed = Signed::default();
    let mut expected: Vec<(NodeId, NodeId)> = Vec::new();
    for sig in doc.descendants(scope) {
        if !xml::is(doc, sig, NS_DS, "Signature") {
            continue;
        }
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
        check_placement(doc, parent, sig)?;
        check_structure(doc, parent, sig, allow_sha1)?;
        expected.push((sig, parent));
    }
    if expected.is_empty() {
        return Ok(signed);
    }
    if keys.is_empty() {
        // Fail closed: without a configured certificate nothing can be trusted (samael's bug).
        return reject(Check::Signature, "no IdP signing certificate is configured");
    }
    let ctx = DsigContext::new(keys.clone());
    let results = verify_all_document_with_source(&ctx, doc, Some(source)).map_err(|e| {
        Error::reject(
            Check::Signature,
            format!("signature processing failed: {}", short(&e.to_string())),
        )
    })?;
    if results.len() != expected.len() {
        return reject(Check::Signature, "the verifier saw a different set of signatures");
    }
    for result in results {
        match result {
            VerifyResult::Valid {
                signature_node,
                references,
                ..
            } => {
                let Some((_, parent)) = expected.iter().find(|(s, _)| *s == signature_node) else {
                    return reject(Check::Signature, "the verifier reported an unexpected signature");
                };
                let [reference] = references.as_slice() else {
                    return reject(
                        Check::SignatureProfile,
                        "a signature must have exactly one Reference",
                    );
                };
                if reference.resolved_node != Some(*parent) || !reference.digest_verified {
                    return reject(
                        Check::SignatureProfile,
                        "the signed reference is not the signature's parent element",
                    );
                }
            }
            VerifyResult::Invalid { reason } => {
                return reject(
                    Check::Signature,
                    format!("signature is invalid: {}", short(&reason)),
                );
            }
        }
    }
    Ok(signed)
}

/// The Signature must follow the parent's Issuer (or come first when there is none): SAML's
/// schema position, which rules out signatures wrapped in extensions or after the payload.
fn check_placement(doc: &Document<'_>, parent: NodeId, sig: NodeId) -> Result<(), Error> {
    let mut before = xml::child_elements(doc, parent).take_while(|c| *c != sig);
    let ok = match (before.next(), before.next()) {
        (None, _) => true,
        (Some(first), None) => xml::is(doc, first, NS_SAML, "Issuer"),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        reject(
            Check::SignatureProfile,
            "a Signature must directly follow the Issuer of its parent",
        )
    }
}

fn names(doc: &Document<'_>, id: NodeId) -> Vec<(Option<String>, String)> {
    xml::child_elements(doc, id)
        .filter_map(|c| doc.element(c))
        .map(|e| {
            (
                e.name.namespace_uri.as_deref().map(str::to_owned),
                e.name.local_name.to_string(),
            )
        })
        .collect()
}

fn expect_children(
    doc: &Document<'_>,
    id: NodeId,
    what: &str,
    allowed: &[(&str, bool)],
) -> Result<(), Error> {
    // `allowed` lists DS-namespace children in order; the bool marks optional ones.
    let found = names(doc, id);
    let mut i = 0;
    for (local, optional) in allowed {
        match found.get(i) {
            Some((Some(ns), l)) if ns == NS_DS && l == local => i += 1,
            _ if *optional => {}
            _ => {
                return reject(
                    Check::SignatureProfile,
                    format!("{what} must contain exactly one {local} in schema order"),
                );
            }
        }
    }
    if i != found.len() {
        return reject(
            Check::SignatureProfile,
            format!("{what} has unexpected children (two SignedInfo, Object, Manifest or two References)"),
        );
    }
    Ok(())
}

/// Only an `ec:InclusiveNamespaces` child is allowed on c14n and transform elements.
fn expect_only_inclusive_namespaces(doc: &Document<'_>, id: NodeId) -> Result<(), Error> {
    for c in xml::child_elements(doc, id) {
        if !xml::is(doc, c, NS_EXC_C14N, "InclusiveNamespaces") {
            return reject(
                Check::SignatureProfile,
                "unexpected child of a transform or method",
            );
        }
    }
    Ok(())
}

fn algorithm_of<'d>(doc: &'d Document<'_>, id: NodeId) -> Result<&'d str, Error> {
    xml::attr(doc, id, "Algorithm")
        .ok_or_else(|| Error::reject(Check::SignatureProfile, "a method has no Algorithm"))
}

fn check_structure(doc: &Document<'_>, parent: NodeId, sig: NodeId, allow_sha1: bool) -> Result<(), Error> {
    expect_children(
        doc,
        sig,
        "Signature",
        &[
            ("SignedInfo", false),
            ("SignatureValue", false),
            ("KeyInfo", true),
        ],
    )?;
    let signed_info = xml::required_child(doc, sig, NS_DS, "SignedInfo")?;
    expect_children(
        doc,
        signed_info,
        "SignedInfo",
        &[
            ("CanonicalizationMethod", false),
            ("SignatureMethod", false),
            ("Reference", false),
        ],
    )?;
    let c14n = xml::required_child(doc, signed_info, NS_DS, "CanonicalizationMethod")?;
    if algorithm_of(doc, c14n)? != C14N_EXC {
        return reject(
            Check::Algorithm,
            "the canonicalization method must be exclusive c14n without comments",
        );
    }
    expect_only_inclusive_namespaces(doc, c14n)?;
    let method = xml::required_child(doc, signed_info, NS_DS, "SignatureMethod")?;
    SignatureAlgorithm::from_uri(algorithm_of(doc, method)?, allow_sha1)?;
    if xml::child_elements(doc, method).next().is_some() {
        return reject(
            Check::SignatureProfile,
            "SignatureMethod must be empty (no HMACOutputLength)",
        );
    }

    let reference = xml::required_child(doc, signed_info, NS_DS, "Reference")?;
    let parent_id = xml::attr(doc, parent, "ID")
        .ok_or_else(|| Error::reject(Check::SignatureProfile, "the signed element has no ID"))?;
    match xml::attr(doc, reference, "URI") {
        Some(uri) if uri.strip_prefix('#') == Some(parent_id) && !parent_id.is_empty() => {}
        _ => {
            return reject(
                Check::SignatureProfile,
                "the Reference URI must be '#' followed by the ID of the signature's parent",
            );
        }
    }
    expect_children(
        doc,
        reference,
        "Reference",
        &[
            ("Transforms", true),
            ("DigestMethod", false),
            ("DigestValue", false),
        ],
    )?;
    let transforms = xml::required_child(doc, reference, NS_DS, "Transforms")
        .map_err(|_| Error::reject(Check::SignatureProfile, "an enveloped signature needs Transforms"))?;
    // Exactly [enveloped-signature] or [enveloped-signature, exc-c14n], in that order (SAML Core
    // §5.4.4 allows only these two; the order is ours, to keep the parse-once rule): bergshamra's
    // fast path over our parsed document takes only an enveloped transform *before* c14n. Any
    // other list sends it to its generic pipeline, whose c14n and enveloped transforms re-parse
    // the source text with default uppsala parsers: a second parse, with other limits, of what
    // was checked here.
    let mut algorithms = Vec::new();
    for t in xml::child_elements(doc, transforms) {
        if !xml::is(doc, t, NS_DS, "Transform") {
            return reject(Check::SignatureProfile, "Transforms may only contain Transform");
        }
        let algorithm = algorithm_of(doc, t)?;
        if algorithm != ENVELOPED && algorithm != C14N_EXC {
            return reject(
                Check::SignatureProfile,
                format!("transform {} is not allowed", short(algorithm)),
            );
        }
        expect_only_inclusive_namespaces(doc, t)?;
        algorithms.push(algorithm);
    }
    if !matches!(algorithms.as_slice(), [ENVELOPED] | [ENVELOPED, C14N_EXC]) {
        return reject(
            Check::SignatureProfile,
            "transforms must be enveloped-signature, optionally followed by exc-c14n",
        );
    }
    let digest = xml::required_child(doc, reference, NS_DS, "DigestMethod")?;
    digest_allowed(algorithm_of(doc, digest)?, allow_sha1)?;
    Ok(())
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

    #[test]
    fn digests() {
        assert!(digest_allowed("http://www.w3.org/2001/04/xmlenc#sha256", false).is_ok());
        assert!(digest_allowed("http://www.w3.org/2000/09/xmldsig#sha1", false).is_err());
        assert!(digest_allowed("http://www.w3.org/2000/09/xmldsig#sha1", true).is_ok());
        assert!(digest_allowed("http://www.w3.org/2001/04/xmldsig-more#md5", true).is_err());
    }
}
