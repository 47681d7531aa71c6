//! `cargo xtask bench-compare`: our code beside third-party implementations of the same work, in one
//! process tree and one run (issue 15).
//!
//! Rows alternate (A B C D … A B C D …): each round times one calibrated batch of every row, the
//! Python rows included (a child process driven line by line, see `python.rs`), so a change in the
//! machine's load touches every row alike. A row's figure is the median over the rounds of its
//! per-operation time; its ratio is to the row of ours it is compared with.
//!
//! `netid-bench-compare [--rounds N] [--batch-ms MS] [--python PATH]`; without `--python` the Python
//! rows are left out (xtask passes the interpreter of the virtual environment it made).
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod crypto;
mod phone;
mod python;
mod report;
mod saml;

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Times `n` operations of a row and returns the elapsed time, any per-operation setup excluded.
type Batch = Box<dyn FnMut(u64) -> Duration>;

/// One measured operation.
pub(crate) struct Row {
    /// `group/name`, as printed.
    pub(crate) name: &'static str,
    /// The row of ours this one is compared with (`None`: it is ours).
    pub(crate) ours: Option<&'static str>,
    /// Counted operations in each operation `batch` times (a phone row parses its five numbers per
    /// operation and reports the time per number).
    pub(crate) per_call: u64,
    pub(crate) batch: Batch,
}

impl Row {
    /// A row whose operation needs no setup excluded from the clock.
    pub(crate) fn simple<T>(
        name: &'static str,
        ours: Option<&'static str>,
        mut op: impl FnMut() -> T + 'static,
    ) -> Self {
        Self {
            name,
            ours,
            per_call: 1,
            batch: Box::new(move |n| {
                let started = Instant::now();
                for _ in 0..n {
                    black_box(op());
                }
                started.elapsed()
            }),
        }
    }
}

/// Command-line options.
struct Options {
    rounds: usize,
    batch: Duration,
    python: Option<PathBuf>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        rounds: 10,
        batch: Duration::from_millis(50),
        python: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--rounds" => {
                options.rounds = value("--rounds")?
                    .parse()
                    .map_err(|err| format!("--rounds: {err}"))?;
            }
            "--batch-ms" => {
                let ms: u64 = value("--batch-ms")?
                    .parse()
                    .map_err(|err| format!("--batch-ms: {err}"))?;
                options.batch = Duration::from_millis(ms);
            }
            "--python" => options.python = Some(PathBuf::from(value("--python")?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.rounds == 0 || options.batch.is_zero() {
        return Err("--rounds and --batch-ms must be positive".into());
    }
    Ok(options)
}

/// The number of operations whose batch takes about `target`: doubled until a batch takes a tenth
/// of it, then scaled.
fn calibrate(row: &mut Row, target: Duration) -> u64 {
    let mut n = 1u64;
    loop {
        let elapsed = (row.batch)(n);
        if elapsed >= target / 10 || n >= 1 << 40 {
            let scaled = n as f64 * target.as_secs_f64() / elapsed.as_secs_f64().max(1e-9);
            return (scaled.round() as u64).max(1);
        }
        n *= 2;
    }
}

fn run() -> Result<(), String> {
    let options = options()?;
    let start = report::Context::now();
    eprintln!("bench-compare: setting up (every row is checked to succeed before it is timed)");
    let mut rows = saml::rows()?;
    rows.extend(crypto::rows()?);
    rows.extend(phone::rows()?);
    let mut python = match &options.python {
        Some(interpreter) => Some(python::Python::start(interpreter, options.batch)?),
        None => {
            eprintln!("bench-compare: no --python given, the Python rows are left out");
            None
        }
    };

    let batches: Vec<u64> = rows.iter_mut().map(|row| calibrate(row, options.batch)).collect();
    let mut samples = report::Samples::default();
    for round in 1..=options.rounds {
        eprintln!("bench-compare: round {round}/{}", options.rounds);
        for (row, &n) in rows.iter_mut().zip(&batches) {
            let elapsed = (row.batch)(n);
            let per_op = elapsed.as_secs_f64() / (n * row.per_call) as f64;
            samples.push(row.name, row.ours, per_op);
        }
        if let Some(python) = python.as_mut() {
            for (name, per_op) in python.round()? {
                samples.push_owned(name, Some(saml::OURS), per_op);
            }
        }
    }
    let versions = python.map(python::Python::finish).transpose()?;
    let end = report::Context::now();
    print!(
        "{}",
        report::table(&samples, &start, &end, options.rounds, versions.as_deref())
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-compare: {message}");
            ExitCode::FAILURE
        }
    }
}
