//! Honest responses signed by a real third-party signer are accepted, with every value read.

use std::time::Duration;

use netid_saml::{Check, InMemoryReplayCache, InMemoryRequestStore, RequestStore as _};

use crate::support::{self, ACS, IDP, REQ, Resp, Sign, now, verifier, verify, verify_with};

#[test]
fn assertion_signed_is_accepted_with_every_value() {
    let a = verify(&Resp::default().signed()).expect("honest response");
    assert_eq!(
        a.name_id.value.expose_pii(),
        "4b124ae2-0126-102b-8852-001a641049bb"
    );
    assert_eq!(
        a.name_id.format.as_deref(),
        Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    );
    assert_eq!(a.session_index.as_deref(), Some("_session1"));
    assert_eq!(
        a.authn_context_class_ref.as_deref(),
        Some("urn:oasis:names:tc:SAML:2.0:ac:classes:Password")
    );
    assert_eq!(a.issuer, IDP);
    assert_eq!(a.in_response_to.as_deref(), Some(REQ));
    assert_eq!(a.assertion_id, "_assert1");
    assert!(a.assertion_signed && !a.response_signed);
    let roles: Vec<&str> = a
        .attribute("role")
        .unwrap()
        .iter()
        .map(|v| v.expose_pii().as_str())
        .collect();
    assert_eq!(roles, ["reader", "writer"]);
}

#[test]
fn response_signed_is_accepted() {
    let a = verify(
        &Resp {
            sign: Sign::Response,
            ..Resp::default()
        }
        .signed(),
    )
    .expect("honest response");
    assert!(a.response_signed && !a.assertion_signed);
}

#[test]
fn both_signed_is_accepted() {
    let xml = Resp {
        sign: Sign::Both,
        ..Resp::default()
    }
    .signed();
    assert_eq!(xml.matches("<ds:Signature xmlns").count(), 2);
    let a = verify(&xml).expect("honest response");
    assert!(a.response_signed && a.assertion_signed);
    let a = verify_with(&verifier().want_assertions_signed(true), &xml).expect("assertion is signed");
    assert!(a.assertion_signed);
}

#[test]
fn ecdsa_p256_signature_is_accepted() {
    let resp = Resp {
        key: "idp-ec",
        sig_alg: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256".to_owned(),
        ..Resp::default()
    };
    verify_with(&support::verifier_rsa_and_ec(), &resp.signed()).expect("ecdsa response");
}

#[test]
fn rsa_sha512_is_accepted() {
    let resp = Resp {
        sig_alg: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512".to_owned(),
        digest: "http://www.w3.org/2001/04/xmlenc#sha512".to_owned(),
        ..Resp::default()
    };
    verify(&resp.signed()).expect("rsa-sha512 response");
}

#[test]
fn sha1_is_accepted_only_with_the_insecure_opt_in() {
    let resp = Resp {
        sig_alg: "http://www.w3.org/2000/09/xmldsig#rsa-sha1".to_owned(),
        digest: "http://www.w3.org/2000/09/xmldsig#sha1".to_owned(),
        ..Resp::default()
    };
    let xml = resp.signed();
    support::check_rejected(&verifier(), &xml, Check::Algorithm);
    verify_with(&verifier().insecure_allow_sha1(true), &xml).expect("sha1 with opt-in");
}

#[test]
fn orange_profile_is_typed_and_redacted() {
    let a = verify(&Resp::default().signed()).unwrap();
    let p = a.orange_profile();
    assert_eq!(
        p.api_token.as_ref().unwrap().expose_secret(),
        "B64W7ElXGlIgvEdGOqlH9zuQQoSu1CS4QOSv9/NoPtNva4psRc+c5BFR3z0xc3DkZrelwNonn+fVG41RDBWZfdYovGxJvXZ9NTSLkMZeQwmN08=|sau=UNAVAILABLE|ted=1200503587|oJkued8sD2qnZiMj2HIDyLrpkhM="
    );
    assert_eq!(p.mobile_phone.as_ref().unwrap().expose_e164(), "+33699901040");
    assert_eq!(p.given_name.as_ref().unwrap().expose_pii(), "Alice");
    assert_eq!(p.user_type.as_deref(), Some("internet&mobile"));
    insta::assert_debug_snapshot!("orange_profile_debug", p);
    insta::assert_debug_snapshot!("verified_assertion_debug", a);
}

#[test]
fn orange_sample_quirks_are_tolerated() {
    // Operator page 003: NameID padded with whitespace, the misspelt transient format, and the
    // token folded over several lines.
    let resp = Resp {
        name_id: "\n    YFOzpbiBX0zAJ61BI5jIRrze3ygWxW4V\n    ".to_owned(),
        name_id_format: "urn:oasis:names:tc:SAML:2.0:nameidformat:transient".to_owned(),
        ..Resp::default()
    };
    let a = verify(&resp.signed()).unwrap();
    assert_eq!(a.name_id.value.expose_pii(), "YFOzpbiBX0zAJ61BI5jIRrze3ygWxW4V");
    assert_eq!(
        a.name_id.format.as_deref(),
        Some("urn:oasis:names:tc:SAML:2.0:nameidformat:transient")
    );
}

#[test]
fn base64_post_body_is_accepted() {
    use base64::Engine as _;
    let xml = Resp::default().signed();
    // Browsers and IdPs wrap long Base64 lines; the decoder ignores the breaks.
    let b64 = base64::engine::general_purpose::STANDARD.encode(xml);
    let wrapped: Vec<String> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let (requests, replay) = support::stores();
    verifier()
        .verify_post(wrapped.join("\r\n").as_bytes(), now(), &requests, &replay)
        .expect("base64 body");
}

#[test]
fn unsolicited_is_accepted_when_allowed() {
    let resp = Resp {
        response_irt: None,
        scd_irt: None,
        ..Resp::default()
    };
    let xml = resp.signed();
    support::check_rejected(&verifier(), &xml, Check::InResponseTo);
    let a = verify_with(&verifier().allow_unsolicited(true), &xml).unwrap();
    assert_eq!(a.in_response_to, None);
}

#[test]
fn clock_skew_is_applied_at_both_ends() {
    let xml = Resp::default().signed();
    let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
    // Valid until 00:10:00; with the default 60 s skew, 00:10:59 still passes, 00:11:00 fails.
    let v = verifier().allow_unsolicited(true);
    let late = now() + Duration::from_secs(359);
    assert!(requests.insert(REQ, late + Duration::from_secs(60), now()));
    v.verify_xml(xml.as_bytes(), late, &requests, &replay)
        .expect("within skew");
    let e = verifier()
        .verify_xml(
            xml.as_bytes(),
            now() + Duration::from_secs(360),
            &requests,
            &InMemoryReplayCache::new(),
        )
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::SubjectConfirmation));
    let e = verifier()
        .clock_skew(Duration::ZERO)
        .verify_xml(
            xml.as_bytes(),
            now() + Duration::from_secs(300),
            &requests,
            &InMemoryReplayCache::new(),
        )
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::SubjectConfirmation));
    // NotBefore 23:59:00 with a 60 s skew: 23:58:00 is accepted, 23:57:59 is not.
    let early = now() - Duration::from_secs(420);
    let (requests, replay) = support::stores();
    v.verify_xml(xml.as_bytes(), early, &requests, &replay)
        .expect("within skew");
    let e = v
        .verify_xml(
            xml.as_bytes(),
            early - Duration::from_secs(1),
            &requests,
            &InMemoryReplayCache::new(),
        )
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::Conditions));
    let _ = ACS;
}
