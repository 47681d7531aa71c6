//! Entry points for the cargo-fuzz targets in `fuzz/`; not part of the public API.
//!
//! Each entry point parses arbitrary bytes and checks the invariants a parse result must keep, so
//! the fuzzer finds both panics and logic errors.

use crate::login_hint::LoginHint;
use crate::phone::PhoneNumber;

/// Phone number parsers: no panic; strict results are lenient results; rendering round-trips.
pub fn fuzz_phone_number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lenient = PhoneNumber::parse_lenient(text);
    if let Ok(strict) = PhoneNumber::parse_strict(text) {
        assert_eq!(
            lenient.as_ref(),
            Ok(&strict),
            "strict input must parse leniently to the same number"
        );
    }
    if let Ok(number) = lenient {
        let again = PhoneNumber::parse_strict(number.expose_e164());
        assert_eq!(again.as_ref(), Ok(&number), "normalised form must be strict");
        let masked = number.to_string();
        let visible_digits = masked.bytes().filter(u8::is_ascii_digit).count();
        assert!(
            visible_digits <= number.country_code().to_string().len() + 2,
            "masking shows more than the country code and two digits"
        );
    }
}

/// Login hint parser: no panic; the wire form parses back to the same hint.
pub fn fuzz_login_hint(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(hint) = text.parse::<LoginHint>() {
        let wire = hint.expose_value();
        let again: LoginHint = match wire.parse() {
            Ok(again) => again,
            Err(err) => panic!("rendered hint does not parse: {err}"),
        };
        assert!(again == hint, "login hint does not round-trip");
    }
}
