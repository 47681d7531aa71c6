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
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench_compare;
mod fuzz;
mod load;
mod redis;

use fuzz::fuzz;
use load::load;

/// Crates that do I/O or async and must never be in `netid-core`'s normal dependency tree.
const IO_CRATES: &[&str] = &[
    "tokio",
    "reqwest",
    "hyper",
    "http",
    "async-std",
    "mio",
    "socket2",
    "axum",
];

/// Crates whose normal dependency tree must not contain reqwest (only adapters and binaries may).
const REQWEST_FREE: &[&str] = &[
    "netid-core",
    "netid-transport",
    "netid-ciba",
    "netid-saml",
    "netid-camara",
];

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

fn root() -> PathBuf {
    // xtask lives one level below the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn run(program: &str, args: &[&str]) -> Result {
    run_in(&root(), program, args, &[])
}

fn run_in(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .status()
        .map_err(|err| format!("cannot start {program}: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed: {status}", args.join(" ")))
    }
}

fn output(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .map_err(|err| format!("cannot start {program}: {err}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|err| err.to_string())
}

/// Every test of the workspace, all features on, with the third-party OpenID Provider of the CIBA
/// interop tests and the `redis-server` of `netid-redis`'s tests running on loopback for the
/// duration.
fn test() -> Result {
    let provider = OidcProvider::start()?;
    let redis = redis::RedisServer::start()?;
    run_in(
        &root(),
        "cargo",
        &["test", "--workspace", "--all-features", "--no-fail-fast"],
        &[
            ("NETID_OIDC_PROVIDER_URL", provider.url.as_str()),
            ("NETID_REDIS_URL", redis.url.as_str()),
        ],
    )
}

/// panva's oidc-provider (tests/oidc-provider), started on 127.0.0.1 and stopped on drop.
struct OidcProvider {
    child: std::process::Child,
    url: String,
}

impl OidcProvider {
    fn start() -> Result<Self> {
        use std::io::BufRead;
        use std::sync::mpsc;
        use std::time::Duration;

        let dir = root().join("tests").join("oidc-provider");
        if !dir.join("node_modules").is_dir() {
            return Err(
                "tests/oidc-provider/node_modules is missing: run `cargo xtask ci` (it runs npm ci)".into(),
            );
        }
        eprintln!("$ node tests/oidc-provider/server.mjs");
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start node: {err}"))?;
        let stdout = child.stdout.take().ok_or("node has no stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if let Some(url) = line.strip_prefix("NETID_OIDC_PROVIDER_URL=") {
                    let _ = sender.send(url.to_owned());
                }
            }
        });
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => {
                eprintln!("oidc-provider listening at {url}");
                Ok(Self { child, url })
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err("oidc-provider did not print its URL within 60 s".into())
            }
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("oidc-provider stopped");
    }
}

fn ci() -> Result {
    setup()?;
    run("cargo", &["fmt", "--all", "--check"])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    test()?;
    examples()?;
    demo()?;
    load(&["--debug", "60", "3000", "32"].map(String::from))?;
    run_in(
        &root(),
        "cargo",
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    tidy()?;
    fuzz(&["--smoke".to_owned()])
}

fn found(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Installs what the checks need and the machine lacks, so `cargo xtask ci` works on a fresh machine:
/// Debian's xmlsec1 (the third-party SAML signer of the tests), cargo-fuzz, and the npm packages of
/// the third-party OpenID Provider used by the interop tests.
fn setup() -> Result {
    // The SAML tests sign their fixtures with Debian's xmlsec1 and check Redirect signatures with the
    // openssl CLI: two independent implementations, not ours.
    // netid-redis's tests run against Debian's redis-server (the binary and the package share the name).
    let missing: Vec<&str> = [
        ("xmlsec1", "--version"),
        ("openssl", "version"),
        ("redis-server", "--version"),
    ]
    .into_iter()
    .filter(|(tool, flag)| !found(tool, &[flag]))
    .map(|(tool, _)| tool)
    .collect();
    if !missing.is_empty() {
        let is_root = output("id", &["-u"]).is_ok_and(|uid| uid.trim() == "0");
        if !is_root {
            return Err(format!(
                "{} missing: install Debian's packages (sudo apt-get install {})",
                missing.join(" and "),
                missing.join(" ")
            ));
        }
        run("apt-get", &["update", "-q"])?;
        let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
        args.extend(&missing);
        run_in(
            &root(),
            "apt-get",
            &args,
            &[("DEBIAN_FRONTEND", "noninteractive")],
        )?;
    }
    if !found("cargo", &["+nightly", "--version"]) {
        return Err(
            "the nightly toolchain is missing: `rustup toolchain install nightly` (cargo-fuzz needs it)"
                .into(),
        );
    }
    if !found("cargo", &["+nightly", "fuzz", "--version"]) {
        run("cargo", &["install", "cargo-fuzz", "--locked"])?;
    }
    let provider = root().join("tests").join("oidc-provider");
    // The interop OpenID Provider (oidc-provider 9) runs on Node.js 20 or later.
    let node = output("node", &["--version"]).map_err(|_| {
        String::from("Node.js is missing: install Node.js 20 or later (Debian: apt-get install nodejs npm)")
    })?;
    let major = node
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok());
    if major.is_none_or(|major| major < 20) {
        return Err(format!(
            "Node.js {} is too old: the interop provider needs 20 or later",
            node.trim()
        ));
    }
    // CI always installs exactly the lockfile; locally an existing node_modules is kept.
    let stale = env::var_os("CI").is_some() || !provider.join("node_modules").is_dir();
    if provider.join("package-lock.json").is_file() && stale {
        run_in(&provider, "npm", &["ci", "--no-audit", "--no-fund"], &[])?;
    }
    Ok(())
}

/// README's main job, `netid demo --json`, run for real: every step must report `ok`.
fn demo() -> Result {
    let json = output(
        "cargo",
        &["run", "--quiet", "--package", "netid-cli", "--", "demo", "--json"],
    )?;
    let report: serde_json::Value = serde_json::from_str(&json)
        .map_err(|err| format!("`netid demo --json` printed invalid JSON: {err}"))?;
    let steps = report["steps"]
        .as_array()
        .ok_or("`netid demo --json` has no `steps` array")?;
    if steps.is_empty() {
        return Err("`netid demo --json` ran no step".into());
    }
    let failed: Vec<&str> = steps
        .iter()
        .filter(|step| step["ok"] != serde_json::Value::Bool(true))
        .map(|step| step["name"].as_str().unwrap_or("<unnamed>"))
        .collect();
    if !failed.is_empty() || report["ok"] != serde_json::Value::Bool(true) {
        return Err(format!("`netid demo` failed steps: {}", failed.join(", ")));
    }
    eprintln!("demo: {} steps ok", steps.len());
    Ok(())
}

/// Runs every example of the facade crate, each against its in-process sandbox: an example that no
/// longer works fails CI, not its first reader. The list is read from the directory, so a new example
/// is run without editing this file.
fn examples() -> Result {
    let dir = root().join("crates").join("netid").join("examples");
    let entries = std::fs::read_dir(&dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|err| format!("cannot list {}: {err}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "rs")
            && let Some(name) = path.file_stem().and_then(|stem| stem.to_str())
        {
            names.push(name.to_owned());
        }
    }
    if names.is_empty() {
        return Err(format!("no example in {}", dir.display()));
    }
    names.sort();
    for name in &names {
        run(
            "cargo",
            &["run", "--quiet", "--package", "netid", "--example", name],
        )?;
    }
    eprintln!("examples: {} ran", names.len());
    Ok(())
}

/// Names of the crates in `package`'s normal (non-dev, non-build) dependency tree, all features on.
fn normal_dependencies(package: &str) -> Result<Vec<String>> {
    let tree = output(
        "cargo",
        &[
            "tree",
            "--package",
            package,
            "--edges",
            "normal",
            "--all-features",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ],
    )?;
    Ok(tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

fn tidy() -> Result {
    let mut problems = Vec::new();
    let core = normal_dependencies("netid-core")?;
    for krate in IO_CRATES {
        if core.iter().any(|name| name == krate) {
            problems.push(format!(
                "netid-core depends on the I/O crate `{krate}` (see ARCHITECTURE.md)"
            ));
        }
    }
    let members = output("cargo", &["metadata", "--no-deps", "--format-version", "1"])?;
    for package in REQWEST_FREE {
        // Crates not written yet are skipped; the list names every planned protocol crate.
        if !members.contains(&format!("\"name\":\"{package}\"")) {
            continue;
        }
        if normal_dependencies(package)?.iter().any(|name| name == "reqwest") {
            problems.push(format!(
                "{package} depends on reqwest; only netid-reqwest may name it"
            ));
        }
    }
    if problems.is_empty() {
        eprintln!("tidy: ok");
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
