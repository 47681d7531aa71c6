//! Schema-level checks of a Response: allowed children, required attributes, Status, unique
//! IDs, and where the one (plain or encrypted) Assertion sits.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use uppsala::{Document, NodeId};

use crate::error::{Check, Error, reject};
use crate::signature::short;
use crate::xml::{self, NS_DS, NS_SAML, NS_SAMLP};

const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// The children SAML Core's schema allows in a Response.
pub(super) const RESPONSE_CHILDREN: &[(&str, &str)] = &[
    (NS_SAML, "Issuer"),
    (NS_DS, "Signature"),
    (NS_SAMLP, "Extensions"),
    (NS_SAMLP, "Status"),
    (NS_SAML, "Assertion"),
    (NS_SAML, "EncryptedAssertion"),
];

/// The children SAML Core's schema allows in an Assertion.
pub(super) const ASSERTION_CHILDREN: &[(&str, &str)] = &[
    (NS_SAML, "Issuer"),
    (NS_DS, "Signature"),
    (NS_SAML, "Subject"),
    (NS_SAML, "Conditions"),
    (NS_SAML, "Advice"),
    (NS_SAML, "Statement"),
    (NS_SAML, "AuthnStatement"),
    (NS_SAML, "AuthzDecisionStatement"),
    (NS_SAML, "AttributeStatement"),
];

/// Refuses unknown children: an element the schema does not allow is either an attack (a
/// signature moved into a foreign namespace, a smuggled payload) or a parser differential waiting
/// to happen.
pub(crate) fn only_children(
    doc: &Document<'_>,
    id: NodeId,
    whose: &str,
    allowed: &[(&str, &str)],
) -> Result<(), Error> {
    for child in xml::child_elements(doc, id) {
        if !allowed.iter().any(|(ns, local)| xml::is(doc, child, ns, local)) {
            return reject(
                Check::Schema,
                format!("the {whose} has an element its schema does not allow"),
            );
        }
    }
    Ok(())
}

pub(crate) fn required_attr<'d>(
    doc: &'d Document<'_>,
    id: NodeId,
    name: &str,
    whose: &str,
) -> Result<&'d str, Error> {
    match xml::attr(doc, id, name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => reject(Check::Schema, format!("the {whose} has no {name}")),
    }
}

pub(crate) fn require_version(doc: &Document<'_>, id: NodeId, whose: &str) -> Result<(), Error> {
    if xml::attr(doc, id, "Version") == Some("2.0") {
        Ok(())
    } else {
        reject(Check::Schema, format!("the {whose} Version is not 2.0"))
    }
}

pub(super) fn check_status(doc: &Document<'_>, root: NodeId) -> Result<(), Error> {
    let status = xml::optional_child(doc, root, NS_SAMLP, "Status")?
        .ok_or_else(|| Error::reject(Check::Status, "the Response has no Status"))?;
    let code = xml::optional_child(doc, status, NS_SAMLP, "StatusCode")?
        .ok_or_else(|| Error::reject(Check::Status, "the Status has no StatusCode"))?;
    match xml::attr(doc, code, "Value") {
        Some(STATUS_SUCCESS) => Ok(()),
        Some(other) => reject(Check::Status, format!("status is {}", short(other))),
        None => reject(Check::Status, "the StatusCode has no Value"),
    }
}

/// Every ID-like attribute value (`ID`, `Id`, `id`, `AssertionID`, in any namespace) is unique
/// across `docs` (the Response and, when encrypted, the decrypted Assertion), so no reference can
/// resolve to two candidates in any reader.
pub(crate) fn check_unique_ids(docs: &[&Document<'_>]) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    for doc in docs {
        for node in doc.descendants(doc.root()) {
            let Some(e) = doc.element(node) else { continue };
            for a in &e.attributes {
                if matches!(&*a.name.local_name, "ID" | "Id" | "id" | "AssertionID")
                    && !seen.insert(a.value.to_string())
                {
                    return reject(Check::DuplicateId, "two elements share an ID");
                }
            }
        }
    }
    Ok(())
}

/// The one Assertion a Response carries, in the clear or encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Payload {
    /// A `saml:Assertion` child.
    Plain(NodeId),
    /// A `saml:EncryptedAssertion` child.
    Encrypted(NodeId),
}

/// Exactly one `saml:Assertion` or `saml:EncryptedAssertion` in the whole subtree of `root`
/// (together: a signed plain assertion beside an encrypted one is a wrapping attack either way
/// round), and it is a child of `root`.
pub(super) fn single_assertion(doc: &Document<'_>, root: NodeId) -> Result<Payload, Error> {
    let mut found = None;
    for node in doc.descendants(root) {
        let payload = if xml::is(doc, node, NS_SAML, "Assertion") {
            Payload::Plain(node)
        } else if xml::is(doc, node, NS_SAML, "EncryptedAssertion") {
            Payload::Encrypted(node)
        } else {
            continue;
        };
        if found.is_some() {
            return reject(
                Check::AssertionCount,
                "the document holds more than one Assertion or EncryptedAssertion",
            );
        }
        found = Some((node, payload));
    }
    let (node, payload) =
        found.ok_or_else(|| Error::reject(Check::AssertionCount, "the Response holds no Assertion"))?;
    if doc.parent(node) != Some(root) {
        return reject(
            Check::AssertionCount,
            "the Assertion is not a child of the Response",
        );
    }
    Ok(payload)
}

/// Decodes a Base64 form value with a size cap; ASCII whitespace (line breaks) is ignored.
pub(crate) fn decode_base64(input: &[u8], max_decoded: usize) -> Result<Vec<u8>, Error> {
    if input.len() > max_decoded.saturating_mul(2).saturating_add(1024) {
        return reject(Check::Size, format!("message exceeds {max_decoded} bytes"));
    }
    let compact: Vec<u8> = input
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let decoded = STANDARD
        .decode(&compact)
        .map_err(|_| Error::reject(Check::Encoding, "the message is not valid Base64"))?;
    if decoded.len() > max_decoded {
        return reject(Check::Size, format!("message exceeds {max_decoded} bytes"));
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_across_the_id_attribute_names() {
        for (xml, unique) in [
            (r#"<a ID="x"><b ID="y"/><c Id="z" AssertionID="w"/></a>"#, true),
            (r#"<a ID="x"><b Id="x"/></a>"#, false),
            (r#"<a ID="x"><b AssertionID="x"/></a>"#, false),
            (r#"<a xmlns:p="urn:p"><b p:id="x"/><c ID="x"/></a>"#, false),
            (r#"<a ID="x"><b Name="x"/></a>"#, true),
        ] {
            let doc = uppsala::parse(xml).unwrap();
            assert_eq!(check_unique_ids(&[&doc]).is_ok(), unique, "{xml}");
        }
        // Across the Response and the decrypted Assertion too.
        let outer = uppsala::parse(r#"<r ID="x"/>"#).unwrap();
        let inner = uppsala::parse(r#"<a ID="x"/>"#).unwrap();
        assert_eq!(
            check_unique_ids(&[&outer, &inner]).unwrap_err().check(),
            Some(Check::DuplicateId)
        );
    }
}
