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
//! every `ds:Signature` of the document is checked, Base64 and digest comparison as bergshamra
//! reads them, keys from the configuration only. Unique IDs, which it required too, are checked
//! before this by every caller (`response::check_unique_ids`). The attack suite
//! (`tests/it/attacks.rs` and `tests/it/attacks/`) runs against this code.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bergshamra::c14n::{C14nMode, canonicalize_doc};
use uppsala::{Document, NodeId, NodeKind};

use super::keys::TrustedKeys;
use super::profile::Parts;
use super::{c14n, short};
use crate::error::{Check, Error, reject};

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
    fn base64_is_read_from_the_first_text_node_without_whitespace() {
        let doc = uppsala::parse("<v> QUJD\n RA== <!--x-->QQ==</v>").unwrap();
        let v = doc.document_element().unwrap();
        assert_eq!(base64_text(&doc, v, "DigestValue").unwrap(), b"ABCD");
        let doc = uppsala::parse("<v>QUJ</v>").unwrap();
        let v = doc.document_element().unwrap();
        assert!(base64_text(&doc, v, "DigestValue").is_err());
    }
}
