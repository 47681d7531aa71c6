//! HTTP-Redirect binding: responses whose query string is signed by the `openssl` CLI.

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_saml::{Check, Error, VerifiedAssertion};

use crate::support::{
    Resp, Sign, ecdsa_der_to_raw, now, openssl_sign, stores, verifier, verifier_rsa_and_ec,
};

const SHA256: &str = "http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256";
const SHA1: &str = "http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23rsa-sha1";

fn enc(s: &str) -> String {
    // Uppercase escapes of everything but RFC 3986 unreserved characters.
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `SAMLResponse` value for the unsigned honest response.
fn message() -> String {
    let xml = Resp {
        sign: Sign::Nothing,
        ..Resp::default()
    }
    .signed();
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(xml.as_bytes()).unwrap();
    enc(&STANDARD.encode(e.finish().unwrap()))
}

/// Signs `signed_part` with the IdP key and returns `signed_part&Signature=…`.
fn sign(signed_part: &str, digest: &str) -> String {
    let sig = openssl_sign(signed_part.as_bytes(), "idp", digest);
    format!("{signed_part}&Signature={}", enc(&STANDARD.encode(sig)))
}

fn check(query: &str) -> Result<VerifiedAssertion, Error> {
    let (requests, replay) = stores();
    verifier().verify_redirect(query, now(), &requests, &replay)
}

#[track_caller]
fn check_rejected(query: &str, expected: Check) {
    match check(query) {
        Ok(_) => panic!("accepted a forged query"),
        Err(e) => assert_eq!(e.check(), Some(expected), "{e}"),
    }
}

#[test]
fn honest_signed_query_is_accepted() {
    let q = sign(
        &format!(
            "SAMLResponse={}&RelayState=%2Fhome%3Fx%3D1&SigAlg={SHA256}",
            message()
        ),
        "sha256",
    );
    let a = check(&format!("?{q}")).expect("honest redirect");
    assert_eq!(
        a.name_id.value.expose_pii(),
        "4b124ae2-0126-102b-8852-001a641049bb"
    );
    let q = sign(&format!("SAMLResponse={}&SigAlg={SHA256}", message()), "sha256");
    check(&q).expect("honest redirect without RelayState");
}

#[test]
fn ecdsa_signed_query_is_accepted() {
    // XML-DSig's ECDSA signature value (RFC 4050 `r || s`) carried as the query Signature.
    for (uri, digest) in [
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "sha256"),
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", "sha512"),
    ] {
        let part = format!("SAMLResponse={}&RelayState=abc&SigAlg={}", message(), enc(uri));
        let der = openssl_sign(part.as_bytes(), "idp-ec", digest);
        let raw = ecdsa_der_to_raw(&der, 32);
        let q = format!("{part}&Signature={}", enc(&STANDARD.encode(&raw)));
        let (requests, replay) = stores();
        verifier_rsa_and_ec()
            .verify_redirect(&q, now(), &requests, &replay)
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
        // The same signature over a tampered RelayState, or with the RSA certificate only, fails.
        let tampered = q.replace("RelayState=abc", "RelayState=abd");
        let (requests, replay) = stores();
        let e = verifier_rsa_and_ec()
            .verify_redirect(&tampered, now(), &requests, &replay)
            .unwrap_err();
        assert_eq!(e.check(), Some(Check::QuerySignature), "{e}");
        check_rejected(&q, Check::QuerySignature);
    }
}

#[test]
fn reordered_parameters_verify_in_the_fixed_order() {
    let m = message();
    let q = sign(
        &format!("SAMLResponse={m}&RelayState=abc&SigAlg={SHA256}"),
        "sha256",
    );
    let sig = q.split("&Signature=").nth(1).unwrap();
    check(&format!(
        "Signature={sig}&SigAlg={SHA256}&RelayState=abc&SAMLResponse={m}"
    ))
    .expect("any received order");
    // A signature over another order is not a signature over the SAML order.
    let q = sign(
        &format!("SigAlg={SHA256}&SAMLResponse={m}&RelayState=abc"),
        "sha256",
    );
    check_rejected(&q, Check::QuerySignature);
}

#[test]
fn tampered_relay_state() {
    let q = sign(
        &format!("SAMLResponse={}&RelayState=abc&SigAlg={SHA256}", message()),
        "sha256",
    );
    check_rejected(
        &q.replace("RelayState=abc", "RelayState=evil"),
        Check::QuerySignature,
    );
}

/// Found by the sandbox's `server_query_signature` fuzz target, the same reading here: the `=` of
/// a signed empty `RelayState` changed to `&` must not rebuild the signed octets.
#[test]
fn fuzz_regression_bare_relay_state_is_not_an_empty_one() {
    let q = sign(
        &format!("SAMLResponse={}&RelayState=&SigAlg={SHA256}", message()),
        "sha256",
    );
    check(&q).expect("a signed empty RelayState verifies");
    check_rejected(&q.replace("RelayState=&", "RelayState&&"), Check::QuerySignature);
    check_rejected(&q.replace("&RelayState=", "&RelayState"), Check::QuerySignature);
}

#[test]
fn injected_relay_state() {
    let q = sign(&format!("SAMLResponse={}&SigAlg={SHA256}", message()), "sha256");
    check_rejected(&format!("{q}&RelayState=evil"), Check::QuerySignature);
}

#[test]
fn duplicated_parameter() {
    let q = sign(
        &format!("SAMLResponse={}&RelayState=abc&SigAlg={SHA256}", message()),
        "sha256",
    );
    check_rejected(&format!("{q}&RelayState=abc"), Check::QuerySignature);
}

#[test]
fn swapped_sig_alg() {
    let q = sign(&format!("SAMLResponse={}&SigAlg={SHA256}", message()), "sha256");
    let sha512 = "http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha512";
    check_rejected(&q.replace(SHA256, sha512), Check::QuerySignature);
    check_rejected(&q.replace(SHA256, SHA1), Check::Algorithm);
    let hmac = "http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23hmac-sha1";
    check_rejected(&q.replace(SHA256, hmac), Check::Algorithm);
}

#[test]
fn sha1_query_signature_only_with_opt_in() {
    let q = sign(&format!("SAMLResponse={}&SigAlg={SHA1}", message()), "sha1");
    check_rejected(&q, Check::Algorithm);
    let (requests, replay) = stores();
    verifier()
        .insecure_allow_sha1(true)
        .verify_redirect(&q, now(), &requests, &replay)
        .expect("sha1 with opt-in");
}

#[test]
fn missing_signature() {
    check_rejected(
        &format!("SAMLResponse={}&SigAlg={SHA256}", message()),
        Check::QuerySignature,
    );
    check_rejected(&format!("SAMLResponse={}", message()), Check::QuerySignature);
    let q = sign(&format!("SAMLResponse={}&SigAlg={SHA256}", message()), "sha256");
    check_rejected(
        &q.replace(&format!("&SigAlg={SHA256}"), ""),
        Check::QuerySignature,
    );
}

#[test]
fn lowercase_percent_escapes() {
    // Re-encoding the received values (here: lowercase escapes) changes the signed octets.
    let q = sign(
        &format!("SAMLResponse={}&RelayState=%2Fhome&SigAlg={SHA256}", message()),
        "sha256",
    );
    let lowered = q
        .replace("%2F", "%2f")
        .replace("%2B", "%2b")
        .replace("%3D", "%3d");
    check_rejected(&lowered, Check::QuerySignature);
    // An IdP that itself signs lowercase escapes is verified over exactly what it sent.
    let m = message()
        .replace("%2F", "%2f")
        .replace("%2B", "%2b")
        .replace("%3D", "%3d");
    let q = sign(
        &format!("SAMLResponse={m}&RelayState=%2fhome&SigAlg={SHA256}"),
        "sha256",
    );
    check(&q).expect("raw octets are verified");
}

#[test]
fn tampered_message() {
    let xml = Resp {
        sign: Sign::Nothing,
        ..Resp::default()
    }
    .signed()
    .replace("4b124ae2", "admin000");
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(xml.as_bytes()).unwrap();
    let evil = enc(&STANDARD.encode(e.finish().unwrap()));
    let q = sign(&format!("SAMLResponse={}&SigAlg={SHA256}", message()), "sha256");
    check_rejected(&q.replace(&message(), &evil), Check::QuerySignature);
}

#[test]
fn attacker_signed_query() {
    let part = format!("SAMLResponse={}&SigAlg={SHA256}", message());
    let sig = openssl_sign(part.as_bytes(), "attacker", "sha256");
    check_rejected(
        &format!("{part}&Signature={}", enc(&STANDARD.encode(sig))),
        Check::QuerySignature,
    );
}

#[test]
fn deflate_bomb_is_capped() {
    let bomb = vec![b' '; 2 * 1024 * 1024];
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&bomb).unwrap();
    let m = enc(&STANDARD.encode(e.finish().unwrap()));
    let q = sign(&format!("SAMLResponse={m}&SigAlg={SHA256}"), "sha256");
    check_rejected(&q, Check::Size);
}

#[test]
fn protocol_checks_still_apply() {
    let xml = Resp {
        sign: Sign::Nothing,
        destination: None,
        ..Resp::default()
    }
    .signed();
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(xml.as_bytes()).unwrap();
    let m = enc(&STANDARD.encode(e.finish().unwrap()));
    check_rejected(
        &sign(&format!("SAMLResponse={m}&SigAlg={SHA256}"), "sha256"),
        Check::Destination,
    );
}

/// Behind a valid query signature, the decoding and the consumer still meet arbitrary content: the
/// message truncated, bytes flipped across the XML, the DEFLATE stream cut. Each query is signed by
/// the IdP key, so only the message's own checks decide; every outcome is an acceptance or a typed
/// rejection, never a panic.
#[test]
fn signed_queries_of_damaged_messages_end_in_typed_results() {
    let xml = Resp {
        sign: Sign::Nothing,
        ..Resp::default()
    }
    .signed();
    let deflate = |bytes: &[u8]| {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for step in 1..=12 {
        let at = xml.len() * step / 13;
        let mut flipped = xml.as_bytes().to_vec();
        flipped[at] ^= 0x20;
        messages.push(deflate(&flipped));
        messages.push(deflate(&xml.as_bytes()[..at]));
    }
    let whole = deflate(xml.as_bytes());
    messages.push(whole[..whole.len() / 2].to_vec());
    messages.push(Vec::new());
    let mut outcomes = std::collections::BTreeMap::new();
    for message in messages {
        let value = enc(&STANDARD.encode(&message));
        let query = sign(&format!("SAMLResponse={value}&SigAlg={SHA256}"), "sha256");
        let outcome = match check(&query) {
            Ok(_) => String::from("accepted"),
            Err(error) => format!("{:?}", error.check().expect("a typed check")),
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    // Cut XML and cut DEFLATE streams are encoding or schema failures; a flipped letter case may
    // still be accepted (the IdP signed the query, and it may land in a value), or fail its check.
    assert!(
        outcomes.keys().any(|outcome| outcome != "accepted"),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains_key("Encoding") || outcomes.contains_key("Schema"),
        "{outcomes:?}"
    );
}
