//! The shape a SAML signature must have (SAML Core §5.4, and the lessons of every XSW paper),
//! checked on the parsed document before any digest is computed; what it finds is what
//! [`check`](super::check) verifies.

use aws_lc_rs::digest;
use uppsala::{Document, NodeId};

use super::{SignatureAlgorithm, short};
use crate::error::{Check, Error, reject};
use crate::xml::{self, NS_DS, NS_SAML};

const C14N_EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const NS_EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// The parts of one profile-conforming signature.
pub(super) struct Parts<'d> {
    pub(super) signed_info: NodeId,
    /// The `PrefixList` of the `CanonicalizationMethod`.
    pub(super) signed_info_prefixes: Vec<&'d str>,
    pub(super) algorithm: SignatureAlgorithm,
    /// The Reference URI: `#` and the parent's ID.
    pub(super) uri: &'d str,
    /// `Some(PrefixList)` with the exc-c14n transform; `None` with the enveloped transform alone,
    /// whose node set XML-DSig canonicalizes with inclusive C14N 1.0.
    pub(super) exclusive: Option<Vec<&'d str>>,
    pub(super) digest: &'static digest::Algorithm,
    pub(super) digest_value: NodeId,
    pub(super) signature_value: NodeId,
}

fn digest_allowed(uri: &str, allow_sha1: bool) -> Result<&'static digest::Algorithm, Error> {
    match uri {
        "http://www.w3.org/2001/04/xmlenc#sha256" => Ok(&digest::SHA256),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Ok(&digest::SHA384),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Ok(&digest::SHA512),
        "http://www.w3.org/2000/09/xmldsig#sha1" if allow_sha1 => Ok(&digest::SHA1_FOR_LEGACY_USE_ONLY),
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

/// The Signature must follow the parent's Issuer (or come first when there is none): SAML's
/// schema position, which rules out signatures wrapped in extensions or after the payload.
pub(super) fn check_placement(doc: &Document<'_>, parent: NodeId, sig: NodeId) -> Result<(), Error> {
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

fn expect_children(
    doc: &Document<'_>,
    id: NodeId,
    what: &str,
    allowed: &[(&str, bool)],
) -> Result<(), Error> {
    // `allowed` lists DS-namespace children in order; the bool marks optional ones.
    let mut found = xml::child_elements(doc, id).peekable();
    for (local, optional) in allowed {
        match found.peek() {
            Some(c) if xml::is(doc, *c, NS_DS, local) => {
                found.next();
            }
            _ if *optional => {}
            _ => {
                return reject(
                    Check::SignatureProfile,
                    format!("{what} must contain exactly one {local} in schema order"),
                );
            }
        }
    }
    if found.next().is_some() {
        return reject(
            Check::SignatureProfile,
            format!("{what} has unexpected children (two SignedInfo, Object, Manifest or two References)"),
        );
    }
    Ok(())
}

/// A c14n method or transform may carry one `ec:InclusiveNamespaces` and nothing else; its
/// `PrefixList` (none: empty) is returned.
fn inclusive_namespaces<'d>(doc: &'d Document<'_>, id: NodeId) -> Result<Vec<&'d str>, Error> {
    let mut prefixes = None;
    for c in xml::child_elements(doc, id) {
        if !xml::is(doc, c, NS_EXC_C14N, "InclusiveNamespaces") || prefixes.is_some() {
            return reject(
                Check::SignatureProfile,
                "unexpected child of a transform or method",
            );
        }
        let list = doc.element(c).and_then(|e| e.get_attribute("PrefixList"));
        prefixes = Some(list.map(|l| l.split_whitespace().collect()).unwrap_or_default());
    }
    Ok(prefixes.unwrap_or_default())
}

fn algorithm_of<'d>(doc: &'d Document<'_>, id: NodeId) -> Result<&'d str, Error> {
    xml::attr(doc, id, "Algorithm")
        .ok_or_else(|| Error::reject(Check::SignatureProfile, "a method has no Algorithm"))
}

/// Exactly one `SignedInfo` with exclusive C14N, an allowed algorithm and one `Reference` to `#` +
/// the parent's ID, the transforms enveloped-signature then optionally exc-c14n, an allowed
/// digest; `SignatureValue`; an optional `KeyInfo`; nothing else.
pub(super) fn check_structure<'d>(
    doc: &'d Document<'_>,
    parent: NodeId,
    sig: NodeId,
    allow_sha1: bool,
) -> Result<Parts<'d>, Error> {
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
    let signature_value = xml::required_child(doc, sig, NS_DS, "SignatureValue")?;
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
    let signed_info_prefixes = inclusive_namespaces(doc, c14n)?;
    let method = xml::required_child(doc, signed_info, NS_DS, "SignatureMethod")?;
    let algorithm = SignatureAlgorithm::from_uri(algorithm_of(doc, method)?, allow_sha1)?;
    if xml::child_elements(doc, method).next().is_some() {
        return reject(
            Check::SignatureProfile,
            "SignatureMethod must be empty (no HMACOutputLength)",
        );
    }

    let reference = xml::required_child(doc, signed_info, NS_DS, "Reference")?;
    let parent_id = xml::attr(doc, parent, "ID")
        .ok_or_else(|| Error::reject(Check::SignatureProfile, "the signed element has no ID"))?;
    let uri = match xml::attr(doc, reference, "URI") {
        Some(uri) if uri.strip_prefix('#') == Some(parent_id) && !parent_id.is_empty() => uri,
        _ => {
            return reject(
                Check::SignatureProfile,
                "the Reference URI must be '#' followed by the ID of the signature's parent",
            );
        }
    };
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
    // §5.4.4 allows only these two; the order is ours: an enveloped transform after c14n would
    // have to re-parse canonical octets, a second parse of what was checked here).
    let mut algorithms = Vec::new();
    let mut exclusive = None;
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
        let prefixes = inclusive_namespaces(doc, t)?;
        if algorithm == C14N_EXC {
            exclusive = Some(prefixes);
        }
        algorithms.push(algorithm);
    }
    if !matches!(algorithms.as_slice(), [ENVELOPED] | [ENVELOPED, C14N_EXC]) {
        return reject(
            Check::SignatureProfile,
            "transforms must be enveloped-signature, optionally followed by exc-c14n",
        );
    }
    let digest = digest_allowed(
        algorithm_of(doc, xml::required_child(doc, reference, NS_DS, "DigestMethod")?)?,
        allow_sha1,
    )?;
    Ok(Parts {
        signed_info,
        signed_info_prefixes,
        algorithm,
        uri,
        exclusive,
        digest,
        digest_value: xml::required_child(doc, reference, NS_DS, "DigestValue")?,
        signature_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        assert!(digest_allowed("http://www.w3.org/2001/04/xmlenc#sha256", false).is_ok());
        assert!(digest_allowed("http://www.w3.org/2000/09/xmldsig#sha1", false).is_err());
        assert!(digest_allowed("http://www.w3.org/2000/09/xmldsig#sha1", true).is_ok());
        assert!(digest_allowed("http://www.w3.org/2001/04/xmldsig-more#md5", true).is_err());
    }

    #[test]
    fn one_inclusive_namespaces_element_at_most() {
        let doc = uppsala::parse(
            r#"<m xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces PrefixList="a  #default b"/></m>"#,
        )
        .unwrap();
        let m = doc.document_element().unwrap();
        assert_eq!(inclusive_namespaces(&doc, m).unwrap(), ["a", "#default", "b"]);
        let two = uppsala::parse(
            r#"<m xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces PrefixList="a"/><ec:InclusiveNamespaces PrefixList="b"/></m>"#,
        )
        .unwrap();
        let m = two.document_element().unwrap();
        assert!(inclusive_namespaces(&two, m).is_err());
    }
}
