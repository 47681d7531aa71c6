//! A bounded load figure for BENCHMARKS.md: SAML replay checks per second and their latency
//! percentiles through `netid-redis` on loopback, beside the in-memory replay cache, in one run.
//!
//! Usage: `replay_load [CHECKS] [CONCURRENCY]` (default 20000 and 16). Redis is the one at
//! `NETID_REDIS_URL`, or a `redis-server` this run starts on 127.0.0.1 (`cargo xtask load-replay`
//! builds it in release and runs it). Every check records a fresh ID, then one replay of each
//! is checked to be refused, so the figure is of real work, not of a cache hit.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use netid_redis::{RedisConfig, RedisStores};
use netid_saml::{AsyncReplayCache, InMemoryReplayCache, ReplayVerdict};

/// What one run of `checks` replay checks measured.
struct Figure {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

async fn measure(
    cache: Arc<dyn AsyncReplayCache>,
    checks: usize,
    concurrency: usize,
    tag: &str,
) -> Result<Figure, String> {
    let expires = SystemTime::now() + Duration::from_secs(300);
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let cache = cache.clone();
        let tag = tag.to_owned();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for i in (worker..checks).step_by(concurrency) {
                let id = format!("_{tag}-{i}");
                let at = Instant::now();
                let verdict = cache
                    .check_and_record(&id, expires, SystemTime::now())
                    .await
                    .map_err(|e| e.to_string())?;
                latencies.push(at.elapsed());
                if verdict != ReplayVerdict::Fresh {
                    return Err(format!("{id} was not fresh"));
                }
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(checks);
    for worker in workers {
        latencies.extend(worker.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    // A replay of the first ID is refused (the figure is of checks that work).
    let replay = cache
        .check_and_record(&format!("_{tag}-0"), expires, SystemTime::now())
        .await
        .map_err(|e| e.to_string())?;
    if replay == ReplayVerdict::Fresh {
        return Err("a replay was accepted".to_owned());
    }
    latencies.sort_unstable();
    let at = |q: f64| {
        // Nearest-rank percentile; `latencies` is not empty when `checks` > 0.
        let rank = ((q * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
        latencies[rank - 1]
    };
    Ok(Figure {
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        max: at(1.0),
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let checks = args.first().copied().unwrap_or(20_000).max(1);
    let concurrency = args.get(1).copied().unwrap_or(16).clamp(1, checks);
    let (url, _server) = netid_redis::test_util::redis();
    let prefix = format!("netid-load:{}:", std::process::id());
    let stores = match RedisStores::connect(RedisConfig::new(url).key_prefix(prefix)).await {
        Ok(stores) => stores,
        Err(error) => {
            eprintln!("replay_load: {error}");
            return ExitCode::FAILURE;
        }
    };
    let caches: [(&str, Arc<dyn AsyncReplayCache>); 2] = [
        ("in-memory", Arc::new(InMemoryReplayCache::new())),
        ("redis (loopback)", Arc::new(stores.replay_cache())),
    ];
    println!("{checks} replay checks, {concurrency} concurrent callers");
    println!("| store | checks/s | p50 | p99 | max |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, cache) in caches {
        match measure(cache, checks, concurrency, name.split(' ').next().unwrap_or(name)).await {
            Ok(f) => println!(
                "| {name} | {:.0} | {:.1} µs | {:.1} µs | {:.1} µs |",
                f.per_second,
                f.p50.as_secs_f64() * 1e6,
                f.p99.as_secs_f64() * 1e6,
                f.max.as_secs_f64() * 1e6
            ),
            Err(error) => {
                eprintln!("replay_load: {name}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
