//! Comment injection: a comment inside signed text (invisible to exclusive C14N) must never
//! truncate the value the SP reads.

use crate::support::{Resp, verify};

#[test]
fn comment_injection_in_nameid_reads_the_full_value() {
    // The IdP signed "alice@example.com.evil.example"; exc-c14n ignores comments, so a comment
    // inserted after signing keeps the signature valid. A vulnerable SP reads the first text node
    // ("alice@example.com"); ours must read the whole value.
    let resp = Resp {
        name_id: "alice@example.com.evil.example".to_owned(),
        ..Resp::default()
    };
    let forged = resp.signed().replace(
        "alice@example.com.evil.example",
        "alice@example.com<!---->.evil.example",
    );
    let a = verify(&forged).expect("signature still valid");
    assert_eq!(a.name_id.value.expose_pii(), "alice@example.com.evil.example");
    // The same for attribute values.
    let forged = Resp::default()
        .signed()
        .replace(">alice@example.com<", ">alice@<!-- x -->example.com<");
    let a = verify(&forged).expect("signature still valid");
    assert_eq!(
        a.attribute("emailaddress").unwrap()[0].expose_pii(),
        "alice@example.com"
    );
}

#[test]
fn comment_in_signed_nameid_at_signing_time() {
    // A comment present when signing is part of the signed text's gaps, never a truncation.
    let resp = Resp {
        name_id: "alice<!--x-->@example.com".to_owned(),
        ..Resp::default()
    };
    let a = verify(&resp.signed()).unwrap();
    assert_eq!(a.name_id.value.expose_pii(), "alice@example.com");
}
