//! Hand-made grammar values: one accepted (the property path is reached), and the classic
//! attacks and near misses refused.

use super::render::build;
use super::*;
use crate::{Check, Error};

fn text(value: &str, form: TextForm) -> Text {
    Text {
        value: value.to_owned(),
        form,
    }
}

fn at(offset: i16) -> Option<Instant> {
    Some(Instant {
        offset,
        form: InstantForm::Utc,
    })
}

fn assertion(id: u8) -> AssertionSpec {
    AssertionSpec {
        placement: Placement::Response,
        prefix: Prefix::Standard,
        id: IdChoice::Id(id),
        issuer: Some(IssuerChoice::Idp),
        name_id: text("subject-1", TextForm::Plain),
        name_id_format: true,
        confirmations: vec![Confirmation {
            bearer: true,
            data: true,
            recipient: Some(UrlChoice::Acs),
            not_before: at(-30),
            not_on_or_after: at(300),
            in_response_to: Some(RequestChoice::Outstanding),
        }],
        conditions: Some(Conditions {
            not_before: at(-30),
            not_on_or_after: at(300),
            restrictions: vec![vec![AudienceChoice::Other, AudienceChoice::Sp]],
        }),
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
        issuer: Some(IssuerChoice::Idp),
        destination: Some(UrlChoice::Acs),
        in_response_to: Some(RequestChoice::Outstanding),
        success: true,
        assertions: vec![assertion(1)],
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

use crate::VerifiedAssertion;

#[test]
fn accepted_responses_carry_the_signed_values() {
    let mut comment = valid();
    comment.assertions[0].name_id = text("  a<b>&c  ", TextForm::Comment(2));
    let mut custom = valid();
    custom.prefix = Prefix::Custom;
    custom.assertions[0].prefix = Prefix::Default;
    custom.signed = SignedChoice::Response;
    custom.assertions[0].name_id = text("\u{e9}t\u{e9}", TextForm::CharRefs);
    let mut padded = valid();
    padded.assertions[0].name_id = text("x]]>y", TextForm::CData);
    padded.assertions[0].issuer = Some(IssuerChoice::IdpPadded);
    padded.assertions[0].conditions.as_mut().unwrap().not_on_or_after = Some(Instant {
        offset: -59,
        form: InstantForm::Offset,
    });
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

#[test]
fn attacks_and_near_misses_are_refused() {
    let mut wrapped = valid();
    let mut evil = assertion(2);
    evil.name_id = text("admin", TextForm::Plain);
    evil.placement = Placement::AfterSigning;
    wrapped.assertions.push(evil.clone());
    let mut in_object = valid();
    evil.placement = Placement::SignatureObject;
    in_object.assertions.push(evil);
    let mut other_reference = valid();
    other_reference.reference = ReferenceChoice::Response;
    let mut unknown_reference = valid();
    unknown_reference.reference = ReferenceChoice::Unknown;
    let mut duplicate_id = valid();
    duplicate_id.id = IdChoice::Id(1);
    let mut unsigned = valid();
    unsigned.signed = SignedChoice::Nothing;
    let mut expired = valid();
    expired.assertions[0].conditions.as_mut().unwrap().not_on_or_after = at(-60);
    let mut audience = valid();
    audience.assertions[0].conditions.as_mut().unwrap().restrictions[0] = vec![AudienceChoice::Other];
    let mut recipient = valid();
    recipient.assertions[0].confirmations[0].recipient = Some(UrlChoice::AcsSlash);
    let mut unknown_request = valid();
    unknown_request.in_response_to = Some(RequestChoice::Unknown);
    let mut failed = valid();
    failed.success = false;
    let mut issuer = valid();
    issuer.assertions[0].issuer = Some(IssuerChoice::OtherFormat);
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
    let mut nested = assertion(2);
    nested.placement = Placement::Advice;
    input.assertions.push(nested);
    let mut late = assertion(3);
    late.placement = Placement::AfterSigning;
    input.assertions.push(late);
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
        let bytes: Vec<u8> = (0..512_u32)
            .map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed))
            .collect();
        let mut u = arbitrary::Unstructured::new(&bytes);
        if let Ok(input) = StructuredResponse::arbitrary(&mut u) {
            fuzz_structured_response(input);
        }
    }
}
