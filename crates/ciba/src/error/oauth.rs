//! The authorization server's own errors: the typed OAuth / OpenID Connect `error` code and the
//! error answer carrying it.

use std::fmt;

/// An OAuth 2.0 / OpenID Connect error code ([RFC 6749 §5.2], [CIBA §11, §13], [OIDC §3.1.2.6]).
///
/// Unknown codes decode into [`OAuthErrorCode::Other`] and keep their text.
///
/// [RFC 6749 §5.2]: https://www.rfc-editor.org/rfc/rfc6749#section-5.2
/// [CIBA §11, §13]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.11
/// [OIDC §3.1.2.6]: https://openid.net/specs/openid-connect-core-1_0.html#AuthError
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// `invalid_request`: malformed request; CIBA: never poll this `auth_req_id` again.
    InvalidRequest,
    /// `invalid_client`: client authentication failed (bad `client_assertion`, unknown client).
    InvalidClient,
    /// `invalid_grant`: the `auth_req_id`, code, refresh token or assertion is invalid or revoked.
    InvalidGrant,
    /// `unauthorized_client`: the client may not use this grant type.
    UnauthorizedClient,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `invalid_scope`.
    InvalidScope,
    /// `unknown_user_id`: the `login_hint` names no subscriber (CIBA §13).
    UnknownUserId,
    /// `invalid_request_object`: the signed `request` was refused.
    InvalidRequestObject,
    /// `access_denied`: the user or the operator (opted-out subscriber) refused.
    AccessDenied,
    /// `authorization_pending`: the user has not answered yet; keep polling.
    AuthorizationPending,
    /// `slow_down`: keep polling, 5 s slower from now on.
    SlowDown,
    /// `expired_token`: the `auth_req_id` has expired.
    ExpiredToken,
    /// `expired_login_hint_token`.
    ExpiredLoginHintToken,
    /// `missing_user_code`.
    MissingUserCode,
    /// `invalid_user_code`.
    InvalidUserCode,
    /// `invalid_binding_message`.
    InvalidBindingMessage,
    /// `transaction_failed`.
    TransactionFailed,
    /// `login_required`: `prompt=none` and the user is not authenticated (authorization-code flow).
    LoginRequired,
    /// `interaction_required`: `prompt=none` but the OP needs user interaction.
    InteractionRequired,
    /// `consent_required`.
    ConsentRequired,
    /// `account_selection_required`: `prompt=none` but the user must pick an account (OIDC §3.1.2.6).
    AccountSelectionRequired,
    /// `unsupported_response_type`: the OP does not offer this `response_type` (RFC 6749 §4.1.2.1).
    UnsupportedResponseType,
    /// `request_not_supported`: the OP does not accept the `request` parameter (OIDC §3.1.2.6).
    RequestNotSupported,
    /// `request_uri_not_supported`: the OP does not accept the `request_uri` parameter (OIDC §3.1.2.6).
    RequestUriNotSupported,
    /// `invalid_request_uri`: the `request_uri` is invalid or unreachable (OIDC §3.1.2.6).
    InvalidRequestUri,
    /// `registration_not_supported`: the OP does not accept the `registration` parameter (OIDC §3.1.2.6).
    RegistrationNotSupported,
    /// `server_error`.
    ServerError,
    /// `temporarily_unavailable`.
    TemporarilyUnavailable,
    /// `invalid_dpop_proof` (RFC 9449).
    InvalidDpopProof,
    /// Any other code, kept verbatim.
    Other(String),
}

impl OAuthErrorCode {
    /// The wire form (`access_denied`, …).
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::UnknownUserId => "unknown_user_id",
            Self::InvalidRequestObject => "invalid_request_object",
            Self::AccessDenied => "access_denied",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::ExpiredLoginHintToken => "expired_login_hint_token",
            Self::MissingUserCode => "missing_user_code",
            Self::InvalidUserCode => "invalid_user_code",
            Self::InvalidBindingMessage => "invalid_binding_message",
            Self::TransactionFailed => "transaction_failed",
            Self::LoginRequired => "login_required",
            Self::InteractionRequired => "interaction_required",
            Self::ConsentRequired => "consent_required",
            Self::AccountSelectionRequired => "account_selection_required",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::InvalidRequestUri => "invalid_request_uri",
            Self::RegistrationNotSupported => "registration_not_supported",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InvalidDpopProof => "invalid_dpop_proof",
            Self::Other(other) => other,
        }
    }

    /// Parses a wire code; never fails (unknown codes become [`OAuthErrorCode::Other`]).
    pub fn from_wire(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "unknown_user_id" => Self::UnknownUserId,
            "invalid_request_object" => Self::InvalidRequestObject,
            "access_denied" => Self::AccessDenied,
            "authorization_pending" => Self::AuthorizationPending,
            "slow_down" => Self::SlowDown,
            "expired_token" => Self::ExpiredToken,
            "expired_login_hint_token" => Self::ExpiredLoginHintToken,
            "missing_user_code" => Self::MissingUserCode,
            "invalid_user_code" => Self::InvalidUserCode,
            "invalid_binding_message" => Self::InvalidBindingMessage,
            "transaction_failed" => Self::TransactionFailed,
            "login_required" => Self::LoginRequired,
            "interaction_required" => Self::InteractionRequired,
            "consent_required" => Self::ConsentRequired,
            "account_selection_required" => Self::AccountSelectionRequired,
            "unsupported_response_type" => Self::UnsupportedResponseType,
            "request_not_supported" => Self::RequestNotSupported,
            "request_uri_not_supported" => Self::RequestUriNotSupported,
            "invalid_request_uri" => Self::InvalidRequestUri,
            "registration_not_supported" => Self::RegistrationNotSupported,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            "invalid_dpop_proof" => Self::InvalidDpopProof,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth error answer: the HTTP status, the typed `error` code and the optional description.
///
/// The description is operator text: it is shown in `Display` because CAMARA operators put no
/// personal data there, but it is truncated to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OAuthError {
    /// HTTP status of the answer (0 for an authorization-code callback, which has none).
    pub status: u16,
    /// The `error` code.
    pub code: OAuthErrorCode,
    /// The `error_description`, if any.
    pub description: Option<String>,
    /// The `error_uri`, if any.
    pub uri: Option<String>,
}

impl OAuthError {
    /// An error with a code and nothing else.
    pub fn new(status: u16, code: OAuthErrorCode) -> Self {
        Self {
            status,
            code,
            description: None,
            uri: None,
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.code)?;
        if self.status != 0 {
            write!(f, " (http {})", self.status)?;
        }
        if let Some(description) = &self.description {
            let short: String = description.chars().take(200).collect();
            write!(f, ": {short}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OAuthError {}
