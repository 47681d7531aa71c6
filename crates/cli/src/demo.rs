//! `netid demo`: the project's main job. Starts the reference operator ([`netid_server`]) on
//! loopback and runs every flow against it with the real clients over real HTTP:
//!
//! 1. `server`: start the sandbox (fast CIBA timings: interval 1 s, approvals after 1 s, requests
//!    expiring after [`DemoOptions::with_ciba_expires_in`]);
//! 2. `discovery`: OpenID discovery and JWKS ([`netid_ciba::driver::Driver::discover`]);
//! 3. `ciba`: CIBA poll mode with `private_key_jwt` for a subscriber named by phone number;
//! 4. `kyc-match`: KYC Match 0.4 with that token (a table of field, result, score);
//! 5. `sim-swap-check` and `sim-swap-retrieve-date` (SIM Swap 2.1);
//! 6. `ciba-mobile-network`: CIBA with an `ipport:` hint, so the operator authenticates the device
//!    through its network, as Number Verification requires;
//! 7. `number-verification-verify` (plain), `number-verification-verify-hashed` and
//!    `number-verification-device-phone-number`;
//! 8. `ciba-denied` and `ciba-expired`: a subscriber who refuses and one who never answers;
//! 9. `saml-sign-in`: an `AuthnRequest` by HTTP-Redirect to the sandbox IdP, its auto-POST form, and
//!    the `Response` verified by [`netid_saml::ResponseVerifier`].
//!
//! Each step checks what the sandbox's reference data says it must answer; the run is `ok` when
//! every step is. [`run`] returns a [`DemoReport`] (serialisable: `netid demo --json` prints it)
//! and, with [`Output::Human`], writes the steps to stdout as they finish, with a live spinner
//! during CIBA waits when stdout is a terminal.
//!
//! Never shown: tokens, keys, `auth_req_id`s, assertions. Phone numbers appear masked (their
//! `Display`), names and SAML values through [`crate::mask`].

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use netid_camara::kyc_match::v0_4;
use netid_camara::number_verification::v2::{device_phone_number, verify};
use netid_camara::sim_swap::{MaxAge, v2};
use netid_camara::{CallOptions, CamaraClient, OperatorProfile, SpecVersion};
use netid_ciba::ciba::{BackchannelRequest, CibaSession};
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::Driver;
use netid_ciba::jose::{KeySigner, SigningAlgorithm};
use netid_ciba::provider::{CibaProvider, ProviderConfig};
use netid_core::kyc::{KycClaims, Match};
use netid_core::login_hint::LoginHint;
use netid_core::phone::PhoneNumber;
use netid_core::ports::OsRandom;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::secret::Pii;
use netid_core::token::AccessToken;
use netid_reqwest::{ReqwestTransport, TokioSleep};
use netid_saml::{
    AuthnRequestBuilder, IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore,
    NameIdFormat, NameIdPolicy, ResponseVerifier, ServiceProvider,
};
use netid_server::{DEMO_SAML_ACS_URLS, DEMO_SAML_SP_ENTITY_ID, Server, ServerConfig, ServerHandle};
use netid_transport::HttpTransport;
use serde::Serialize;
use serde_json::{Value, json};

use crate::ciba_flow::{self, CibaOutcome, CibaRun};

mod data;

/// Where the demo writes while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Output {
    /// Nothing: the caller reads the [`DemoReport`] (tests, `--json`).
    #[default]
    Quiet,
    /// Human-readable lines on stdout as steps finish.
    Human {
        /// Draw a live spinner during CIBA waits (only meaningful when stdout is a terminal).
        spinner: bool,
    },
}

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct DemoOptions {
    output: Output,
    ciba_expires_in: Duration,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl DemoOptions {
    /// Quiet output; CIBA requests expire after 3 s (the `ciba-expired` step waits that long).
    pub fn new() -> Self {
        Self {
            output: Output::Quiet,
            ciba_expires_in: Duration::from_secs(3),
        }
    }

    /// Sets the output.
    pub fn with_output(mut self, output: Output) -> Self {
        self.output = output;
        self
    }

    /// Sets the sandbox's CIBA `expires_in` (at least 2 s, so approvals after 1 s still land).
    pub fn with_ciba_expires_in(mut self, expires_in: Duration) -> Self {
        self.ciba_expires_in = expires_in.max(Duration::from_secs(2));
        self
    }
}

/// One step of the demo.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Step {
    /// The step's name (`ciba`, `kyc-match`, ...).
    pub name: String,
    /// Whether the step did what the sandbox's reference data says it must.
    pub ok: bool,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// One line for humans.
    pub summary: String,
    /// What the step saw, without secrets; personal values masked.
    pub details: BTreeMap<String, Value>,
    /// Why the step failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The result of [`run`]: `netid demo --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct DemoReport {
    /// Every step succeeded.
    pub ok: bool,
    /// Wall-clock seconds for the whole run, server start and stop included.
    pub seconds: f64,
    /// The steps in the order they ran.
    pub steps: Vec<Step>,
}

impl DemoReport {
    /// The names of the failed steps.
    pub fn failed_steps(&self) -> impl Iterator<Item = &str> {
        self.steps
            .iter()
            .filter(|step| !step.ok)
            .map(|step| step.name.as_str())
    }
}

/// What a successful step reports.
#[derive(Debug, Default)]
struct Done {
    summary: String,
    details: BTreeMap<String, Value>,
    /// Rows printed under the summary in human output (header first).
    table: Vec<[String; 3]>,
}

impl Done {
    fn new(summary: impl Into<String>) -> Self {
        Self {
            summary: summary.into(),
            ..Self::default()
        }
    }

    fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// A failed step: the message and whatever details were gathered.
#[derive(Debug)]
struct Failed {
    message: String,
    details: BTreeMap<String, Value>,
}

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(error: E) -> Self {
        Self {
            message: error.to_string(),
            details: BTreeMap::new(),
        }
    }
}

type StepResult = Result<Done, Failed>;

/// Collects steps and writes them when the output is human.
#[derive(Debug)]
struct Recorder {
    output: Output,
    steps: Vec<Step>,
}

impl Recorder {
    fn spinner_visible(&self) -> bool {
        matches!(self.output, Output::Human { spinner: true })
    }

    fn line(&self, text: &str) {
        if matches!(self.output, Output::Human { .. }) {
            // A closed stdout (`netid demo | head`) must not abort the run: the report still says
            // what happened through the exit status.
            let _ = writeln!(io::stdout().lock(), "{text}");
        }
    }

    fn record(&mut self, name: &str, started: Instant, result: StepResult) -> bool {
        let seconds = started.elapsed().as_secs_f64();
        let step = match result {
            Ok(done) => {
                self.line(&format!("  ✔ {name:<40} {}  ({seconds:.2} s)", done.summary));
                for row in &done.table {
                    self.line(&format!("      {:<24} {:<16} {}", row[0], row[1], row[2]));
                }
                Step {
                    name: name.to_owned(),
                    ok: true,
                    seconds,
                    summary: done.summary,
                    details: done.details,
                    error: None,
                }
            }
            Err(failed) => {
                self.line(&format!("  ✘ {name:<40} {}  ({seconds:.2} s)", failed.message));
                Step {
                    name: name.to_owned(),
                    ok: false,
                    seconds,
                    summary: String::from("failed"),
                    details: failed.details,
                    error: Some(failed.message),
                }
            }
        };
        let ok = step.ok;
        self.steps.push(step);
        ok
    }

    fn skip(&mut self, name: &str, because: &str) {
        self.record(
            name,
            Instant::now(),
            Err(Failed::from(format!("not run: {because} failed"))),
        );
    }
}

/// What every step needs once the server runs.
#[derive(Debug)]
struct Context {
    transport: Arc<dyn HttpTransport>,
    driver: Driver,
    base_url: String,
    client: Arc<ClientConfig>,
}

impl Context {
    fn camara(&self, spec: SpecVersion) -> CamaraClient {
        CamaraClient::new(
            self.transport.clone(),
            OperatorProfile::camara(spec, &self.base_url),
            Arc::new(TokioSleep),
        )
    }
}

/// `netid demo` flags.
#[derive(Debug, Clone, clap::Args)]
#[non_exhaustive]
pub struct DemoArgs {
    /// Print one JSON document (`ok`, `seconds`, `steps`) instead of the human output.
    #[arg(long)]
    pub json: bool,
}

/// `netid demo`: runs [`run`] on a multi-threaded tokio runtime and prints the human output or,
/// with `--json`, the [`DemoReport`]. Returns the exit status: 0 when every step is ok, 1 otherwise.
pub fn command(args: &DemoArgs) -> u8 {
    let output = if args.json {
        Output::Quiet
    } else {
        Output::Human {
            spinner: io::stdout().is_terminal(),
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(
                io::stderr(),
                "netid demo: cannot start the async runtime: {error}"
            );
            return 1;
        }
    };
    let report = runtime.block_on(run(DemoOptions::new().with_output(output)));
    if args.json {
        let text = serde_json::to_string_pretty(&report).unwrap_or_else(|error| {
            format!(r#"{{"ok": false, "error": "cannot serialise the report: {error}"}}"#)
        });
        let _ = writeln!(io::stdout().lock(), "{text}");
    }
    u8::from(!report.ok)
}

/// Runs the whole demo and reports every step. Never panics and never returns early: a failed
/// step is recorded and the steps that depend on it are recorded as not run.
pub async fn run(options: DemoOptions) -> DemoReport {
    let started = Instant::now();
    let mut recorder = Recorder {
        output: options.output,
        steps: Vec::new(),
    };
    recorder.line("netid demo: every flow against the embedded reference operator, over HTTP on loopback");

    let t = Instant::now();
    let server = start_server(&options).await;
    let (server, context) = match server {
        Ok((server, context, done)) => {
            recorder.record("server", t, Ok(done));
            (server, context)
        }
        Err(failed) => {
            recorder.record("server", t, Err(failed));
            return finish(recorder, started);
        }
    };

    run_steps(&mut recorder, &context, &server).await;
    server.shutdown().await;
    finish(recorder, started)
}

fn finish(recorder: Recorder, started: Instant) -> DemoReport {
    let ok = recorder.steps.iter().all(|step| step.ok);
    let seconds = started.elapsed().as_secs_f64();
    let passed = recorder.steps.iter().filter(|step| step.ok).count();
    recorder.line(&format!(
        "{} {passed}/{} steps ok in {seconds:.1} s",
        if ok { "✔" } else { "✘" },
        recorder.steps.len()
    ));
    DemoReport {
        ok,
        seconds,
        steps: recorder.steps,
    }
}

async fn start_server(options: &DemoOptions) -> Result<(ServerHandle, Context, Done), Failed> {
    let config = ServerConfig::demo().with_ciba_expires_in(options.ciba_expires_in);
    let server = Server::start(config).await?;
    let demo = server
        .demo_client()
        .ok_or_else(|| Failed::from("the sandbox registered no demo client"))?;
    let signer = KeySigner::from_pem(
        SigningAlgorithm::Es256,
        demo.expose_private_key_pem().as_bytes(),
        Some(demo.key_id().to_owned()),
    )?;
    let client = Arc::new(ClientConfig::new(demo.client_id(), Arc::new(signer)));
    let transport: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::with_timeouts(
        Duration::from_secs(5),
        Duration::from_secs(10),
    )?);
    let done = Done::new(format!("reference operator at {}", server.base_url()))
        .detail("base_url", server.base_url().as_str())
        .detail("issuer", server.issuer())
        .detail("client_id", demo.client_id())
        .detail("client_auth", "private_key_jwt (ES256)");
    let context = Context {
        driver: Driver::new(transport.clone(), Arc::new(TokioSleep)),
        transport,
        base_url: server.base_url().as_str().to_owned(),
        client,
    };
    Ok((server, context, done))
}

async fn run_steps(recorder: &mut Recorder, context: &Context, server: &ServerHandle) {
    let t = Instant::now();
    let provider = match context.driver.discover_ciba(server.issuer()).await {
        Ok(provider) => {
            recorder.record("discovery", t, Ok(describe_provider(provider.config())));
            Some(provider)
        }
        Err(error) => {
            recorder.record("discovery", t, Err(error.into()));
            None
        }
    };

    // CIBA for the subscriber of the Orange France KYC Match page, then the APIs with that token.
    let token = match &provider {
        Some(provider) => {
            let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
                .api(ApiScope::KycMatchMatch)
                .api(ApiScope::SimSwapCheck)
                .api(ApiScope::SimSwapRetrieveDate)
                .build();
            let flow = ciba(
                recorder,
                context,
                provider,
                "ciba",
                data::PETER,
                scope,
                CibaOutcome::Granted,
            )
            .await;
            flow.and_then(|run| run.tokens).map(|tokens| tokens.access_token)
        }
        None => {
            recorder.skip("ciba", "discovery");
            None
        }
    };
    match &token {
        Some(token) => {
            let t = Instant::now();
            let result = kyc_match(context, token).await;
            recorder.record("kyc-match", t, result);
            let t = Instant::now();
            let result = sim_swap_check(context, token).await;
            recorder.record("sim-swap-check", t, result);
            let t = Instant::now();
            let result = sim_swap_retrieve_date(context, token).await;
            recorder.record("sim-swap-retrieve-date", t, result);
        }
        None => {
            for name in ["kyc-match", "sim-swap-check", "sim-swap-retrieve-date"] {
                recorder.skip(name, "ciba");
            }
        }
    }

    // Number Verification needs a token from an authentication through the mobile network.
    let nv_token = match &provider {
        Some(provider) => {
            let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
                .api(ApiScope::NumberVerificationVerify)
                .api(ApiScope::NumberVerificationDevicePhoneNumberRead)
                .build();
            let flow = ciba(
                recorder,
                context,
                provider,
                "ciba-mobile-network",
                data::DEVICE_IPPORT,
                scope,
                CibaOutcome::Granted,
            )
            .await;
            flow.and_then(|run| run.tokens).map(|tokens| tokens.access_token)
        }
        None => {
            recorder.skip("ciba-mobile-network", "discovery");
            None
        }
    };
    match &nv_token {
        Some(token) => {
            let t = Instant::now();
            let result = nv_verify(context, token, false).await;
            recorder.record("number-verification-verify", t, result);
            let t = Instant::now();
            let result = nv_verify(context, token, true).await;
            recorder.record("number-verification-verify-hashed", t, result);
            let t = Instant::now();
            let result = nv_device_phone_number(context, token).await;
            recorder.record("number-verification-device-phone-number", t, result);
        }
        None => {
            for name in [
                "number-verification-verify",
                "number-verification-verify-hashed",
                "number-verification-device-phone-number",
            ] {
                recorder.skip(name, "ciba-mobile-network");
            }
        }
    }

    // The flows that end without a token.
    match &provider {
        Some(provider) => {
            let scope = || {
                Scope::builder(Purpose::FraudPreventionAndDetection)
                    .api(ApiScope::SimSwapCheck)
                    .build()
            };
            ciba(
                recorder,
                context,
                provider,
                "ciba-denied",
                data::CAMILLE,
                scope(),
                CibaOutcome::Denied,
            )
            .await;
            ciba(
                recorder,
                context,
                provider,
                "ciba-expired",
                data::NEVER,
                scope(),
                CibaOutcome::Expired,
            )
            .await;
        }
        None => {
            recorder.skip("ciba-denied", "discovery");
            recorder.skip("ciba-expired", "discovery");
        }
    }

    let t = Instant::now();
    let result = saml_sign_in(context, server).await;
    recorder.record("saml-sign-in", t, result);
}

fn describe_provider(provider: &ProviderConfig) -> Done {
    let backchannel = provider.backchannel_endpoint().map(|url| url.as_str().to_owned());
    Done::new(format!(
        "issuer {} · CIBA poll mode {} · JWKS {}",
        provider.issuer(),
        if provider.supports_poll_mode() {
            "supported"
        } else {
            "absent"
        },
        if provider.has_jwks() { "fetched" } else { "missing" },
    ))
    .detail("issuer", provider.issuer())
    .detail("token_endpoint", provider.token_endpoint().as_str())
    .detail("backchannel_authentication_endpoint", backchannel)
    .detail("poll_mode", provider.supports_poll_mode())
}

/// Runs one CIBA flow as a step that succeeds when it ends with `expected`.
async fn ciba(
    recorder: &mut Recorder,
    context: &Context,
    provider: &CibaProvider,
    name: &str,
    login_hint: &str,
    scope: Scope,
    expected: CibaOutcome,
) -> Option<CibaRun> {
    let t = Instant::now();
    let hint: LoginHint = match login_hint.parse() {
        Ok(hint) => hint,
        Err(error) => {
            recorder.record(name, t, Err(Failed::from(error)));
            return None;
        }
    };
    let hint_shown = ciba_flow::describe_hint(&hint);
    let request = BackchannelRequest::new(scope.clone(), hint).with_binding_message("netid demo");
    let request = match request {
        Ok(request) => request,
        Err(error) => {
            recorder.record(name, t, Err(Failed::from(error)));
            return None;
        }
    };
    let session = CibaSession::new(context.client.clone(), provider.clone(), request);
    let bar = ciba_flow::spinner(recorder.spinner_visible(), name);
    let run = ciba_flow::run(&context.driver, session, &bar).await;

    let mut details = BTreeMap::new();
    details.insert("login_hint".to_owned(), Value::from(hint_shown.clone()));
    details.insert("requested_scope".to_owned(), Value::from(scope.to_string()));
    details.insert("outcome".to_owned(), Value::from(run.outcome.as_str()));
    details.insert("polls".to_owned(), Value::from(run.polls));
    details.insert("seconds".to_owned(), Value::from(run.elapsed.as_secs_f64()));
    details.insert("error".to_owned(), Value::from(run.oauth_error()));
    let mut summary = format!("{} after {} poll(s) · {hint_shown}", run.outcome, run.polls);
    if let Some(tokens) = &run.tokens {
        let expires_in = tokens
            .expires_at
            .and_then(|at| at.duration_since(SystemTime::now()).ok())
            .map(|left| left.as_secs() + 1);
        details.insert("token_type".to_owned(), Value::from("Bearer"));
        details.insert("granted_scope".to_owned(), Value::from(tokens.scope.clone()));
        details.insert("expires_in".to_owned(), Value::from(expires_in));
        details.insert(
            "id_token_verified".to_owned(),
            Value::from(tokens.id_token.is_some()),
        );
        summary.push_str(&format!(
            " · Bearer token{} · id token {}",
            expires_in.map(|s| format!(" for {s} s")).unwrap_or_default(),
            if tokens.id_token.is_some() {
                "verified"
            } else {
                "absent"
            }
        ));
    } else if let Some(code) = run.oauth_error() {
        summary.push_str(&format!(" · {code}"));
    }
    let result = if run.outcome == expected {
        Ok(Done {
            summary,
            details,
            table: Vec::new(),
        })
    } else {
        let reason = run
            .error
            .as_ref()
            .map_or_else(|| String::from("no error"), ToString::to_string);
        Err(Failed {
            message: format!("expected {expected}, got {}: {reason}", run.outcome),
            details,
        })
    };
    recorder.record(name, t, result);
    Some(run)
}

async fn kyc_match(context: &Context, token: &AccessToken) -> StepResult {
    let claims = data::peter_claims()?;
    let sent = claims_count(&claims);
    let client = context.camara(SpecVersion::KycMatch0_4_0);
    let answer = client
        .send(token, &v0_4::Request::new(claims), CallOptions::new())
        .await?;
    let result = answer.value.result;
    let mut table = vec![[
        String::from("field"),
        String::from("result"),
        String::from("score"),
    ]];
    let mut fields = Vec::new();
    let mut matched = 0;
    for (field, found) in result.iter() {
        let score = found.score.map(|score| score.value());
        if found.result == Match::Matched {
            matched += 1;
        }
        table.push([
            field.as_str().to_owned(),
            found.result.as_str().to_owned(),
            score.map_or_else(|| String::from("-"), |score| score.to_string()),
        ]);
        fields.push(json!({ "field": field.as_str(), "result": found.result.as_str(), "score": score }));
    }
    let done = Done {
        summary: format!("KYC Match 0.4: {matched} of {} fields match", result.len()),
        details: BTreeMap::from([
            ("version".to_owned(), Value::from("0.4.0")),
            ("fields".to_owned(), Value::from(fields)),
            ("correlator".to_owned(), Value::from(answer.correlator.as_str())),
        ]),
        table,
    };
    let expected_matches = data::PETER_EXPECTED_MATCHES;
    if result.len() != sent || matched != expected_matches {
        return Err(Failed {
            message: format!(
                "expected {sent} answered fields with {expected_matches} matches, got {} with {matched}",
                result.len()
            ),
            details: done.details,
        });
    }
    Ok(done)
}

fn claims_count(claims: &KycClaims) -> usize {
    netid_core::kyc::KycField::ALL
        .into_iter()
        .filter(|field| claims.has(*field))
        .count()
}

async fn sim_swap_check(context: &Context, token: &AccessToken) -> StepResult {
    let client = context.camara(SpecVersion::SimSwap2_1_0);
    let request = v2::check::Request::new(MaxAge::DEFAULT);
    let answer = client.send(token, &request, CallOptions::new()).await?;
    let swapped = answer.value.swapped;
    let done = Done::new(format!(
        "SIM Swap 2.1: swapped within {} h: {swapped}",
        MaxAge::DEFAULT.hours()
    ))
    .detail("max_age_hours", MaxAge::DEFAULT.hours())
    .detail("swapped", swapped);
    expect(
        done,
        !swapped,
        "the subscriber's last SIM change is older than 240 h",
    )
}

async fn sim_swap_retrieve_date(context: &Context, token: &AccessToken) -> StepResult {
    let client = context.camara(SpecVersion::SimSwap2_1_0);
    let answer = client
        .send(token, &v2::retrieve_date::Request::new(), CallOptions::new())
        .await?;
    let latest = answer
        .value
        .latest_sim_change
        .and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok());
    let done = Done::new(format!(
        "SIM Swap 2.1: latest SIM change {}",
        latest.as_deref().unwrap_or("unknown")
    ))
    .detail("latest_sim_change", latest.clone())
    .detail("monitored_period_days", answer.value.monitored_period);
    let found = latest
        .as_deref()
        .is_some_and(|at| at.starts_with(data::PETER_SIM_CHANGE_DAY));
    expect(done, found, "the reference data's SIM change date")
}

async fn nv_verify(context: &Context, token: &AccessToken, hashed: bool) -> StepResult {
    let number = PhoneNumber::parse_strict(data::DEVICE_NUMBER)?;
    let client = context.camara(SpecVersion::NumberVerification2_1_0);
    let request = if hashed {
        verify::Request::hashed(number.hashed())
    } else {
        verify::Request::plain(number.clone())
    };
    let answer = client.send(token, &request, CallOptions::new()).await?;
    let verified = answer.value.device_phone_number_verified;
    let form = if hashed { "hashed SHA-256" } else { "plain" };
    let done = Done::new(format!(
        "Number Verification 2.1: {number} ({form}) verified: {verified}"
    ))
    .detail("phone_number", number.to_string())
    .detail("hashed", hashed)
    .detail("verified", verified);
    expect(done, verified, "the device's own number to verify")
}

async fn nv_device_phone_number(context: &Context, token: &AccessToken) -> StepResult {
    let client = context.camara(SpecVersion::NumberVerification2_1_0);
    let answer = client
        .send(token, &device_phone_number::Request::new(), CallOptions::new())
        .await?;
    let number = answer.value.device_phone_number;
    let done = Done::new(format!(
        "Number Verification 2.1: the device's number is {number}"
    ))
    .detail("device_phone_number", number.to_string());
    let same = number.expose_e164() == data::DEVICE_NUMBER;
    expect(
        done,
        same,
        "the number the sandbox's network attributes to the device",
    )
}

fn expect(done: Done, holds: bool, what: &str) -> StepResult {
    if holds {
        Ok(done)
    } else {
        Err(Failed {
            message: format!("unexpected answer: {} (expected {what})", done.summary),
            details: done.details,
        })
    }
}

async fn saml_sign_in(context: &Context, server: &ServerHandle) -> StepResult {
    let sso_url = format!("{}saml/sso", context.base_url);
    let sp = ServiceProvider::new(DEMO_SAML_SP_ENTITY_ID, DEMO_SAML_ACS_URLS[0]);
    let requests = InMemoryRequestStore::new();
    let replay = InMemoryReplayCache::new();
    let request = AuthnRequestBuilder::new(&sp, sso_url)
        .name_id_policy(Some(NameIdPolicy::new(NameIdFormat::Persistent, true)))
        .build(SystemTime::now(), &OsRandom)?;
    request.record(&requests, Duration::from_secs(300))?;
    let url = request.redirect_url(Some("netid-demo"))?;

    // The browser's part: follow the redirect to the IdP and read the auto-submitting form.
    let get = http::Request::get(url).body(Bytes::new())?;
    let response = context.transport.send(get).await?;
    if response.status() != http::StatusCode::OK {
        return Err(Failed::from(format!(
            "the IdP answered HTTP {}",
            response.status()
        )));
    }
    let html =
        std::str::from_utf8(response.body()).map_err(|_| Failed::from("the IdP's page is not UTF-8"))?;
    let saml_response =
        form_field(html, "SAMLResponse").ok_or_else(|| Failed::from("no SAMLResponse in the IdP's form"))?;
    let relay_state = form_field(html, "RelayState");

    let certificate = IdpCertificate::from_pem(server.saml_idp_certificate_pem().as_bytes())?;
    let idp = IdentityProvider::new(server.saml_idp_entity_id(), vec![certificate]);
    let verifier = ResponseVerifier::new(idp, sp);
    let assertion = verifier.verify_post(saml_response.as_bytes(), SystemTime::now(), &requests, &replay)?;

    let name_id = mask(&assertion.name_id.value);
    let format = assertion.name_id.format.clone().unwrap_or_default();
    let attributes: BTreeMap<String, Value> = assertion
        .attributes
        .iter()
        .map(|(name, values)| {
            let shown: Vec<String> = values
                .iter()
                .map(|value| {
                    if name.to_ascii_lowercase().contains("token") {
                        String::from("[redacted]")
                    } else {
                        mask(value)
                    }
                })
                .collect();
            (name.clone(), Value::from(shown))
        })
        .collect();
    let answers_request = assertion.in_response_to.as_deref() == Some(request.id());
    let mut table = vec![[
        String::from("attribute"),
        String::from("values"),
        String::from("value (masked)"),
    ]];
    table.push([
        String::from("NameID"),
        format.rsplit(':').next().unwrap_or_default().to_owned(),
        name_id.clone(),
    ]);
    for (name, values) in &attributes {
        let shown = values
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let count = values.as_array().map_or(0, Vec::len);
        table.push([name.clone(), count.to_string(), shown]);
    }
    let done = Done {
        summary: format!(
            "signed assertion from {} · NameID {name_id} · {} attribute(s)",
            assertion.issuer,
            attributes.len()
        ),
        details: BTreeMap::from([
            ("issuer".to_owned(), Value::from(assertion.issuer.clone())),
            ("name_id".to_owned(), Value::from(name_id)),
            ("name_id_format".to_owned(), Value::from(format)),
            (
                "attributes".to_owned(),
                Value::from(serde_json::Map::from_iter(attributes)),
            ),
            (
                "assertion_signed".to_owned(),
                Value::from(assertion.assertion_signed),
            ),
            (
                "response_signed".to_owned(),
                Value::from(assertion.response_signed),
            ),
            ("answers_request".to_owned(), Value::from(answers_request)),
            ("relay_state".to_owned(), Value::from(relay_state)),
        ]),
        table,
    };
    expect(done, answers_request, "a Response to the AuthnRequest sent")
}

fn mask(value: &Pii<String>) -> String {
    crate::mask(value.expose_pii())
}

/// The `value` of the hidden `<input name="…">` of the IdP's auto-submitting form.
///
/// A string search, not an HTML parser: the form is the sandbox's own, fixed markup, its values
/// are Base64 or the RelayState sent (HTML-escaped: `&`, `<`, `>`, `"` and `'` are unescaped here).
fn form_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    let value = html[start..end]
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_read_from_the_idp_page() {
        let html = r#"<form method="post" action="http://127.0.0.1/saml/acs"><input type="hidden" name="SAMLResponse" value="PHNhbWxwOl=="/><input type="hidden" name="RelayState" value="a&amp;b"/></form>"#;
        let check = |name: &str, expected: Option<&str>| {
            assert_eq!(form_field(html, name).as_deref(), expected, "{name}");
        };
        check("SAMLResponse", Some("PHNhbWxwOl=="));
        check("RelayState", Some("a&b"));
        check("Missing", None);
        assert_eq!(
            form_field(r#"name="SAMLResponse" value="unterminated"#, "SAMLResponse"),
            None
        );
    }

    #[test]
    fn options_keep_expiry_above_the_approval_delay() {
        let options = DemoOptions::new().with_ciba_expires_in(Duration::from_millis(10));
        assert_eq!(options.ciba_expires_in, Duration::from_secs(2));
    }

    #[test]
    fn the_report_names_failed_steps() {
        let step = |name: &str, ok: bool| Step {
            name: name.to_owned(),
            ok,
            seconds: 0.0,
            summary: String::new(),
            details: BTreeMap::new(),
            error: None,
        };
        let report = DemoReport {
            ok: false,
            seconds: 0.0,
            steps: vec![step("a", true), step("b", false), step("c", false)],
        };
        assert_eq!(report.failed_steps().collect::<Vec<_>>(), ["b", "c"]);
    }
}
