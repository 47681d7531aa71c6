//! The published examples: the redacted `Debug` of the spec's example, and Orange France's example
//! request and response.

use netid_core::kyc::{Gender, KycClaims, KycMatchResult, KycVersion, Matcher};
use netid_core::phone::PhoneNumber;

use super::fixtures::{ORANGE_REQUEST, ORANGE_RESPONSE, orange_record, spec_example_claims, text};

#[test]
fn redacted_debug_of_kyc_personal_types() {
    let claims = spec_example_claims();
    let mut partial = KycClaims::new();
    partial.given_name = text("Peter");
    partial.gender = Some(Gender::Female);
    let shown = [
        format!("{claims:#?}"),
        format!("{partial:?}"),
        format!("{:?}", KycClaims::new()),
        format!("{:?}", claims.email),
        format!("{:?}", claims.birthdate),
        format!("{:?}", claims.id_document),
        format!("{:?}", Gender::from("NON_BINARY")),
        format!("{:?}", claims.nationality),
    ];
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn matcher_reproduces_orange_france_example_response() {
    let claims: KycClaims = serde_json::from_str(ORANGE_REQUEST).expect("Orange's request decodes");
    let expected = KycMatchResult::from_json_slice_strict(ORANGE_RESPONSE.as_bytes(), KycVersion::V0_2)
        .expect("Orange's response decodes");
    assert_eq!(Matcher::new().match_claims(&claims, &orange_record()), expected);
    // The page also allows the number without '+'.
    let bare: KycClaims = serde_json::from_str(&ORANGE_REQUEST.replace("+33699901040", "33699901040"))
        .expect("bare MSISDN decodes");
    assert_eq!(bare, claims);
}

#[test]
fn orange_example_request_decodes_tolerantly() {
    let claims: KycClaims = serde_json::from_str(ORANGE_REQUEST).expect("decodes");
    assert_eq!(claims.gender, Some(Gender::Female));
    assert_eq!(
        claims.phone_number.as_ref().map(PhoneNumber::expose_e164),
        Some("+33699901040")
    );
    // The page's table spells the gender `Female`; the spec's enum is upper case.
    let table: KycClaims = serde_json::from_str(r#"{"gender":"Female","country":"fr"}"#).expect("decodes");
    assert_eq!(
        serde_json::to_string(&table).expect("serialises"),
        r#"{"country":"FR","gender":"FEMALE"}"#
    );
    // Clear errors, no value in them.
    for (body, message) in [
        (
            r#"{"birthdate":"22/08/1978"}"#,
            "date must be a calendar date in the form YYYY-MM-DD",
        ),
        (
            r#"{"email":"peter.lefebvre"}"#,
            "email address must have the form local-part@domain",
        ),
        (
            r#"{"country":"FRA"}"#,
            "country must be an ISO 3166-1 alpha-2 code (two letters)",
        ),
        (
            r#"{"phoneNumber":"+0699901040"}"#,
            "phone number must not start with 0",
        ),
    ] {
        let error = serde_json::from_str::<KycClaims>(body)
            .expect_err(body)
            .to_string();
        assert!(error.starts_with(message), "{body}: {error}");
    }
}
