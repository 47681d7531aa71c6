//! What the demo reports, shared by every step: the report types ([`Step`], [`DemoReport`]), what a
//! step returns ([`Done`], [`Failed`]), and the [`Recorder`] that collects steps and writes them for
//! humans. A leaf: it imports no other module of the demo, so every step module can use it.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::envelope::Failure;

/// Where the demo writes while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Output {
    /// Nothing: the caller reads the [`DemoReport`] (tests, `--json`).
    #[default]
    Quiet,
    /// Human-readable lines on stdout as steps finish.
    Human {
        /// Draw a live spinner during CIBA waits (only meaningful when stdout is a terminal).
        spinner: bool,
    },
}

/// One step of the demo.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Step {
    /// The step's name (`ciba`, `kyc-match`, ...).
    pub name: String,
    /// Whether the step did what the sandbox's reference data says it must.
    pub ok: bool,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// One line for humans.
    pub summary: String,
    /// What the step saw, without secrets; personal values masked.
    pub details: BTreeMap<String, Value>,
    /// Why the step failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The result of [`run`](super::run): `netid demo --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct DemoReport {
    /// Every step succeeded.
    pub ok: bool,
    /// `succeeded` or `failed` (the `--json` contract of every command: [`crate::envelope`]).
    pub outcome: &'static str,
    /// Which steps failed, when any did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Failure>,
    /// Wall-clock seconds for the whole run, server start and stop included.
    pub seconds: f64,
    /// The steps in the order they ran.
    pub steps: Vec<Step>,
}

impl DemoReport {
    /// The names of the failed steps.
    pub fn failed_steps(&self) -> impl Iterator<Item = &str> {
        self.steps
            .iter()
            .filter(|step| !step.ok)
            .map(|step| step.name.as_str())
    }
}

/// What a successful step reports.
#[derive(Debug, Default)]
pub(super) struct Done {
    pub(super) summary: String,
    pub(super) details: BTreeMap<String, Value>,
    /// Rows printed under the summary in human output (header first).
    pub(super) table: Vec<[String; 3]>,
}

impl Done {
    pub(super) fn new(summary: impl Into<String>) -> Self {
        Self {
            summary: summary.into(),
            ..Self::default()
        }
    }

    pub(super) fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// A failed step: the message and whatever details were gathered.
#[derive(Debug)]
pub(super) struct Failed {
    pub(super) message: String,
    pub(super) details: BTreeMap<String, Value>,
}

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(error: E) -> Self {
        Self {
            message: error.to_string(),
            details: BTreeMap::new(),
        }
    }
}

pub(super) type StepResult = Result<Done, Failed>;

/// `done` when the answer `holds` what the reference data says (`what`), a failure keeping its
/// details otherwise.
pub(super) fn expect(done: Done, holds: bool, what: &str) -> StepResult {
    if holds {
        Ok(done)
    } else {
        Err(Failed {
            message: format!("unexpected answer: {} (expected {what})", done.summary),
            details: done.details,
        })
    }
}

/// Collects steps and writes them when the output is human.
#[derive(Debug)]
pub(super) struct Recorder {
    output: Output,
    steps: Vec<Step>,
}

impl Recorder {
    pub(super) fn new(output: Output) -> Self {
        Self {
            output,
            steps: Vec::new(),
        }
    }

    pub(super) fn spinner_visible(&self) -> bool {
        matches!(self.output, Output::Human { spinner: true })
    }

    pub(super) fn line(&self, text: &str) {
        if matches!(self.output, Output::Human { .. }) {
            // A closed stdout (`netid demo | head`) must not abort the run: the report still says
            // what happened through the exit status.
            let _ = writeln!(io::stdout().lock(), "{text}");
        }
    }

    /// Records the step `name` that started at `started`; returns whether it is ok.
    pub(super) fn record(&mut self, name: &str, started: Instant, result: StepResult) -> bool {
        let seconds = started.elapsed().as_secs_f64();
        let step = match result {
            Ok(done) => {
                self.line(&format!("  ✔ {name:<40} {}  ({seconds:.2} s)", done.summary));
                for row in &done.table {
                    self.line(&format!("      {:<24} {:<16} {}", row[0], row[1], row[2]));
                }
                Step {
                    name: name.to_owned(),
                    ok: true,
                    seconds,
                    summary: done.summary,
                    details: done.details,
                    error: None,
                }
            }
            Err(failed) => {
                self.line(&format!("  ✘ {name:<40} {}  ({seconds:.2} s)", failed.message));
                Step {
                    name: name.to_owned(),
                    ok: false,
                    seconds,
                    summary: String::from("failed"),
                    details: failed.details,
                    error: Some(failed.message),
                }
            }
        };
        let ok = step.ok;
        self.steps.push(step);
        ok
    }

    /// Records the steps `names` as not run because the step `because` failed.
    pub(super) fn skip(&mut self, names: &[&str], because: &str) {
        for name in names {
            self.record(
                name,
                Instant::now(),
                Err(Failed::from(format!("not run: {because} failed"))),
            );
        }
    }

    /// The report: ok when every step is; writes the closing line.
    pub(super) fn finish(self, started: Instant) -> DemoReport {
        let ok = self.steps.iter().all(|step| step.ok);
        let seconds = started.elapsed().as_secs_f64();
        let passed = self.steps.iter().filter(|step| step.ok).count();
        self.line(&format!(
            "{} {passed}/{} steps ok in {seconds:.1} s",
            if ok { "✔" } else { "✘" },
            self.steps.len()
        ));
        let failed: Vec<&str> = self
            .steps
            .iter()
            .filter(|step| !step.ok)
            .map(|step| step.name.as_str())
            .collect();
        let error = (!ok).then(|| Failure::new("steps", format!("failed steps: {}", failed.join(", "))));
        DemoReport {
            ok,
            outcome: if ok { "succeeded" } else { "failed" },
            error,
            seconds,
            steps: self.steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(name: &str, ok: bool) -> Step {
        Step {
            name: name.to_owned(),
            ok,
            seconds: 0.0,
            summary: String::new(),
            details: BTreeMap::new(),
            error: None,
        }
    }

    #[test]
    fn the_report_names_failed_steps() {
        let report = DemoReport {
            ok: false,
            outcome: "failed",
            error: None,
            seconds: 0.0,
            steps: vec![step("a", true), step("b", false), step("c", false)],
        };
        assert_eq!(report.failed_steps().collect::<Vec<_>>(), ["b", "c"]);
    }

    #[test]
    fn the_recorder_reports_each_step_and_the_whole_run() {
        let check = |results: Vec<StepResult>, skipped: &[&str], expected: &[(&str, bool, Option<&str>)]| {
            let mut recorder = Recorder::new(Output::Quiet);
            for (index, result) in results.into_iter().enumerate() {
                recorder.record(&format!("step-{index}"), Instant::now(), result);
            }
            recorder.skip(skipped, "step-0");
            let report = recorder.finish(Instant::now());
            let got: Vec<_> = report
                .steps
                .iter()
                .map(|step| (step.name.as_str(), step.ok, step.error.as_deref()))
                .collect();
            assert_eq!(got, expected);
            assert_eq!(report.ok, expected.iter().all(|(_, ok, _)| *ok));
            assert_eq!(report.outcome, if report.ok { "succeeded" } else { "failed" });
            let failed: Vec<&str> = expected
                .iter()
                .filter(|(_, ok, _)| !ok)
                .map(|(name, ..)| *name)
                .collect();
            assert_eq!(
                report.error.map(|error| error.message),
                (!failed.is_empty()).then(|| format!("failed steps: {}", failed.join(", ")))
            );
        };
        check(vec![Ok(Done::new("fine"))], &[], &[("step-0", true, None)]);
        check(
            vec![Err(Failed::from("boom")), Ok(Done::new("fine"))],
            &["later"],
            &[
                ("step-0", false, Some("boom")),
                ("step-1", true, None),
                ("later", false, Some("not run: step-0 failed")),
            ],
        );
        check(
            vec![expect(
                Done::new("swapped: true").detail("swapped", true),
                false,
                "no swap",
            )],
            &[],
            &[(
                "step-0",
                false,
                Some("unexpected answer: swapped: true (expected no swap)"),
            )],
        );
    }
}
