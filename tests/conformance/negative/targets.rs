//! The served operations the generator walks: each version's file, where the sandbox serves it, the
//! token it is called with and a body the sandbox answers with 200.

use serde_json::{Value, json};

use crate::sandbox::MAIN;

/// Which of the conformance tokens an operation is called with.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token {
    /// [`MAIN`]'s network-based token: a number in the body must be [`MAIN`].
    Main,
    /// Client credentials: the number comes in the body.
    TwoLegged,
}

/// One served operation: the version's file, where the sandbox serves it, and a body it accepts.
pub(super) struct Target {
    pub(super) file: &'static str,
    /// `paths` key in the file (`/check`).
    pub(super) operation: &'static str,
    pub(super) method: &'static str,
    /// The sandbox's CAMARA base path of that version.
    pub(super) base: &'static str,
    pub(super) token: Token,
    /// A body answered with 200, `None` for a `GET`.
    pub(super) valid: Option<fn() -> Value>,
}

fn kyc_body() -> Value {
    json!({ "givenName": "Francisco" })
}
fn sim_swap_check_body() -> Value {
    json!({ "phoneNumber": MAIN, "maxAge": 240 })
}
fn phone_number_body() -> Value {
    json!({ "phoneNumber": MAIN })
}
fn empty_body() -> Value {
    json!({})
}
fn recycling_body() -> Value {
    json!({ "phoneNumber": MAIN, "specifiedDate": "2024-01-01" })
}
fn tenure_body() -> Value {
    json!({ "phoneNumber": MAIN, "tenureDate": "2020-01-01" })
}
fn age_body() -> Value {
    json!({ "ageThreshold": 18 })
}
// Two scopes, so that an array of one item is still valid and the item mutations touch one of two.
fn consent_body() -> Value {
    json!({
        "scopes": ["sim-swap:retrieve-date", "kyc-match:match"],
        "purpose": "dpv:FraudPreventionAndDetection",
        "requestCaptureUrl": false,
    })
}

/// Every served version's operations; Number Verification 2.0.0 and 2.1.0 share a base path.
pub(super) const TARGETS: &[Target] = &[
    post(
        "kyc-match_v0.2.1.yaml",
        "/match",
        "/kyc-match/v0.2",
        Token::Main,
        kyc_body,
    ),
    post(
        "kyc-match.yaml",
        "/match",
        "/kyc-match/v0.4",
        Token::Main,
        kyc_body,
    ),
    post(
        "sim-swap_v1.0.0.yaml",
        "/check",
        "/sim-swap/v1",
        Token::TwoLegged,
        sim_swap_check_body,
    ),
    post(
        "sim-swap_v1.0.0.yaml",
        "/retrieve-date",
        "/sim-swap/v1",
        Token::TwoLegged,
        phone_number_body,
    ),
    post(
        "sim-swap.yaml",
        "/check",
        "/sim-swap/v2",
        Token::TwoLegged,
        sim_swap_check_body,
    ),
    post(
        "sim-swap.yaml",
        "/retrieve-date",
        "/sim-swap/v2",
        Token::TwoLegged,
        phone_number_body,
    ),
    post(
        "number-verification_v2.0.0.yaml",
        "/verify",
        "/number-verification/v2",
        Token::Main,
        phone_number_body,
    ),
    get(
        "number-verification_v2.0.0.yaml",
        "/device-phone-number",
        "/number-verification/v2",
    ),
    post(
        "number-verification.yaml",
        "/verify",
        "/number-verification/v2",
        Token::Main,
        phone_number_body,
    ),
    get(
        "number-verification.yaml",
        "/device-phone-number",
        "/number-verification/v2",
    ),
    post(
        "device-swap.yaml",
        "/check",
        "/device-swap/v1",
        Token::TwoLegged,
        sim_swap_check_body,
    ),
    post(
        "device-swap.yaml",
        "/retrieve-date",
        "/device-swap/v1",
        Token::TwoLegged,
        phone_number_body,
    ),
    post(
        "number-recycling.yaml",
        "/check",
        "/number-recycling/v0.2",
        Token::TwoLegged,
        recycling_body,
    ),
    post(
        "kyc-tenure.yaml",
        "/check-tenure",
        "/kyc-tenure/v0.2",
        Token::TwoLegged,
        tenure_body,
    ),
    post(
        "kyc-age-verification.yaml",
        "/verify",
        "/kyc-age-verification/v0.2",
        Token::Main,
        age_body,
    ),
    post(
        "kyc-fill-in.yaml",
        "/fill-in",
        "/kyc-fill-in/v0.4",
        Token::Main,
        empty_body,
    ),
    post(
        "call-forwarding-signal.yaml",
        "/unconditional-call-forwardings",
        "/call-forwarding-signal/v0.4",
        Token::TwoLegged,
        phone_number_body,
    ),
    post(
        "call-forwarding-signal.yaml",
        "/call-forwardings",
        "/call-forwarding-signal/v0.4",
        Token::TwoLegged,
        phone_number_body,
    ),
    post(
        "consent-info.yaml",
        "/retrieve",
        "/consent-info/v0.2",
        Token::Main,
        consent_body,
    ),
];

const fn post(
    file: &'static str,
    operation: &'static str,
    base: &'static str,
    token: Token,
    valid: fn() -> Value,
) -> Target {
    Target {
        file,
        operation,
        method: "POST",
        base,
        token,
        valid: Some(valid),
    }
}

const fn get(file: &'static str, operation: &'static str, base: &'static str) -> Target {
    Target {
        file,
        operation,
        method: "GET",
        base,
        token: Token::Main,
        valid: None,
    }
}
