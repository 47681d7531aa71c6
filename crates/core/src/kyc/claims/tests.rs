//! Unit tests of the claim values: country codes, email addresses, dates and spec enums.

use super::wire::{format_date, parse_date};
use super::*;

fn check_country(input: &str, expected: Result<&str, KycValueError>) {
    let got = input.parse::<CountryAlpha2>();
    assert_eq!(
        got.as_ref().map(CountryAlpha2::as_str),
        expected.as_ref().map(|s| *s),
        "{input:?}"
    );
}

#[test]
fn country_codes() {
    check_country("FR", Ok("FR"));
    check_country("jp", Ok("JP"));
    check_country("Es", Ok("ES"));
    check_country("F", Err(KycValueError::Country));
    check_country("FRA", Err(KycValueError::Country));
    check_country("F1", Err(KycValueError::Country));
    check_country("É", Err(KycValueError::Country));
    check_country("", Err(KycValueError::Country));
}

fn check_email(input: &str, ok: bool) {
    assert_eq!(input.parse::<Email>().is_ok(), ok, "{input:?}");
}

#[test]
fn email_addresses() {
    check_email("peter.lefebvre@sfr.fr", true);
    check_email("abc@example.com", true);
    check_email("\"a@b\"@example.com", true);
    check_email("josé@correo.es", true);
    check_email("abc", false);
    check_email("@example.com", false);
    check_email("abc@", false);
    check_email("abc@example..com", false);
    check_email("a b@example.com", false);
    check_email(&format!("{}@example.com", "a".repeat(65)), false);
    check_email(&format!("a@{}.com", "b".repeat(250)), false);
}

fn check_date(input: &str, expected: Option<(i32, u8, u8)>) {
    let got = parse_date(input)
        .ok()
        .map(|d| (d.year(), u8::from(d.month()), d.day()));
    assert_eq!(got, expected, "{input:?}");
}

#[test]
fn dates() {
    check_date("1978-08-22", Some((1978, 8, 22)));
    check_date("2027-07-12", Some((2027, 7, 12)));
    check_date("2024-02-29", Some((2024, 2, 29)));
    check_date("2023-02-29", None);
    check_date("1978-8-22", None);
    check_date("22/08/1978", None);
    check_date("+1978-08-22", None);
    check_date("1978-08-22T00:00:00Z", None);
    check_date("", None);
}

#[test]
fn dates_outside_four_digit_years_are_not_formatted() {
    let ancient = Date::from_calendar_date(-1, time::Month::January, 1).expect("valid date");
    assert_eq!(format_date(ancient), Err(KycValueError::Date));
    let early = Date::from_calendar_date(33, time::Month::March, 3).expect("valid date");
    assert_eq!(format_date(early).as_deref(), Ok("0033-03-03"));
}

#[test]
fn spec_enums_read_any_case_and_keep_unknown_values() {
    assert_eq!(Gender::from("FEMALE"), Gender::Female);
    assert_eq!(Gender::from("Female"), Gender::Female);
    assert_eq!(Gender::Female.as_str(), "FEMALE");
    let unknown = Gender::from("NON_BINARY");
    assert_eq!(unknown.as_str(), "NON_BINARY");
    assert_eq!(format!("{unknown:?}"), "_Custom([10 bytes])");
    assert_eq!(IdDocumentType::from("PASSPORT"), IdDocumentType::Passport);
    assert_eq!(IdDocumentType::from("other"), IdDocumentType::Other);
    assert_eq!(IdDocumentType::from("dni").as_str(), "dni");
}

#[test]
fn is_empty_ignores_the_phone_number() {
    let mut claims = KycClaims::new();
    claims.phone_number = Some(PhoneNumber::parse_strict("+33699901040").expect("valid number"));
    assert!(claims.is_empty());
    claims.nationality = Some("FR".parse().expect("valid code"));
    assert!(!claims.is_empty());
    assert!(claims.has(super::super::KycField::Nationality));
}
