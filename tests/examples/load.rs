//! A bounded load test of the reference operator, on loopback only: many concurrent CIBA flows
//! (`private_key_jwt`, ES256, poll mode), then many CAMARA calls with the tokens they granted, all
//! through the real clients and `netid-reqwest`.
//!
//! ```sh
//! cargo run --release -p netid-tests --example load -- [FLOWS] [CALLS] [CONCURRENCY]
//! ```
//!
//! Defaults: 200 concurrent CIBA flows, then 20 000 API calls (KYC Match 0.4, SIM Swap 2.1 check and
//! retrieve-date in turn) from 64 concurrent workers. Every loop is bounded by its count and by a
//! 120 s deadline. Prints one JSON object (requests, errors, requests per second, p50/p99 latency
//! per HTTP request, peak RSS of the process, which holds the server and the clients) and exits 1 if
//! any request failed or the deadline was reached.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use netid_camara::kyc_match::v0_4;
use netid_camara::sim_swap::{MaxAge, v2};
use netid_camara::{CallOptions, CamaraClient, OperatorProfile, SpecVersion};
use netid_ciba::ciba::{BackchannelRequest, CibaSession};
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::Driver;
use netid_ciba::jose::{KeySigner, SigningAlgorithm};
use netid_core::kyc::KycClaims;
use netid_core::phone::PhoneNumber;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::secret::Pii;
use netid_core::token::AccessToken;
use netid_reqwest::{ReqwestTransport, TokioSleep};
use netid_server::{Server, ServerConfig};
use netid_transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};

/// The whole run stops here whatever remains.
const DEADLINE: Duration = Duration::from_secs(120);

/// Subscribers of the reference data who approve CIBA requests.
const SUBSCRIBERS: [&str; 3] = ["tel:+33699901040", "tel:+34654654654", "tel:+819012345678"];

/// A transport that times every request and counts failures (transport errors and 5xx).
#[derive(Debug)]
struct Timed {
    inner: ReqwestTransport,
    latencies_us: Mutex<Vec<u64>>,
    errors: AtomicU64,
}

#[async_trait]
impl HttpTransport for Timed {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let started = Instant::now();
        let result = self.inner.send(request).await;
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.latencies_us
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(micros);
        if result
            .as_ref()
            .map_or(true, |response| response.status().is_server_error())
        {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        result
    }
}

impl Timed {
    fn take(&self) -> Vec<u64> {
        std::mem::take(
            &mut *self
                .latencies_us
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// Statistics of one phase.
fn phase(name: &str, mut latencies: Vec<u64>, elapsed: Duration, failures: u64) -> serde_json::Value {
    latencies.sort_unstable();
    let at = |q: f64| {
        if latencies.is_empty() {
            return 0.0;
        }
        // Nearest-rank percentile.
        let rank = ((q * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
        latencies[rank - 1] as f64 / 1000.0
    };
    serde_json::json!({
        "phase": name,
        "requests": latencies.len(),
        "failures": failures,
        "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "requests_per_second": (latencies.len() as f64 / elapsed.as_secs_f64()).round(),
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "max_ms": at(1.0),
    })
}

/// Peak resident set size of this process (`VmHWM`), in MiB; Linux only.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kib / 1024.0 * 10.0).round() / 10.0)
}

fn arg(index: usize, default: usize) -> usize {
    std::env::args()
        .nth(index)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn claims() -> KycClaims {
    let mut claims = KycClaims::new();
    claims.phone_number = PhoneNumber::parse_strict("+33699901040").ok();
    claims.given_name = Some(Pii::new(String::from("Peter")));
    claims.family_name = Some(Pii::new(String::from("Lefebvre")));
    claims.address = Some(Pii::new(String::from("14 bd de Perrier")));
    claims.postal_code = Some(Pii::new(String::from("44000")));
    claims.locality = Some(Pii::new(String::from("Gilbert")));
    claims.country = "FR".parse().ok();
    claims.email = "peter.lefebvre@sfr.fr".parse().ok();
    claims
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::process::ExitCode {
    let flows = arg(1, 200).max(1);
    let calls = arg(2, 20_000);
    let concurrency = arg(3, 64).max(1);
    let started = Instant::now();

    // Approvals at once; the client still honours the 1 s interval before its first poll.
    let config = ServerConfig::demo().with_approve_delay_override(Some(Duration::ZERO));
    let server = Server::start(config)
        .await
        .expect("the sandbox starts on loopback");
    assert!(server.local_addr().ip().is_loopback(), "loopback only");
    let demo = server.demo_client().expect("demo client");
    let signer = KeySigner::from_pem(
        SigningAlgorithm::Es256,
        demo.expose_private_key_pem().as_bytes(),
        Some(demo.key_id().to_owned()),
    )
    .expect("demo key");
    let client = Arc::new(ClientConfig::new(demo.client_id(), Arc::new(signer)));
    let timed = Arc::new(Timed {
        inner: ReqwestTransport::new().expect("reqwest client"),
        latencies_us: Mutex::new(Vec::new()),
        errors: AtomicU64::new(0),
    });
    let driver = Driver::new(timed.clone(), Arc::new(TokioSleep));
    let provider = driver.discover_ciba(server.issuer()).await.expect("discovery");
    timed.take();

    // Phase 1: concurrent CIBA flows.
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .apis([
            ApiScope::KycMatchMatch,
            ApiScope::SimSwapCheck,
            ApiScope::SimSwapRetrieveDate,
        ])
        .build();
    let ciba_started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..flows {
        let (driver, client, provider, scope) =
            (driver.clone(), client.clone(), provider.clone(), scope.clone());
        tasks.spawn(async move {
            let hint = SUBSCRIBERS[n % SUBSCRIBERS.len()].parse().ok()?;
            let mut session = CibaSession::new(client, provider, BackchannelRequest::new(scope, hint));
            match driver
                .run_ciba(&mut session, |_| std::ops::ControlFlow::Continue(()))
                .await
            {
                Ok(tokens) => Some((n % SUBSCRIBERS.len(), tokens.access_token)),
                Err(error) => {
                    #[allow(clippy::print_stderr)]
                    {
                        eprintln!("flow {n}: {error}");
                    }
                    None
                }
            }
        });
    }
    let mut tokens: Vec<Option<AccessToken>> = vec![None; SUBSCRIBERS.len()];
    let mut failed_flows = 0_u64;
    let timed_out = tokio::time::timeout(DEADLINE, async {
        while let Some(joined) = tasks.join_next().await {
            match joined.ok().flatten() {
                Some((who, token)) => tokens[who] = Some(token),
                None => failed_flows += 1,
            }
        }
    })
    .await
    .is_err();
    let ciba = phase(
        "ciba",
        timed.take(),
        ciba_started.elapsed(),
        failed_flows + timed.errors.swap(0, Ordering::Relaxed),
    );

    // Phase 2: API calls with the granted tokens, `concurrency` workers sharing one counter.
    let tokens: Vec<AccessToken> = tokens.into_iter().flatten().collect();
    let mut api = serde_json::Value::Null;
    let failed_calls = Arc::new(AtomicU64::new(0));
    let mut api_timed_out = false;
    if !tokens.is_empty() && calls > 0 {
        let base = server.base_url().as_str().to_owned();
        let camara = |spec| {
            CamaraClient::new(
                timed.clone(),
                OperatorProfile::camara(spec, &base),
                Arc::new(TokioSleep),
            )
        };
        let kyc = Arc::new(camara(SpecVersion::KycMatch0_4_0));
        let sim = Arc::new(camara(SpecVersion::SimSwap2_1_0));
        let next = Arc::new(AtomicUsize::new(0));
        let tokens = Arc::new(tokens);
        let api_started = Instant::now();
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..concurrency {
            let (kyc, sim, next, tokens, failed) = (
                kyc.clone(),
                sim.clone(),
                next.clone(),
                tokens.clone(),
                failed_calls.clone(),
            );
            workers.spawn(async move {
                let claims = claims();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= calls {
                        break;
                    }
                    // Only Peter's token carries KYC claims that match the request's number.
                    let token = &tokens[0];
                    let ok = match n % 3 {
                        0 => kyc
                            .send(token, &v0_4::Request::new(claims.clone()), CallOptions::new())
                            .await
                            .is_ok(),
                        1 => sim
                            .send(
                                token,
                                &v2::check::Request::new(MaxAge::DEFAULT),
                                CallOptions::new(),
                            )
                            .await
                            .is_ok(),
                        _ => sim
                            .send(token, &v2::retrieve_date::Request::new(), CallOptions::new())
                            .await
                            .is_ok(),
                    };
                    if !ok {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        api_timed_out = tokio::time::timeout(DEADLINE.saturating_sub(started.elapsed()), async {
            while workers.join_next().await.is_some() {}
        })
        .await
        .is_err();
        api = phase(
            "api",
            timed.take(),
            api_started.elapsed(),
            failed_calls.load(Ordering::Relaxed) + timed.errors.swap(0, Ordering::Relaxed),
        );
    }
    server.shutdown().await;

    let failures = ciba["failures"].as_u64().unwrap_or(0) + api["failures"].as_u64().unwrap_or(0);
    let report = serde_json::json!({
        "flows": flows,
        "calls": calls,
        "concurrency": concurrency,
        "phases": [ciba, api],
        "peak_rss_mib": peak_rss_mib(),
        "deadline_reached": timed_out || api_timed_out,
        "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    });
    #[allow(clippy::print_stdout)]
    {
        println!("{report}");
    }
    if failures > 0 || timed_out || api_timed_out {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
