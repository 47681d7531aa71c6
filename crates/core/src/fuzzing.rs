//! Entry points for the cargo-fuzz targets in `fuzz/`; not part of the public API.
//!
//! Each entry point parses arbitrary bytes and checks the invariants a parse result must keep, so
//! the fuzzer finds both panics and logic errors.

use crate::kyc::KycClaims;
use crate::login_hint::LoginHint;
use crate::phone::PhoneNumber;
use crate::scope::Scope;

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

/// Scope parser: no panic; the rendered scope parses back to the same value, tokens unchanged.
pub fn fuzz_scope(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scope) = text.parse::<Scope>() else {
        return;
    };
    let rendered = scope.to_string();
    let again: Scope = match rendered.parse() {
        Ok(again) => again,
        Err(err) => panic!("rendered scope does not parse: {err}"),
    };
    assert_eq!(again, scope, "scope does not round-trip");
    assert!(
        scope
            .iter()
            .all(|token| !token.is_empty() && !token.contains(' ')),
        "a scope token is empty or holds a space"
    );
    // Every token of the input is kept, once.
    let mut seen = std::collections::BTreeSet::new();
    for token in text.split(' ').filter(|t| !t.is_empty()) {
        assert!(scope.contains(token), "a token of the input was dropped");
        seen.insert(token);
    }
    assert_eq!(seen.len(), scope.iter().count(), "scope holds a token twice");
}

/// KYC claims JSON (serde, as the command line and the sandbox read it): no panic; only valid JSON
/// is accepted; decode → encode → decode gives the same value, and encoding is stable.
///
/// Decoded from text, as every caller does (the command line from `&str`, the sandbox through a
/// `serde_json::Value`): `serde_json::from_slice` skips UTF-8 validation inside the values serde
/// ignores (unknown keys), so it would accept bytes that are not JSON.
pub fn fuzz_kyc_claims(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(claims) = serde_json::from_str::<KycClaims>(text) else {
        return;
    };
    // The grammar only: `serde_json::Value` also refuses numbers beyond f64, which RFC 8259 allows.
    assert!(
        serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(),
        "KYC claims decoded from invalid JSON"
    );
    let encoded = match serde_json::to_vec(&claims) {
        Ok(encoded) => encoded,
        Err(err) => panic!("decoded claims do not encode: {err}"),
    };
    let again: KycClaims = match serde_json::from_slice(&encoded) {
        Ok(again) => again,
        Err(err) => panic!("encoded claims do not decode: {err}"),
    };
    assert!(again == claims, "claims do not round-trip");
    let twice = serde_json::to_vec(&again).unwrap_or_default();
    assert_eq!(twice, encoded, "claims encoding is not stable");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs each entry point must take without a failed assertion: edge cases of each parser.
    #[test]
    fn entry_points_accept_edge_cases() {
        let inputs: [&[u8]; 13] = [
            b"",
            b" ",
            b"openid  openid dpv:FraudPreventionAndDetection",
            b"+34654654654",
            b"tel:+34654654654",
            b"{}",
            b"{\"phoneNumber\":\"34654654654\",\"idDocument\":12345}",
            b"{\"gender\":\"male\",\"birthdate\":\"1978-08-22\",\"country\":\"es\"}",
            b"{\"givenName\":\"\\u00e9\"}",
            b"{\"unknown\":1}",
            b"{\"unknown\":661e3096666666}",
            b"[1,2]",
            &[0xff, 0xfe, 0x00],
        ];
        for input in inputs {
            fuzz_phone_number(input);
            fuzz_login_hint(input);
            fuzz_scope(input);
            fuzz_kyc_claims(input);
        }
    }

    /// Found by the `kyc_claims` target: `serde_json::from_slice::<KycClaims>` accepted a body with
    /// invalid UTF-8 in the value of an unknown key. The claims are decoded from text, as the
    /// callers do, and such bytes are refused.
    #[test]
    fn fuzz_regression_invalid_utf8_in_an_unknown_key_is_not_json() {
        let input = include_bytes!("../../../fuzz/seeds/kyc_claims/regression-invalid-utf8-in-unknown-key");
        assert!(String::from_utf8(input.to_vec()).is_err());
        fuzz_kyc_claims(input);
        // Since claims refuse unknown fields, the text form is refused too, whatever the value.
        let text = String::from_utf8_lossy(input);
        assert!(
            serde_json::from_str::<KycClaims>(&text).is_err(),
            "an unknown key is refused"
        );
    }
}
