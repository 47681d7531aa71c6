//! Async ports through which the netid protocol clients reach the network: [`HttpTransport`] (one
//! HTTP exchange with owned bodies) and [`Sleep`] (waiting), plus the typed [`TransportError`].
//!
//! What this crate never does: it opens no socket, reads no clock, spawns no task and names no
//! HTTP client or runtime (no tokio, reqwest or hyper). Adapters implement the ports elsewhere
//! (`netid-reqwest` for reqwest and tokio); protocol crates hold them as `Arc<dyn HttpTransport>` and
//! `Arc<dyn Sleep>`, so a test or an application can swap the network without touching them.
//!
//! # Contract
//!
//! - [`HttpTransport::send`] returns **every** HTTP status, 1xx to 5xx, as `Ok(response)`. The API
//!   layer, not the transport, decides what a 404 or a 503 means. `Err` only means that no complete
//!   response was received (connection refused, timeout, truncated body, refused redirect).
//! - A transport never follows redirects: a 3xx comes back as a response, or, if the adapter was
//!   configured to treat it so, as [`TransportError::Redirect`].
//! - Request and response bodies are owned [`Bytes`]; there is no streaming.
//!
//! # Example
//!
//! A transport that answers every request with `204 No Content`, used through the object-safe port:
//!
//! ```
//! use std::sync::Arc;
//!
//! use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
//!
//! #[derive(Debug)]
//! struct NoContent;
//!
//! #[async_trait::async_trait]
//! impl HttpTransport for NoContent {
//!     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
//!         let mut response = HttpResponse::new(bytes::Bytes::new());
//!         *response.status_mut() = http::StatusCode::NO_CONTENT;
//!         Ok(response)
//!     }
//! }
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! let transport: Arc<dyn HttpTransport> = Arc::new(NoContent);
//! let request = http::Request::post("https://api.example/check").body(bytes::Bytes::new())?;
//! let response = block_on(transport.send(request))?;
//! assert_eq!(response.status(), 204);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `test-util`: `test_util::ReplayTransport` (asserts each request, answers scripted responses),
//!   `test_util::FaultTransport` (connection refused, timeout, truncated body, invalid JSON, slow or
//!   hanging response) and `test_util::InstantSleep` (advances a `netid_core` `ManualClock` instead of
//!   waiting). They are written by hand because they must speak this crate's own port.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
pub use bytes::Bytes;
pub use http;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

/// An HTTP request with an owned body, as handed to an [`HttpTransport`].
pub type HttpRequest = http::Request<Bytes>;

/// An HTTP response with an owned, fully read body, as returned by an [`HttpTransport`].
pub type HttpResponse = http::Response<Bytes>;

/// The HTTP port: sends one request and returns the complete response.
///
/// Object safe (`Arc<dyn HttpTransport>`), `Send + Sync + Debug`. Implementations must not follow
/// redirects and must not retry; retry policy belongs to the API client, which knows which calls are
/// safe to repeat.
#[async_trait]
pub trait HttpTransport: Send + Sync + Debug {
    /// Sends `request` and waits for the complete response, body included.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] only when no complete response was received. Every HTTP status (4xx and
    /// 5xx included) is an `Ok` response.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for Box<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

/// The waiting port: completes after (at least) `duration`.
///
/// Production code uses a runtime timer (`netid_reqwest::TokioSleep`); tests use
/// `test_util::InstantSleep` (feature `test-util`) so backoff and polling take no real time.
#[async_trait]
pub trait Sleep: Send + Sync + Debug {
    /// Waits for `duration`.
    async fn sleep(&self, duration: Duration);
}

#[async_trait]
impl<T: Sleep + ?Sized> Sleep for Arc<T> {
    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await;
    }
}

#[async_trait]
impl<T: Sleep + ?Sized> Sleep for Box<T> {
    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await;
    }
}

/// Why no complete HTTP response was received, with the adapter's cause when it gave one.
///
/// Carries no URL, header or body, so it can be logged and displayed freely: the cause is the
/// client's own error chain (`Connection refused (os error 111)`, `dns error: failed to lookup
/// address information: …`), which names at most a host. The API clients add where the request
/// went (`netid_camara::CamaraError::Transport`, `netid_ciba::TransportFailure`) from its
/// [`Origin`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The connection could not be established (refused, DNS failure, TLS handshake failure).
    #[error("could not connect to the server{}", Cause(.cause.as_deref()))]
    Connect {
        /// The adapter's error chain, if it gave one.
        cause: Option<String>,
    },
    /// The connect or total timeout elapsed before the response was complete.
    #[error("the request timed out{}", Cause(.cause.as_deref()))]
    Timeout {
        /// The adapter's error chain, if it gave one.
        cause: Option<String>,
    },
    /// The response body could not be read completely (connection closed early, decoding failed).
    #[error("the response body could not be read completely{}", Cause(.cause.as_deref()))]
    Body {
        /// The adapter's error chain, if it gave one.
        cause: Option<String>,
    },
    /// The server answered with a redirect, which this transport refuses to follow.
    #[error("the server answered with a redirect, which is not followed{}", Cause(.cause.as_deref()))]
    Redirect {
        /// The adapter's error chain, if it gave one (a client that gave up after too many).
        cause: Option<String>,
    },
    /// Any other failure (request could not be built or sent), with a short description free of
    /// secrets and personal data.
    #[error("transport failure: {0}")]
    Other(String),
}

/// `: <cause>` when there is one.
struct Cause<'a>(Option<&'a str>);

impl std::fmt::Display for Cause<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(cause) => write!(f, ": {cause}"),
            None => Ok(()),
        }
    }
}

/// Where a request went: the scheme, host and port of its URI (`https://op.example`,
/// `http://127.0.0.1:8080`), never its user information, path or query, which may carry tokens or
/// personal data. Errors name it so that a failure says which server could not be reached.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(String);

impl Origin {
    /// The origin of `uri`; `(no host)` for a relative URI, which no transport can send.
    #[must_use]
    pub fn of(uri: &http::Uri) -> Self {
        let Some(host) = uri.host() else {
            return Self("(no host)".to_owned());
        };
        let mut text = String::new();
        if let Some(scheme) = uri.scheme_str() {
            text.push_str(scheme);
            text.push_str("://");
        }
        text.push_str(host);
        if let Some(port) = uri.port_u16() {
            text.push(':');
            text.push_str(&port.to_string());
        }
        Self(text)
    }

    /// The origin as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of a [`TransportError`], for matching and metrics without its detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// See [`TransportError::Connect`].
    Connect,
    /// See [`TransportError::Timeout`].
    Timeout,
    /// See [`TransportError::Body`].
    Body,
    /// See [`TransportError::Redirect`].
    Redirect,
    /// See [`TransportError::Other`].
    Other,
}

impl TransportErrorKind {
    /// A stable lowercase name (`connect`, `timeout`, `body`, `redirect`, `other`) for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Body => "body",
            Self::Redirect => "redirect",
            Self::Other => "other",
        }
    }
}

impl std::fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TransportError {
    /// [`Connect`](Self::Connect) without a cause.
    #[must_use]
    pub const fn connect() -> Self {
        Self::Connect { cause: None }
    }

    /// [`Timeout`](Self::Timeout) without a cause.
    #[must_use]
    pub const fn timeout() -> Self {
        Self::Timeout { cause: None }
    }

    /// [`Body`](Self::Body) without a cause.
    #[must_use]
    pub const fn body() -> Self {
        Self::Body { cause: None }
    }

    /// [`Redirect`](Self::Redirect) without a cause.
    #[must_use]
    pub const fn redirect() -> Self {
        Self::Redirect { cause: None }
    }

    /// The same error with `cause` as its cause (for [`Other`](Self::Other), appended to its
    /// description). The cause must be free of secrets and personal data: an error chain naming
    /// at most a host.
    #[must_use]
    pub fn with_cause(self, cause: impl Into<String>) -> Self {
        let text = cause.into();
        let cause = Some(text.clone());
        match self {
            Self::Connect { .. } => Self::Connect { cause },
            Self::Timeout { .. } => Self::Timeout { cause },
            Self::Body { .. } => Self::Body { cause },
            Self::Redirect { .. } => Self::Redirect { cause },
            Self::Other(description) => Self::Other(format!("{description}: {text}")),
        }
    }

    /// The adapter's cause, if it gave one (the description, for [`Other`](Self::Other)).
    #[must_use]
    pub fn cause(&self) -> Option<&str> {
        match self {
            Self::Connect { cause }
            | Self::Timeout { cause }
            | Self::Body { cause }
            | Self::Redirect { cause } => cause.as_deref(),
            Self::Other(description) => Some(description),
        }
    }

    /// The kind of this error.
    #[must_use]
    pub const fn kind(&self) -> TransportErrorKind {
        match self {
            Self::Connect { .. } => TransportErrorKind::Connect,
            Self::Timeout { .. } => TransportErrorKind::Timeout,
            Self::Body { .. } => TransportErrorKind::Body,
            Self::Redirect { .. } => TransportErrorKind::Redirect,
            Self::Other(_) => TransportErrorKind::Other,
        }
    }

    /// Whether repeating the same request may succeed: `true` for [`Connect`](Self::Connect),
    /// [`Timeout`](Self::Timeout) and [`Body`](Self::Body), `false` for a refused redirect or an
    /// unclassified failure.
    ///
    /// This says nothing about whether the request is safe to repeat; the caller decides that.
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Connect { .. } | Self::Timeout { .. } | Self::Body { .. }
        )
    }
}

#[cfg(test)]
mod tests;

/// A [`Sleep`] over `tokio::time::sleep`; needs a tokio runtime with the timer enabled (feature
/// `tokio`, as smithy's `rt-tokio` gives its `TokioSleep`).
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

#[cfg(feature = "tokio")]
#[async_trait]
impl Sleep for TokioSleep {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}
