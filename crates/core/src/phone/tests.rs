//! Unit tests of the phone parsers.

use super::*;

fn check(
    parser: fn(&str) -> Result<PhoneNumber, PhoneNumberError>,
    input: &str,
    expected: Result<&str, PhoneNumberError>,
) {
    let got = parser(input);
    assert_eq!(
        got.as_ref().map(PhoneNumber::expose_e164),
        expected.as_ref().map(|s| *s),
        "input {input:?}"
    );
}

#[test]
fn strict_accepts_only_the_camara_form() {
    let strict = PhoneNumber::parse_strict;
    check(strict, "+33699901040", Ok("+33699901040"));
    check(strict, "+123456789", Ok("+123456789"));
    check(strict, "+34600000000", Ok("+34600000000"));
    check(strict, "+12345", Ok("+12345"));
    check(strict, "+1234", Err(PhoneNumberError::Length { digits: 4 }));
    check(
        strict,
        "+1234567890123456",
        Err(PhoneNumberError::Length { digits: 16 }),
    );
    check(strict, "33699901040", Err(PhoneNumberError::MissingPlus));
    check(strict, "+033699901040", Err(PhoneNumberError::LeadingZero));
    check(
        strict,
        "+33 699901040",
        Err(PhoneNumberError::UnexpectedCharacter { position: 3 }),
    );
    check(strict, "+99912345", Err(PhoneNumberError::UnknownCountryCode));
    check(strict, "", Err(PhoneNumberError::Empty));
    check(strict, "+", Err(PhoneNumberError::Empty));
    check(
        strict,
        "+٣٣٦٩٩٩٠١٠٤٠",
        Err(PhoneNumberError::UnexpectedCharacter { position: 1 }),
    );
}

#[test]
fn lenient_normalises_what_operators_and_users_send() {
    let lenient = PhoneNumber::parse_lenient;
    check(lenient, "33699901040", Ok("+33699901040"));
    check(lenient, "+33 6 99 90 10 40", Ok("+33699901040"));
    check(lenient, "+33 (0)6 99 90 10 40", Ok("+33699901040"));
    check(lenient, "+44 (0)20 7946 0000", Ok("+442079460000"));
    check(lenient, "0033699901040", Ok("+33699901040"));
    check(lenient, "tel:+34600000000", Ok("+34600000000"));
    check(lenient, "TEL:+34-600-000-000", Ok("+34600000000"));
    check(lenient, "+1 (415) 555.0100", Ok("+14155550100"));
    check(lenient, "  +31 6/1234 5678\u{a0}", Ok("+31612345678"));
    check(
        lenient,
        "tel:+34600000000;phone-context=example.com",
        Err(PhoneNumberError::TelUriParameters),
    );
    check(
        lenient,
        "+33 6 99 90 10 40 x12",
        Err(PhoneNumberError::UnexpectedCharacter { position: 18 }),
    );
    check(
        lenient,
        "+33+699901040",
        Err(PhoneNumberError::UnexpectedCharacter { position: 3 }),
    );
    check(lenient, "0699901040", Err(PhoneNumberError::LeadingZero));
    check(lenient, "   ", Err(PhoneNumberError::Empty));
    check(lenient, "tel:", Err(PhoneNumberError::Empty));
    check(lenient, &"1".repeat(200), Err(PhoneNumberError::TooLong));
    check(
        lenient,
        &"1".repeat(20),
        Err(PhoneNumberError::Length { digits: 16 }),
    );
}

/// Bare digits are an international number only when they can be one (see `parse_lenient`).
#[test]
fn lenient_refuses_bare_national_numbers() {
    let lenient = PhoneNumber::parse_lenient;
    let missing = Err(PhoneNumberError::MissingCountryCode);
    let cases: [(&str, Result<&str, PhoneNumberError>); 18] = [
        // The Orange France KYC page's bare MSISDN: 33, then nine digits.
        ("33699901040", Ok("+33699901040")),
        ("34654654654", Ok("+34654654654")),
        ("14155550100", Ok("+14155550100")),
        ("447700900123", Ok("+447700900123")),
        ("3546112345", Ok("+3546112345")),
        // A Spanish mobile without 34: 65 (Singapore) and seven digits, one short.
        ("654654654", missing.clone()),
        ("654 654 654", missing.clone()),
        // The Orange France page's login_hint example, 33 and seven digits, is too short for France
        // as a phone number; as a login hint (`LoginHint`) it keeps the operator's form.
        ("336666666", missing.clone()),
        // A US number without 1: 41 (Switzerland) and eight digits.
        ("4155550100", missing.clone()),
        // An Italian mobile without 39: 34 (Spain) and eight digits.
        ("3471234567", missing.clone()),
        // No assigned code at all (969 is spare): a national number.
        ("969123456", missing.clone()),
        // The same digits with a prefix name their country code and are taken as written.
        ("+654654654", Ok("+654654654")),
        ("00654654654", Ok("+654654654")),
        ("tel:+654654654", Ok("+654654654")),
        ("+336666666", Ok("+336666666")),
        // Other rules come first.
        ("0654654654", Err(PhoneNumberError::LeadingZero)),
        ("6546", Err(PhoneNumberError::Length { digits: 4 })),
        ("+969123456", Err(PhoneNumberError::UnknownCountryCode)),
    ];
    for (input, expected) in cases {
        check(lenient, input, expected);
    }
    assert_eq!(
        PhoneNumberError::MissingCountryCode.to_string(),
        "phone number looks national: write it with '+' and the country calling code \
         (for example +34 654654654)"
    );
}

#[test]
fn parts_and_masking() {
    let number = PhoneNumber::parse_strict("+33699901040").unwrap();
    assert_eq!(number.country_code(), CountryCode(33));
    assert_eq!(number.expose_digits(), "33699901040");
    assert_eq!(number.expose_national_number(), "699901040");
    assert_eq!(number.to_string(), "+33*******40");
    assert_eq!(format!("{number:?}"), "PhoneNumber(\"+33*******40\")");
    let short = PhoneNumber::parse_strict("+35112").unwrap();
    assert_eq!(short.to_string(), "+351**");
}

#[test]
fn hashed_matches_the_number_verification_spec_example() {
    // number-verification.yaml gives this hash as the example of `hashedPhoneNumber`;
    // it is the SHA-256 of "+34600000000".
    let number = PhoneNumber::parse_strict("+34600000000").unwrap();
    assert_eq!(
        number.hashed().as_str(),
        "32f67ab4e4312618b09cd23ed8ce41b13e095fe52b73b2e8da8ef49830e50dba"
    );
    let parsed: HashedPhoneNumber = "32F67AB4E4312618B09CD23ED8CE41B13E095FE52B73B2E8DA8EF49830E50DBA"
        .parse()
        .unwrap();
    assert_eq!(parsed, number.hashed());
    assert_eq!(format!("{parsed:?}"), "HashedPhoneNumber([redacted])");
    assert_eq!(
        "abc".parse::<HashedPhoneNumber>(),
        Err(HashedPhoneNumberError::Format)
    );
}

#[test]
fn serde_is_strict_by_default_and_lenient_on_request() {
    #[derive(Deserialize, Serialize)]
    struct Lenient {
        #[serde(with = "serde_lenient")]
        number: PhoneNumber,
    }
    let number: PhoneNumber = serde_json::from_str("\"+33699901040\"").unwrap();
    assert_eq!(serde_json::to_string(&number).unwrap(), "\"+33699901040\"");
    let err = serde_json::from_str::<PhoneNumber>("\"33699901040\"").unwrap_err();
    assert!(
        !err.to_string().contains("699901040"),
        "error leaks the number: {err}"
    );
    let lenient: Lenient = serde_json::from_str(r#"{"number":"33699901040"}"#).unwrap();
    assert_eq!(lenient.number, number);
    assert_eq!(
        serde_json::to_string(&lenient).unwrap(),
        r#"{"number":"+33699901040"}"#
    );
}
