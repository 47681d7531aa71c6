//! Who a request is about: each spec version's rules for a `phoneNumber` in the body next to the
//! access token, and the subscriber they single out.

use netid_core::error_info::ErrorCode;
use netid_core::phone::PhoneNumber;
use netid_core::spec::SpecVersion;

use super::ApiError;
use crate::state::{Grant, Shared};
use crate::subscribers::Subscriber;

/// How a spec version treats a `phoneNumber` in the body next to the token.
#[derive(Debug, Clone)]
pub(super) struct IdentifierRules {
    /// Commonalities 0.6 APIs that cannot confirm identities answer `422 UNNECESSARY_IDENTIFIER`
    /// whenever a three-legged token comes with an identifier; older ones (and KYC Match, which may
    /// confirm) answer `403 INVALID_TOKEN_CONTEXT` on a mismatch only.
    pub(super) unnecessary: bool,
    /// The answer when neither the body nor the token identifies the subscriber.
    pub(super) missing: (u16, ErrorCode, &'static str),
    /// The answer when the body names an unknown number.
    pub(super) not_found: (u16, ErrorCode, &'static str),
}

pub(super) const SIM_SWAP_V1: IdentifierRules = IdentifierRules {
    unnecessary: false,
    missing: (
        422,
        ErrorCode::UnidentifiablePhoneNumber,
        "The phone number cannot be identified",
    ),
    not_found: (404, ErrorCode::NotFound, "The specified resource is not found."),
};
pub(super) const SIM_SWAP_V2: IdentifierRules = IdentifierRules {
    unnecessary: true,
    missing: (
        422,
        ErrorCode::MissingIdentifier,
        "The device cannot be identified.",
    ),
    not_found: (404, ErrorCode::IdentifierNotFound, "Device identifier not found."),
};
pub(super) const KYC_V0_2: IdentifierRules = IdentifierRules {
    unnecessary: false,
    missing: (
        400,
        ErrorCode::InvalidArgument,
        "Client specified an invalid argument, request body or query param.",
    ),
    not_found: (404, ErrorCode::NotFound, "The specified resource is not found."),
};
pub(super) const KYC_V0_4: IdentifierRules = IdentifierRules {
    unnecessary: false,
    missing: (
        422,
        ErrorCode::MissingIdentifier,
        "No phone number has been provided",
    ),
    not_found: (
        404,
        ErrorCode::IdentifierNotFound,
        "The phone number provided is not associated with a customer account",
    ),
};

/// The subscriber a request is about, from the token or the body, per `rules`.
pub(super) fn subject<'a>(
    shared: &'a Shared,
    grant: &Grant,
    in_body: Option<PhoneNumber>,
    rules: &IdentifierRules,
) -> Result<&'a Subscriber, ApiError> {
    let store = &shared.config.subscribers;
    let (status, code, message) = &rules.not_found;
    let not_found = || ApiError::new(*status, code.clone(), message);
    match (&grant.subscriber, in_body) {
        (Some(_), Some(_)) if rules.unnecessary => Err(ApiError::new(
            422,
            ErrorCode::UnnecessaryIdentifier,
            "The device is already identified by the access token.",
        )),
        (Some(from_token), Some(from_body)) if *from_token != from_body => {
            Err(ApiError::invalid_token_context())
        }
        (Some(number), _) => store.by_phone_number(number).ok_or_else(not_found),
        (None, Some(number)) => store.by_phone_number(&number).ok_or_else(not_found),
        (None, None) => {
            let (status, code, message) = &rules.missing;
            Err(ApiError::new(*status, code.clone(), message))
        }
    }
}

/// The identifier rules of `spec`. The router mounts the handlers using this for KYC Match and SIM Swap
/// versions only; a later version of either follows Commonalities 0.6, as SIM Swap 2.1.0 does.
pub(super) fn rules(spec: SpecVersion) -> &'static IdentifierRules {
    match spec {
        SpecVersion::SimSwap1_0_0 => &SIM_SWAP_V1,
        SpecVersion::KycMatch0_2_1 => &KYC_V0_2,
        SpecVersion::KycMatch0_4_0 => &KYC_V0_4,
        _ => &SIM_SWAP_V2,
    }
}
