//! Hardened XML parsing and small DOM helpers shared by the consumers.

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uppsala::{Document, NodeId, NodeKind};

use crate::error::{Check, Error, reject};

/// SAML 2.0 protocol namespace.
pub(crate) const NS_SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// SAML 2.0 assertion namespace.
pub(crate) const NS_SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// XML-DSig namespace.
pub(crate) const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// SAML 2.0 metadata namespace.
pub(crate) const NS_MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";

/// Maximum element nesting accepted in a SAML message (a real Response nests about 10 deep).
const MAX_DEPTH: u32 = 48;

/// Parses `xml` with DTDs (and therefore entity declarations) forbidden and a small depth cap.
///
/// `uppsala` rejects any `<!DOCTYPE`, so external entities (XXE) and entity expansion (billion
/// laughs) never reach the tree.
pub(crate) fn parse(xml: &str) -> Result<Document<'_>, Error> {
    if xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY") {
        // uppsala forbids them too; this gives a clearer reason.
        return reject(Check::Xml, "document type declarations are forbidden");
    }
    uppsala::Parser::new()
        .with_forbid_dtd(true)
        .with_forbid_entities(true)
        .with_max_depth(MAX_DEPTH)
        .parse(xml)
        .map_err(|e| {
            Error::reject(
                Check::Xml,
                format!("not well-formed XML: {}", sanitize(&e.to_string())),
            )
        })
}

/// Keeps a parser message short and free of document content beyond a few characters.
fn sanitize(message: &str) -> String {
    message.chars().take(120).filter(|c| !c.is_control()).collect()
}

/// True when `id` is an element in namespace `ns` with local name `local`.
pub(crate) fn is(doc: &Document<'_>, id: NodeId, ns: &str, local: &str) -> bool {
    doc.element(id).is_some_and(|e| e.matches_name_ns(ns, local))
}

/// The element children of `id`, in document order.
pub(crate) fn child_elements<'d>(doc: &'d Document<'_>, id: NodeId) -> impl Iterator<Item = NodeId> + 'd {
    doc.children_iter(id).filter(move |c| doc.element(*c).is_some())
}

/// The element children of `id` named `{ns}local`.
pub(crate) fn children_named<'d>(
    doc: &'d Document<'_>,
    id: NodeId,
    ns: &'d str,
    local: &'d str,
) -> impl Iterator<Item = NodeId> + 'd {
    child_elements(doc, id).filter(move |c| is(doc, *c, ns, local))
}

/// The single child `{ns}local` of `id`; `None` when absent, a schema rejection when repeated.
pub(crate) fn optional_child(
    doc: &Document<'_>,
    id: NodeId,
    ns: &str,
    local: &str,
) -> Result<Option<NodeId>, Error> {
    let mut it = children_named(doc, id, ns, local);
    let first = it.next();
    if it.next().is_some() {
        return reject(Check::Schema, format!("more than one {local} element"));
    }
    Ok(first)
}

/// The single required child `{ns}local` of `id`.
pub(crate) fn required_child(doc: &Document<'_>, id: NodeId, ns: &str, local: &str) -> Result<NodeId, Error> {
    optional_child(doc, id, ns, local)?
        .ok_or_else(|| Error::reject(Check::Schema, format!("missing {local} element")))
}

/// The unqualified attribute `name` of element `id`.
///
/// SAML attributes are unqualified; a namespaced attribute of the same local name is not a
/// substitute.
pub(crate) fn attr<'d>(doc: &'d Document<'_>, id: NodeId, name: &str) -> Option<&'d str> {
    doc.element(id)?
        .attributes
        .iter()
        .find(|a| a.name.namespace_uri.is_none() && a.name.prefix.is_none() && a.name.local_name == name)
        .map(|a| &*a.value)
}

/// The full text of element `id`: every text and CDATA child concatenated, comments and
/// processing instructions skipped.
///
/// Reading only the first text node is the comment-injection bug (CVE-2017-11427 and friends):
/// `alice@example.com<!---->.evil.example` must read as the whole string. Element children are
/// refused, since SAML string values never contain markup.
pub(crate) fn full_text(doc: &Document<'_>, id: NodeId) -> Result<String, Error> {
    let mut out = String::new();
    for child in doc.children_iter(id) {
        match doc.node_kind(child) {
            Some(NodeKind::Text(t) | NodeKind::CData(t)) => out.push_str(t),
            Some(NodeKind::Comment(_) | NodeKind::ProcessingInstruction(_)) => {}
            _ => return reject(Check::Schema, "unexpected element inside a text value"),
        }
    }
    Ok(out)
}

/// Parses an `xs:dateTime` in UTC (`2008-01-16T16:54:10Z`, fractional seconds allowed).
pub(crate) fn parse_instant(value: &str, what: &str) -> Result<SystemTime, Error> {
    let parsed = OffsetDateTime::parse(value.trim(), &Rfc3339)
        .map_err(|_| Error::reject(Check::Schema, format!("{what} is not an xs:dateTime")))?;
    Ok(SystemTime::from(parsed))
}

/// Formats `t` as `xs:dateTime` in UTC, whole seconds (`2026-01-01T00:00:00Z`).
///
/// Instants before 1970 or after 9999 are refused rather than risking a panic in `time`.
pub(crate) fn format_instant(t: SystemTime) -> Result<String, Error> {
    let out_of_range = || Error::config("the clock is outside the range of xs:dateTime");
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| out_of_range())?
        .as_secs();
    let secs = i64::try_from(secs).map_err(|_| out_of_range())?;
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|dt| dt.format(&Rfc3339).ok())
        .ok_or_else(out_of_range)
}

/// `t + d`, saturating far in the future instead of overflowing.
pub(crate) fn add(t: SystemTime, d: Duration) -> SystemTime {
    t.checked_add(d).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_text_skips_comments_and_joins_text() {
        let doc = parse("<a>alice@example.com<!---->.evil.example<![CDATA[!]]></a>").unwrap();
        let root = doc.document_element().unwrap();
        assert_eq!(full_text(&doc, root).unwrap(), "alice@example.com.evil.example!");
    }

    #[test]
    fn full_text_refuses_markup() {
        let doc = parse("<a>x<b/>y</a>").unwrap();
        let root = doc.document_element().unwrap();
        assert_eq!(full_text(&doc, root).unwrap_err().check(), Some(Check::Schema));
    }

    #[test]
    fn dtd_is_refused() {
        let e = parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").unwrap_err();
        assert_eq!(e.check(), Some(Check::Xml));
    }

    #[test]
    fn instants_round_trip() {
        let t = parse_instant("2008-01-16T16:54:10Z", "t").unwrap();
        assert_eq!(format_instant(t).unwrap(), "2008-01-16T16:54:10Z");
        assert!(parse_instant("2008-01-16T16:54:10.123Z", "t").is_ok());
        assert_eq!(
            parse_instant("yesterday", "t").unwrap_err().check(),
            Some(Check::Schema)
        );
    }
}
