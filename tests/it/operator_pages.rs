//! The identifiers each operator page uses parse into the core types and render back as the page shows.

use netid_core::login_hint::LoginHint;
use netid_core::phone::PhoneNumber;
use netid_core::scope::{ApiScope, Purpose, Scope};

#[test]
fn orange_france_kyc_match_identifiers() {
    // 000: login_hint is a bare MSISDN; the match request sends the number without '+'.
    let hint: LoginHint = "336666666".parse().unwrap();
    assert_eq!(hint.expose_value(), "336666666");
    let number = PhoneNumber::parse_lenient("33699901040").unwrap();
    assert_eq!(number.expose_e164(), "+33699901040");
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::KycMatchMatch)
        .build();
    assert_eq!(
        scope.to_string(),
        "openid dpv:FraudPreventionAndDetection kyc-match:match"
    );
}

#[test]
fn orange_spain_sim_swap_identifiers() {
    // 001: login_hint=tel:+34…, scope sim-swap.
    let hint: LoginHint = "tel:+34666666666".parse().unwrap();
    assert_eq!(
        hint.phone_number().map(PhoneNumber::expose_e164),
        Some("+34666666666")
    );
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build();
    assert_eq!(
        scope.to_string(),
        "openid dpv:FraudPreventionAndDetection sim-swap"
    );
}

#[test]
fn open_gateway_number_verification_identifiers() {
    // 002: login_hint=operatortoken:… (TS.43 temporary token); the token never prints.
    let hint: LoginHint = "operatortoken:ZmFrZS10czQzLXRva2Vu".parse().unwrap();
    assert_eq!(format!("{hint:?}"), "OperatorToken([redacted])");
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .apis([
            ApiScope::NumberVerificationVerify,
            ApiScope::NumberVerificationDevicePhoneNumberRead,
        ])
        .build();
    assert!(scope.contains("number-verification:device-phone-number:read"));
}
