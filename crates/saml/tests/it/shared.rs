//! The async path for stores shared by several SP instances: `check_*` then
//! `UnconsumedAssertion::consume`, which yields the assertion only after the replay check and the
//! outstanding request both succeeded.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use netid_saml::{
    AsyncReplayCache, AsyncRequestStore, Check, Error, InMemoryReplayCache, InMemoryRequestStore,
    ReplayVerdict, StoreError,
};

use crate::support::{self, REQ, Resp, now, verifier};

/// A shared store that cannot be reached.
#[derive(Debug)]
struct Down;

fn down() -> StoreError {
    StoreError::Unavailable {
        reason: "connection refused".to_owned(),
    }
}

#[async_trait]
impl AsyncReplayCache for Down {
    async fn check_and_record(
        &self,
        _: &str,
        _: SystemTime,
        _: SystemTime,
    ) -> Result<ReplayVerdict, StoreError> {
        Err(down())
    }
}

#[async_trait]
impl AsyncRequestStore for Down {
    async fn insert_request(&self, _: &str, _: SystemTime, _: SystemTime) -> Result<bool, StoreError> {
        Err(down())
    }

    async fn take_request(&self, _: &str, _: SystemTime) -> Result<bool, StoreError> {
        Err(down())
    }
}

#[tokio::test]
async fn check_then_consume_gives_what_verify_gives() {
    let xml = Resp::default().signed();
    let expected = support::verify(&xml).expect("honest response");
    let (requests, replay) = support::stores();
    let unconsumed = verifier()
        .check_xml(xml.as_bytes(), now())
        .expect("pure checks pass");
    assert_eq!(unconsumed.assertion_id(), expected.assertion_id);
    assert_eq!(unconsumed.in_response_to(), Some(REQ));
    // NotOnOrAfter 00:10:00 plus the default 60 s skew.
    assert_eq!(
        unconsumed.replay_expires_at(),
        now() + Duration::from_secs(300 + 60)
    );
    let debug = format!("{unconsumed:?}");
    assert!(!debug.contains(expected.name_id.value.expose_pii()), "{debug}");
    let got = unconsumed.consume(&replay, &requests).await.expect("fresh");
    assert_eq!(got, expected);
}

/// Checks `xml` at `now()` and consumes it through the given stores.
async fn consume(
    xml: &str,
    replay: &dyn AsyncReplayCache,
    requests: &dyn AsyncRequestStore,
) -> Result<netid_saml::VerifiedAssertion, Error> {
    let unconsumed = verifier()
        .check_xml(xml.as_bytes(), now())
        .expect("pure checks pass");
    unconsumed.consume(replay, requests).await
}

#[tokio::test]
async fn consumption_refuses_on_every_store_outcome_but_success() {
    let xml = Resp::default().signed();

    // Replay cache down: refused with a store error, never accepted.
    let (requests, _) = support::stores();
    let e = consume(&xml, &Down, &requests).await.unwrap_err();
    assert!(matches!(e, Error::Store(StoreError::Unavailable { .. })), "{e}");

    // Request store down after a fresh replay check: refused, and the ID stays recorded, so the
    // same Response is refused again once the store is back.
    let (requests, replay) = support::stores();
    let e = consume(&xml, &replay, &Down).await.unwrap_err();
    assert!(matches!(e, Error::Store(_)), "{e}");
    let e = consume(&xml, &replay, &requests).await.unwrap_err();
    assert_eq!(e.check(), Some(Check::Replay));

    // Both up: accepted once, then a replay.
    let (requests, replay) = support::stores();
    consume(&xml, &replay, &requests).await.expect("fresh");
    let e = consume(&xml, &replay, &requests).await.unwrap_err();
    assert_eq!(e.check(), Some(Check::Replay));

    // A fresh replay cache (another instance's, say) but the request already taken.
    let e = consume(&xml, &InMemoryReplayCache::new(), &requests)
        .await
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::InResponseTo));
}

#[tokio::test]
async fn recording_a_request_in_a_store_that_is_down_fails() {
    use netid_core::test_util::SeededRandom;
    use netid_saml::{AuthnRequestBuilder, ServiceProvider};

    let sp = ServiceProvider::new(support::SP, support::ACS);
    let request = AuthnRequestBuilder::new(&sp, "https://idp.example/sso")
        .build(now(), &SeededRandom::new(1))
        .expect("request");
    let e = request
        .record_async(&Down, Duration::from_secs(600))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Store(_)), "{e}");
    let store = InMemoryRequestStore::new();
    request
        .record_async(&store, Duration::from_secs(600))
        .await
        .expect("recorded");
    assert!(store.take_request(request.id(), now()).await.expect("in memory"));
}
