//! The SAML stores: replay and outstanding requests across instances and processes, and refusals
//! while Redis is down.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use netid_core::store::StoreError;
use netid_redis::RedisStores;
use netid_saml::{
    AsyncReplayCache, AsyncRequestStore, Check, Error, IdentityProvider, IdpCertificate, InMemoryReplayCache,
    ReplayVerdict, ResponseVerifier, ServiceProvider, VerifiedAssertion,
};

use crate::support::{self, Server};

/// The committed, xmlsec1-signed Response answering `_req1` (netid-saml's fixtures).
fn response_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../saml/tests/fixtures/responses/assertion-signed.xml")
}

/// 2026-01-01T00:05:00Z, when the fixture is valid (until 00:10:00Z).
const NOW_SECS: u64 = 1_767_225_600 + 300;

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

fn verifier() -> ResponseVerifier {
    let cert = IdpCertificate::from_pem(include_bytes!("../../../saml/tests/fixtures/keys/idp.crt"))
        .expect("test certificate");
    ResponseVerifier::new(
        IdentityProvider::new("https://idp.example/saml", vec![cert]),
        ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs"),
    )
}

async fn consume(
    replay: &dyn AsyncReplayCache,
    requests: &dyn AsyncRequestStore,
) -> Result<VerifiedAssertion, Error> {
    let xml = std::fs::read(response_path()).expect("fixture");
    verifier()
        .check_xml(&xml, now())
        .expect("the fixture passes the pure checks")
        .consume(replay, requests)
        .await
}

/// Runs the `sp_instance` example (built by `cargo test` beside this binary) as a second SP.
fn other_process(url: &str, prefix: &str) -> (Option<i32>, String) {
    let exe = std::env::current_exe().expect("test binary path");
    let example = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps")
        .join("examples/sp_instance");
    let out = Command::new(&example)
        .args([url, prefix])
        .arg(response_path())
        .arg(NOW_SECS.to_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", example.display()));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
    )
}

#[tokio::test]
async fn a_request_issued_here_is_consumed_once_by_another_process_and_replays_are_refused() {
    let (url, _server) = support::redis();
    let prefix = support::prefix();
    let here = support::connect(&url, &prefix, Duration::from_secs(2)).await;
    // This instance sent the AuthnRequest `_req1`.
    assert!(
        here.request_store()
            .insert_request("_req1", now() + Duration::from_secs(600), now())
            .await
            .unwrap()
    );

    // Another process receives the Response: accepted once.
    assert_eq!(other_process(&url, &prefix), (Some(0), "accepted".to_owned()));
    // The same Response posted again to that process, then to this one: replays.
    assert_eq!(
        other_process(&url, &prefix),
        (Some(1), "rejected replay".to_owned())
    );
    let e = consume(&here.replay_cache(), &here.request_store())
        .await
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::Replay));
    // Even with a replay cache that never saw it, the request is gone: consumed exactly once.
    let e = consume(&InMemoryReplayCache::new(), &here.request_store())
        .await
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::InResponseTo));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_instances_record_an_assertion_exactly_once() {
    let (url, _server) = support::redis();
    let prefix = support::prefix();
    let a = support::connect(&url, &prefix, Duration::from_secs(2)).await;
    let b = support::connect(&url, &prefix, Duration::from_secs(2)).await;
    let until = now() + Duration::from_secs(600);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let cache = if i % 2 == 0 {
            a.replay_cache()
        } else {
            b.replay_cache()
        };
        tasks.push(tokio::spawn(async move {
            cache.check_and_record("_assert-race", until, now()).await
        }));
        let requests = if i % 2 == 0 {
            a.request_store()
        } else {
            b.request_store()
        };
        if i == 0 {
            requests.insert_request("_req-race", until, now()).await.unwrap();
        }
    }
    let mut takes = Vec::new();
    for i in 0..40 {
        let requests = Arc::new(if i % 2 == 0 {
            a.request_store()
        } else {
            b.request_store()
        });
        takes.push(tokio::spawn(async move {
            requests.take_request("_req-race", now()).await
        }));
    }
    let mut fresh = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            ReplayVerdict::Fresh => fresh += 1,
            ReplayVerdict::Replayed => {}
            other => panic!("unexpected verdict {other:?}"),
        }
    }
    assert_eq!(fresh, 1);
    let mut taken = 0;
    for task in takes {
        taken += usize::from(task.await.unwrap().unwrap());
    }
    assert_eq!(taken, 1);
}

#[tokio::test]
async fn expired_requests_are_refused_and_ids_never_reach_redis_in_clear() {
    let (url, _server) = support::redis();
    let prefix = support::prefix();
    let stores = support::connect(&url, &prefix, Duration::from_secs(2)).await;
    let requests = stores.request_store();
    requests
        .insert_request("_req-visible", now() + Duration::from_secs(60), now())
        .await
        .unwrap();
    let mut raw = support::raw(&url).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(!keys[0].contains("_req-visible"), "{keys:?}");
    // Present in Redis, but expired by the caller's clock: refused, and consumed anyway.
    assert!(
        !requests
            .take_request("_req-visible", now() + Duration::from_secs(60))
            .await
            .unwrap()
    );
    assert!(!requests.take_request("_req-visible", now()).await.unwrap());
}

/// Asserts that consuming fails with a store error (a refusal), never an acceptance.
async fn refused_while_down(stores: &RedisStores) -> StoreError {
    match consume(&stores.replay_cache(), &stores.request_store()).await {
        Err(Error::Store(e)) => e,
        other => panic!("expected a store refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn redis_down_means_refusals_then_recovery_with_nothing_accepted_twice() {
    // This test stops and restarts Redis, so it always runs its own server.
    let mut server = Server::start();
    let url = server.url();
    let prefix = support::prefix();
    let stores = support::connect(&url, &prefix, Duration::from_millis(300)).await;
    let until = now() + Duration::from_secs(600);
    stores
        .request_store()
        .insert_request("_req1", until, now())
        .await
        .unwrap();

    // Frozen: every command times out, and the Response is refused.
    server.pause();
    let e = refused_while_down(&stores).await;
    assert_eq!(e, StoreError::Timeout(Duration::from_millis(300)));
    server.resume();
    // Thawed: Redis ran the queued `SET NX` after the client gave up, so the timed-out Response
    // stays consumed: refused, never accepted late (the user signs in again).
    let e = consume(&stores.replay_cache(), &stores.request_store())
        .await
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::Replay));
    // New assertions are fresh again, once.
    let cache = stores.replay_cache();
    assert_eq!(
        cache.check_and_record("_after-thaw", until, now()).await.unwrap(),
        ReplayVerdict::Fresh
    );
    assert_eq!(
        cache.check_and_record("_after-thaw", until, now()).await.unwrap(),
        ReplayVerdict::Replayed
    );

    // Stopped: refused, with the store's error rather than a verdict.
    server.stop();
    refused_while_down(&stores).await;
    assert!(
        stores
            .replay_cache()
            .check_and_record("_fresh", until, now())
            .await
            .is_err()
    );

    // Restarted with its data: the consumed assertion stays consumed, new ones are fresh.
    server.restart();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let verdict = loop {
        match stores
            .replay_cache()
            .check_and_record("_fresh", until, now())
            .await
        {
            Ok(verdict) => break verdict,
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("no recovery within 10 s: {e}"),
        }
    };
    assert_eq!(verdict, ReplayVerdict::Fresh);
    let e = consume(&stores.replay_cache(), &stores.request_store())
        .await
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::Replay));
}
