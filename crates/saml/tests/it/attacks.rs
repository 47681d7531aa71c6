//! The attack suite: each forgery starts from an honest `xmlsec1`-signed response and must be
//! rejected by the named check. One child module per attack family:
//!
//! - [`wrapping`]: XML Signature Wrapping (XSW1–8 and single-assertion variants), duplicate IDs,
//!   several or swapped-in assertions;
//! - [`signature`]: signatures stripped, signed content tampered with, the attacker's key, no
//!   trusted certificate, weak or confused algorithms (HMAC key confusion, SHA-1);
//! - [`profile`]: the one signature shape accepted (placement, references, transforms, objects);
//! - [`parser`]: DTDs (XXE, entity expansion), deep nesting, size limits, garbage input;
//! - [`comments`]: comment injection into signed text;
//! - [`protocol`]: status, versions, Destination, Issuer, SubjectConfirmation, InResponseTo,
//!   Conditions, Audience, and errors free of personal data;
//! - [`replay`]: assertion replay, single-use requests, clock skew.
//!
//! The helpers below cut and rebuild the signed XML the families share.

mod comments;
mod parser;
mod profile;
mod protocol;
mod replay;
mod signature;
mod wrapping;

use crate::support::{Resp, Sign};

/// The opening of a signature element (not `SignatureValue` or `SignatureMethod`).
const SIG_OPEN: &str = "<ds:Signature xmlns";

const EVIL_NAME: &str = "admin@sp.example";

fn signed(sign: Sign) -> String {
    Resp {
        sign,
        ..Resp::default()
    }
    .signed()
}

/// The `n`th `<ds:Signature>…</ds:Signature>` block.
fn signature_block(xml: &str, n: usize) -> String {
    let start = xml.match_indices(SIG_OPEN).nth(n).expect("signature").0;
    let end = xml[start..].find("</ds:Signature>").expect("end") + start + "</ds:Signature>".len();
    xml[start..end].to_owned()
}

fn assertion_block(xml: &str) -> String {
    let start = xml.find("<saml:Assertion").expect("assertion");
    let end = xml.rfind("</saml:Assertion>").expect("end") + "</saml:Assertion>".len();
    xml[start..end].to_owned()
}

fn without_signatures(xml: &str) -> String {
    let mut out = xml.to_owned();
    while out.contains(SIG_OPEN) {
        out = out.replacen(&signature_block(&out, 0), "", 1);
    }
    out
}

/// An evil copy of the assertion: new ID, attacker's NameID, no signature.
fn evil_assertion(original: &str) -> String {
    without_signatures(original)
        .replace("ID=\"_assert1\"", "ID=\"_evil\"")
        .replace("4b124ae2-0126-102b-8852-001a641049bb", EVIL_NAME)
}
