//! The state every entry point runs on, built once: the sandbox's shared state with a network and
//! a two-legged token already granted, the demo client's key, and a poller for handler futures.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use netid_core::phone::PhoneNumber;

use crate::config::{DEMO_CLIENT_ID, ServerConfig};
use crate::keys::DemoClient;
use crate::state::{AuthMethod, Grant, Shared};

pub(super) const ISSUER: &str = "http://127.0.0.1:9";
/// The access token of a three-legged grant on the mobile network (the network's subscriber).
pub(super) const NETWORK_TOKEN: &str = "fuzz-network-token";
/// A single-use copy of [`NETWORK_TOKEN`], issued again before each Number Verification call.
pub(super) const NV_TOKEN: &str = "fuzz-number-verification-token";
/// The access token of a two-legged grant.
pub(super) const TWO_LEGGED_TOKEN: &str = "fuzz-two-legged-token";
const ALL_SCOPES: &str = "openid dpv:FraudPreventionAndDetection sim-swap sim-swap:check \
    sim-swap:retrieve-date kyc-match:match number-verification:verify \
    number-verification:device-phone-number:read \
    call-forwarding-signal:unconditional-call-forwardings:read \
    call-forwarding-signal:call-forwardings:read consent-info:retrieve";

pub(super) struct Fixture {
    pub(super) shared: Arc<Shared>,
    pub(super) demo: DemoClient,
}

/// Built once: key generation is not what is under test.
pub(super) fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let config = ServerConfig::new();
            let subscriber = config.network_subscriber.clone()?;
            let (shared, demo) = Shared::build(config, ISSUER.to_owned()).ok()?;
            let now = shared.now();
            let expires = now + Duration::from_secs(100 * 365 * 86_400);
            let scope = ALL_SCOPES.parse().ok()?;
            let grant = |subscriber: Option<PhoneNumber>, method| Grant {
                client_id: DEMO_CLIENT_ID.to_owned(),
                subscriber,
                scope: Clone::clone(&scope),
                method,
                expires,
            };
            let store = &shared.store;
            run(store.insert_token(
                NETWORK_TOKEN,
                grant(Some(subscriber), AuthMethod::MobileNetwork),
                now,
            ))?
            .ok()?;
            run(store.insert_token(TWO_LEGGED_TOKEN, grant(None, AuthMethod::TwoLegged), now))?.ok()?;
            Some(Fixture {
                shared: Arc::new(shared),
                demo: demo?,
            })
        })
        .as_ref()
}

/// Runs a handler future that never waits (the in-memory store answers at once, and the handlers
/// hold no other `.await` on I/O) to its end.
pub(super) fn run<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// A `private_key_jwt` client assertion of the demo client for `path`, with a fresh `jti`.
pub(super) fn client_assertion(demo: &DemoClient, path: &str, now: SystemTime) -> Option<String> {
    static JTI: AtomicU64 = AtomicU64::new(0);
    let exp = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs() + 300;
    let claims = serde_json::json!({
        "iss": DEMO_CLIENT_ID, "sub": DEMO_CLIENT_ID, "aud": format!("{ISSUER}{path}"),
        "exp": exp, "jti": format!("fuzz-{}", JTI.fetch_add(1, Ordering::Relaxed)),
    });
    let (kid, key) = demo.signing_key();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, &claims, key).ok()
}
