//! What an accepted Response must satisfy, from the grammar's values alone.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::render::{Built, instant};
use super::{
    AudienceChoice, Instant, IssuerChoice, MAX_ITEMS, OUTSTANDING, StructuredResponse, UrlChoice,
    expected_attributes, now,
};
use crate::{DEFAULT_CLOCK_SKEW, VerifiedAssertion};

/// A NotBefore the verifier may accept: a date no later than now plus the skew.
fn not_before_held(i: Option<Instant>) -> bool {
    i.is_none_or(|i| instant(i).is_some_and(|t| t <= now() + DEFAULT_CLOCK_SKEW))
}

/// A NotOnOrAfter the verifier may accept: a date later than now less the skew.
fn not_on_or_after_held(t: Option<SystemTime>) -> bool {
    t.is_some_and(|t| now() < t + DEFAULT_CLOCK_SKEW)
}

fn accepted_issuer(i: IssuerChoice) -> bool {
    matches!(
        i,
        IssuerChoice::Idp | IssuerChoice::IdpPadded | IssuerChoice::EntityFormat
    )
}

/// Panics when `accepted` is not what the signed part of `input` says, or a check did not hold.
pub(super) fn check(input: &StructuredResponse, built: &Built, accepted: &VerifiedAssertion) {
    assert!(built.ids_unique, "accepted a Response with duplicate IDs");
    assert!(input.success, "accepted a Response whose status is not Success");
    let k = built
        .assertions
        .iter()
        .position(|p| p.covered && p.direct && p.id == accepted.assertion_id)
        .unwrap_or_else(|| panic!("accepted an Assertion the signature does not cover"));
    let a = &input.assertions[k];

    assert_eq!(
        accepted.name_id.value.expose_pii(),
        &a.name_id.expected(),
        "the NameID is not the signed one"
    );
    assert_eq!(
        accepted.name_id.format.is_some(),
        a.name_id_format,
        "the NameID Format is not the signed one"
    );
    let attributes: BTreeMap<String, Vec<String>> = accepted
        .attributes
        .iter()
        .map(|(name, values)| {
            let values = values.iter().map(|v| v.expose_pii().clone()).collect();
            (name.clone(), values)
        })
        .collect();
    assert_eq!(
        attributes,
        expected_attributes(a),
        "the attributes are not the signed ones"
    );

    assert!(
        a.issuer.is_some_and(accepted_issuer),
        "accepted an Assertion Issuer that is not the IdP"
    );
    assert!(
        input.issuer.is_none_or(accepted_issuer),
        "accepted a Response Issuer that is not the IdP"
    );
    match input.destination {
        Some(UrlChoice::Acs) => {}
        None => assert!(
            !accepted.response_signed,
            "accepted a signed Response without Destination"
        ),
        Some(_) => panic!("accepted a Destination that is not the ACS URL"),
    }

    let conditions = a
        .conditions
        .as_ref()
        .unwrap_or_else(|| panic!("accepted an Assertion without Conditions"));
    assert!(
        not_before_held(conditions.not_before),
        "accepted Conditions not yet valid"
    );
    assert!(
        conditions.not_on_or_after.is_none()
            || not_on_or_after_held(conditions.not_on_or_after.and_then(instant)),
        "accepted expired Conditions"
    );
    let restrictions: Vec<&Vec<AudienceChoice>> = conditions.restrictions.iter().take(MAX_ITEMS).collect();
    assert!(
        !restrictions.is_empty()
            && restrictions.iter().all(|r| {
                r.iter()
                    .take(MAX_ITEMS)
                    .any(|aud| matches!(aud, AudienceChoice::Sp | AudienceChoice::SpPadded))
            }),
        "accepted an Assertion for another audience"
    );
    assert!(
        a.confirmations.iter().take(MAX_ITEMS).any(|c| {
            c.bearer
                && c.data
                && c.recipient == Some(UrlChoice::Acs)
                && not_on_or_after_held(c.not_on_or_after.and_then(instant))
                && not_before_held(c.not_before)
        }),
        "accepted without a bearer confirmation for this ACS URL, valid now"
    );
    assert!(
        accepted
            .in_response_to
            .as_deref()
            .is_none_or(|irt| irt == OUTSTANDING),
        "accepted an answer to a request nobody sent"
    );
}
