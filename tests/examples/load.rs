//! A bounded load test of the reference operator, on loopback only: many concurrent CIBA flows
//! (`private_key_jwt`, ES256, poll mode), then many CAMARA calls with the tokens they granted, all
//! through the real clients and `netid-reqwest`.
//!
//! ```sh
//! # the sandbox in another process (what `cargo xtask load` runs):
//! netid sandbox serve --config sandbox.toml --operator-file operator.toml --log-format off
//! cargo run --release -p netid-tests --example load -- \
//!     --server http://127.0.0.1:PORT --operator-file operator.toml [FLOWS] [CALLS] [CONCURRENCY]
//! # the sandbox in this process:
//! cargo run --release -p netid-tests --example load -- [FLOWS] [CALLS] [CONCURRENCY]
//! ```
//!
//! With `--server`, the sandbox must approve at once (`[ciba] approve-after-secs = 0`) and the
//! operator file names its demo client (id, key, kid). Defaults: 200 concurrent CIBA flows, then
//! 20 000 API calls (KYC Match 0.4, SIM Swap 2.1 check and retrieve-date in turn) from 64 concurrent
//! workers. Every loop is bounded by its count and by a 120 s deadline. Prints one JSON object
//! (requests, errors, requests per second, p50/p99/max latency per HTTP request, peak RSS of this
//! process: the clients alone with `--server`, server and clients without) and exits 1 if any
//! request failed or the deadline was reached, 2 on a bad command line or operator file.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use netid::OperatorDescription;
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
use netid_server::{Server, ServerConfig, ServerHandle};

#[path = "load/args.rs"]
mod args;
#[path = "load/timing.rs"]
mod timing;

use args::{Args, Target};
use timing::{Timed, peak_rss_mib, phase};

/// The whole run stops here whatever remains.
const DEADLINE: Duration = Duration::from_secs(120);

/// Subscribers of the reference data who approve CIBA requests.
const SUBSCRIBERS: [&str; 3] = ["tel:+33699901040", "tel:+34654654654", "tel:+819012345678"];

/// The operator under load: its issuer, its API root, the demo client, and the server when it
/// runs in this process.
struct Operator {
    issuer: String,
    base: String,
    client: Arc<ClientConfig>,
    server: Option<ServerHandle>,
}

impl Operator {
    /// Starts the sandbox here, or reads the demo client of the external one from its operator file.
    async fn connect(target: &Target) -> Result<Self, String> {
        match target {
            Target::InProcess => {
                // Approvals at once; the client still honours the 1 s interval before its first poll.
                let config = ServerConfig::demo().with_approve_delay_override(Some(Duration::ZERO));
                let server = Server::start(config)
                    .await
                    .map_err(|error| format!("the sandbox does not start: {error}"))?;
                let demo = server.demo_client().ok_or("the sandbox has no demo client")?;
                let client = client(
                    demo.client_id(),
                    demo.expose_private_key_pem().as_bytes(),
                    demo.key_id(),
                )?;
                Ok(Self {
                    issuer: server.issuer().to_owned(),
                    base: server.base_url().as_str().to_owned(),
                    client,
                    server: Some(server),
                })
            }
            Target::External {
                server,
                operator_file,
            } => Ok(Self {
                issuer: server.clone(),
                base: format!("{server}/"),
                client: demo_client(operator_file)?,
                server: None,
            }),
        }
    }
}

/// The demo client an operator file written by `netid sandbox serve` names.
fn demo_client(file: &Path) -> Result<Arc<ClientConfig>, String> {
    let text =
        std::fs::read_to_string(file).map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let description = OperatorDescription::from_toml_str(&text)
        .map_err(|error| format!("invalid operator file {}: {error}", file.display()))?;
    let registration = &description.client;
    let (Some(id), Some(key), Some(kid)) = (&registration.client_id, &registration.key, &registration.kid)
    else {
        return Err(format!("{} names no client-id, key and kid", file.display()));
    };
    // The key is named relative to the operator file, as `netid --operator-file` reads it.
    let key = file.parent().unwrap_or_else(|| Path::new("")).join(key);
    let pem = std::fs::read(&key).map_err(|error| format!("cannot read {}: {error}", key.display()))?;
    client(id, &pem, kid)
}

fn client(id: &str, pem: &[u8], kid: &str) -> Result<Arc<ClientConfig>, String> {
    let signer = KeySigner::from_pem(SigningAlgorithm::Es256, pem, Some(kid.to_owned()))
        .map_err(|error| format!("the demo client's key: {error}"))?;
    Ok(Arc::new(ClientConfig::new(id, Arc::new(signer))))
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
async fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) => return usage(&format!("{error}\n{}", args::USAGE)),
    };
    let Args {
        flows,
        calls,
        concurrency,
        ..
    } = args;
    let started = Instant::now();
    let operator = match Operator::connect(&args.target).await {
        Ok(operator) => operator,
        Err(error) => return usage(&error),
    };
    let client = operator.client.clone();
    let timed = Arc::new(Timed::new(ReqwestTransport::new().expect("reqwest client")));
    let driver = Driver::new(timed.clone(), Arc::new(TokioSleep));
    let provider = match driver.discover_ciba(&operator.issuer).await {
        Ok(provider) => provider,
        Err(error) => return usage(&format!("discovery at {}: {error}", operator.issuer)),
    };
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
        failed_flows + timed.take_errors(),
    );

    // Phase 2: API calls with the granted tokens, `concurrency` workers sharing one counter.
    let tokens: Vec<AccessToken> = tokens.into_iter().flatten().collect();
    let mut api = serde_json::Value::Null;
    let failed_calls = Arc::new(AtomicU64::new(0));
    let mut api_timed_out = false;
    if !tokens.is_empty() && calls > 0 {
        let base = operator.base.clone();
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
            failed_calls.load(Ordering::Relaxed) + timed.take_errors(),
        );
    }
    if let Some(server) = operator.server {
        server.shutdown().await;
    }

    let failures = ciba["failures"].as_u64().unwrap_or(0) + api["failures"].as_u64().unwrap_or(0);
    let report = serde_json::json!({
        "server": match args.target {
            Target::InProcess => "in-process",
            Target::External { .. } => "external",
        },
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
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A command-line or setup error: exit status 2.
fn usage(message: &str) -> ExitCode {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("load: {message}");
    }
    ExitCode::from(2)
}
