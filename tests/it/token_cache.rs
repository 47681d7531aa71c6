//! `--token-cache redis://…` on the API commands: a token granted to one invocation is reused by
//! the next (a new operator, as a new process has) from Redis. Redis is the one at
//! `NETID_REDIS_URL` (what `cargo xtask ci` starts) or one this test starts; under `CI=true` a
//! missing `NETID_REDIS_URL` fails the test, loudly.

use netid_cli::api::ApiPlan;
use netid_cli::redis::{TOKEN_CACHE_KEY_ENV, parse_url};
use netid_redis::test_util::redis;

use crate::api_commands::{OperatorDir, TABLES, kyc_args, run_report};
use crate::support::Sandbox;

fn key_env(name: &str) -> Option<String> {
    (name == TOKEN_CACHE_KEY_ENV)
        .then(|| "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff".to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_granted_token_is_reused_by_the_next_invocation() {
    let (url, _server) = redis();
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "token-cache", "key = \"client.pem\"", TABLES);
    let mut args = kyc_args(&dir, "33699901040");
    args.call.token_cache = Some(parse_url(&url).unwrap());

    let first = run_report(ApiPlan::kyc_match(&args, &key_env)).await;
    assert_eq!(first["ok"], true, "{first}");
    assert!(
        first["token"]["polls"].as_u64().is_some(),
        "a CIBA flow ran: {first}"
    );

    let second = run_report(ApiPlan::kyc_match(&args, &key_env)).await;
    assert_eq!(second["ok"], true, "{second}");
    assert_eq!(second["token"]["outcome"], "granted", "{second}");
    assert!(second["token"]["polls"].is_null(), "no CIBA flow: {second}");

    // Without the cache, a new invocation runs CIBA again.
    args.call.token_cache = None;
    let third = run_report(ApiPlan::kyc_match(&args, &key_env)).await;
    assert!(third["token"]["polls"].as_u64().is_some(), "{third}");
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_needs_its_key_and_a_down_redis_costs_only_the_reuse() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "token-cache-down", "key = \"client.pem\"", TABLES);
    let mut args = kyc_args(&dir, "33699901040");
    args.call.token_cache = Some(parse_url("redis://127.0.0.1:1/").unwrap());

    let missing = ApiPlan::kyc_match(&args, &|_| None).unwrap_err();
    assert!(missing.contains(TOKEN_CACHE_KEY_ENV), "{missing}");

    // A cache Redis that is down costs the reuse, not the call: the facade runs CIBA.
    let report = run_report(ApiPlan::kyc_match(&args, &key_env)).await;
    assert_eq!(report["ok"], true, "{report}");
    assert!(report["token"]["polls"].as_u64().is_some(), "{report}");
    sandbox.server.shutdown().await;
}
