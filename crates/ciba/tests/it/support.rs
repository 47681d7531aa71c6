//! A scripted transport that records when each request arrives, a gate that holds requests until
//! the test opens it, and shared fixtures.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use bytes::Bytes;
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::Driver;
use netid_ciba::jose::{KeySigner, SignError, Signer, SigningAlgorithm};
use netid_ciba::provider::{CibaProvider, IdTokenPolicy, ProviderConfig};
use netid_core::ports::Clock;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_transport::test_util::InstantSleep;
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use tokio::sync::watch;

pub(crate) const EC_PEM: &[u8] = include_bytes!("../fixtures/keys/ec.pem");

pub(crate) fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

/// A signer that labels its output ES256 but only hashes: these tests look at timing and claims,
/// and real ECDSA in an unoptimised build costs tens of milliseconds a request.
#[derive(Debug)]
pub(crate) struct FakeSigner;

impl Signer for FakeSigner {
    fn algorithm(&self) -> SigningAlgorithm {
        SigningAlgorithm::Es256
    }
    fn key_id(&self) -> Option<&str> {
        Some("client-ec")
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(message.iter().rev().take(32).copied().collect())
    }
}

pub(crate) fn client() -> Arc<ClientConfig> {
    Arc::new(ClientConfig::new("netid-test-client", Arc::new(FakeSigner)))
}

/// A client signing with the real P-256 key.
pub(crate) fn real_client() -> Arc<ClientConfig> {
    let signer = KeySigner::from_pem(SigningAlgorithm::Es256, EC_PEM, Some("client-ec".into())).unwrap();
    Arc::new(ClientConfig::new("netid-test-client", Arc::new(signer)))
}

/// The Orange Spain profile: explicit endpoints, no ID token.
pub(crate) fn provider() -> CibaProvider {
    let config = ProviderConfig::new("https://op.example", "https://op.example/token")
        .unwrap()
        .with_id_token_policy(IdTokenPolicy::Optional);
    CibaProvider::new(config, "https://op.example/bc-authorize").unwrap()
}

/// One scripted reply.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    Answer(u16, String),
    Fail(TransportError),
}

pub(crate) fn json(status: u16, body: &str) -> Reply {
    Reply::Answer(status, body.to_owned())
}

/// A request as the script saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) at: Duration,
    pub(crate) path: String,
    pub(crate) form: BTreeMap<String, String>,
}

/// Answers requests in order from a script (then `fallback`), logging each with the clock's time.
#[derive(Debug)]
pub(crate) struct Script {
    clock: ManualClock,
    replies: Mutex<VecDeque<Reply>>,
    fallback: Reply,
    seen: Mutex<Vec<Seen>>,
}

impl Script {
    pub(crate) fn new(clock: ManualClock, replies: Vec<Reply>, fallback: Reply) -> Arc<Self> {
        Arc::new(Self {
            clock,
            replies: Mutex::new(replies.into()),
            fallback,
            seen: Mutex::default(),
        })
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

#[async_trait]
impl HttpTransport for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let at = self.clock.now().duration_since(t0()).unwrap();
        let form = url::form_urlencoded::parse(request.body()).into_owned().collect();
        self.seen.lock().unwrap().push(Seen {
            at,
            path: request.uri().path().to_owned(),
            form,
        });
        let reply = self
            .replies
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| self.fallback.clone());
        match reply {
            Reply::Answer(status, body) => Ok(http::Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Bytes::from(body))
                .unwrap()),
            Reply::Fail(error) => Err(error),
        }
    }
}

/// A driver over `transport` on a manual clock at t0, with an instant sleep.
pub(crate) fn driver(transport: Arc<dyn HttpTransport>) -> (Driver, ManualClock, InstantSleep) {
    let clock = ManualClock::new(t0());
    driver_on(transport, clock)
}

pub(crate) fn driver_on(
    transport: Arc<dyn HttpTransport>,
    clock: ManualClock,
) -> (Driver, ManualClock, InstantSleep) {
    let sleep = InstantSleep::new(clock.clone());
    let driver = Driver::with_details(
        transport,
        Arc::new(clock.clone()),
        Arc::new(sleep.clone()),
        Arc::new(SeededRandom::new(7)),
    );
    (driver, clock, sleep)
}

/// Holds every request until [`Gate::open`], then hands it to the script; counts arrivals (before
/// the gate) so a test can tell that a caller is inside the transport, and how many callers are.
#[derive(Debug)]
pub(crate) struct Gate {
    script: Arc<Script>,
    open: watch::Sender<bool>,
    arrived: watch::Sender<usize>,
}

impl Gate {
    pub(crate) fn new(script: Arc<Script>) -> Arc<Self> {
        Arc::new(Self {
            script,
            open: watch::Sender::new(false),
            arrived: watch::Sender::new(0),
        })
    }

    /// Lets every held and later request through.
    pub(crate) fn open(&self) {
        self.open.send_replace(true);
    }

    /// Requests that reached the transport so far, held or not.
    pub(crate) fn arrived(&self) -> usize {
        *self.arrived.borrow()
    }

    /// Waits until at least `count` requests have reached the transport.
    pub(crate) async fn wait_for_arrivals(&self, count: usize) {
        let mut arrived = self.arrived.subscribe();
        // The sender lives as long as `self`, so waiting cannot fail.
        arrived.wait_for(|arrived| *arrived >= count).await.unwrap();
    }
}

#[async_trait]
impl HttpTransport for Gate {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.arrived.send_modify(|arrived| *arrived += 1);
        let mut open = self.open.subscribe();
        open.wait_for(|open| *open).await.unwrap();
        self.script.send(request).await
    }
}

/// Polls `future` once, with the current task's waker, and reports whether it finished.
pub(crate) async fn poll_once<F: Future + Unpin>(future: &mut F) -> std::task::Poll<F::Output> {
    std::future::poll_fn(|cx| std::task::Poll::Ready(std::pin::Pin::new(&mut *future).poll(cx))).await
}
