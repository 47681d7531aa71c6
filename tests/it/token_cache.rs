//! `--token-cache redis://…` on `netid token` and the API commands (with `--route` too): a token granted to one invocation is reused by
//! the next (a new operator, as a new process has) from Redis. Redis is the one at
//! `NETID_REDIS_URL` (what `cargo xtask ci` starts) or one this test starts; under `CI=true` a
//! missing `NETID_REDIS_URL` fails the test, loudly.

use netid_cli::api::{ApiPlan, SimSwapCheckArgs, SimSwapCommand};
use netid_cli::redis::{TOKEN_CACHE_KEY_ENV, parse_url};
use netid_cli::token::{self, TokenArgs, TokenPlan};
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

/// `netid token --token-cache`: the second invocation (a new operator, as a new process has)
/// reuses the token the first one left in Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn netid_token_reuses_the_token_kept_in_redis() {
    let (url, _server) = redis();
    let sandbox = Sandbox::start().await;
    let demo = sandbox.server.demo_client().expect("demo client");
    let key = std::env::temp_dir().join(format!(
        "netid-e2e-{}-token-cache.pem",
        sandbox.server.local_addr().port()
    ));
    std::fs::write(&key, demo.expose_private_key_pem()).expect("key written");
    let mut args = TokenArgs::default();
    args.issuer = Some(sandbox.server.issuer().to_owned());
    args.client_id = Some(demo.client_id().to_owned());
    args.key = Some(key.clone());
    args.kid = Some(demo.key_id().to_owned());
    args.login_hint = Some("tel:+33699901040".to_owned());
    args.scope = Some("openid dpv:FraudPreventionAndDetection sim-swap:check".to_owned());
    args.token_cache = Some(parse_url(&url).unwrap());
    let run = |args: TokenArgs| async move {
        let plan = TokenPlan::from_args_with_env(args, &key_env).expect("valid flags");
        serde_json::to_value(token::run(plan, false).await).expect("report serialises")
    };

    let first = run(args.clone()).await;
    assert_eq!(first["outcome"], "granted", "{first}");
    assert_eq!(first["source"], "ciba", "{first}");
    assert!(first["polls"].as_u64().is_some_and(|polls| polls >= 1), "{first}");
    let second = run(args.clone()).await;
    assert_eq!(second["outcome"], "granted", "{second}");
    assert_eq!(second["source"], "cached", "{second}");
    assert_eq!(second["polls"], 0, "{second}");

    let missing = TokenPlan::from_args_with_env(args, &|_| None).unwrap_err();
    assert!(missing.contains(TOKEN_CACHE_KEY_ENV), "{missing}");
    let _ = std::fs::remove_file(key);
    sandbox.server.shutdown().await;
}

/// `--token-cache` with `--route`: the operator the Telco Finder names shares its tokens too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_routed_call_reuses_the_token_kept_in_redis() {
    let (url, _server) = redis();
    let sandbox = Sandbox::start().await;
    let demo = sandbox.server.demo_client().expect("demo client");
    let dir = std::env::temp_dir().join(format!(
        "netid-e2e-route-cache-{}",
        sandbox.server.local_addr().port()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("client.pem"), demo.expose_private_key_pem()).expect("key");
    let issuer = sandbox.server.issuer();
    let file = format!(
        "issuer = \"{issuer}\"\nclient-id = \"{client}\"\nkey = \"client.pem\"\n\
         purpose = \"dpv:FraudPreventionAndDetection\"\n[sim-swap]\nprofile = \"camara-2.1.0\"\n\
         [telco-finder]\nurl = \"{issuer}/telco-finder/v1\"\n",
        client = demo.client_id(),
    );
    std::fs::write(dir.join("netid.toml"), file).expect("file");
    let mut check = SimSwapCheckArgs::default();
    check.sim.call.config = Some(dir.join("netid.toml"));
    check.sim.call.deadline = 20;
    check.sim.call.json = true;
    check.sim.call.route = true;
    check.sim.call.token_cache = Some(parse_url(&url).unwrap());
    check.sim.phone_number = Some("+34654654654".to_owned());
    check.max_age = 240;
    let command = SimSwapCommand::Check(check);

    let first = run_report(ApiPlan::sim_swap(&command, &key_env)).await;
    assert_eq!(first["ok"], true, "{first}");
    assert!(first["route"]["operatorId"].is_string(), "{first}");
    assert!(
        first["token"]["polls"].as_u64().is_some(),
        "a CIBA flow ran: {first}"
    );
    let second = run_report(ApiPlan::sim_swap(&command, &key_env)).await;
    assert_eq!(second["ok"], true, "{second}");
    assert!(second["token"]["polls"].is_null(), "no CIBA flow: {second}");
    let _ = std::fs::remove_dir_all(dir);
    sandbox.server.shutdown().await;
}
