//! Protocol checks on validly signed responses: status, versions, Destination, Issuer (value and
//! Format), SubjectConfirmation (method, Recipient, validity), InResponseTo, Conditions and
//! Audience; the errors they raise carry no personal data.

use netid_saml::Check;

use crate::support::{Resp, SP, Sign, check_rejected, verifier, verify};

#[test]
fn protocol_checks() {
    let cases: Vec<(&str, Resp, Check)> = vec![
        (
            "status",
            Resp {
                status: "urn:oasis:names:tc:SAML:2.0:status:Requester".into(),
                ..Resp::default()
            },
            Check::Status,
        ),
        (
            "version",
            Resp {
                version: "1.1".into(),
                ..Resp::default()
            },
            Check::Schema,
        ),
        (
            "destination wrong",
            Resp {
                destination: Some("https://evil.example/acs".into()),
                ..Resp::default()
            },
            Check::Destination,
        ),
        (
            "destination missing on signed response",
            Resp {
                sign: Sign::Response,
                destination: None,
                ..Resp::default()
            },
            Check::Destination,
        ),
        (
            "response issuer",
            Resp {
                response_issuer: Some("https://evil.example".into()),
                ..Resp::default()
            },
            Check::Issuer,
        ),
        (
            "assertion issuer",
            Resp {
                assertion_issuer: Some("https://evil.example".into()),
                ..Resp::default()
            },
            Check::Issuer,
        ),
        (
            "not bearer",
            Resp {
                method: "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key".into(),
                ..Resp::default()
            },
            Check::SubjectConfirmation,
        ),
        (
            "recipient wrong",
            Resp {
                recipient: Some("https://evil.example/acs".into()),
                ..Resp::default()
            },
            Check::SubjectConfirmation,
        ),
        (
            "recipient missing",
            Resp {
                recipient: None,
                ..Resp::default()
            },
            Check::SubjectConfirmation,
        ),
        (
            "confirmation expired",
            Resp {
                scd_not_on_or_after: Some("2026-01-01T00:03:00Z".into()),
                ..Resp::default()
            },
            Check::SubjectConfirmation,
        ),
        (
            "confirmation without NotOnOrAfter",
            Resp {
                scd_not_on_or_after: None,
                ..Resp::default()
            },
            Check::SubjectConfirmation,
        ),
        (
            "confirmation not yet valid",
            Resp {
                scd_not_before: Some("2026-01-01T00:07:00Z".into()),
                ..Resp::default()
            },
            Check::SubjectConfirmation,
        ),
        (
            "unknown request",
            Resp {
                response_irt: Some("_other".into()),
                scd_irt: Some("_other".into()),
                ..Resp::default()
            },
            Check::InResponseTo,
        ),
        (
            "requests disagree",
            Resp {
                response_irt: Some("_other".into()),
                ..Resp::default()
            },
            Check::InResponseTo,
        ),
        (
            "unsolicited",
            Resp {
                response_irt: None,
                scd_irt: None,
                ..Resp::default()
            },
            Check::InResponseTo,
        ),
        (
            "conditions not yet valid",
            Resp {
                not_before: "2026-01-01T00:07:00Z".into(),
                ..Resp::default()
            },
            Check::Conditions,
        ),
        (
            "conditions expired",
            Resp {
                not_on_or_after: "2026-01-01T00:03:00Z".into(),
                ..Resp::default()
            },
            Check::Conditions,
        ),
        (
            "audience wrong",
            Resp {
                audiences: vec![vec!["https://other.example".into()]],
                ..Resp::default()
            },
            Check::Audience,
        ),
        (
            "one restriction without us",
            Resp {
                audiences: vec![vec![SP.into()], vec!["https://other.example".into()]],
                ..Resp::default()
            },
            Check::Audience,
        ),
        (
            "no audience",
            Resp {
                audiences: vec![],
                ..Resp::default()
            },
            Check::Audience,
        ),
    ];
    for (name, resp, check) in cases {
        let xml = resp.signed();
        match verify(&xml) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert_eq!(e.check(), Some(check), "{name}: {e}"),
        }
    }
}

#[test]
fn assertion_without_issuer() {
    for sign in [Sign::Assertion, Sign::Response] {
        let resp = Resp {
            sign,
            assertion_issuer: None,
            ..Resp::default()
        };
        check_rejected(&verifier(), &resp.signed(), Check::Issuer);
    }
}

#[test]
fn issuer_with_a_non_entity_format() {
    let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    // The value is the IdP's entity ID: only the Format is wrong.
    let response = Resp {
        response_issuer_format: Some(persistent.into()),
        ..Resp::default()
    };
    check_rejected(&verifier(), &response.signed(), Check::Issuer);
    let assertion = Resp {
        assertion_issuer_format: Some(persistent.into()),
        ..Resp::default()
    };
    check_rejected(&verifier(), &assertion.signed(), Check::Issuer);
}

#[test]
fn assertion_version_is_not_2_0() {
    for version in ["1.1", "2.1", ""] {
        let resp = Resp {
            sign: Sign::Response,
            assertion_version: version.into(),
            ..Resp::default()
        };
        check_rejected(&verifier(), &resp.signed(), Check::Schema);
    }
}

#[test]
fn audience_among_several_is_accepted() {
    let resp = Resp {
        audiences: vec![vec!["https://other.example".into(), SP.into()], vec![SP.into()]],
        ..Resp::default()
    };
    verify(&resp.signed()).expect("SP listed in every restriction");
}

#[test]
fn errors_never_carry_personal_data() {
    let resp = Resp {
        name_id: "secret-person@example.com".into(),
        audiences: vec![vec!["x".into()]],
        ..Resp::default()
    };
    let e = verify(&resp.signed()).unwrap_err();
    assert!(!e.to_string().contains("secret-person"), "{e}");
    insta::assert_snapshot!("audience_error_display", e);
}
