//! Hand-made grammar values: accepted ones (the property path is reached, and zero bytes land on
//! it), the classic attacks and near misses refused for the right reason.

use arbitrary::Unstructured;

use super::render::build;
use super::*;
use crate::{Check, Error, VerifiedAssertion};

fn text(value: &str, form: TextForm) -> Text {
    Text {
        value: value.to_owned(),
        form,
    }
}

fn at(offset: i16) -> Instant {
    Instant {
        offset,
        form: InstantForm::Utc,
    }
}

fn assertion() -> AssertionSpec {
    AssertionSpec {
        placement: Placement::Response,
        prefix: Prefix::Standard,
        id: IdChoice::Id(0),
        issuer: IssuerChoice::Idp,
        name_id: text("subject-1", TextForm::Plain),
        name_id_format: true,
        confirmation: Confirmation {
            method: Method::Bearer,
            no_data: false,
            recipient: UrlChoice::Acs,
            not_before: at(-30),
            not_on_or_after: at(300),
            in_response_to: Some(RequestChoice::Outstanding),
        },
        more_confirmations: Vec::new(),
        conditions: Conditions {
            absent: false,
            not_before: at(-30),
            not_on_or_after: at(300),
            restriction: Restriction {
                audience: AudienceChoice::Other,
                more: vec![AudienceChoice::Sp],
            },
            more_restrictions: Vec::new(),
        },
        attributes: vec![Attribute {
            name: "mail".to_owned(),
            values: vec![text("a@example.org", TextForm::CData)],
        }],
    }
}

/// A Response signed on its Assertion, which the verifier accepts.
fn valid() -> StructuredResponse {
    StructuredResponse {
        prefix: Prefix::Standard,
        id: IdChoice::Id(0),
        issuer: IssuerChoice::Idp,
        destination: UrlChoice::Acs,
        in_response_to: Some(RequestChoice::Outstanding),
        status: StatusChoice::Success,
        assertion: assertion(),
        more_assertions: Vec::new(),
        signed: SignedChoice::Assertion(0),
        reference: ReferenceChoice::Parent,
    }
}

/// Verifies as the entry point does; runs the property on an accepted Response.
fn verify(input: &StructuredResponse) -> Result<VerifiedAssertion, Error> {
    let (v, signer) = (verifier().unwrap(), signer().unwrap());
    let built = build(input, signer);
    let requests = InMemoryRequestStore::new();
    requests.insert(OUTSTANDING, now() + std::time::Duration::from_secs(600), now());
    let accepted = v.verify_xml(
        built.xml.as_bytes(),
        now(),
        &requests,
        &InMemoryReplayCache::new(),
    )?;
    property::check(input, &built, &accepted);
    fuzz_structured_response(input.clone());
    Ok(accepted)
}

#[test]
fn accepted_responses_carry_the_signed_values() {
    let mut comment = valid();
    comment.assertion.name_id = text("  a<b>&c  ", TextForm::Comment(2));
    let mut custom = valid();
    custom.prefix = Prefix::Custom;
    custom.assertion.prefix = Prefix::Default;
    custom.signed = SignedChoice::Response;
    custom.assertion.name_id = text("\u{e9}t\u{e9}", TextForm::CharRefs);
    let mut padded = valid();
    padded.assertion.name_id = text("x]]>y", TextForm::CData);
    padded.assertion.issuer = IssuerChoice::IdpPadded;
    padded.assertion.conditions.not_on_or_after = Instant {
        offset: -59,
        form: InstantForm::Offset,
    };
    for (input, name_id) in [
        (valid(), "subject-1"),
        (comment, "a<b>&c"),
        (custom, "\u{e9}t\u{e9}"),
        (padded, "x]]>y"),
    ] {
        let accepted = verify(&input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(accepted.name_id.value.expose_pii(), name_id);
        assert_eq!(
            accepted.attribute("mail").map(|v| v[0].expose_pii().as_str()),
            Some("a@example.org")
        );
    }
}

/// The first `saml_response_signed` run: the Response's Issuer is optional (SAML Core §3.2.2),
/// and the property wrongly refused its absence.
#[test]
fn fuzz_regression_absent_response_issuer_is_accepted() {
    let mut input = valid();
    input.issuer = IssuerChoice::Absent;
    let accepted = verify(&input).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(accepted.issuer, "https://idp.example/saml");
}

/// What `arbitrary` makes of no bytes and of zero bytes is accepted: the fuzzer starts there.
#[test]
fn zero_bytes_give_an_accepted_response() {
    for bytes in [&[][..], &[0; 64]] {
        let input = StructuredResponse::arbitrary_take_rest(Unstructured::new(bytes)).unwrap();
        let accepted = verify(&input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(accepted.name_id.value.expose_pii(), "fuzz");
    }
}

#[test]
fn attacks_and_near_misses_are_refused() {
    let mut wrapped = valid();
    let mut evil = assertion();
    evil.id = IdChoice::Id(1);
    evil.name_id = text("admin", TextForm::Plain);
    evil.placement = Placement::AfterSigning;
    wrapped.more_assertions.push(evil.clone());
    let mut in_object = valid();
    evil.placement = Placement::SignatureObject;
    in_object.more_assertions.push(evil);
    let mut other_reference = valid();
    other_reference.reference = ReferenceChoice::Response;
    let mut unknown_reference = valid();
    unknown_reference.reference = ReferenceChoice::Unknown;
    let mut duplicate_id = valid();
    duplicate_id.id = IdChoice::Id(1);
    let mut unsigned = valid();
    unsigned.signed = SignedChoice::Nothing;
    let mut expired = valid();
    expired.assertion.conditions.not_on_or_after = at(-60);
    let mut audience = valid();
    audience.assertion.conditions.restriction.more.clear();
    let mut recipient = valid();
    recipient.assertion.confirmation.recipient = UrlChoice::AcsSlash;
    let mut unknown_request = valid();
    unknown_request.in_response_to = Some(RequestChoice::Unknown);
    let mut failed = valid();
    failed.status = StatusChoice::Requester;
    let mut issuer = valid();
    issuer.assertion.issuer = IssuerChoice::OtherFormat;
    for (name, input, check) in [
        ("wrapped", wrapped, Check::AssertionCount),
        ("in_object", in_object, Check::AssertionCount),
        ("other_reference", other_reference, Check::SignatureProfile),
        ("unknown_reference", unknown_reference, Check::SignatureProfile),
        ("duplicate_id", duplicate_id, Check::DuplicateId),
        ("unsigned", unsigned, Check::Signature),
        ("expired", expired, Check::Conditions),
        ("audience", audience, Check::Audience),
        ("recipient", recipient, Check::SubjectConfirmation),
        ("unknown_request", unknown_request, Check::InResponseTo),
        ("failed", failed, Check::Status),
        ("issuer", issuer, Check::Issuer),
    ] {
        let err = verify(&input).map(|_| ()).unwrap_err();
        assert_eq!(err.check(), Some(check), "{name}: {err}");
    }
}

#[test]
fn the_grammar_marks_what_the_signature_covers() {
    let mut input = valid();
    let mut nested = assertion();
    nested.placement = Placement::Advice;
    let mut late = assertion();
    late.placement = Placement::AfterSigning;
    input.more_assertions = vec![nested, late];
    let built = build(&input, signer().unwrap());
    let covered: Vec<(bool, bool)> = built.assertions.iter().map(|p| (p.covered, p.direct)).collect();
    assert_eq!(covered, [(true, true), (true, false), (false, true)]);
    assert!(built.ids_unique);
    // More than one Assertion in the document: refused whatever the signature covers.
    let err = verify(&input).map(|_| ()).unwrap_err();
    assert_eq!(err.check(), Some(Check::AssertionCount));
}

/// Arbitrary bytes build some grammar value and never break the property.
#[test]
fn arbitrary_inputs_hold() {
    for seed in 0_u8..64 {
        let bytes: Vec<u8> = (0..512_u16)
            .map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed))
            .collect();
        if let Ok(input) = StructuredResponse::arbitrary_take_rest(Unstructured::new(&bytes)) {
            fuzz_structured_response(input);
        }
    }
}
