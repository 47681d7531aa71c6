//! The CAMARA error body `{status, code, message}` and the catalogue of its codes.
//!
//! Codes come from `CAMARA_common.yaml` (the common catalogue) and the API specifications in
//! `shared/specs/camara/`: KYC Match 0.2.1/0.4.0, SIM Swap 1.0.0/2.1.0, Number Verification
//! 2.0.0/2.1.0, Device Swap 1.0.0, Number Recycling 0.2.0, KYC Tenure 0.2.0, KYC Age Verification
//! 0.2.1 and KYC Fill-in 0.4.1 (these five add no code of their own), Call Forwarding Signal 0.4.0
//! and Consent Info 0.2.0. Codes this version does not know decode into [`ErrorCode::Other`] and
//! round-trip.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::scope::string_enum;

string_enum! {
    /// A CAMARA error code.
    ErrorCode, prefix = "" {
        /// 400: a request parameter is invalid.
        InvalidArgument => "INVALID_ARGUMENT",
        /// 400: a parameter is out of its range (SIM Swap `maxAge`).
        OutOfRange => "OUT_OF_RANGE",
        /// 401: credentials missing, invalid or expired.
        Unauthenticated => "UNAUTHENTICATED",
        /// 401: Number Verification 2.0 asks for a new authentication (the 2.1 spec dropped it).
        AuthenticationRequired => "AUTHENTICATION_REQUIRED",
        /// 403: the token lacks the permission (scope) for the operation.
        PermissionDenied => "PERMISSION_DENIED",
        /// 403: the identifier in the request does not match the one in the token.
        InvalidTokenContext => "INVALID_TOKEN_CONTEXT",
        /// 403: KYC Match — the ID document does not match the one on file.
        KycIdDocumentMismatch => "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH",
        /// 403: Number Verification — the user was not authenticated by the mobile network.
        NumberVerificationUserNotAuthenticatedByMobileNetwork =>
            "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK",
        /// 403: Consent Info — the scopes and purpose asked are not allowed for the API consumer.
        ConsentInfoNotAllowedScopesPurpose => "CONSENT_INFO.NOT_ALLOWED_SCOPES_PURPOSE",
        /// 403: Consent Info — too many consent capture URLs were asked for the subscriber lately.
        ConsentInfoCaptureFrequencyExceeded => "CONSENT_INFO.CAPTURE_FREQUENCY_EXCEEDED",
        /// 403: Consent Info — the `callbackUrl` did not pass the operator's checks.
        ConsentInfoInvalidCallbackUrl => "CONSENT_INFO.INVALID_CALLBACK_URL",
        /// 400: KYC Match — the combination of parameters is invalid.
        KycInvalidParamCombination => "KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION",
        /// 400: KYC Match — the operator needs the ID document to match.
        KycIdDocumentRequired => "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED",
        /// 404: resource not found.
        NotFound => "NOT_FOUND",
        /// 404: the device or phone number identifier is not known.
        IdentifierNotFound => "IDENTIFIER_NOT_FOUND",
        /// 405: method not allowed.
        MethodNotAllowed => "METHOD_NOT_ALLOWED",
        /// 406: no acceptable representation.
        NotAcceptable => "NOT_ACCEPTABLE",
        /// 409: concurrency conflict.
        Aborted => "ABORTED",
        /// 409: the resource already exists.
        AlreadyExists => "ALREADY_EXISTS",
        /// 409: conflict.
        Conflict => "CONFLICT",
        /// 410: gone.
        Gone => "GONE",
        /// 412: the request cannot be executed in the current state.
        FailedPrecondition => "FAILED_PRECONDITION",
        /// 415: unsupported media type.
        UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
        /// 422: the service does not apply to the identified subscriber.
        ServiceNotApplicable => "SERVICE_NOT_APPLICABLE",
        /// 422: no identifier in the request nor in the token.
        MissingIdentifier => "MISSING_IDENTIFIER",
        /// 422: the identifier type is not supported.
        UnsupportedIdentifier => "UNSUPPORTED_IDENTIFIER",
        /// 422: the request names an identifier the 3-legged token already identifies.
        UnnecessaryIdentifier => "UNNECESSARY_IDENTIFIER",
        /// 422: SIM Swap 1.0 — the operation is not supported for this number.
        NotSupported => "NOT_SUPPORTED",
        /// 422: SIM Swap 1.0 — no phone number in the request nor in the token.
        UnidentifiablePhoneNumber => "UNIDENTIFIABLE_PHONE_NUMBER",
        /// 429: the quota is exhausted.
        QuotaExceeded => "QUOTA_EXCEEDED",
        /// 429: rate limited.
        TooManyRequests => "TOO_MANY_REQUESTS",
        /// 500: server error.
        Internal => "INTERNAL",
        /// 501: not implemented.
        NotImplemented => "NOT_IMPLEMENTED",
        /// 502: bad gateway.
        BadGateway => "BAD_GATEWAY",
        /// 503: service unavailable.
        Unavailable => "UNAVAILABLE",
        /// 504: upstream timeout.
        Timeout => "TIMEOUT",
    }
}

/// A CAMARA error body, as every API returns it for 4xx and 5xx statuses.
///
/// The message is the operator's human-readable description and is shown by `Display`; CAMARA
/// messages are generic texts, but an operator that echoes request data into them would leak it into
/// logs, so callers that log errors from unknown operators should log [`ErrorInfo::code`] only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorInfo {
    /// The HTTP status the operator put in the body.
    pub status: u16,
    /// The error code.
    pub code: ErrorCode,
    /// The operator's description.
    pub message: String,
}

impl ErrorInfo {
    /// Builds an error body.
    pub fn new(status: u16, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ErrorInfo {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_including_unknown_ones() {
        for text in [
            "INVALID_ARGUMENT",
            "KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH",
            "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK",
            "UNIDENTIFIABLE_PHONE_NUMBER",
            "CONSENT_INFO.CAPTURE_FREQUENCY_EXCEEDED",
            "SIM_SWAP.SOMETHING_NEW",
        ] {
            let code: ErrorCode = text.parse().unwrap();
            assert_eq!(code.as_str(), text);
        }
        assert_eq!(
            "SIM_SWAP.SOMETHING_NEW".parse::<ErrorCode>().unwrap(),
            ErrorCode::Other("SIM_SWAP.SOMETHING_NEW".into())
        );
    }

    #[test]
    fn decodes_the_camara_error_body() {
        let body = r#"{"status":422,"code":"UNNECESSARY_IDENTIFIER","message":"The device is already identified by the access token."}"#;
        let info: ErrorInfo = serde_json::from_str(body).unwrap();
        assert_eq!(info.code, ErrorCode::UnnecessaryIdentifier);
        assert_eq!(
            info.to_string(),
            "422 UNNECESSARY_IDENTIFIER: The device is already identified by the access token."
        );
        assert_eq!(serde_json::to_string(&info).unwrap(), body);
    }
}
