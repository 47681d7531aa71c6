//! Proptest strategies for KYC claims, values and result bodies.

use netid_core::kyc::{
    CountryAlpha2, Email, FieldMatch, Gender, IdDocumentType, KycClaims, KycField, KycMatchResult,
    KycVersion, Match, MatchScore,
};
use netid_core::phone::PhoneNumber;
use netid_core::secret::Pii;
use proptest::prelude::*;
use time::{Date, Month};

pub(super) fn free_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-zÀ-ÿ0-9' .,/-]{0,24}",
        "[ぁ-んァ-ヶｦ-ﾟ一-龥 ・]{0,12}",
        any::<String>(),
    ]
}

fn pii_text() -> impl Strategy<Value = Option<Pii<String>>> {
    proptest::option::of(free_text().prop_map(Pii::new))
}

fn date() -> impl Strategy<Value = Date> {
    (0_i32..=9999, 1_u8..=12, 1_u8..=28).prop_map(|(year, month, day)| {
        let month = Month::try_from(month).expect("1..=12 is a month");
        Date::from_calendar_date(year, month, day).expect("day 1..=28 exists in every month")
    })
}

fn country() -> impl Strategy<Value = Option<CountryAlpha2>> {
    proptest::option::of("[A-Za-z]{2}".prop_map(|code| code.parse().expect("two letters")))
}

fn email() -> impl Strategy<Value = Email> {
    "[A-Za-z0-9._%+-]{1,20}@[a-zA-Z0-9-]{1,10}(\\.[a-z]{2,5}){1,2}"
        .prop_map(|e| e.parse().expect("well-formed"))
}

fn gender() -> impl Strategy<Value = Gender> {
    prop_oneof![
        Just(Gender::Male),
        Just(Gender::Female),
        Just(Gender::Other),
        any::<String>().prop_map(|g| Gender::from(g.as_str()))
    ]
}

fn document_type() -> impl Strategy<Value = IdDocumentType> {
    prop_oneof![
        Just(IdDocumentType::Passport),
        Just(IdDocumentType::NationalIdCard),
        Just(IdDocumentType::DriverLicence),
        any::<String>().prop_map(|t| IdDocumentType::from(t.as_str())),
    ]
}

fn phone() -> impl Strategy<Value = Option<PhoneNumber>> {
    proptest::option::of(
        "\\+(33|34|31|81)[1-9][0-9]{8}".prop_map(|n| PhoneNumber::parse_strict(&n).expect("valid E.164")),
    )
}

prop_compose! {
    pub(super) fn claims()(
        (phone_number, id_document, id_document_type, id_document_expiry_date, name, given_name, family_name)
            in (phone(), pii_text(), proptest::option::of(document_type()), proptest::option::of(date()),
                pii_text(), pii_text(), pii_text()),
        (name_kana_hankaku, name_kana_zenkaku, middle_names, family_name_at_birth, address, street_name)
            in (pii_text(), pii_text(), pii_text(), pii_text(), pii_text(), pii_text()),
        (street_number, postal_code, region, locality, country, house_number_extension)
            in (pii_text(), pii_text(), pii_text(), pii_text(), country(), pii_text()),
        (birthdate, email, gender, city_of_birth, country_of_birth, nationality)
            in (proptest::option::of(date()), proptest::option::of(email()), proptest::option::of(gender()),
                pii_text(), country(), country()),
    ) -> KycClaims {
        let mut claims = KycClaims::new();
        claims.phone_number = phone_number;
        claims.id_document = id_document;
        claims.id_document_type = id_document_type;
        claims.id_document_expiry_date = id_document_expiry_date.map(Pii::new);
        claims.name = name;
        claims.given_name = given_name;
        claims.family_name = family_name;
        claims.name_kana_hankaku = name_kana_hankaku;
        claims.name_kana_zenkaku = name_kana_zenkaku;
        claims.middle_names = middle_names;
        claims.family_name_at_birth = family_name_at_birth;
        claims.address = address;
        claims.street_name = street_name;
        claims.street_number = street_number;
        claims.postal_code = postal_code;
        claims.region = region;
        claims.locality = locality;
        claims.country = country;
        claims.house_number_extension = house_number_extension;
        claims.birthdate = birthdate.map(Pii::new);
        claims.email = email;
        claims.gender = gender;
        claims.city_of_birth = city_of_birth;
        claims.country_of_birth = country_of_birth;
        claims.nationality = nationality;
        claims
    }
}

fn field_match(field: KycField) -> impl Strategy<Value = FieldMatch> {
    let result = prop_oneof![
        Just(Match::Matched),
        Just(Match::Mismatched),
        Just(Match::NotAvailable)
    ];
    let score = if field.has_score() {
        proptest::option::of((0_u8..=100).prop_map(|s| MatchScore::new(s).expect("in range"))).boxed()
    } else {
        Just(None).boxed()
    };
    (result, score).prop_map(|(result, score)| FieldMatch::new(result, score))
}

pub(super) fn match_result() -> impl Strategy<Value = KycMatchResult> {
    let fields: Vec<_> = KycField::ALL
        .into_iter()
        .map(|field| proptest::option::of(field_match(field)).prop_map(move |m| (field, m)))
        .collect();
    fields.prop_map(|fields| {
        let mut result = KycMatchResult::new();
        for (field, outcome) in fields {
            if let Some(outcome) = outcome {
                result.insert(field, outcome);
            }
        }
        result
    })
}

/// JSON bodies that look like results: known and unknown keys, values of every JSON type.
pub(super) fn result_like_body() -> impl Strategy<Value = String> {
    let keys: Vec<String> = KycField::ALL
        .into_iter()
        .flat_map(|f| {
            [
                Some(f.match_key()),
                f.score_key(),
                f.score_key_in(KycVersion::V0_2),
            ]
        })
        .flatten()
        .map(str::to_owned)
        .chain(["vendor".to_owned(), "phoneNumberMatch".to_owned()])
        .collect();
    let value = prop_oneof![
        Just("\"true\"".to_owned()),
        Just("\"false\"".to_owned()),
        Just("\"not_available\"".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("null".to_owned()),
        (-5_i64..200).prop_map(|n| n.to_string()),
        Just("88.5".to_owned()),
        Just("1e400".to_owned()),
        any::<String>().prop_map(|s| serde_json::Value::from(s).to_string()),
    ];
    proptest::collection::vec((proptest::sample::select(keys), value), 0..8).prop_map(|entries| {
        let body: Vec<String> = entries.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", body.join(","))
    })
}
