//! `cargo xtask load [--in-process] [--debug] [FLOWS] [CALLS] [CONCURRENCY]`: the loopback load test of the
//! reference operator with the server and the load generator in two processes, so that the
//! figures describe the server.
//!
//! Builds `netid` (the CLI) and the `load` example of `netid-tests`, starts `netid sandbox serve`
//! on 127.0.0.1 (a port the OS picks, read from its banner; approvals at once; no request log),
//! runs the generator against it (`--server URL --operator-file FILE`), reads the server's peak RSS
//! (`VmHWM` of `/proc/<pid>/status`) once the generator is done, stops the server (kill and wait,
//! also when anything fails: [`Reaped`]) and prints one table. `--in-process` runs the old
//! single-process form (server and clients in the generator's process).

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{Result, root};

mod report;

/// How long the sandbox may take to print its banner.
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long the generator may run (it stops itself at 120 s, plus its start and its report).
const RUN_DEADLINE: Duration = Duration::from_secs(300);

/// The sandbox configuration of the load: CIBA interval 1 s (the least), approvals at once.
const SANDBOX_TOML: &str = "\
# Written by `cargo xtask load`: every CIBA request approved at once; the client still waits the
# 1 s interval before its first poll.
[ciba]
interval-secs = 1
approve-after-secs = 0
";

/// The command line of `cargo xtask load`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LoadArgs {
    /// Server and clients in one process (the generator starts the sandbox itself).
    in_process: bool,
    /// The debug build (what `ci` runs: a check of the harness, no figure).
    debug: bool,
    /// FLOWS, CALLS, CONCURRENCY as given (the generator applies its defaults).
    counts: Vec<String>,
}

fn parse(args: &[String]) -> Result<LoadArgs> {
    let mut parsed = LoadArgs {
        in_process: false,
        debug: false,
        counts: Vec::new(),
    };
    for arg in args {
        if arg == "--in-process" {
            parsed.in_process = true;
        } else if arg == "--debug" {
            parsed.debug = true;
        } else if arg.parse::<u64>().is_ok() && parsed.counts.len() < 3 {
            parsed.counts.push(arg.clone());
        } else {
            return Err(format!(
                "unexpected argument {arg:?}: load [--in-process] [--debug] [FLOWS] [CALLS] [CONCURRENCY]"
            ));
        }
    }
    Ok(parsed)
}

/// Runs the load test: release build unless `--debug` (what `ci`'s small run passes).
pub(crate) fn load(args: &[String]) -> Result {
    let args = parse(args)?;
    let binaries = build(!args.debug)?;
    let dir = target_dir().join("load");
    std::fs::create_dir_all(&dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let (server, server_peak_kib, outcome) = if args.in_process {
        (None, None, generate(&binaries.load, &[], &args.counts)?)
    } else {
        let server = Sandbox::start(&binaries.netid, &dir)?;
        let flags = [
            "--server".to_owned(),
            server.issuer.clone(),
            "--operator-file".to_owned(),
            server.operator_file.display().to_string(),
        ];
        let outcome = generate(&binaries.load, &flags, &args.counts)?;
        // Read before the kill: the peak of the whole run, both phases.
        let peak = peak_rss_kib(server.process.0.id());
        (Some(server), peak, outcome)
    };
    if let Some(server) = server {
        drop(server);
        eprintln!("sandbox stopped");
    }
    let report: Value = serde_json::from_str(outcome.stdout.trim())
        .map_err(|err| format!("the generator printed no JSON report ({err}): {}", outcome.stdout))?;
    println!("{}", report::table(&report, args.in_process, server_peak_kib));
    if outcome.success {
        Ok(())
    } else {
        Err("the load generator reported failed requests or reached its deadline".into())
    }
}

/// The two executables of the load test.
struct Binaries {
    netid: PathBuf,
    load: PathBuf,
}

fn build(release: bool) -> Result<Binaries> {
    let mut args = vec![
        "build",
        "--package",
        "netid-cli",
        "--bin",
        "netid",
        "--package",
        "netid-tests",
        "--example",
        "load",
        "--message-format",
        "json-render-diagnostics",
    ];
    if release {
        args.push("--release");
    }
    eprintln!("$ cargo {}", args.join(" "));
    let out = Command::new("cargo")
        .args(&args)
        .current_dir(root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|err| format!("cannot start cargo: {err}"))?;
    if !out.status.success() {
        return Err(format!("`cargo {}` failed: {}", args.join(" "), out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let find = |name: &str| {
        stdout
            .lines()
            .rev()
            .find_map(|line| executable(line, name))
            .ok_or_else(|| format!("cargo built no executable named {name}"))
    };
    Ok(Binaries {
        netid: find("netid")?,
        load: find("load")?,
    })
}

/// The executable of target `name` in one line of cargo's JSON messages.
fn executable(line: &str, name: &str) -> Option<PathBuf> {
    let message: Value = serde_json::from_str(line).ok()?;
    if message["reason"] != "compiler-artifact" || message["target"]["name"] != name {
        return None;
    }
    message["executable"].as_str().map(PathBuf::from)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// A child process killed and waited for on drop, so that no error path leaves it running.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        // Kill fails only when the process has already exited; wait reaps it either way.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `netid sandbox serve` in its own process.
struct Sandbox {
    process: Reaped,
    issuer: String,
    operator_file: PathBuf,
}

impl Sandbox {
    fn start(netid: &Path, dir: &Path) -> Result<Self> {
        let config = dir.join("sandbox.toml");
        std::fs::write(&config, SANDBOX_TOML)
            .map_err(|err| format!("cannot write {}: {err}", config.display()))?;
        let operator_file = dir.join("operator.toml");
        // A file left by an earlier run must not pass for this server's.
        let _ = std::fs::remove_file(&operator_file);
        let config_arg = config.display().to_string();
        let operator_arg = operator_file.display().to_string();
        let args = [
            "sandbox",
            "serve",
            "--config",
            &config_arg,
            "--port",
            "0",
            "--operator-file",
            &operator_arg,
            "--log-format",
            "off",
        ];
        eprintln!("$ {} {}", netid.display(), args.join(" "));
        let mut process = Reaped(
            Command::new(netid)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|err| format!("cannot start {}: {err}", netid.display()))?,
        );
        let stdout = process.0.stdout.take().ok_or("the sandbox has no stdout")?;
        let (sender, receiver) = mpsc::channel();
        // The banner is all the sandbox prints on stdout; the thread ends at its exit.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + START_DEADLINE;
        let mut issuer = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = receiver.recv_timeout(left).map_err(|err| match err {
                mpsc::RecvTimeoutError::Timeout => {
                    format!("the sandbox printed no banner within {START_DEADLINE:?}")
                }
                mpsc::RecvTimeoutError::Disconnected => String::from("the sandbox exited before it listened"),
            })?;
            match banner_field(&line) {
                Some(("issuer", value)) => issuer = Some(value.to_owned()),
                // The operator file is written before the banner is printed.
                Some(("operator", _)) => break,
                _ => {}
            }
        }
        let issuer = issuer.ok_or("the sandbox's banner names no issuer")?;
        eprintln!("sandbox listening at {issuer} (pid {})", process.0.id());
        Ok(Self {
            process,
            issuer,
            operator_file,
        })
    }
}

/// A banner line `  issuer      http://…` as (`issuer`, `http://…`).
fn banner_field(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.trim().split_once(char::is_whitespace)?;
    Some((key, value.split_whitespace().next()?))
}

/// What the generator printed and whether it succeeded.
struct Outcome {
    stdout: String,
    success: bool,
}

/// Runs the generator to its end (or [`RUN_DEADLINE`]), its stderr passed through.
fn generate(load: &Path, flags: &[String], counts: &[String]) -> Result<Outcome> {
    let shown: Vec<&str> = flags.iter().chain(counts).map(String::as_str).collect();
    eprintln!("$ {} {}", load.display(), shown.join(" "));
    let mut process = Reaped(
        Command::new(load)
            .args(flags)
            .args(counts)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", load.display()))?,
    );
    let mut stdout = process.0.stdout.take().ok_or("the generator has no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + RUN_DEADLINE;
    let status = loop {
        if let Some(status) = process
            .0
            .try_wait()
            .map_err(|err| format!("cannot wait for the generator: {err}"))?
        {
            break status;
        }
        if Instant::now() > deadline {
            return Err(format!("the generator did not finish within {RUN_DEADLINE:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = reader
        .join()
        .map_err(|_| "the generator's stdout reader panicked")?;
    Ok(Outcome {
        stdout,
        success: status.success(),
    })
}

/// Peak resident set size (`VmHWM`) of process `pid`, in KiB; Linux only.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    vm_hwm_kib(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests;
