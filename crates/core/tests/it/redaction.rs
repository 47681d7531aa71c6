//! Snapshots of what users and logs see: redacted `Debug`, masked `Display`, scopes, error texts.

use netid_core::error_info::{ErrorCode, ErrorInfo};
use netid_core::login_hint::LoginHint;
use netid_core::phone::{PhoneNumber, PhoneNumberError};
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::secret::{Pii, Secret};
use netid_core::token::{AccessToken, RefreshToken};

#[test]
fn redacted_debug_of_every_secret_and_personal_type() {
    let number = PhoneNumber::parse_strict("+33699901040").unwrap();
    let shown = [
        format!("{number:?}"),
        format!("{number}"),
        format!("{:?}", number.hashed()),
        format!("{:?}", LoginHint::Tel(number.clone())),
        format!("{:?}", LoginHint::Msisdn(number)),
        format!("{:?}", "ipport:[2001:db8::1]:8080".parse::<LoginHint>().unwrap()),
        format!("{:?}", "operatortoken:abc".parse::<LoginHint>().unwrap()),
        format!("{:?}", Secret::new(String::from("private key"))),
        format!("{:?}", Pii::new(String::from("Federica Sánchez Arjona"))),
        format!("{:?}", AccessToken::new("eyJhbGciOiJSUzI1NiJ9.payload.sig")),
        format!("{:?}", RefreshToken::new("refresh")),
    ];
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn scope_strings() {
    let fraud = || Scope::builder(Purpose::FraudPreventionAndDetection);
    let scopes = [
        fraud().api(ApiScope::KycMatchMatch).build(),
        fraud().api(ApiScope::SimSwap).build(),
        fraud()
            .apis([ApiScope::SimSwapCheck, ApiScope::SimSwapRetrieveDate])
            .build(),
        fraud().api(ApiScope::NumberVerificationVerify).build(),
        fraud()
            .api(ApiScope::NumberVerificationDevicePhoneNumberRead)
            .build(),
        fraud()
            .api(ApiScope::NumberVerificationVerify)
            .without_openid()
            .build(),
    ];
    insta::assert_snapshot!(scopes.iter().map(Scope::to_string).collect::<Vec<_>>().join("\n"));
}

#[test]
fn error_display_texts() {
    let errors: Vec<String> = [
        PhoneNumber::parse_strict("33699901040").unwrap_err(),
        PhoneNumber::parse_strict("+33 699").unwrap_err(),
        PhoneNumber::parse_strict("+1234").unwrap_err(),
        PhoneNumber::parse_strict("+0123456").unwrap_err(),
        PhoneNumber::parse_strict("+99912345").unwrap_err(),
        PhoneNumber::parse_lenient("tel:+33699901040;ext=1").unwrap_err(),
        PhoneNumber::parse_lenient(&"9".repeat(300)).unwrap_err(),
        PhoneNumberError::Empty,
    ]
    .iter()
    .map(ToString::to_string)
    .chain(
        ["mailto:x", "ipport:1.2.3", "operatortoken:", "tel:+33 6"]
            .iter()
            .map(|hint| hint.parse::<LoginHint>().unwrap_err().to_string()),
    )
    .chain([ErrorInfo::new(
        403,
        ErrorCode::KycIdDocumentMismatch,
        "The ID document does not match",
    )
    .to_string()])
    .collect();
    for error in &errors {
        assert!(
            !error.contains("699901040"),
            "error text leaks the number: {error}"
        );
    }
    insta::assert_snapshot!(errors.join("\n"));
}
