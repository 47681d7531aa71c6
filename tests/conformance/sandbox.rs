//! The sandbox the scenarios run against, its testing assets and the tokens it issued.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_ciba::ciba::{BackchannelRequest, CibaSession};
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::Driver;
use netid_ciba::jose::{Jti, KeySigner, SigningAlgorithm};
use netid_core::ports::{Clock, OsRandom};
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_reqwest::{ReqwestTransport, TokioSleep};
use netid_server::{Server, ServerConfig, ServerHandle, SubscriberStore};
use netid_transport::HttpTransport;

/// The number of the default three-legged token (`NUMBERVERIFY_*_PHONENUMBER1`).
pub(crate) const MAIN: &str = "+33699901040";
/// The device of the token "emitted for a different phone number" (`NUMBERVERIFY_*_PHONENUMBER2`).
pub(crate) const OTHER: &str = "+34654654654";
/// A SIM last swapped 500 hours ago.
pub(crate) const OLD_SWAP: &str = "+31612345678";
/// Hours since [`OLD_SWAP`]'s swap (`subscribers.toml`).
pub(crate) const OLD_SWAP_HOURS: u64 = 500;
/// A SIM never swapped.
pub(crate) const NEVER_SWAPPED: &str = "+33612345678";
/// A subscriber under a 30-day monitored period, swapped 40 days ago.
pub(crate) const LIMITED: &str = "+34600000002";
/// The monitored period of [`LIMITED`], in days.
pub(crate) const LIMITED_DAYS: u64 = 30;
/// A number that changed hands on 2024-02-26 (Number Recycling): [`LIMITED`]'s line.
pub(crate) const RECYCLED: &str = LIMITED;
/// A line the Device Swap, Number Recycling and KYC Tenure APIs do not cover.
pub(crate) const NOT_APPLICABLE: &str = "+33600000011";
/// A number never used in a device: no activation, no device change (Device Swap answers 422).
pub(crate) const NEVER_CONNECTED: &str = "+33600000012";
/// A line KYC Age Verification and KYC Fill-in do not apply to (`422 SERVICE_NOT_APPLICABLE`).
pub(crate) const KYC_NOT_APPLICABLE: &str = "+33600000013";
/// A line outside Call Forwarding Signal and Consent Info.
pub(crate) const OUT_OF_SERVICE: &str = "+33611111111";
/// A number whose consent capture URLs were asked too often ([`OTHER`]).
pub(crate) const CAPTURE_LIMITED: &str = OTHER;
/// A well-formed number no subscriber has.
pub(crate) const UNKNOWN: &str = "+33699999999";

/// The base path of Number Verification, whose tokens are single-use.
pub(crate) const NUMBER_VERIFICATION: &str = "/number-verification/";

/// The system clock plus an offset, so a token can be issued "in the past" and be expired now.
#[derive(Debug, Default)]
struct ShiftedClock {
    behind_secs: AtomicU64,
}

impl Clock for ShiftedClock {
    fn now(&self) -> SystemTime {
        let behind = Duration::from_secs(self.behind_secs.load(Ordering::SeqCst));
        SystemTime::now()
            .checked_sub(behind)
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// The access tokens the scenarios choose from, as `Authorization` header values.
pub(crate) struct Tokens {
    /// [`MAIN`] by network-based authentication, every API's scope.
    pub(crate) main: String,
    /// [`OTHER`] by network-based authentication, every API's scope.
    pub(crate) other: String,
    /// [`MAIN`] by CIBA with a phone-number hint: neither network- nor SIM-based.
    pub(crate) by_phone_number: String,
    /// Two-legged (client credentials), every API's scope.
    pub(crate) two_legged: String,
    /// [`MAIN`], Number Verification and SIM Swap scopes only (no KYC Match).
    pub(crate) without_kyc: String,
    /// [`MAIN`], KYC Match scope only.
    pub(crate) kyc_only: String,
    /// Issued two hours ago with a one-hour lifetime.
    pub(crate) expired: String,
    /// [`MAIN`], one per KYC Fill-in attribute: that attribute's scope alone.
    pub(crate) fill_in: BTreeMap<String, String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Bearer tokens stay out of test output even when a panic prints the world.
        f.write_str("Tokens([redacted])")
    }
}

/// The running sandbox, its transport and tokens.
#[derive(Debug)]
pub(crate) struct Conformance {
    server: ServerHandle,
    pub(crate) transport: Arc<dyn HttpTransport>,
    pub(crate) tokens: Tokens,
    minter: Minter,
}

/// How a three-legged token of [`Tokens`] was obtained, to obtain another like it.
#[derive(Debug, Clone)]
struct Kind {
    hint: String,
    apis: Vec<ApiScope>,
}

/// Mints fresh copies of the tokens that Number Verification spends (single-use tokens).
struct Minter {
    driver: Driver,
    client: Arc<ClientConfig>,
    issuer: String,
    /// The header of [`Tokens`] a scenario chose → how to mint it, and the copy not spent yet.
    single_use: Mutex<BTreeMap<String, (Kind, String)>>,
}

impl std::fmt::Debug for Minter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Bearer tokens stay out of test output.
        f.write_str("Minter([redacted])")
    }
}

fn all_apis() -> Vec<ApiScope> {
    vec![
        ApiScope::KycMatchMatch,
        ApiScope::SimSwapCheck,
        ApiScope::SimSwapRetrieveDate,
        ApiScope::NumberVerificationVerify,
        ApiScope::NumberVerificationDevicePhoneNumberRead,
        ApiScope::DeviceSwapCheck,
        ApiScope::DeviceSwapRetrieveDate,
        ApiScope::NumberRecyclingCheck,
        ApiScope::KycTenureCheckTenure,
        ApiScope::KycAgeVerificationVerify,
        ApiScope::KycFillInSetAll,
        ApiScope::CallForwardingSignalUnconditionalRead,
        ApiScope::CallForwardingSignalCallForwardingsRead,
        ApiScope::ConsentInfoRetrieve,
    ]
}

impl Conformance {
    /// Starts the sandbox with the testing assets and gets every token (about one CIBA interval).
    pub(crate) async fn start() -> Self {
        let assets = std::fs::read_to_string(super::here().join("subscribers.toml")).expect("testing assets");
        let clock = Arc::new(ShiftedClock::default());
        // Two hours behind until the expired token is issued.
        clock.behind_secs.store(7200, Ordering::SeqCst);
        let config = ServerConfig::new()
            .with_subscribers(SubscriberStore::from_toml_str(&assets).expect("testing assets parse"))
            .with_ciba_interval(Duration::from_secs(1))
            .with_approve_delay_override(Some(Duration::ZERO))
            .with_clock(clock.clone());
        let server = Server::start(config).await.expect("sandbox starts");
        let demo = server.demo_client().expect("demo client registered");
        let signer = KeySigner::from_pem(
            SigningAlgorithm::Es256,
            demo.expose_private_key_pem().as_bytes(),
            Some(demo.key_id().to_owned()),
        )
        .expect("demo key loads");
        let client = Arc::new(ClientConfig::new(demo.client_id(), Arc::new(signer)));
        let transport: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::new().expect("reqwest client"));
        let driver = Driver::new(transport.clone(), Arc::new(TokioSleep));
        let issuer = server.issuer().to_owned();

        let expired = two_legged(&driver, transport.as_ref(), &client, &issuer, clock.now(), &[]).await;
        clock.behind_secs.store(0, Ordering::SeqCst);

        let ciba =
            |hint: String, apis: Vec<ApiScope>| ciba_token(&driver, client.clone(), &issuer, hint, apis);
        let (main, other, by_phone_number, without_kyc, kyc_only) = tokio::join!(
            ciba("operatortoken:ts43-conf-main".to_owned(), all_apis()),
            ciba("operatortoken:ts43-conf-other".to_owned(), all_apis()),
            ciba(format!("tel:{MAIN}"), all_apis()),
            ciba(
                "operatortoken:ts43-conf-main".to_owned(),
                all_apis()
                    .into_iter()
                    .filter(|a| *a != ApiScope::KycMatchMatch)
                    .collect()
            ),
            ciba(
                "operatortoken:ts43-conf-main".to_owned(),
                vec![ApiScope::KycMatchMatch]
            ),
        );
        let fill_in = join_all(
            netid_camara::kyc_fill_in::ATTRIBUTES
                .iter()
                .map(|attribute| {
                    let scope = netid_camara::kyc_fill_in::attribute_scope(attribute).expect("attribute");
                    let token = ciba("operatortoken:ts43-conf-main".to_owned(), vec![scope]);
                    Box::pin(async move { ((*attribute).to_owned(), token.await) })
                        as std::pin::Pin<Box<dyn Future<Output = (String, String)> + '_>>
                })
                .collect(),
        )
        .await
        .into_iter()
        .collect();
        let two_legged = two_legged(
            &driver,
            transport.as_ref(),
            &client,
            &issuer,
            clock.now(),
            &all_apis(),
        )
        .await;
        // Number Verification spends a token per answer: these kinds are minted again after one.
        let single_use = [
            (&main, "operatortoken:ts43-conf-main", all_apis()),
            (&other, "operatortoken:ts43-conf-other", all_apis()),
            (
                &without_kyc,
                "operatortoken:ts43-conf-main",
                all_apis()
                    .into_iter()
                    .filter(|a| *a != ApiScope::KycMatchMatch)
                    .collect(),
            ),
        ]
        .into_iter()
        .map(|(header, hint, apis)| {
            let kind = Kind {
                hint: hint.to_owned(),
                apis,
            };
            (header.clone(), (kind, header.clone()))
        })
        .collect();
        Self {
            server,
            transport,
            minter: Minter {
                driver,
                client,
                issuer,
                single_use: Mutex::new(single_use),
            },
            tokens: Tokens {
                main,
                other,
                by_phone_number,
                two_legged,
                without_kyc,
                kyc_only,
                expired,
                fill_in,
            },
        }
    }

    /// The `Authorization` value to send for `header` (one of [`Tokens`]): the copy of that token
    /// not spent yet (a spent token is refused by every API, not only Number Verification). The sandbox spends a Number Verification token with
    /// its first answer, as the facade expects of every operator: the runner obtains a fresh token
    /// instead of the sandbox relaxing the rule.
    pub(crate) fn unspent(&self, header: &str) -> String {
        lock(&self.minter.single_use)
            .get(header)
            .map_or_else(|| header.to_owned(), |(_, current)| current.clone())
    }

    /// Records that Number Verification answered with the copy of `header`: mints the next one.
    pub(crate) async fn spent(&self, header: &str) {
        let kind = lock(&self.minter.single_use)
            .get(header)
            .map(|(kind, _)| kind.clone());
        let Some(kind) = kind else { return };
        let minter = &self.minter;
        let fresh = ciba_token(
            &minter.driver,
            minter.client.clone(),
            &minter.issuer,
            kind.hint,
            kind.apis,
        )
        .await;
        if let Some((_, current)) = lock(&minter.single_use).get_mut(header) {
            *current = fresh;
        }
    }

    /// The sandbox's base URL with `path` appended.
    pub(crate) fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.server.base_url().as_str().trim_end_matches('/'),
            path
        )
    }

    /// Stops the sandbox once every scenario has run.
    pub(crate) async fn shutdown(self: Arc<Self>) {
        if let Ok(this) = Arc::try_unwrap(self) {
            this.server.shutdown().await;
        }
    }
}

/// A CIBA token for `hint` with `apis` and the fraud-prevention purpose, as an `Authorization` value.
async fn ciba_token(
    driver: &Driver,
    client: Arc<ClientConfig>,
    issuer: &str,
    hint: String,
    apis: Vec<ApiScope>,
) -> String {
    let provider = driver.discover_ciba(issuer).await.expect("discovery");
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .apis(apis)
        .build();
    let request = BackchannelRequest::new(scope, hint.parse().expect("login hint"));
    let mut session = CibaSession::new(client, provider, request);
    let tokens = driver
        .run_ciba(&mut session, |_| std::ops::ControlFlow::Continue(()))
        .await
        .unwrap_or_else(|error| panic!("CIBA grant for {hint}: {error}"));
    format!("Bearer {}", tokens.access_token.expose_secret())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `futures` concurrently (the CIBA flows wait on the sandbox's interval: polled together they
/// take about one interval) and collects their outputs.
async fn join_all<T>(futures: Vec<std::pin::Pin<Box<dyn Future<Output = T> + '_>>>) -> Vec<T> {
    use std::task::Poll;
    let mut futures: Vec<_> = futures.into_iter().map(Some).collect();
    let mut outputs: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => done = false,
                }
            }
        }
        if done { Poll::Ready(()) } else { Poll::Pending }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// A `client_credentials` token with `apis`, its client assertion dated `now` (the sandbox's time).
async fn two_legged(
    driver: &Driver,
    transport: &dyn HttpTransport,
    client: &ClientConfig,
    issuer: &str,
    now: SystemTime,
    apis: &[ApiScope],
) -> String {
    let provider = driver.discover(issuer).await.expect("discovery");
    let endpoint = provider.token_endpoint().clone();
    let jti = Jti::generate(&OsRandom).expect("entropy");
    let assertion = client
        .client_assertion(&provider, &endpoint, now, &jti)
        .expect("client assertion");
    let scope = apis.iter().map(ApiScope::as_str).collect::<Vec<_>>().join(" ");
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "client_credentials");
    if !scope.is_empty() {
        form.append_pair("scope", &scope);
    }
    let form = form
        .append_pair(
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        )
        .append_pair("client_assertion", assertion.expose_secret())
        .finish();
    let request = http::Request::post(endpoint.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(form))
        .expect("token request");
    let response = transport.send(request).await.expect("token endpoint answers");
    let body: serde_json::Value = serde_json::from_slice(response.body()).expect("token response is JSON");
    let token = body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("client_credentials refused: {body}"));
    format!("Bearer {token}")
}
