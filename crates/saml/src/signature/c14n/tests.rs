//! The hand-written exclusive C14N against bergshamra's on fixed and generated documents.

use proptest::prelude::*;

use super::*;

fn ours(xml: &str, apex_name: &str, excluded_name: Option<&str>, prefixes: &[&str]) -> String {
    let doc = uppsala::parse(xml).unwrap();
    let find = |name: &str| {
        doc.descendants(doc.root())
            .into_iter()
            .find(|id| doc.element(*id).is_some_and(|e| e.name.local_name == name))
            .unwrap()
    };
    let mut out = Vec::new();
    exclusive(&doc, find(apex_name), excluded_name.map(find), prefixes, &mut out);
    compare_with_bergshamra(&doc).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn ancestors_declarations_are_rendered_where_visibly_utilized() {
    let xml = r#"<r:Response xmlns:r="urn:r" xmlns:s="urn:s" xmlns:unused="urn:u"><s:Assertion ID="a" x:y="1" xmlns:x="urn:x"><s:Issuer>i</s:Issuer><ds:Signature xmlns:ds="urn:ds"><ds:V>v</ds:V></ds:Signature><s:Subject>&lt;&amp;&gt;"</s:Subject></s:Assertion></r:Response>"#;
    assert_eq!(
        ours(xml, "Assertion", Some("Signature"), &[]),
        r#"<s:Assertion xmlns:s="urn:s" xmlns:x="urn:x" ID="a" x:y="1"><s:Issuer>i</s:Issuer><s:Subject>&lt;&amp;&gt;"</s:Subject></s:Assertion>"#
    );
}

#[test]
fn prefix_list_and_default_namespace() {
    let xml = r#"<a xmlns="urn:d" xmlns:xs="urn:xs"><b xmlns=""><c xmlns="urn:e"/></b><d/></a>"#;
    assert_eq!(
        ours(xml, "a", None, &["xs"]),
        r#"<a xmlns="urn:d" xmlns:xs="urn:xs"><b xmlns=""><c xmlns="urn:e"></c></b><d></d></a>"#
    );
    assert_eq!(
        ours(xml, "b", None, &["#default"]),
        r#"<b><c xmlns="urn:e"></c></b>"#
    );
}

#[test]
fn comments_are_dropped_and_processing_instructions_kept() {
    let xml = "<a><!-- c --><?pi  data\u{d}?>t&#13;<![CDATA[<x>]]><b  z='&quot;&#9;' y=\"1\"/></a>";
    assert_eq!(
        ours(xml, "a", None, &[]),
        "<a><?pi data&#xD;?>t&#xD;&lt;x&gt;<b y=\"1\" z=\"&quot;&#x9;\"></b></a>"
    );
}

/// One element of a generated document: a name, its declarations, attributes and children.
fn element(depth: u32) -> BoxedStrategy<String> {
    let prefix = prop::sample::select(vec!["", "a:", "b:", "ds:"]);
    let local = prop::sample::select(vec!["E", "Assertion", "Signature", "x"]);
    let declarations = prop::collection::vec(
        prop::sample::select(vec![
            r#" xmlns="urn:one""#,
            r#" xmlns="urn:two""#,
            r#" xmlns="""#,
            r#" xmlns:a="urn:one""#,
            r#" xmlns:a="urn:three""#,
            r#" xmlns:b="urn:two""#,
            r#" xmlns:c="urn:c""#,
        ]),
        0..3,
    );
    let attributes = prop::collection::vec(
        prop::sample::select(vec![
            r#" ID="_1""#,
            r#" z="&lt;&amp;&quot;&#9;&#10;&#13;>""#,
            r#" a:k="v""#,
            r#" b:k="w""#,
            r#" xml:lang="en""#,
            r#" A="""#,
        ]),
        0..3,
    );
    let text = prop::sample::select(vec![
        "",
        " ",
        "\n  ",
        "t&amp;&lt;>\"'",
        "&#13;&#x20AC;é",
        "<!-- note -->",
        "<?pi x?>",
        "<![CDATA[<&>]]>",
    ]);
    let children = if depth == 0 {
        Just(Vec::new()).boxed()
    } else {
        prop::collection::vec((text.clone(), element(depth - 1)), 0..4).boxed()
    };
    (prefix, local, declarations, attributes, children, text)
        .prop_map(|(prefix, local, declarations, attributes, children, tail)| {
            let mut seen = Vec::new();
            let mut out = format!("<{prefix}{local}");
            for d in declarations.iter().chain(attributes.iter()) {
                // A repeated attribute name is not well-formed; keep the first.
                let name = d.split('=').next().unwrap_or_default();
                if !seen.contains(&name) {
                    seen.push(name);
                    out.push_str(d);
                }
            }
            out.push('>');
            for (text, child) in children {
                out.push_str(text);
                out.push_str(&child);
            }
            out.push_str(tail);
            out.push_str(&format!("</{prefix}{local}>"));
            out
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every prefix is declared on the root, so any generated document is namespace-well-formed;
    /// the inner declarations rebind and undeclare the default namespace and rebind `a`.
    #[test]
    fn same_bytes_as_bergshamra(body in element(3)) {
        let xml = format!(r#"<root xmlns:a="urn:one" xmlns:b="urn:two" xmlns:ds="urn:ds">{body}</root>"#);
        let doc = uppsala::parse(&xml).unwrap();
        if let Err(difference) = compare_with_bergshamra(&doc) {
            prop_assert!(false, "{}\n{}", xml, difference);
        }
    }
}
