//! `TokenCache::with_flight`: one CIBA flow per subject and scopes across instances, through the
//! in-memory `SharedFlight` (the Redis one runs the same cases in `netid-redis`).

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use netid_ciba::driver::{
    Claim, Driver, Fence, FlightOutcome, FlightPolicy, FlightState, InMemorySharedFlight, SharedFlight,
    TokenCache, TokenKey, TokenOrigin,
};
use netid_ciba::error::{Error, OAuthErrorCode};
use netid_core::login_hint::LoginHint;
use netid_core::ports::Clock;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::store::StoreError;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_transport::{HttpTransport, Sleep};

use crate::support::{self, Gate, Script, json, t0};

const BC: &str = r#"{"auth_req_id":"r-1","expires_in":120,"interval":2}"#;
const TOKEN: &str = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#;

fn scope() -> Scope {
    Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build()
}

fn hint() -> LoginHint {
    "tel:+34654654654".parse().unwrap()
}

fn key() -> TokenKey {
    TokenKey::new(
        support::provider().config().issuer(),
        support::client().client_id(),
        &hint(),
        &scope(),
    )
}

/// An instant sleep whose lease-renewal timer (this long or longer) never fires: the flows of these
/// tests take less clock time than a renewal period, and an instant renewal timer would run the
/// leader's clock past its CIBA deadline while the gate holds its request.
#[derive(Debug, Clone)]
struct NoRenewalSleep(ManualClock);

const RENEWAL: Duration = Duration::from_secs(1200);

#[async_trait]
impl Sleep for NoRenewalSleep {
    async fn sleep(&self, duration: Duration) {
        if duration >= RENEWAL {
            std::future::pending::<()>().await;
        }
        self.0.advance(duration);
    }
}

/// A sleep that advances its manual clock, then lets the other tasks run: a follower on it waits
/// in clock time without starving the leader.
#[derive(Debug, Clone)]
struct YieldingSleep(ManualClock);

#[async_trait]
impl Sleep for YieldingSleep {
    async fn sleep(&self, duration: Duration) {
        self.0.advance(duration);
        tokio::task::yield_now().await;
    }
}

fn instance(driver: Driver, flight: Arc<dyn SharedFlight>, policy: FlightPolicy) -> TokenCache {
    TokenCache::new(
        driver,
        support::client(),
        support::provider(),
        Duration::from_secs(30),
    )
    .with_flight(flight, policy)
}

fn follower(
    script: Arc<Script>,
    clock: ManualClock,
    flight: Arc<dyn SharedFlight>,
    policy: FlightPolicy,
) -> (TokenCache, ManualClock) {
    let driver = Driver::with_details(
        script as Arc<dyn HttpTransport>,
        Arc::new(clock.clone()),
        Arc::new(YieldingSleep(clock.clone())),
        Arc::new(SeededRandom::new(8)),
    );
    (instance(driver, flight, policy), clock)
}

#[tokio::test]
async fn a_flow_that_just_ended_serves_the_other_instance() {
    let clock = ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![json(200, BC), json(200, TOKEN)],
        json(500, ""),
    );
    let flight = Arc::new(InMemorySharedFlight::new());
    let (driver_a, _, _) = support::driver_on(script.clone(), clock.clone());
    let (driver_b, _, _) = support::driver_on(script.clone(), clock.clone());
    let a = instance(driver_a, flight.clone(), FlightPolicy::new());
    let b = instance(driver_b, flight.clone(), FlightPolicy::new());

    let first = a.lookup(&hint(), &scope(), |_| ControlFlow::Continue(())).await;
    assert!(
        matches!(first.origin, TokenOrigin::Flow { .. }),
        "{:?}",
        first.origin
    );
    let second = b.lookup(&hint(), &scope(), |_| ControlFlow::Continue(())).await;
    assert_eq!(second.origin, TokenOrigin::OtherInstance);
    assert_eq!(second.result.unwrap().expose_secret(), "at-1");
    assert_eq!(
        script.seen().len(),
        2,
        "one backchannel request and one poll in all"
    );
    assert_eq!(flight.leases_granted(), 1);
}

#[tokio::test]
async fn followers_get_the_error_of_the_one_flow() {
    let clock = ManualClock::new(t0());
    let denied = json(403, r#"{"error":"access_denied"}"#);
    let script = Script::new(clock.clone(), vec![json(200, BC), denied], json(500, ""));
    let gate = Gate::new(script.clone());
    let flight: Arc<dyn SharedFlight> = Arc::new(InMemorySharedFlight::new());
    let driver_a = Driver::with_details(
        gate.clone() as Arc<dyn HttpTransport>,
        Arc::new(clock.clone()),
        Arc::new(NoRenewalSleep(clock.clone())),
        Arc::new(SeededRandom::new(7)),
    );
    // The follower's clock runs on its own; a long lease keeps the leader's lock valid on it.
    let policy = FlightPolicy::new().lease(RENEWAL * 3);
    let a = Arc::new(instance(driver_a, flight.clone(), policy));
    let (b, b_clock) = follower(script.clone(), ManualClock::new(t0()), flight.clone(), policy);

    let leader = tokio::spawn({
        let a = a.clone();
        async move { a.access_token(&hint(), &scope()).await }
    });
    gate.wait_for_arrivals(1).await;
    let waiting = tokio::spawn(async move { b.access_token(&hint(), &scope()).await });
    // Let the follower claim and start watching before the flow goes on.
    while b_clock.now() == t0() {
        tokio::task::yield_now().await;
    }
    gate.open();
    let expect_denied = |result: Result<_, Error>| match result {
        Err(Error::OAuth(error)) => assert_eq!(error.code, OAuthErrorCode::AccessDenied),
        other => panic!("{other:?}"),
    };
    expect_denied(leader.await.unwrap());
    expect_denied(waiting.await.unwrap());
    assert_eq!(script.seen().len(), 2, "no second flow");
}

#[tokio::test]
async fn a_lock_whose_holder_vanished_is_taken_over_once_its_lease_ends() {
    let clock = ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![json(200, BC), json(200, TOKEN)],
        json(500, ""),
    );
    let flight = Arc::new(InMemorySharedFlight::new());
    // A holder that took the lock for 5 s and crashed.
    let lease = Duration::from_secs(5);
    let Claim::Lead(_) = flight.claim(&key(), lease, t0()).await.unwrap() else {
        panic!("the lock was free");
    };
    let (b, b_clock) = follower(
        script.clone(),
        clock,
        flight.clone(),
        FlightPolicy::new().lease(lease),
    );
    let lookup = b.lookup(&hint(), &scope(), |_| ControlFlow::Continue(())).await;
    assert_eq!(lookup.result.unwrap().expose_secret(), "at-1");
    assert!(matches!(lookup.origin, TokenOrigin::Flow { .. }));
    let first_request = script.seen()[0].at;
    assert!(
        first_request >= lease && first_request < lease + Duration::from_secs(2),
        "took over at {first_request:?}"
    );
    assert!(
        b_clock.now() < t0() + Duration::from_secs(120),
        "within the CIBA deadline"
    );
    assert_eq!(flight.leases_granted(), 2);
}

#[derive(Debug)]
struct Down;

#[async_trait]
impl SharedFlight for Down {
    async fn claim(&self, _: &TokenKey, _: Duration, _: SystemTime) -> Result<Claim, StoreError> {
        Err(StoreError::Timeout(Duration::from_millis(200)))
    }

    async fn renew(&self, _: &TokenKey, _: &Fence, _: Duration, _: SystemTime) -> Result<bool, StoreError> {
        unreachable!("no lease was granted")
    }

    async fn publish(
        &self,
        _: &TokenKey,
        _: &Fence,
        _: &FlightOutcome,
        _: SystemTime,
    ) -> Result<bool, StoreError> {
        unreachable!("no lease was granted")
    }

    async fn watch(&self, _: &TokenKey, _: &Fence, _: SystemTime) -> Result<FlightState, StoreError> {
        unreachable!("no lease was granted")
    }
}

#[tokio::test]
async fn a_failing_flight_falls_back_to_a_flow_of_this_instance() {
    let clock = ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![json(200, BC), json(200, TOKEN)],
        json(500, ""),
    );
    let (driver, _, _) = support::driver_on(script, clock);
    let a = instance(driver, Arc::new(Down), FlightPolicy::new());
    let lookup = a.lookup(&hint(), &scope(), |_| ControlFlow::Continue(())).await;
    assert_eq!(lookup.result.unwrap().expose_secret(), "at-1");
    assert_eq!(
        lookup.store_error,
        Some(StoreError::Timeout(Duration::from_millis(200)))
    );
}

#[tokio::test]
async fn single_use_tokens_never_take_the_lock() {
    let clock = ManualClock::new(t0());
    let script = Script::new(
        clock.clone(),
        vec![json(200, BC), json(200, TOKEN)],
        json(500, ""),
    );
    let (driver, _, _) = support::driver_on(script, clock);
    let a = instance(driver, Arc::new(Down), FlightPolicy::new()).reuse(netid_ciba::driver::Reuse::SingleUse);
    let lookup = a.lookup(&hint(), &scope(), |_| ControlFlow::Continue(())).await;
    assert_eq!(lookup.result.unwrap().expose_secret(), "at-1");
    assert_eq!(lookup.store_error, None, "the flight was not consulted");
}
