//! Shared helpers: the sandbox, operators described against it, and a transport that counts the
//! requests of each path.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use netid::description::KeyText;
use netid::{Operator, OperatorDescription};
use netid_reqwest::ReqwestTransport;
use netid_server::{Server, ServerConfig, ServerHandle};
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};

/// The sandbox of `config`, tuned so a CIBA flow takes one polling interval (one second): every
/// scripted approval or denial is immediate.
pub(crate) async fn sandbox(config: ServerConfig) -> ServerHandle {
    Server::start(config.with_approve_delay_override(Some(std::time::Duration::ZERO)))
        .await
        .expect("the sandbox starts on loopback")
}

/// An operator file's text with `{issuer}` replaced by the sandbox's issuer.
pub(crate) fn describe(server: &ServerHandle, text: &str) -> OperatorDescription {
    let text = text.replace("{issuer}", server.issuer());
    OperatorDescription::from_toml_str(&text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

/// The operator `text` describes (`{issuer}` replaced), with the sandbox's demo client and a
/// counting reqwest transport.
pub(crate) fn operator(server: &ServerHandle, text: &str) -> (Operator, Arc<Counting>) {
    let counting = Arc::new(Counting::default());
    let client = server.demo_client().expect("the sandbox registers a demo client");
    let operator = Operator::builder(describe(server, text))
        .transport(counting.clone())
        .client_id(client.client_id())
        .key(KeyText::new("sandbox", client.expose_private_key_pem()))
        .build()
        .expect("the description resolves");
    (operator, counting)
}

/// A reqwest transport that counts requests per path.
#[derive(Debug)]
pub(crate) struct Counting {
    inner: ReqwestTransport,
    paths: Mutex<BTreeMap<String, usize>>,
    last_bodies: Mutex<BTreeMap<String, bytes::Bytes>>,
}

impl Default for Counting {
    fn default() -> Self {
        Self {
            inner: ReqwestTransport::new().expect("the default reqwest client builds"),
            paths: Mutex::new(BTreeMap::new()),
            last_bodies: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Counting {
    /// Requests sent to `path` so far.
    pub(crate) fn count(&self, path: &str) -> usize {
        self.lock().get(path).copied().unwrap_or(0)
    }

    /// Requests sent so far, all paths together.
    pub(crate) fn total(&self) -> usize {
        self.lock().values().sum()
    }

    /// The body of the last request sent to `path`, as text.
    pub(crate) fn last_body(&self, path: &str) -> Option<String> {
        let bodies = self.last_bodies.lock().unwrap_or_else(PoisonError::into_inner);
        bodies
            .get(path)
            .map(|body| String::from_utf8_lossy(body).into_owned())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, usize>> {
        self.paths.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl HttpTransport for Counting {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = request.uri().path().to_owned();
        *self.lock().entry(path.clone()).or_default() += 1;
        self.last_bodies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path, request.body().clone());
        self.inner.send(request).await
    }
}

/// 2025-01-01T00:00:00Z: the clock of replayed operators.
pub(crate) fn start() -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_735_689_600)
}

/// The operator `text` describes over `replay`, with a manual clock at [`start`], a seeded random
/// source and an instant sleep, so its requests and replies are the same on every run.
pub(crate) fn replayed(text: &str, replay: Arc<netid_transport::test_util::ReplayTransport>) -> Operator {
    let clock = netid_core::test_util::ManualClock::new(start());
    let description =
        OperatorDescription::from_toml_str(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    Operator::builder(description)
        .transport(replay)
        .clock(Arc::new(clock.clone()))
        .random(Arc::new(netid_core::test_util::SeededRandom::new(7)))
        .sleep(Arc::new(netid_transport::test_util::InstantSleep::new(clock)))
        .build()
        .expect("the description resolves")
}

/// A JSON request the way the CAMARA client sends it with `token`.
pub(crate) fn camara_request(method: &str, url: &str, token: &str, body: Option<&str>) -> HttpRequest {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {token}"))
        .header("accept", "application/json");
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    builder
        .body(bytes::Bytes::copy_from_slice(body.unwrap_or_default().as_bytes()))
        .expect("valid request")
}

/// A JSON response.
pub(crate) fn json_response(status: u16, body: &str) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(bytes::Bytes::copy_from_slice(body.as_bytes()))
        .expect("valid response")
}
