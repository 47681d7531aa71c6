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

mod exchange;
mod oauth;

pub use exchange::{DecodeError, IssuerMismatch, TransportFailure};
pub use oauth::{OAuthError, OAuthErrorCode};

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
