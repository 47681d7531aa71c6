//! Exclusive XML Canonicalization 1.0 (no comments) of one signed element, the enveloped
//! `ds:Signature` left out: the only canonicalization the SAML profile lets through, written for
//! speed over the document the SP has already parsed.
//!
//! Why not bergshamra's `c14n::canonicalize_doc`, which this reproduces byte for byte (a property
//! test and a fuzz target compare the two on generated and arbitrary documents)? Its general
//! node-set machinery is most of the XML cost of a verification: it materializes the selected
//! subtree as a set of node IDs, keeps in-scope and rendered namespaces in `BTreeMap<String,
//! String>`s and allocates a `HashSet<String>` of prefixes per element. Here a subtree with one
//! excluded child is walked directly, namespaces live on two borrowed stacks, and the scratch
//! vectors are reused across elements, which takes the two canonicalizations of a 4 KB Response
//! from about 9 µs to about 2 µs (BENCHMARKS.md). Escaping and attribute order are bergshamra's own
//! (`c14n::escape`, `c14n::render::Attr`), so only the traversal is ours.

use std::borrow::Cow;

use bergshamra::c14n::escape::{escape_attr_into, escape_pi_into, escape_text_into};
use bergshamra::c14n::render::Attr;
use bergshamra::xml::nodeset::NodeSet;
use uppsala::{Document, NodeId, NodeKind};

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Appends the exclusive canonical form of `apex`'s subtree to `out`, without comments and without
/// `excluded` (the enveloped signature) and its subtree.
///
/// `inclusive_prefixes` is the `InclusiveNamespaces` `PrefixList` (`#default` for the default
/// namespace). Namespace declarations of `apex`'s ancestors are in scope, as in a document subset.
pub(crate) fn exclusive<'d>(
    doc: &'d Document<'d>,
    apex: NodeId,
    excluded: Option<NodeId>,
    inclusive_prefixes: &[&'d str],
    out: &mut Vec<u8>,
) {
    let mut walk = Walk {
        doc,
        excluded,
        inclusive: inclusive_prefixes
            .iter()
            .map(|p| if *p == "#default" { "" } else { *p })
            .collect(),
        in_scope: Vec::new(),
        rendered: Vec::new(),
        utilized: Vec::new(),
        declarations: Vec::new(),
        attributes: Vec::new(),
    };
    // The ancestors' declarations, outermost first, so that nearer ones are found first from the end.
    let mut ancestors = Vec::new();
    let mut cursor = doc.parent(apex);
    while let Some(id) = cursor {
        ancestors.push(id);
        cursor = doc.parent(id);
    }
    for id in ancestors.into_iter().rev() {
        if let Some(element) = doc.element(id) {
            walk.declare(element);
        }
    }
    walk.element(apex, out);
}

/// The traversal state. A prefix maps to `""` on a stack when it is undeclared (`xmlns=""` or
/// `xmlns:p=""`): lookups read that as "not in scope", as bergshamra's map removal does.
struct Walk<'d> {
    doc: &'d Document<'d>,
    excluded: Option<NodeId>,
    inclusive: Vec<&'d str>,
    in_scope: Vec<(&'d str, &'d str)>,
    rendered: Vec<(&'d str, &'d str)>,
    utilized: Vec<&'d str>,
    declarations: Vec<(&'d str, &'d str)>,
    attributes: Vec<Attr<'d>>,
}

fn lookup<'d>(stack: &[(&'d str, &'d str)], prefix: &str) -> Option<&'d str> {
    stack
        .iter()
        .rev()
        .find(|(p, _)| *p == prefix)
        .map(|(_, uri)| *uri)
}

/// The prefix an attribute makes visibly utilized: `xml` for the XML namespace, its own prefix for
/// another namespace, none when it is unqualified (bergshamra's `get_attr_prefix`).
fn attribute_prefix<'d>(attribute: &'d uppsala::Attribute<'d>) -> Option<&'d str> {
    match attribute.name.namespace_uri.as_deref() {
        None => None,
        Some(XML_NAMESPACE) => Some("xml"),
        Some(_) => attribute.name.prefix.as_deref().filter(|p| !p.is_empty()),
    }
}

impl<'d> Walk<'d> {
    fn declare(&mut self, element: &'d uppsala::Element<'d>) {
        for (prefix, uri) in &element.namespace_declarations {
            self.in_scope.push((prefix.as_ref(), uri.as_ref()));
        }
    }

    fn element(&mut self, id: NodeId, out: &mut Vec<u8>) {
        let doc = self.doc;
        let Some(element) = doc.element(id) else {
            return;
        };
        let scope_mark = self.in_scope.len();
        self.declare(element);

        // The visibly utilized prefixes: the element's, its qualified attributes', the PrefixList.
        self.utilized.clear();
        self.utilized.push(element.name.prefix.as_deref().unwrap_or(""));
        for prefix in element.attributes.iter().filter_map(attribute_prefix) {
            if !self.utilized.contains(&prefix) {
                self.utilized.push(prefix);
            }
        }
        for prefix in &self.inclusive {
            if !self.utilized.contains(prefix) {
                self.utilized.push(prefix);
            }
        }

        self.declarations.clear();
        for &prefix in &self.utilized {
            if prefix == "xml" {
                continue;
            }
            match lookup(&self.in_scope, prefix).filter(|uri| !uri.is_empty()) {
                Some(uri) if lookup(&self.rendered, prefix) != Some(uri) => {
                    self.declarations.push((prefix, uri));
                }
                // `xmlns=""` undoes a default namespace an output ancestor rendered.
                None if prefix.is_empty()
                    && lookup(&self.rendered, "").is_some_and(|uri| !uri.is_empty()) =>
                {
                    self.declarations.push(("", ""));
                }
                _ => {}
            }
        }
        // The default namespace first, then by prefix: `""` sorts first by itself.
        self.declarations.sort_unstable_by(|a, b| a.0.cmp(b.0));

        self.attributes.clear();
        for attribute in &element.attributes {
            self.attributes.push(Attr {
                ns_uri: Cow::Borrowed(attribute.name.namespace_uri.as_deref().unwrap_or("")),
                prefix: attribute_prefix(attribute).map(Cow::Borrowed),
                local_name: Cow::Borrowed(attribute.name.local_name.as_ref()),
                value: Cow::Borrowed(attribute.value.as_ref()),
            });
        }
        self.attributes.sort();

        out.push(b'<');
        write_name(out, element);
        for (prefix, uri) in &self.declarations {
            out.extend_from_slice(b" xmlns");
            if !prefix.is_empty() {
                out.push(b':');
                out.extend_from_slice(prefix.as_bytes());
            }
            out.extend_from_slice(b"=\"");
            escape_attr_into(out, uri);
            out.push(b'"');
        }
        for attribute in &self.attributes {
            attribute.write_to(out);
        }
        out.push(b'>');

        let rendered_mark = self.rendered.len();
        self.rendered.extend_from_slice(&self.declarations);
        for child in doc.children_iter(id) {
            match doc.node_kind(child) {
                Some(NodeKind::Element(_)) if Some(child) != self.excluded => self.element(child, out),
                Some(NodeKind::Text(text) | NodeKind::CData(text)) => escape_text_into(out, text),
                Some(NodeKind::ProcessingInstruction(pi)) => {
                    out.extend_from_slice(b"<?");
                    out.extend_from_slice(pi.target.as_bytes());
                    if let Some(data) = pi.data.as_deref().filter(|d| !d.is_empty()) {
                        out.push(b' ');
                        escape_pi_into(out, data);
                    }
                    out.extend_from_slice(b"?>");
                }
                _ => {}
            }
        }
        self.rendered.truncate(rendered_mark);
        self.in_scope.truncate(scope_mark);

        out.extend_from_slice(b"</");
        write_name(out, element);
        out.push(b'>');
    }
}

fn write_name(out: &mut Vec<u8>, element: &uppsala::Element<'_>) {
    if let Some(prefix) = &element.name.prefix {
        out.extend_from_slice(prefix.as_bytes());
        out.push(b':');
    }
    out.extend_from_slice(element.name.local_name.as_bytes());
}

/// The document subset [`exclusive`] canonicalizes, as bergshamra's general canonicalizer takes it:
/// `apex`'s subtree without comments, `excluded`'s subtree removed (the enveloped-signature
/// transform).
pub(super) fn node_set(doc: &Document<'_>, apex: NodeId, excluded: Option<NodeId>) -> NodeSet {
    fn remove_subtree(doc: &Document<'_>, id: NodeId, nodes: &mut NodeSet) {
        nodes.remove_id(id);
        for child in doc.children_iter(id) {
            remove_subtree(doc, child, nodes);
        }
    }
    let mut nodes = NodeSet::tree_without_comments(apex, doc);
    if let Some(excluded) = excluded {
        remove_subtree(doc, excluded, &mut nodes);
    }
    nodes
}

/// The `PrefixList`s the differential check tries on every apex.
const PREFIX_LISTS: [&[&str]; 4] = [
    &[],
    &["a"],
    &["#default", "b"],
    &["a", "b", "c", "#default", "xml"],
];

/// Compares [`exclusive`] with bergshamra's general canonicalizer (`c14n::canonicalize_doc`, the
/// exclusive mode over a node set) on the first 64 elements of `doc` as apex, each with no
/// exclusion and with its first and last element child excluded, under four `PrefixList`s.
///
/// The oracle of the property test beside this module and of the `saml_c14n` fuzz target.
///
/// # Errors
///
/// A description of the first difference, with both outputs.
pub(crate) fn compare_with_bergshamra(doc: &Document<'_>) -> Result<(), String> {
    use bergshamra::c14n::{C14nMode, canonicalize_doc};

    let elements = doc
        .descendants(doc.root())
        .into_iter()
        .filter(|id| doc.element(*id).is_some())
        .take(64);
    for apex in elements {
        let children: Vec<NodeId> = doc
            .children_iter(apex)
            .filter(|c| doc.element(*c).is_some())
            .collect();
        for excluded in [None, children.first().copied(), children.last().copied()] {
            for prefixes in PREFIX_LISTS {
                let nodes = node_set(doc, apex, excluded);
                let Ok(expected) = canonicalize_doc(doc, C14nMode::Exclusive, Some(&nodes), prefixes) else {
                    continue;
                };
                let mut ours = Vec::new();
                exclusive(doc, apex, excluded, prefixes, &mut ours);
                if ours != expected {
                    return Err(format!(
                        "apex {apex:?}, excluded {excluded:?}, PrefixList {prefixes:?}:\n  bergshamra {}\n  ours       {}",
                        String::from_utf8_lossy(&expected),
                        String::from_utf8_lossy(&ours)
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
