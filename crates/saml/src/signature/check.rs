//! The cryptographic check of a profile-conforming signature: the Reference digest over the
//! canonical parent (enveloped signature removed), then `SignatureValue` over the canonical
//! `SignedInfo` with the trusted keys only.
//!
//! This is XML-DSig Core's reference and signature validation (§3.2) for the one shape
//! [`profile`](super::profile) lets through, and it replaces bergshamra's general
//! `verify_all_document_with_source` there. The general verifier resolves URIs through an ID map,
//! runs a transform pipeline over node sets and ranks keys by the message's `KeyInfo`; none of
//! that is needed once the profile has fixed the Reference to the signature's parent and the
//! transforms to enveloped + exc-c14n, and it cost 7 µs of 41 per Response. What is kept from it:
//! IDs must be unique in the document (the same attribute names), every `ds:Signature` of the
//! document is checked, Base64 and digest comparison as bergshamra reads them, keys from the
//! configuration only. The attack suite (`tests/it/attacks.rs` and `tests/it/attacks/`) runs against
//! this code.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bergshamra::c14n::{C14nMode, canonicalize_doc};
use uppsala::{Document, NodeId, NodeKind};

use super::keys::TrustedKeys;
use super::profile::Parts;
use super::{c14n, short};
use crate::error::{Check, Error, reject};

/// The attributes bergshamra's verifier treats as IDs (`build_verify_id_map`), matched by local
/// name whatever their namespace.
const ID_ATTRIBUTES: [&str; 4] = ["Id", "ID", "id", "AssertionID"];

/// Adds the values of `element`'s ID attributes to `ids`.
pub(super) fn collect_ids<'d>(element: &'d uppsala::Element<'_>, ids: &mut Vec<&'d str>) {
    ids.extend(
        ID_ATTRIBUTES
            .iter()
            .filter_map(|name| element.get_attribute(name)),
    );
}

/// Refuses a document in which two ID attributes carry the same value (`ids` from
/// [`collect_ids`] on every element): a reference to it would be ambiguous to any other reader.
pub(super) fn unique_ids(mut ids: Vec<&str>) -> Result<(), Error> {
    ids.sort_unstable();
    match ids.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => reject(
            Check::Signature,
            format!("signature processing failed: duplicate ID: {}", short(w[0])),
        ),
        None => Ok(()),
    }
}

/// Checks the digest and the signature value of `sig`, the enveloped signature of `parent`.
pub(super) fn signature(
    doc: &Document<'_>,
    sig: NodeId,
    parent: NodeId,
    parts: &Parts<'_>,
    keys: &TrustedKeys,
    canonical: &mut Vec<u8>,
) -> Result<(), Error> {
    let expected = base64_text(doc, parts.digest_value, "DigestValue")?;
    canonical.clear();
    match &parts.exclusive {
        Some(prefixes) => c14n::exclusive(doc, parent, Some(sig), prefixes, canonical),
        None => inclusive_without(doc, parent, sig, canonical)?,
    }
    let computed = aws_lc_rs::digest::digest(parts.digest, canonical);
    if computed.as_ref() != expected.as_slice() {
        return reject(
            Check::Signature,
            format!(
                "signature is invalid: {}",
                short(&format!(
                    "Reference digest failed: URI={}: expected digest does not match computed digest",
                    parts.uri
                ))
            ),
        );
    }

    canonical.clear();
    c14n::exclusive(
        doc,
        parts.signed_info,
        None,
        &parts.signed_info_prefixes,
        canonical,
    );
    let signature_value = base64_text(doc, parts.signature_value, "SignatureValue")?;
    if keys.verify(parts.algorithm, canonical, &signature_value) {
        Ok(())
    } else {
        reject(
            Check::Signature,
            "signature is invalid: signature value verification failed",
        )
    }
}

/// Inclusive C14N 1.0 of `parent` without `sig`: what XML-DSig applies to the node set of the
/// enveloped transform when no c14n transform follows. Rare in SAML, so bergshamra's general
/// canonicalizer does it.
fn inclusive_without(
    doc: &Document<'_>,
    parent: NodeId,
    sig: NodeId,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let nodes = c14n::node_set(doc, parent, Some(sig));
    let canonical =
        canonicalize_doc(doc, C14nMode::Inclusive, Some(&nodes), &[] as &[&str]).map_err(|e| {
            Error::reject(
                Check::Signature,
                format!(
                    "signature is invalid: signature could not be processed: {}",
                    short(&e.to_string())
                ),
            )
        })?;
    out.extend_from_slice(&canonical);
    Ok(())
}

/// The Base64 content of `id`, read as bergshamra reads it: its first text node, every whitespace
/// character removed, standard alphabet with padding.
fn base64_text(doc: &Document<'_>, id: NodeId, what: &str) -> Result<Vec<u8>, Error> {
    let text = doc
        .children_iter(id)
        .find_map(|c| match doc.node_kind(c) {
            Some(NodeKind::Text(t) | NodeKind::CData(t)) => Some(t.as_ref()),
            _ => None,
        })
        .unwrap_or("");
    // Base64 is ASCII: only an ASCII text can decode, so the Unicode whitespace bergshamra also
    // removes (`char::is_whitespace`) need not be looked for in it.
    let clean: Vec<u8> = if text.is_ascii() {
        text.bytes()
            .filter(|b| !b.is_ascii_whitespace() && *b != 0x0b)
            .collect()
    } else {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into_bytes()
    };
    STANDARD.decode(clean).map_err(|_| {
        Error::reject(
            Check::Signature,
            format!("signature is invalid: signature could not be processed: {what} is not Base64"),
        )
    })
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
            let mut ids = Vec::new();
            for node in doc.descendants(doc.root()) {
                if let Some(element) = doc.element(node) {
                    collect_ids(element, &mut ids);
                }
            }
            assert_eq!(unique_ids(ids).is_ok(), unique, "{xml}");
        }
    }

    #[test]
    fn base64_is_read_from_the_first_text_node_without_whitespace() {
        let doc = uppsala::parse("<v> QUJD\n RA== <!--x-->QQ==</v>").unwrap();
        let v = doc.document_element().unwrap();
        assert_eq!(base64_text(&doc, v, "DigestValue").unwrap(), b"ABCD");
        let doc = uppsala::parse("<v>QUJ</v>").unwrap();
        let v = doc.document_element().unwrap();
        assert!(base64_text(&doc, v, "DigestValue").is_err());
    }
}
