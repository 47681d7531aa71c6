//! Exclusive C14N as signed by a third party (xmlsec1): PrefixLists, comments and processing
//! instructions inside the signed Assertion.

use netid_saml::Check;

use crate::support::{self, Resp, verifier, verify};

#[test]
fn inclusive_namespaces_prefix_lists_are_honoured() {
    // IdPs that type attribute values (`xsi:type="xs:string"`) list `xs` and `xsi` in the
    // PrefixList of the exc-c14n transform, and sometimes of SignedInfo's c14n: the prefixes are
    // then rendered on every element of the canonical form, used or not. Signed by xmlsec1.
    let ns = "http://www.w3.org/2001/10/xml-exc-c14n#";
    let template = Resp::default().render(true, false);
    let with_lists = template
        .replacen(
            &format!("<ds:Transform Algorithm=\"{ns}\"/>"),
            &format!("<ds:Transform Algorithm=\"{ns}\"><ec:InclusiveNamespaces xmlns:ec=\"{ns}\" PrefixList=\"xs xsi\"/></ds:Transform>"),
            1,
        )
        .replacen(
            &format!("<ds:CanonicalizationMethod Algorithm=\"{ns}\"/>"),
            &format!("<ds:CanonicalizationMethod Algorithm=\"{ns}\"><ec:InclusiveNamespaces xmlns:ec=\"{ns}\" PrefixList=\"#default ds\"/></ds:CanonicalizationMethod>"),
            1,
        );
    assert_eq!(
        with_lists.matches("PrefixList").count(),
        2,
        "both lists are in the template"
    );
    let xml = support::xmlsec1_sign(&with_lists, "idp", support::RSA_SHA256);
    verify(&xml).expect("a Response signed with PrefixLists");
    // The list is covered by the signature: another list gives another canonical form.
    let altered = xml.replacen("PrefixList=\"xs xsi\"", "PrefixList=\"xs\"", 1);
    support::check_rejected(&verifier(), &altered, Check::Signature);
}

#[test]
fn comments_and_processing_instructions_inside_the_assertion() {
    // Exclusive C14N without comments drops comments and keeps processing instructions: a
    // comment added after signing leaves the signature valid, a processing instruction does not.
    let template = Resp::default().render(true, false).replacen(
        "<saml:Conditions",
        "<!-- before conditions --><?idp-note kept?><saml:Conditions",
        1,
    );
    let xml = support::xmlsec1_sign(&template, "idp", support::RSA_SHA256);
    verify(&xml).expect("signed with a comment and a processing instruction");
    verify(&xml.replacen("<!-- before conditions -->", "<!-- another -->", 1))
        .expect("comments are not signed");
    let pi = xml.replacen("<?idp-note kept?>", "<?idp-note changed?>", 1);
    support::check_rejected(&verifier(), &pi, Check::Signature);
}
