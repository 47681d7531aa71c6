//! The error of every CAMARA call, split by who is at fault: the operator ([`OperatorError`]), the
//! response body ([`DecodeError`]), the network ([`TransportError`]), the caller
//! ([`InvalidRequest`]), time ([`CamaraError::Deadline`]) or the environment (random source).

use std::fmt;

use bytes::Bytes;
use netid_core::correlator::XCorrelator;
use netid_core::error_info::{ErrorCode, ErrorInfo};
use netid_core::ports::RandomError;
use netid_transport::{Origin, TransportError};

use crate::profile::{Api, Quirk, SpecVersion};
use crate::retry_after::RetryAfter;

/// Why a CAMARA call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CamaraError {
    /// The operator answered with an error status and a CAMARA error body.
    #[error(transparent)]
    Operator(#[from] OperatorError),
    /// The response (success or error) could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// No complete response was received from `origin`: `Display` names the server (scheme,
    /// host and port, never the path or query) and the transport's cause.
    #[error("the request to {origin} could not be completed: {source}")]
    Transport {
        /// Where the request went.
        origin: Origin,
        /// Why no complete response arrived.
        #[source]
        source: TransportError,
    },
    /// The caller's deadline passed before a response arrived (or before the next attempt could).
    #[error("the deadline passed after {attempts} attempt(s)")]
    Deadline {
        /// Attempts sent before the deadline.
        attempts: u32,
    },
    /// The response's `x-correlator` was missing or differed from the request's, and the client was
    /// told to require it ([`CorrelatorPolicy::Require`](crate::CorrelatorPolicy::Require)).
    #[error("the response x-correlator does not echo the request's")]
    CorrelatorMismatch {
        /// The correlator sent.
        sent: XCorrelator,
        /// The correlator received, if any.
        received: Option<String>,
    },
    /// The caller asked for something the client cannot send.
    #[error(transparent)]
    InvalidRequest(#[from] InvalidRequest),
    /// The random source failed while generating a correlator or a retry jitter.
    #[error("the random source failed")]
    Random(#[source] RandomError),
}

impl CamaraError {
    /// The HTTP status of the response that caused the error, if one was received.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Operator(error) => Some(error.status()),
            Self::Decode(error) => Some(error.status()),
            _ => None,
        }
    }

    /// A stable name for the variant (`operator`, `decode`, `transport`, `deadline`,
    /// `correlator_mismatch`, `invalid_request`, `random`), for logs and metrics: unlike `Display`, it
    /// never carries text from the response.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Operator(_) => "operator",
            Self::Decode(_) => "decode",
            Self::Transport { .. } => "transport",
            Self::Deadline { .. } => "deadline",
            Self::CorrelatorMismatch { .. } => "correlator_mismatch",
            Self::InvalidRequest(_) => "invalid_request",
            Self::Random(_) => "random",
        }
    }

    /// The response's `Retry-After`, whether its error body was decoded or not.
    #[must_use]
    pub fn retry_after(&self) -> Option<RetryAfter> {
        match self {
            Self::Operator(error) => error.retry_after(),
            Self::Decode(error) => error.retry_after(),
            _ => None,
        }
    }

    /// The transport error and where the request went, if that is what this is.
    #[must_use]
    pub fn as_transport(&self) -> Option<(&Origin, &TransportError)> {
        match self {
            Self::Transport { origin, source } => Some((origin, source)),
            _ => None,
        }
    }

    /// The operator error, if that is what this is.
    #[must_use]
    pub fn as_operator(&self) -> Option<&OperatorError> {
        match self {
            Self::Operator(error) => Some(error),
            _ => None,
        }
    }
}

/// A CAMARA error answered by the operator: HTTP status, `{status, code, message}` body, and the
/// `Retry-After` delay when the operator sent one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the operator answered {status} {}: {}", .info.code, .info.message)]
pub struct OperatorError {
    status: u16,
    info: ErrorInfo,
    retry_after: Option<RetryAfter>,
}

impl OperatorError {
    /// An operator error for HTTP `status` with body `info`.
    #[must_use]
    pub fn new(status: u16, info: ErrorInfo, retry_after: Option<RetryAfter>) -> Self {
        Self {
            status,
            info,
            retry_after,
        }
    }

    /// The HTTP status of the response (the body's `status` may differ; see [`info`](Self::info)).
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The error code of the body.
    #[must_use]
    pub fn code(&self) -> &ErrorCode {
        &self.info.code
    }

    /// The operator's message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.info.message
    }

    /// The whole error body.
    #[must_use]
    pub fn info(&self) -> &ErrorInfo {
        &self.info
    }

    /// The operator's `Retry-After` (a delay or an HTTP date), if it sent one; see
    /// [`RetryAfter::delay_from`].
    #[must_use]
    pub fn retry_after(&self) -> Option<RetryAfter> {
        self.retry_after
    }
}

/// What kind of decoding failure a [`DecodeError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body is not JSON (empty, HTML, truncated, a trailing comma).
    Syntax,
    /// The body is JSON but a value has the wrong type, is missing, or is out of range.
    Data,
    /// The body deviates from the spec in a way the profile's tolerance refuses.
    Quirk(Quirk),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax => f.write_str("not valid JSON"),
            Self::Data => f.write_str("a value is missing or does not have the expected type"),
            Self::Quirk(quirk) => write!(f, "a deviation from the spec is not tolerated ({quirk})"),
        }
    }
}

/// A response body that could not be decoded. Keeps the HTTP status, the JSON path that failed
/// (`$.latestSimChange`, `$` for the whole body) and the raw body, which `Display` and `Debug` show
/// only as a length because it may carry personal data.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode the {status} response body at {path}: {kind} ({} bytes)", .body.len())]
pub struct DecodeError {
    status: u16,
    path: String,
    kind: DecodeErrorKind,
    detail: String,
    body: Bytes,
    retry_after: Option<RetryAfter>,
}

impl DecodeError {
    pub(crate) fn new(status: u16, path: String, kind: DecodeErrorKind, detail: String, body: Bytes) -> Self {
        Self {
            status,
            path,
            kind,
            detail,
            body,
            retry_after: None,
        }
    }

    /// Keeps the response's `Retry-After`, read before its body was decoded.
    pub(crate) fn with_retry_after(mut self, retry_after: Option<RetryAfter>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// The response's `Retry-After` (a delay or an HTTP date), if it sent one: kept even when the
    /// error body could not be decoded (a 429 with an empty body).
    #[must_use]
    pub fn retry_after(&self) -> Option<RetryAfter> {
        self.retry_after
    }

    /// The HTTP status of the response.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The JSON path that failed, `$` for the whole body.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What failed.
    #[must_use]
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The decoder's own message.
    ///
    /// # Security
    ///
    /// May quote values of the body (a name, a phone number); do not log it where personal data
    /// must not go.
    #[must_use]
    pub fn expose_detail(&self) -> &str {
        &self.detail
    }

    /// The raw response body.
    ///
    /// # Security
    ///
    /// Carries whatever the operator sent, personal data included.
    #[must_use]
    pub fn expose_body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            status,
            path,
            kind,
            detail: _,
            body,
            retry_after,
        } = self;
        f.debug_struct("DecodeError")
            .field("status", status)
            .field("path", path)
            .field("kind", kind)
            .field("detail", &"[redacted]")
            .field("body_len", &body.len())
            .field("retry_after", retry_after)
            .finish()
    }
}

/// A request the client refuses to send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// The operation belongs to another API or spec version than the client's profile.
    #[error("operation {operation} is not part of {profile}")]
    ProfileMismatch {
        /// The operation (`sim-swap 1.0.0 check`).
        operation: String,
        /// The profile's spec version.
        profile: SpecVersion,
    },
    /// The profile's base URL and the operation path do not form a valid URI.
    #[error("the base URL and the operation path do not form a valid URI")]
    InvalidUri,
    /// The access token or the correlator holds characters an HTTP header cannot carry.
    #[error("the access token or the x-correlator cannot be sent as an HTTP header")]
    InvalidHeader,
    /// A KYC Match claim that the profile's spec version does not define.
    #[error("claim {field} is not defined in this spec version")]
    FieldNotInVersion {
        /// The claim's JSON name.
        field: &'static str,
    },
    /// A KYC Match request without any claim to match.
    #[error("a kyc match request needs at least one claim besides the phone number")]
    NoClaims,
    /// A Consent Info request without any scope to ask about.
    #[error("a consent info request needs at least one scope")]
    NoScopes,
    /// The request body could not be serialised.
    #[error("the request body could not be serialised")]
    Body,
    /// A calendar date the spec's `full-date` (`YYYY-MM-DD`, years 0000 to 9999) cannot write.
    #[error("{field} must be a date between years 0000 and 9999")]
    DateOutOfRange {
        /// The body field (`specifiedDate`, `tenureDate`).
        field: &'static str,
    },
    /// A two-legged token names no subscriber, and the call gave no phone number.
    #[error("a {api} call with a two-legged token needs the subscriber's phone number")]
    MissingIdentifier {
        /// The API called.
        api: Api,
    },
    /// The API needs a token obtained for the subscriber (three-legged), and the call gave a
    /// two-legged one.
    #[error("{api} needs a three-legged token (obtained for the subscriber), not a two-legged one")]
    ThreeLeggedTokenRequired {
        /// The API called.
        api: Api,
    },
}
