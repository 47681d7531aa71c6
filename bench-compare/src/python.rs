//! The Python rows: `python/saml_bench.py` as a child process, one JSON line per round, so that its
//! rows alternate with ours in the same run.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::saml::{CERT_PATH, NOW_UNIX, XML_PATH};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/saml_bench.py");

/// The running script.
pub(crate) struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    versions: String,
}

impl Python {
    /// Starts the script, which checks that python3-saml accepts the fixture and that xmlsec
    /// verifies its signature before it calibrates its batches.
    pub(crate) fn start(interpreter: &Path, batch: Duration) -> Result<Self, String> {
        let mut child = Command::new(interpreter)
            .arg(SCRIPT)
            .args([XML_PATH, CERT_PATH])
            .arg(NOW_UNIX.to_string())
            .arg(batch.as_secs_f64().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", interpreter.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("the Python child has no stdin or stdout".into());
        };
        let mut python = Self {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            versions: String::new(),
        };
        let ready = python.read()?;
        if ready["ready"] != Value::Bool(true) {
            return Err(format!("saml_bench.py is not ready: {ready}"));
        }
        let versions = ready["versions"]
            .as_object()
            .map(|versions| {
                versions
                    .iter()
                    .map(|(name, version)| format!("{name} {}", version.as_str().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        python.versions = versions;
        Ok(python)
    }

    /// One line of the script's output, as JSON; its `error` becomes ours.
    fn read(&mut self) -> Result<Value, String> {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|err| format!("reading saml_bench.py: {err}"))?;
        if line.is_empty() {
            return Err("saml_bench.py ended without an answer".into());
        }
        let value: Value = serde_json::from_str(&line)
            .map_err(|err| format!("saml_bench.py printed no JSON ({err}): {line}"))?;
        match value.get("error").and_then(Value::as_str) {
            Some(error) => Err(format!("saml_bench.py: {error}")),
            None => Ok(value),
        }
    }

    /// Times one batch of every Python row: (row, seconds per operation).
    pub(crate) fn round(&mut self) -> Result<Vec<(String, f64)>, String> {
        writeln!(self.stdin, "round")
            .and_then(|()| self.stdin.flush())
            .map_err(|err| format!("writing to saml_bench.py: {err}"))?;
        let answer = self.read()?;
        let figures = answer["round"]
            .as_object()
            .ok_or(format!("saml_bench.py answered no round: {answer}"))?;
        figures
            .iter()
            .map(|(name, seconds)| {
                seconds
                    .as_f64()
                    .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                    .map(|seconds| (format!("saml/{name}"), seconds))
                    .ok_or(format!("saml_bench.py: {name} has no time"))
            })
            .collect()
    }

    /// Closes the script's input (it exits) and returns the versions it measured.
    pub(crate) fn finish(self) -> Result<String, String> {
        let Self {
            mut child,
            stdin,
            versions,
            ..
        } = self;
        drop(stdin);
        let status = child
            .wait()
            .map_err(|err| format!("waiting for saml_bench.py: {err}"))?;
        if !status.success() {
            return Err(format!("saml_bench.py exited with {status}"));
        }
        Ok(versions)
    }
}
