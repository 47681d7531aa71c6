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
fn rsa_sha384_is_accepted() {
    let resp = Resp {
        sig_alg: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384".to_owned(),
        digest: "http://www.w3.org/2001/04/xmldsig-more#sha384".to_owned(),
        ..Resp::default()
    };
    let xml = resp.signed();
    assert!(xml.contains("xmldsig-more#rsa-sha384"));
    verify(&xml).expect("rsa-sha384 response");
}

#[test]
fn ecdsa_sha384_and_sha512_are_accepted() {
    for (sig_alg, digest, sign) in [
        (
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#sha384",
            Sign::Assertion,
        ),
        (
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
            "http://www.w3.org/2001/04/xmlenc#sha512",
            Sign::Response,
        ),
    ] {
        let resp = Resp {
            sign,
            key: "idp-ec",
            sig_alg: sig_alg.to_owned(),
            digest: digest.to_owned(),
            ..Resp::default()
        };
        let xml = resp.signed();
        assert!(xml.contains(sig_alg));
        verify_with(&support::verifier_rsa_and_ec(), &xml).unwrap_or_else(|e| panic!("{sig_alg}: {e}"));
    }
}

#[test]
fn enveloped_transform_alone_is_accepted() {
    // The profile allows enveloped-signature with no explicit c14n transform (the reference is
    // then canonicalized with inclusive c14n, the XML-DSig default), as some IdPs sign.
    let resp = Resp {
        transforms: vec![support::ENVELOPED.to_owned()],
        ..Resp::default()
    };
    verify(&resp.signed()).expect("enveloped-only transforms");
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
fn every_orange_attribute_is_typed() {
    // Each attribute name of operator page 003 ("mapping between attribute names and user profile
    // data") carries a distinct value, so a misspelt name or a swapped field fails here.
    let mut resp = Resp::default();
    for (name, value) in [
        ("OrangeAPIToken", "tok|sau=UNAVAILABLE|ted=1200503587"),
        ("gender", "F"),
        ("displayname", "Alice L."),
        ("givenname", "Alice"),
        ("surname", "Liddell"),
        ("emailaddress", "alice@example.com"),
        ("streetaddress", "1 Rabbit Hole Lane"),
        ("postalcode", "75015"),
        ("locality", "Paris"),
        ("country", "FR"),
        ("dateofbirth", "1852-05-04"),
        ("mobilephone", "+33 6 99 90 10 40"),
        ("homephone", "+33 1 45 67 89 10"),
        ("facsimile", "+33 1 45 67 89 11"),
        ("usertype", "non-subscriber registered user"),
    ] {
        resp.attributes.insert(name.to_owned(), vec![value.to_owned()]);
    }
    let p = verify(&resp.signed()).unwrap().orange_profile();
    let pii = |v: &Option<netid_core::secret::Pii<String>>| v.as_ref().map(|v| v.expose_pii().clone());
    assert_eq!(
        p.api_token.as_ref().map(|t| t.expose_secret().as_str()),
        Some("tok|sau=UNAVAILABLE|ted=1200503587")
    );
    assert_eq!(pii(&p.gender).as_deref(), Some("F"));
    assert_eq!(pii(&p.display_name).as_deref(), Some("Alice L."));
    assert_eq!(pii(&p.given_name).as_deref(), Some("Alice"));
    assert_eq!(pii(&p.surname).as_deref(), Some("Liddell"));
    assert_eq!(pii(&p.email_address).as_deref(), Some("alice@example.com"));
    assert_eq!(pii(&p.street_address).as_deref(), Some("1 Rabbit Hole Lane"));
    assert_eq!(pii(&p.postal_code).as_deref(), Some("75015"));
    assert_eq!(pii(&p.locality).as_deref(), Some("Paris"));
    assert_eq!(pii(&p.country).as_deref(), Some("FR"));
    assert_eq!(pii(&p.date_of_birth).as_deref(), Some("1852-05-04"));
    assert_eq!(
        p.mobile_phone
            .as_ref()
            .map(|n| n.expose_e164().to_owned())
            .as_deref(),
        Some("+33699901040")
    );
    assert_eq!(pii(&p.home_phone).as_deref(), Some("+33 1 45 67 89 10"));
    assert_eq!(pii(&p.facsimile).as_deref(), Some("+33 1 45 67 89 11"));
    assert_eq!(p.user_type.as_deref(), Some("non-subscriber registered user"));
}

#[test]
fn response_without_issuer_is_accepted() {
    // SAML Core §3.2.2 and Profiles §4.1.4.2: a Response MAY omit its Issuer; the Assertion's is
    // still required (see attacks::protocol::assertion_without_issuer).
    for sign in [Sign::Assertion, Sign::Response, Sign::Both] {
        let resp = Resp {
            sign,
            response_issuer: None,
            ..Resp::default()
        };
        let xml = resp.signed();
        assert_eq!(xml.matches("<saml:Issuer").count(), 1);
        let a = verify(&xml).unwrap_or_else(|e| panic!("{sign:?}: {e}"));
        assert_eq!(a.issuer, IDP);
    }
}

#[test]
fn issuers_with_the_entity_format_are_accepted() {
    let entity = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
    let resp = Resp {
        response_issuer_format: Some(entity.to_owned()),
        assertion_issuer_format: Some(entity.to_owned()),
        ..Resp::default()
    };
    verify(&resp.signed()).expect("entity-format issuers");
}

#[test]
fn not_before_within_clock_skew_is_accepted() {
    // now is 00:05:00: a NotBefore 60 s ahead (the default skew) is accepted, on the bearer
    // confirmation and on the Conditions alike.
    let ahead = "2026-01-01T00:06:00Z";
    let confirmation = Resp {
        scd_not_before: Some(ahead.to_owned()),
        ..Resp::default()
    };
    verify(&confirmation.signed()).expect("SubjectConfirmationData NotBefore within skew");
    let conditions = Resp {
        not_before: ahead.to_owned(),
        ..Resp::default()
    };
    verify(&conditions.signed()).expect("Conditions NotBefore within skew");
    let both = Resp {
        scd_not_before: Some("2026-01-01T00:05:30Z".to_owned()),
        not_before: "2026-01-01T00:05:30Z".to_owned(),
        ..Resp::default()
    };
    verify_with(&verifier().clock_skew(Duration::from_secs(30)), &both.signed())
        .expect("a configured skew is applied");
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
    let a = verify_with(&verifier().insecure_allow_unsolicited(true), &xml).unwrap();
    assert_eq!(a.in_response_to, None);
}

#[test]
fn clock_skew_is_applied_at_both_ends() {
    let xml = Resp::default().signed();
    let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
    // Valid until 00:10:00; with the default 60 s skew, 00:10:59 still passes, 00:11:00 fails.
    let v = verifier().insecure_allow_unsolicited(true);
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
