//! What an accepted Response must satisfy, from the grammar's values alone.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::render::{Built, instant};
use super::{
    AudienceChoice, Instant, InstantForm, IssuerChoice, Method, OUTSTANDING, StatusChoice,
    StructuredResponse, UrlChoice, expected_attributes, now,
};
use crate::{DEFAULT_CLOCK_SKEW, VerifiedAssertion};

/// A NotBefore the verifier may accept: absent, or a date no later than now plus the skew.
fn not_before_held(i: Instant) -> bool {
    i.form == InstantForm::Absent || instant(i).is_some_and(|t| t <= now() + DEFAULT_CLOCK_SKEW)
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
    assert!(
        input.status == StatusChoice::Success,
        "accepted a Response whose status is not Success"
    );
    let k = built
        .assertions
        .iter()
        .position(|p| p.covered && p.direct && p.id == accepted.assertion_id)
        .unwrap_or_else(|| panic!("accepted an Assertion the signature does not cover"));
    let a = input.assertions()[k];

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
        accepted_issuer(a.issuer),
        "accepted an Assertion Issuer that is not the IdP"
    );
    assert!(
        input.issuer == IssuerChoice::Absent || accepted_issuer(input.issuer),
        "accepted a Response Issuer that is not the IdP"
    );
    match input.destination {
        UrlChoice::Acs => {}
        UrlChoice::Absent => assert!(
            !accepted.response_signed,
            "accepted a signed Response without Destination"
        ),
        UrlChoice::AcsSlash | UrlChoice::Other => {
            panic!("accepted a Destination that is not the ACS URL")
        }
    }

    let conditions = &a.conditions;
    assert!(!conditions.absent, "accepted an Assertion without Conditions");
    assert!(
        not_before_held(conditions.not_before),
        "accepted Conditions not yet valid"
    );
    assert!(
        conditions.not_on_or_after.form == InstantForm::Absent
            || not_on_or_after_held(instant(conditions.not_on_or_after)),
        "accepted expired Conditions"
    );
    assert!(
        conditions.restrictions().all(|r| {
            r.audiences()
                .any(|aud| matches!(aud, AudienceChoice::Sp | AudienceChoice::SpPadded))
        }),
        "accepted an Assertion for another audience"
    );
    assert!(
        a.confirmations().any(|c| {
            c.method == Method::Bearer
                && !c.no_data
                && c.recipient == UrlChoice::Acs
                && not_on_or_after_held(instant(c.not_on_or_after))
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
