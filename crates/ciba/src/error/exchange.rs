//! Failures of one HTTP exchange: no complete response, a response that could not be decoded, a
//! discovery document naming another issuer.

use std::fmt;

use bytes::Bytes;

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
