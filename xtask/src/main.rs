//! Project automation (matklad's xtask convention): `cargo xtask <task>`.
//!
//! - `ci`: what `.ci/run` runs: installs missing tools (xmlsec1, redis-server, cargo-fuzz, the npm packages of the
//!   interop OpenID Provider), then fmt check, clippy (all targets, all features, warnings denied),
//!   tests, the examples of `crates/netid`, docs (warnings denied), tidy, fuzz smoke.
//! - `demo`: README's main job (`netid demo --json`), checked step by step.
//! - `examples`: every example of the facade crate (`crates/netid/examples/*.rs`), run to the end.
//! - `tidy`: repository invariants that no compiler checks (no I/O crate under `netid-core`).
//! - `fuzz --smoke [--time N]`, `fuzz TARGET [--time N]`, `fuzz [TARGET] --minimize`: the cargo-fuzz
//!   targets (needs nightly and cargo-fuzz); see `fuzz.rs`.
//! - `bench`: the criterion benches.
//! - `bench-compare [--rounds N] [--batch-ms MS]`: ours beside python3-saml, python-xmlsec,
//!   RustCrypto and `phonenumber` in one run (the `bench-compare/` workspace); see `bench_compare.rs`.
//! - `load [--in-process] [--debug] [FLOWS] [CALLS] [CONCURRENCY]`: the bounded loopback load test
//!   of the reference operator, `netid sandbox serve` and the load generator in two processes
//!   (release build; `ci` runs a small one in the debug build to keep the harness honest); see
//!   `load.rs`.
//! - `load-replay [CHECKS] [CONCURRENCY]`: SAML replay checks per second and p99 through
//!   `netid-redis` on loopback beside the in-memory cache (release build of the `replay_load`
//!   example; starts its own `redis-server` unless `NETID_REDIS_URL` is set).
//! - `test`: the test command README.md gives.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::env;
use std::process::ExitCode;

mod bench_compare;
mod ci;
mod examples;
mod fuzz;
mod load;
mod oidc_provider;
mod process;
mod redis;
mod tidy;

use ci::{ci, test};
use examples::{demo, examples};
use fuzz::fuzz;
use load::load;
use process::{found, output, root, run, run_in};
use tidy::tidy;

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("tidy") => tidy(),
        Some("fuzz") => fuzz(&args[1..]),
        Some("bench") => run("cargo", &["bench", "--workspace"]),
        Some("bench-compare") => bench_compare::bench_compare(&args[1..]),
        Some("test") => test(),
        Some("demo") => demo(),
        Some("examples") => examples(),
        Some("load") => load(&args[1..]),
        Some("load-replay") => {
            let mut cargo = vec![
                "run",
                "--release",
                "-p",
                "netid-redis",
                "--features",
                "test-util",
                "--example",
                "replay_load",
                "--",
            ];
            cargo.extend(args[1..].iter().map(String::as_str));
            run("cargo", &cargo)
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|test|demo|examples|tidy|fuzz [--smoke|TARGET] [--time N] [--minimize]|bench|bench-compare [--rounds N] [--batch-ms MS]|load [--in-process] [--debug] [FLOWS] [CALLS] [CONCURRENCY]|load-replay [CHECKS] [CONCURRENCY]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
