//! `TokenCache::with_store`: tokens shared by instances through a `TokenStore`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use netid_ciba::driver::{
    InMemoryTokenStore, Reuse, StoredToken, TokenCache, TokenKey, TokenOrigin, TokenStore,
};
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::store::StoreError;
use netid_core::test_util::ManualClock;

use crate::support::{self, Script, json, t0};

fn scope() -> Scope {
    Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build()
}

fn hint() -> LoginHint {
    "tel:+34654654654".parse().unwrap()
}

/// A script of `n` complete CIBA flows, the `i`-th ending with access token `at-i`.
fn flows(clock: &ManualClock, n: usize) -> Arc<Script> {
    let mut replies = Vec::new();
    for i in 1..=n {
        replies.push(json(
            200,
            &format!(r#"{{"auth_req_id":"r-{i}","expires_in":120,"interval":2}}"#),
        ));
        replies.push(json(
            200,
            &format!(r#"{{"access_token":"at-{i}","token_type":"Bearer","expires_in":300}}"#),
        ));
    }
    Script::new(clock.clone(), replies, json(500, ""))
}

fn instance(script: Arc<Script>, clock: ManualClock, store: Arc<dyn TokenStore>, reuse: Reuse) -> TokenCache {
    let (driver, _, _) = support::driver_on(script, clock);
    TokenCache::new(
        driver,
        support::client(),
        support::provider(),
        Duration::from_secs(30),
    )
    .with_store(store)
    .reuse(reuse)
}

#[tokio::test]
async fn a_token_obtained_on_one_instance_serves_the_other() {
    let clock = ManualClock::new(t0());
    let script = flows(&clock, 2);
    let store = Arc::new(InMemoryTokenStore::new());
    let a = instance(script.clone(), clock.clone(), store.clone(), Reuse::Reusable);
    let b = instance(script.clone(), clock.clone(), store.clone(), Reuse::Reusable);

    let first = a
        .lookup(&hint(), &scope(), |_| std::ops::ControlFlow::Continue(()))
        .await;
    assert!(matches!(first.origin, TokenOrigin::Flow { .. }));
    assert_eq!(first.result.unwrap().expose_secret(), "at-1");
    let second = b
        .lookup(&hint(), &scope(), |_| std::ops::ControlFlow::Continue(()))
        .await;
    assert_eq!(second.origin, TokenOrigin::Cached);
    assert_eq!(second.result.unwrap().expose_secret(), "at-1");
    assert_eq!(script.seen().len(), 2, "one flow for both instances");

    // Past expiry minus the margin, the stored token is no longer served: a new flow.
    clock.advance(Duration::from_secs(300 - 30));
    let third = b.access_token(&hint(), &scope()).await.unwrap();
    assert_eq!(third.expose_secret(), "at-2");
}

#[tokio::test]
async fn single_use_tokens_are_never_stored() {
    let clock = ManualClock::new(t0());
    let script = flows(&clock, 2);
    let store = Arc::new(InMemoryTokenStore::new());
    let a = instance(script.clone(), clock.clone(), store.clone(), Reuse::SingleUse);
    assert_eq!(
        a.access_token(&hint(), &scope()).await.unwrap().expose_secret(),
        "at-1"
    );
    assert!(store.is_empty());
    // Not reused in process either.
    assert_eq!(
        a.access_token(&hint(), &scope()).await.unwrap().expose_secret(),
        "at-2"
    );
    assert!(store.is_empty());
}

#[derive(Debug)]
struct Down;

#[async_trait]
impl TokenStore for Down {
    async fn get(&self, _: &TokenKey, _: SystemTime) -> Result<Option<StoredToken>, StoreError> {
        Err(StoreError::Timeout(Duration::from_millis(200)))
    }

    async fn put(&self, _: &TokenKey, _: &StoredToken, _: SystemTime) -> Result<(), StoreError> {
        Err(StoreError::Timeout(Duration::from_millis(200)))
    }

    async fn remove(&self, _: &TokenKey) -> Result<(), StoreError> {
        Err(StoreError::Timeout(Duration::from_millis(200)))
    }
}

#[tokio::test]
async fn a_failing_store_falls_back_to_the_flow_with_a_warning() {
    let clock = ManualClock::new(t0());
    let script = flows(&clock, 1);
    let a = instance(script, clock, Arc::new(Down), Reuse::Reusable);
    let lookup = a
        .lookup(&hint(), &scope(), |_| std::ops::ControlFlow::Continue(()))
        .await;
    assert_eq!(lookup.result.unwrap().expose_secret(), "at-1");
    assert_eq!(
        lookup.store_error,
        Some(StoreError::Timeout(Duration::from_millis(200)))
    );
    // The in-process cache still serves the token.
    assert_eq!(
        a.access_token(&hint(), &scope()).await.unwrap().expose_secret(),
        "at-1"
    );
}

#[test]
fn keys_hide_the_subject_and_normalise_the_hint() {
    let bare: LoginHint = "34654654654".parse().unwrap();
    let a = TokenKey::new("https://op.example", "client", &hint(), &scope());
    let b = TokenKey::new("https://op.example", "client", &bare, &scope());
    assert_eq!(a, b, "the two forms of a number name one subscriber");
    let debug = format!("{a:?}");
    assert!(!debug.contains("654654654"), "{debug}");
    assert_eq!(a.expose_subject(), "tel:+34654654654");
}
