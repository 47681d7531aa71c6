//! The default adapters of the netid ports: [`ReqwestTransport`] implements
//! [`netid_transport::HttpTransport`] over a [`reqwest::Client`], and [`TokioSleep`] implements
//! [`netid_transport::Sleep`] over the tokio timer.
//!
//! This is the only library crate of the workspace that names reqwest; reqwest types never leave it
//! except through [`ReqwestTransport::from_client`], which takes the caller's own client. It never
//! follows redirects, never retries (retry policy belongs to the API clients) and never logs a body
//! or a header value.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//!
//! use netid_reqwest::test_util::{LoopbackServer, Reply};
//! use netid_reqwest::{ReqwestTransport, TokioSleep};
//! use netid_transport::{HttpTransport, Sleep};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A server on 127.0.0.1 that answers 503 (the `test-util` feature; any HTTP server will do).
//! let server = LoopbackServer::start(|_| {
//!     let mut busy = http::Response::new(bytes::Bytes::from_static(b"{}"));
//!     *busy.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
//!     Reply::Response(busy)
//! })
//! .await?;
//! let transport: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::new()?);
//! let sleep: Arc<dyn Sleep> = Arc::new(TokioSleep);
//!
//! let url = format!("{}/health", server.base_url());
//! let request = http::Request::get(url).body(bytes::Bytes::new())?;
//! // Every status, 404 and 503 included, comes back as a response; only a missing response is an
//! // error.
//! let response = transport.send(request).await?;
//! assert_eq!(response.status(), 503);
//! sleep.sleep(std::time::Duration::from_millis(1)).await;
//! # Ok(())
//! # }
//! ```
//!
//! # Defaults
//!
//! [`ReqwestTransport::new`] builds a client that follows no redirect (a 3xx is returned as a
//! response), with a connect timeout of [`DEFAULT_CONNECT_TIMEOUT`] and a total timeout of
//! [`DEFAULT_TOTAL_TIMEOUT`]. [`ReqwestTransport::from_client`] wraps a client the caller built
//! (proxies, client certificates, custom roots); if that client follows a redirect anyway, the
//! transport reports [`TransportError::Redirect`] instead of returning the redirected response.
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls with reqwest's default provider and the platform
//!   certificate verifier.
//! - `rustls-no-provider`: rustls without a crypto provider; the application installs one.
//! - `http2`: HTTP/2 negotiated by ALPN.
//! - `test-util`: `test_util::LoopbackServer`, a scripted HTTP/1.1 server on `127.0.0.1` for adapter
//!   and contract tests. It is hand-written on a tokio `TcpListener` so tests control every byte
//!   (truncated bodies, slow bodies, redirects), which a full server framework hides.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::time::Duration;

use async_trait::async_trait;
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

/// Connect timeout of the default client.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Total timeout (connect, send, wait, read the whole body) of the default client.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30);

/// The default client could not be built (for example no TLS crypto provider was installed with
/// the `rustls-no-provider` feature).
#[derive(Debug, thiserror::Error)]
#[error("the HTTP client could not be built")]
#[non_exhaustive]
pub struct BuildError {
    #[source]
    source: reqwest::Error,
}

/// An [`HttpTransport`] over a [`reqwest::Client`].
///
/// Cheap to clone (the client is reference counted). Maps reqwest's failures onto
/// [`TransportError`]: timeouts to `Timeout`, connection failures to `Connect`, body read failures to
/// `Body`, a followed redirect to `Redirect`, each with reqwest's error chain as its cause
/// (`Connection refused (os error 111)`, the DNS or TLS failure), and anything else to `Other` with
/// reqwest's message; never with the URL, whose path or query may carry personal data.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport over a new client with the default timeouts and no redirects.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] if reqwest cannot build the client (TLS backend not available).
    pub fn new() -> Result<Self, BuildError> {
        Self::with_timeouts(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT)
    }

    /// A transport over a new client with these timeouts and no redirects.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] if reqwest cannot build the client (TLS backend not available).
    pub fn with_timeouts(connect: Duration, total: Duration) -> Result<Self, BuildError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect)
            .timeout(total)
            .build()
            .map_err(|source| BuildError { source })?;
        Ok(Self { client })
    }

    /// A transport over a client the caller built.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())` and timeouts: a redirect it
    /// follows anyway is reported as [`TransportError::Redirect`], and without a timeout a silent
    /// server makes a call wait until the API client's deadline, if any.
    #[must_use]
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
    }

    /// The wrapped client.
    #[must_use]
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

#[async_trait]
impl HttpTransport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = request.method().clone();
        let requested = request.uri().to_string();
        let request = reqwest::Request::try_from(request).map_err(map_error)?;
        let response = self.client.execute(request).await.map_err(map_error)?;
        if response.url().as_str() != requested && !same_url(response.url(), &requested) {
            tracing::debug!(%method, "the client followed a redirect; refused");
            return Err(TransportError::redirect());
        }
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(map_error)?;
        let mut out = HttpResponse::new(body);
        *out.status_mut() = status;
        *out.version_mut() = version;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

/// Compares URLs after the normalisation reqwest applies (`https://h` becomes `https://h/`).
fn same_url(actual: &reqwest::Url, requested: &str) -> bool {
    reqwest::Url::parse(requested).is_ok_and(|requested| &requested == actual)
}

fn map_error(error: reqwest::Error) -> TransportError {
    let error = error.without_url();
    // Logged at debug level only: reqwest's chain may name hosts, never bodies or header values.
    tracing::debug!(error = %error, "http request failed");
    let mapped = if error.is_timeout() {
        TransportError::timeout()
    } else if error.is_connect() {
        TransportError::connect()
    } else if error.is_redirect() {
        TransportError::redirect()
    } else if error.is_body() || error.is_decode() {
        TransportError::body()
    } else {
        return TransportError::Other(describe(&error));
    };
    match causes(&error) {
        Some(causes) => mapped.with_cause(causes),
        None => mapped,
    }
}

/// reqwest's message and its sources, without the URL.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(causes) = causes(error) {
        text.push_str(": ");
        text.push_str(&causes);
    }
    text
}

/// The sources of reqwest's error, joined by `: ` (`tcp connect error: Connection refused (os error
/// 111)`), or `None` when it has none.
///
/// Leaves out hyper-util's `client error (Connect)` wrapper, which names only the phase that
/// [`TransportError`]'s variant already names, and a source whose text its parent already ends with.
fn causes(error: &reqwest::Error) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        let wrapper = text.starts_with("client error (") && text.ends_with(')');
        let repeated = parts.last().is_some_and(|last| last.ends_with(&text));
        if !wrapper && !repeated && !text.is_empty() {
            parts.push(text);
        }
        source = cause.source();
    }
    (!parts.is_empty()).then(|| parts.join(": "))
}

/// A [`Sleep`](netid_transport::Sleep) over `tokio::time::sleep` (from `netid-transport`'s `tokio`
/// feature, re-exported here so the default adapter brings its timer along).
pub use netid_transport::TokioSleep;
