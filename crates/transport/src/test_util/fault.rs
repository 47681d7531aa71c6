use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use crate::{HttpRequest, HttpResponse, HttpTransport, Sleep, TransportError};

/// A network failure to inject, see [`FaultTransport`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Fails with [`TransportError::Connect`], as when the connection is refused.
    ConnectionRefused,
    /// Fails with [`TransportError::Timeout`].
    Timeout,
    /// Fails with [`TransportError::Body`], as when the server closes the connection mid-body.
    TruncatedBody,
    /// Answers `200 OK`, `content-type: application/json`, with a body that is not valid JSON.
    InvalidJson,
    /// Waits this long on the transport's [`Sleep`] port, then answers as the inner transport does.
    SlowBody(Duration),
    /// Never answers; for deadline tests.
    Hang,
}

/// The body [`Fault::InvalidJson`] answers: a JSON object cut short.
pub const INVALID_JSON_BODY: &[u8] = br#"{"status": 200, "code": "#;

/// An [`HttpTransport`] that injects scripted [`Fault`]s, then delegates to an inner transport.
///
/// Each request consumes the next scripted fault; once the script is empty, requests go to the inner
/// transport ([`new`](Self::new)), or keep getting the same fault ([`always`](Self::always)).
///
/// ```
/// use std::sync::Arc;
///
/// use netid_transport::test_util::{Fault, FaultTransport};
/// use netid_transport::{HttpTransport, TransportError};
///
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// let transport = FaultTransport::always(Fault::ConnectionRefused);
/// let request = http::Request::get("https://op.example/").body(bytes::Bytes::new())?;
/// assert_eq!(block_on(transport.send(request)).err(), Some(TransportError::connect()));
/// assert_eq!(transport.requests(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FaultTransport {
    inner: Option<Arc<dyn HttpTransport>>,
    script: Mutex<VecDeque<Fault>>,
    repeat: Option<Fault>,
    sleep: Option<Arc<dyn Sleep>>,
    requests: AtomicUsize,
}

impl FaultTransport {
    /// Injects the faults added with [`with_fault`](Self::with_fault), then delegates to `inner`.
    #[must_use]
    pub fn new(inner: Arc<dyn HttpTransport>) -> Self {
        Self {
            inner: Some(inner),
            script: Mutex::default(),
            repeat: None,
            sleep: None,
            requests: AtomicUsize::new(0),
        }
    }

    /// Answers every request with `fault`. A [`Fault::SlowBody`] then answers `200` with `{}`.
    #[must_use]
    pub fn always(fault: Fault) -> Self {
        Self {
            inner: None,
            script: Mutex::default(),
            repeat: Some(fault),
            sleep: None,
            requests: AtomicUsize::new(0),
        }
    }

    /// Appends `fault` to the script.
    #[must_use]
    pub fn with_fault(self, fault: Fault) -> Self {
        self.script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(fault);
        self
    }

    /// The [`Sleep`] that [`Fault::SlowBody`] waits on; without one, a slow body does not wait.
    #[must_use]
    pub fn with_sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// How many requests were sent through this transport.
    #[must_use]
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    async fn pass(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match &self.inner {
            Some(inner) => inner.send(request).await,
            None => Ok(json_response(Bytes::from_static(b"{}"))),
        }
    }
}

#[async_trait]
impl HttpTransport for FaultTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let next = self
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        let Some(fault) = next.or_else(|| self.repeat.clone()) else {
            return self.pass(request).await;
        };
        match fault {
            Fault::ConnectionRefused => Err(TransportError::connect()),
            Fault::Timeout => Err(TransportError::timeout()),
            Fault::TruncatedBody => Err(TransportError::body()),
            Fault::InvalidJson => Ok(json_response(Bytes::from_static(INVALID_JSON_BODY))),
            Fault::SlowBody(delay) => {
                if let Some(sleep) = &self.sleep {
                    sleep.sleep(delay).await;
                }
                self.pass(request).await
            }
            Fault::Hang => std::future::pending().await,
        }
    }
}

fn json_response(body: Bytes) -> HttpResponse {
    let mut response = HttpResponse::new(body);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
