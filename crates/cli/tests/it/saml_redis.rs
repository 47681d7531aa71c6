//! `netid saml login-url`/`verify` with their state on a real `redis-server`: the one at
//! `NETID_REDIS_URL` (what `cargo xtask ci` starts), or one this test starts on 127.0.0.1. Under
//! `CI=true` a missing `NETID_REDIS_URL` fails the test, loudly.

use std::process::Output;
use std::time::SystemTime;

use netid_redis::test_util::redis;

use crate::saml::{RSA_SHA256, fixture, netid, signed_at_test_time};

fn login_url(store: &str) -> Output {
    netid(&[
        "saml",
        "login-url",
        "--sp-entity-id",
        "https://sp.example/saml",
        "--acs-url",
        "https://sp.example/saml/acs",
        "--sso-url",
        "https://idp.example/sso",
        "--now",
        "2026-01-01T00:04:00Z",
        "--request-store",
        store,
    ])
}

fn verify(stores: &[&str], file: &str) -> Output {
    let cert = fixture("keys/idp.crt");
    let mut args = vec![
        "saml",
        "verify",
        "--idp-entity-id",
        "https://idp.example/saml",
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        "https://sp.example/saml",
        "--acs-url",
        "https://sp.example/saml/acs",
        "--now",
        "2026-01-01T00:05:00Z",
        "--json",
    ];
    args.extend_from_slice(stores);
    args.push(file);
    netid(&args)
}

fn report(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

/// A Response answering `request_id`, with an Assertion ID no earlier run used (the shared Redis
/// keeps consumed IDs past this test).
fn response_to(request_id: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let assertion_id = format!("ID=\"_assert-{}-{nanos}\"", std::process::id());
    signed_at_test_time(
        &[("_req1", request_id), ("ID=\"_assert1\"", &assertion_id)],
        RSA_SHA256,
    )
}

#[test]
fn a_response_is_accepted_once_across_processes() {
    let (url, _server) = redis();
    let out = login_url(&url);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = response_to(line["id"].as_str().unwrap());
    let stores = ["--replay-store", &url, "--request-store", &url];

    let first = verify(&stores, &file);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    assert_eq!(report(&first)["outcome"], "succeeded");

    // A second process, same Response: refused by the shared replay cache.
    let second = verify(&stores, &file);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(report(&second)["files"][0]["error"]["check"], "replay");

    // Without the replay store, the request it answered is no longer outstanding either.
    let third = verify(&["--request-store", &url], &file);
    assert_eq!(third.status.code(), Some(1));
    assert_eq!(report(&third)["files"][0]["error"]["check"], "in_response_to");
}

#[test]
fn a_request_not_recorded_in_redis_is_refused() {
    let (url, _server) = redis();
    // Signed and valid, but no login-url recorded its request in this Redis.
    let file = response_to("_never-recorded");
    let out = verify(&["--replay-store", &url, "--request-store", &url], &file);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report(&out)["files"][0]["error"]["check"], "in_response_to");
}

#[test]
fn unreachable_redis_refuses_and_records_nothing() {
    let unreachable = "redis://127.0.0.1:1/";
    let file = response_to("_req1");
    for stores in [
        vec!["--replay-store", unreachable, "--request-id", "_req1"],
        vec!["--request-store", unreachable],
        vec!["--replay-store", unreachable, "--request-store", unreachable],
    ] {
        let out = verify(&stores, &file);
        assert_eq!(out.status.code(), Some(1), "{stores:?}");
        let report = report(&out);
        assert_eq!(report["outcome"], "failed", "{stores:?}");
        assert_eq!(report["error"]["code"], "store", "{stores:?}");
        assert_eq!(report["files"][0]["verdict"], "reject", "{stores:?}");
        let message = report["files"][0]["error"]["message"].as_str().unwrap();
        assert!(message.contains("unreachable"), "{message}");
    }
    // A stateless check still names its own failure.
    let out = verify(
        &["--replay-store", unreachable, "--request-store", unreachable],
        &fixture("responses/tampered-nameid.xml"),
    );
    assert_eq!(report(&out)["files"][0]["error"]["check"], "signature");

    let out = login_url(unreachable);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no URL without a recorded request");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot record the request"), "{stderr}");
}

#[test]
fn store_flags_take_only_redis_urls() {
    let file = fixture("responses/assertion-signed.xml");
    for stores in [
        ["--replay-store", "http://127.0.0.1:6379/"],
        ["--request-store", "/tmp/requests"],
    ] {
        let out = verify(&stores, &file);
        assert_eq!(out.status.code(), Some(2), "{stores:?}");
        assert_eq!(report(&out)["outcome"], "usage_error", "{stores:?}");
    }
    // `--request-id` fills the in-memory store; with `--request-store` it would be ignored.
    let out = verify(
        &["--request-store", "redis://127.0.0.1:1/", "--request-id", "_req1"],
        &file,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(login_url("memory").status.code(), Some(2));
}
