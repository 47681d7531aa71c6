//! The crate's one [`Error`], split by who is at fault.
//!
//! - [`OAuthError`]: the authorization server answered with an OAuth error body (its fault or the
//!   user's decision: `access_denied`, `expired_token`, …).
//! - [`TransportFailure`]: no complete HTTP response arrived.
//! - [`DecodeError`]: a response arrived but could not be understood (keeps status and JSON path).
//! - [`IssuerMismatch`]: the discovery document names another issuer (both are shown).
//! - [`IdTokenError`]: the ID token failed validation.
//! - [`FlowError`]: the protocol ended without a token for a reason of its own (deadline, cancel).
//! - [`UsageError`]: the caller misconfigured or misused the API.
//! - [`EnvironmentError`]: the randomness source or the signing key (HSM, KMS) failed.

use std::fmt;

use bytes::Bytes;

/// Every error of this crate.
///
/// Sessions keep their first error: once a session has failed, every later call returns the same
/// error (the rustls `process_new_packets` contract).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The authorization server answered with an OAuth error.
    #[error("authorization server error: {0}")]
    OAuth(#[from] OAuthError),
    /// No complete HTTP response was received.
    #[error("transport failed: {0}")]
    Transport(#[from] TransportFailure),
    /// A response could not be decoded.
    #[error("undecodable response: {0}")]
    Decode(#[from] DecodeError),
    /// The discovery document names another issuer than the one configured.
    #[error(transparent)]
    IssuerMismatch(#[from] IssuerMismatch),
    /// The ID token was rejected.
    #[error("invalid id token: {0}")]
    IdToken(#[from] IdTokenError),
    /// The flow ended without tokens.
    #[error("flow ended: {0}")]
    Flow(#[from] FlowError),
    /// The caller misconfigured or misused the API.
    #[error("invalid use: {0}")]
    Usage(#[from] UsageError),
    /// The environment (randomness, signing key) failed.
    #[error("environment failure: {0}")]
    Environment(#[from] EnvironmentError),
}

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

/// No complete HTTP response was received (built by the driver from the transport's error).
///
/// `Display` names the server when the failure knows it: `the request to https://op.example could
/// not be completed: could not connect to the server: Connection refused (os error 111)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{description}", To(.origin.as_deref()))]
#[non_exhaustive]
pub struct TransportFailure {
    /// What went wrong, without URLs' query strings or bodies.
    pub description: String,
    /// Whether the same request may be sent again.
    pub retryable: bool,
    /// Where the request went: scheme, host and port (`https://op.example`), never the path or
    /// query. The driver sets it; a caller driving a session by hand sets it with
    /// [`with_origin`](Self::with_origin).
    pub origin: Option<String>,
}

/// `the request to <origin> could not be completed: ` when the origin is known.
struct To<'a>(Option<&'a str>);

impl fmt::Display for To<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(origin) => write!(f, "the request to {origin} could not be completed: "),
            None => Ok(()),
        }
    }
}

impl TransportFailure {
    /// A failure with its description and whether a retry makes sense.
    pub fn new(description: impl Into<String>, retryable: bool) -> Self {
        Self {
            description: description.into(),
            retryable,
            origin: None,
        }
    }

    /// The same failure, naming where the request went: scheme, host and port only (the
    /// `netid_transport::Origin` of the request's URI); a path or query may carry secrets.
    #[must_use]
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }
}

/// The provider's discovery document names another issuer than the one configured (OpenID
/// Connect Discovery §4.3 requires them to be identical): `Display` shows both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the discovery document names issuer `{received}`, expected `{expected}`")]
#[non_exhaustive]
pub struct IssuerMismatch {
    /// The issuer configured (and discovered from).
    pub expected: String,
    /// The `issuer` of the discovery document.
    pub received: String,
}

/// A response that could not be decoded.
///
/// `Display` names what was being decoded, the HTTP status, the JSON path that failed and the
/// body's length; the body itself (it may carry tokens) is only reachable by [`DecodeError::body`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// What was being decoded (`token response`, `discovery document`, …).
    pub what: &'static str,
    /// HTTP status of the response (0 when there was none).
    pub status: u16,
    /// JSON path of the failing value (`.` for the document itself).
    pub path: String,
    /// What failed, without any value from the body.
    pub reason: String,
    body: Bytes,
}

impl DecodeError {
    /// A decoding failure of `body` at `path`.
    pub fn new(
        what: &'static str,
        status: u16,
        path: impl Into<String>,
        reason: impl Into<String>,
        body: Bytes,
    ) -> Self {
        Self {
            what,
            status,
            path: path.into(),
            reason: reason.into(),
            body,
        }
    }

    /// The raw body that failed to decode.
    ///
    /// # Security
    ///
    /// It may contain tokens or personal data: do not log it.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            what,
            status,
            path,
            reason,
            body,
        } = self;
        f.debug_struct("DecodeError")
            .field("what", what)
            .field("status", status)
            .field("path", path)
            .field("reason", reason)
            .field("body_len", &body.len())
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (http {}) at `{}`: {} ({} bytes)",
            self.what,
            self.status,
            self.path,
            self.reason,
            self.body.len()
        )
    }
}

impl std::error::Error for DecodeError {}

/// Why an ID token was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdTokenError {
    /// The token response has no `id_token` although the profile requires one.
    #[error("token response has no id_token and the provider profile requires one")]
    Missing,
    /// The token is not a well-formed compact JWS.
    #[error("malformed id token: {0}")]
    Malformed(String),
    /// The signature, algorithm or key was refused.
    #[error("signature check failed: {0}")]
    Signature(String),
    /// `iss` is missing or not the provider's issuer; the text shows both (``expected `X` (found
    /// `Y`)``).
    #[error("issuer mismatch: {0}")]
    Issuer(String),
    /// `aud` or `azp` does not name this client.
    #[error("audience mismatch: {0}")]
    Audience(String),
    /// `exp` is past or `iat` is in the future (after skew).
    #[error("token outside its validity window: {0}")]
    Expired(String),
    /// The `nonce` claim is missing or differs from the one sent.
    #[error("nonce mismatch")]
    Nonce,
    /// The `urn:openid:params:jwt:claim:auth_req_id` claim differs from the request's `auth_req_id`.
    #[error("auth_req_id claim does not match the authentication request")]
    AuthReqId,
    /// Another claim check failed.
    #[error("claims rejected: {0}")]
    Claims(String),
}

/// Why a flow ended without tokens, apart from an OAuth error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError {
    /// The `expires_in` deadline of the authentication request was reached without an answer.
    #[error("authentication request expired before the user answered")]
    DeadlineReached,
    /// Too many consecutive transport failures or 5xx answers.
    #[error("gave up after {attempts} consecutive transient failures")]
    TooManyFailures {
        /// Consecutive failures seen.
        attempts: u32,
    },
    /// The caller cancelled the flow.
    #[error("cancelled by the caller")]
    Cancelled,
    /// The authorization callback's `state` (or `iss`) does not belong to this request.
    #[error("authorization callback does not match the pending request")]
    StateMismatch,
    /// An HTTP status that carries no OAuth error body and no tokens.
    #[error("unexpected http status {status} from the {endpoint} endpoint")]
    UnexpectedStatus {
        /// HTTP status.
        status: u16,
        /// Which endpoint answered (`token`, `backchannel authentication`, …).
        endpoint: &'static str,
    },
    /// The flow another instance ran for the same subject and scopes (a shared flight) failed
    /// with an error that is not an OAuth error or a deadline; its description is all it shared.
    #[error("the flow of another caller failed: {reason}")]
    SharedFlowFailed {
        /// That error's description.
        reason: String,
    },
}

/// The caller misconfigured or misused the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// A URL is not absolute `https` (or `http` on a loopback address).
    #[error("invalid url for {what}: {reason}")]
    InvalidUrl {
        /// Which URL.
        what: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A signing key could not be loaded.
    #[error("invalid signing key: {0}")]
    InvalidKey(String),
    /// The provider configuration lacks something the flow needs.
    #[error("provider configuration lacks {0}")]
    MissingProviderValue(&'static str),
    /// A parameter is out of range or malformed.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A session method was called in a state where it makes no sense.
    #[error("session misuse: {0}")]
    SessionState(&'static str),
    /// The provider's discovery document announces values that exclude what the flow would send
    /// (poll mode, a client-assertion or request-object algorithm).
    #[error("`{value}` is not among the provider's {what}")]
    UnsupportedByProvider {
        /// Which discovery field rules it out.
        what: &'static str,
        /// What the client would have used.
        value: String,
    },
}

/// The environment failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvironmentError {
    /// The secure random source failed.
    #[error("secure random source failed")]
    Random,
    /// The signer (key store, HSM, KMS) failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// The clock is before the Unix epoch or out of range.
    #[error("clock out of range")]
    Clock,
}
