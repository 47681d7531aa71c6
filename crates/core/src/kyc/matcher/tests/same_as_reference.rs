//! The property test comparing [`Matcher`] with the reference matcher on generated claims and
//! records, and the checks that the generated cases exercise every path.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use time::{Date, Month};

use super::super::prepared::{Claim, claim_of};
use super::super::reference::ReferenceMatcher;
use super::text;
use crate::kyc::normalize::normalize;
use crate::kyc::{
    CountryAlpha2, Email, Gender, IdDocumentType, KycClaims, KycField, Match, MatchScore, Matcher,
    PreparedRecord, normalize_name,
};
use crate::secret::Pii;

/// Names and address parts with their near misses: case, diacritics, compatibility forms, Dutch
/// particles and `ij`, Turkish dotted and dotless i, German sharp s, kana in both widths and in
/// hiragana, punctuation and white space, and values that normalise to nothing.
const NAMES: &[&str] = &[
    "Federica",
    "Frederica",
    "FEDERICA",
    "Fédérica",
    "Ｆｅｄｅｒｉｃａ",
    "Sánchez Arjona",
    "Sanchez Arjona",
    "Sanches",
    "van der Berg",
    "Van Der Berg",
    "van der  Berg,",
    "Vanderberg",
    "van den Berg",
    "IJsselstein",
    "Ĳsselstein",
    "ijsselstein",
    "Ysselstein",
    "Yılmaz",
    "YILMAZ",
    "Yilmaz",
    "İstanbul",
    "ISTANBUL",
    "istanbul",
    "Iğdır",
    "Straße",
    "STRASSE",
    "Strasse",
    "Strase",
    "ẞ",
    "François",
    "Hélène",
    "HÉLÈNE",
    "Helene",
    "Noël",
    "Gómez Ñúñez",
    "GOMEZ NUNEZ",
    "FRANÇOIS",
    "Francois",
    "Françoise",
    "Œuvre",
    "Ærø",
    "José",
    "Jose",
    "JOSÉ",
    "Núñez",
    "Nunez",
    "Muñoz",
    "Peña",
    "O'Brien",
    "O’Brien",
    "OBrien",
    "Jean-Pierre",
    "Jean Pierre",
    "J.R.R.",
    "ヤマダ タロウ",
    "ﾔﾏﾀﾞ ﾀﾛｳ",
    "ヤマダ・タロウ",
    "ヤマダタロウ",
    "やまだ たろう",
    "フェデリカ",
    "ﾌｪﾃﾞﾘｶ",
    "ｶﾞｯｺｳ",
    "ガッコウ",
    "がっこう",
    "山田太郎",
    "Οδυσσεύς",
    "ΟΔΥΣΣΕΥΣ",
    "Calle de Nicolás Salmerón 4, 2º B",
    "Calle de Nicolas Salmeron 4, 2B",
    "14 boulevard de Perrier",
    "14 blevard de Perrier",
    "Nicolás Salmerón",
    "Nicolas Salmeron",
    "4",
    "2 B",
    "2B",
    "",
    " ",
    "-",
    "--",
    ".\u{3099}",
    "\t\u{0}\u{b}",
];

/// Document numbers and postal codes.
const CODES: &[&str] = &[
    "66666666-Q",
    "66666666q",
    "28017",
    "28 017",
    "102-8460",
    "1028460",
    "1012 AB",
    "1012ab",
    "ＡＢ１２",
    "ab12",
    "",
    "-",
];

/// Addresses differing in the case of the local part or of the domain, ASCII or not.
const EMAILS: &[&str] = &[
    "Federica.Sanchez@Example.com",
    "federica.sanchez@example.com",
    "Federica.Sanchez@example.com",
    "FEDERICA.SANCHEZ@EXAMPLE.COM",
    "josé@Correo.ES",
    "josé@correo.es",
    "x@ÉXAMPLE.com",
    "x@éxample.com",
    "a@b@C.fr",
    "a@b@c.fr",
];

/// A variant of `value`: case, white space, punctuation, order.
fn vary(value: &str, how: u8) -> String {
    match how {
        0 => value.to_uppercase(),
        1 => value.to_lowercase(),
        2 => format!("  {}\t", value.replace(' ', "  ")),
        3 => value.replace(' ', "-"),
        4 => format!("{value}."),
        _ => value.chars().rev().collect(),
    }
}

/// A value from `pool`, a variant of one, or other text.
fn text_value(pool: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        4 => proptest::sample::select(pool).prop_map(str::to_owned),
        3 => (proptest::sample::select(pool), 0_u8..6).prop_map(|(value, how)| vary(value, how)),
        1 => "[A-Za-zÀ-ÿ0-9' .,/_-]{0,16}",
        1 => "[ぁ-んァ-ヶｦ-ﾟ ・ー]{0,8}",
        1 => any::<String>(),
    ]
    .boxed()
}

/// A claimed and a recorded text: as [`pair`], a variant of the recorded value, or the recorded
/// value's normalised name in upper or lower case (the matcher's case-blind ASCII comparison).
fn text_pair(pool: &'static [&'static str]) -> BoxedStrategy<(Option<String>, Option<String>)> {
    prop_oneof![
        4 => pair(text_value(pool)),
        2 => (proptest::sample::select(pool), 0_u8..6)
            .prop_map(|(value, how)| (Some(vary(value, how)), Some(value.to_owned()))),
        1 => (proptest::sample::select(pool), 0_u8..2)
            .prop_map(|(value, how)| (Some(vary(&normalize_name(value), how)), Some(value.to_owned()))),
    ]
    .boxed()
}

/// A claimed and a recorded value: the same, a variant of the same, two values, or either absent.
fn pair<T: Clone + std::fmt::Debug + 'static>(
    values: BoxedStrategy<T>,
) -> BoxedStrategy<(Option<T>, Option<T>)> {
    prop_oneof![
        values.clone().prop_map(|v| (Some(v.clone()), Some(v))),
        (
            proptest::option::weighted(0.8, values.clone()),
            proptest::option::weighted(0.8, values)
        ),
    ]
    .boxed()
}

fn pii(value: Option<String>) -> Option<Pii<String>> {
    value.map(Pii::new)
}

fn dates() -> BoxedStrategy<Pii<Date>> {
    proptest::sample::select(vec![(1978, 8, 22), (1978, 8, 23), (2027, 7, 12)])
        .prop_map(|(year, month, day)| {
            let month = Month::try_from(month).expect("a month");
            Pii::new(Date::from_calendar_date(year, month, day).expect("a valid date"))
        })
        .boxed()
}

fn countries() -> BoxedStrategy<CountryAlpha2> {
    proptest::sample::select(vec!["ES", "es", "FR", "JP"])
        .prop_map(|code| code.parse().expect("two letters"))
        .boxed()
}

fn emails() -> BoxedStrategy<Email> {
    prop_oneof![
        proptest::sample::select(EMAILS).prop_map(|e| e.parse().expect("well-formed")),
        "[A-Za-z0-9._+-]{1,8}@[a-zA-Z0-9-]{1,6}\\.[a-zA-Z]{2,3}"
            .prop_map(|e| e.parse().expect("well-formed")),
    ]
    .boxed()
}

fn genders() -> BoxedStrategy<Gender> {
    proptest::sample::select(vec!["MALE", "FEMALE", "female", "OTHER", "x", "X", "ｘ", ""])
        .prop_map(Gender::from)
        .boxed()
}

fn document_types() -> BoxedStrategy<IdDocumentType> {
    proptest::sample::select(vec![
        "passport",
        "PASSPORT",
        "national_id_card",
        "dni",
        "DNI",
        "Ｄｎｉ",
        "-",
    ])
    .prop_map(IdDocumentType::from)
    .boxed()
}

prop_compose! {
    /// Claims and a record drawn together, so that equal values, near misses and absent values
    /// are all common.
    fn claims_and_record()(
        names in proptest::collection::vec(text_pair(NAMES), 14),
        codes in proptest::collection::vec(text_pair(CODES), 2),
        email in pair(emails()),
        gender in pair(genders()),
        document_type in pair(document_types()),
        dates in proptest::collection::vec(pair(dates()), 2),
        countries in proptest::collection::vec(pair(countries()), 3),
    ) -> (KycClaims, KycClaims) {
        let mut sides = [KycClaims::new(), KycClaims::new()];
        for (side, claims) in sides.iter_mut().enumerate() {
            let pick = |pair: &(Option<String>, Option<String>)| pii(if side == 0 { pair.0.clone() } else { pair.1.clone() });
            claims.name = pick(&names[0]);
            claims.given_name = pick(&names[1]);
            claims.family_name = pick(&names[2]);
            claims.name_kana_hankaku = pick(&names[3]);
            claims.name_kana_zenkaku = pick(&names[4]);
            claims.middle_names = pick(&names[5]);
            claims.family_name_at_birth = pick(&names[6]);
            claims.address = pick(&names[7]);
            claims.street_name = pick(&names[8]);
            claims.street_number = pick(&names[9]);
            claims.region = pick(&names[10]);
            claims.locality = pick(&names[11]);
            claims.house_number_extension = pick(&names[12]);
            claims.city_of_birth = pick(&names[13]);
            claims.id_document = pick(&codes[0]);
            claims.postal_code = pick(&codes[1]);
            fn either<T: Clone>(side: usize, pair: &(Option<T>, Option<T>)) -> Option<T> {
                if side == 0 { pair.0.clone() } else { pair.1.clone() }
            }
            claims.email = either(side, &email);
            claims.gender = either(side, &gender);
            claims.id_document_type = either(side, &document_type);
            claims.id_document_expiry_date = either(side, &dates[0]);
            claims.birthdate = either(side, &dates[1]);
            claims.country = either(side, &countries[0]);
            claims.country_of_birth = either(side, &countries[1]);
            claims.nationality = either(side, &countries[2]);
        }
        let [claims, record] = sides;
        (claims, record)
    }
}

/// Every setting of the matcher, as (scores, composites).
const SETTINGS: [(bool, bool); 4] = [(true, true), (true, false), (false, true), (false, false)];

fn check_against_reference(claims: &KycClaims, record: &KycClaims) -> Result<(), TestCaseError> {
    let prepared = PreparedRecord::new(record.clone());
    for (scores, composites) in SETTINGS {
        let matcher = Matcher::new().with_scores(scores).with_composites(composites);
        let expected = ReferenceMatcher { scores, composites }.match_claims(claims, record);
        prop_assert_eq!(
            &matcher.match_prepared(claims, &prepared),
            &expected,
            "{:?}",
            matcher
        );
        prop_assert_eq!(&matcher.match_claims(claims, record), &expected, "{:?}", matcher);
    }
    Ok(())
}

proptest! {
    // Miri interprets each case for minutes (Unicode normalisation): 8 there, 1024 otherwise.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 1024 }))]

    #[test]
    fn same_results_as_the_reference((claims, record) in claims_and_record()) {
        check_against_reference(&claims, &record)?;
        // The record against itself: every field equal, the verbatim shortcut everywhere.
        check_against_reference(&record, &record)?;
    }
}

/// The generated cases reach every outcome, through each way the matcher can take: otherwise the
/// property above could pass without testing much.
#[test]
fn generated_cases_reach_every_outcome() {
    let strategy = claims_and_record();
    let mut runner = TestRunner::deterministic();
    let reference = ReferenceMatcher {
        scores: true,
        composites: true,
    };
    let (mut matched_after_normalising, mut non_ascii_matched, mut case_only, mut scored, mut not_available) =
        (0, 0, 0, 0, 0);
    for _ in 0..300 {
        let (claims, record) = strategy.new_tree(&mut runner).expect("a case").current();
        let result = reference.match_claims(&claims, &record);
        for (field, outcome) in result.iter() {
            let (Some(Claim::Text(claimed, rules)), on_file) =
                (claim_of(field, &claims), claim_of(field, &record))
            else {
                continue;
            };
            let verbatim = matches!(on_file, Some(Claim::Text(value, _)) if value == claimed);
            match (outcome.result, outcome.score) {
                (Match::Matched, _) if !verbatim => {
                    matched_after_normalising += 1;
                    if !claimed.is_ascii() {
                        non_ascii_matched += 1;
                    } else if claimed.to_ascii_lowercase() == normalize(claimed, rules) {
                        case_only += 1;
                    }
                }
                (Match::Mismatched, Some(_)) => scored += 1,
                (Match::NotAvailable, _) => not_available += 1,
                _ => {}
            }
        }
    }
    for (what, count) in [
        ("matched after normalising", matched_after_normalising),
        ("non-ASCII claim matched", non_ascii_matched),
        ("ASCII claim matched, differing only in case", case_only),
        ("scored mismatch", scored),
        ("not available", not_available),
    ] {
        assert!(count >= 50, "{what}: {count} in 300 cases");
    }
}

#[test]
fn the_bench_request_gives_the_reference_result() {
    let mut claims = KycClaims::new();
    let mut record = KycClaims::new();
    for (field, claimed, on_file) in [
        (KycField::GivenName, "Federica", "Frederica"),
        (KycField::FamilyName, "Sanchez Arjona", "Sánchez Arjona"),
        (KycField::NameKanaHankaku, "ﾌｪﾃﾞﾘｶ", "ﾌｪﾃﾞﾘｶ"),
        (KycField::NameKanaZenkaku, "フェデリカ", "ﾌｪﾃﾞﾘｶ"),
        (
            KycField::Address,
            "Calle de Nicolas Salmeron 4, 2B",
            "Calle de Nicolás Salmerón 4, 2º B",
        ),
        (KycField::HouseNumberExtension, "2B", "2 B"),
        (KycField::IdDocument, "66666666q", "66666666-Q"),
    ] {
        set_text(&mut claims, field, claimed);
        set_text(&mut record, field, on_file);
    }
    claims.email = Some("federica.sanchez@example.com".parse().expect("well-formed"));
    record.email = Some("federica.sanchez@Example.com".parse().expect("well-formed"));
    let result = Matcher::new().match_prepared(&claims, &PreparedRecord::new(record.clone()));
    let outcome = |field| {
        result
            .get(field)
            .map(|m| (m.result, m.score.map(MatchScore::value)))
    };
    assert_eq!(outcome(KycField::GivenName), Some((Match::Mismatched, Some(89))));
    assert_eq!(outcome(KycField::FamilyName), Some((Match::Matched, None)));
    assert_eq!(outcome(KycField::NameKanaHankaku), Some((Match::Matched, None)));
    assert_eq!(outcome(KycField::NameKanaZenkaku), Some((Match::Matched, None)));
    assert_eq!(
        outcome(KycField::HouseNumberExtension),
        Some((Match::Mismatched, None))
    );
    assert_eq!(outcome(KycField::IdDocument), Some((Match::Matched, None)));
    assert_eq!(outcome(KycField::Email), Some((Match::Matched, None)));
    check_against_reference(&claims, &record).expect("same as the reference");
}

fn set_text(claims: &mut KycClaims, field: KycField, value: &str) {
    let slot = match field {
        KycField::GivenName => &mut claims.given_name,
        KycField::FamilyName => &mut claims.family_name,
        KycField::NameKanaHankaku => &mut claims.name_kana_hankaku,
        KycField::NameKanaZenkaku => &mut claims.name_kana_zenkaku,
        KycField::Address => &mut claims.address,
        KycField::HouseNumberExtension => &mut claims.house_number_extension,
        KycField::IdDocument => &mut claims.id_document,
        _ => return,
    };
    *slot = text(value);
}
