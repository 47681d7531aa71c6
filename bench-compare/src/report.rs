//! The samples of every round and the one table printed at the end.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// The per-operation times of every row, in the order rows were first seen.
#[derive(Default)]
pub(crate) struct Samples {
    rows: Vec<(String, Option<&'static str>, Vec<f64>)>,
}

impl Samples {
    pub(crate) fn push(&mut self, name: &str, ours: Option<&'static str>, seconds: f64) {
        self.push_owned(name.to_owned(), ours, seconds);
    }

    pub(crate) fn push_owned(&mut self, name: String, ours: Option<&'static str>, seconds: f64) {
        match self.rows.iter_mut().find(|(row, ..)| *row == name) {
            Some((.., samples)) => samples.push(seconds),
            None => self.rows.push((name, ours, vec![seconds])),
        }
    }

    fn median(&self, name: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|(row, ..)| row == name)
            .map(|(.., samples)| median(samples))
    }
}

fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    }
}

/// When and under what load: the machine is shared, so a table without them cannot be read.
pub(crate) struct Context {
    utc: String,
    loadavg: String,
}

impl Context {
    pub(crate) fn now() -> Self {
        let loadavg = std::fs::read_to_string("/proc/loadavg")
            .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into());
        Self {
            utc: utc(SystemTime::now()),
            loadavg,
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC`, by Howard Hinnant's days-to-civil algorithm (no date crate needed).
fn utc(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// A time per operation in the unit that suits it.
fn duration(seconds: f64) -> String {
    match seconds {
        s if s >= 1e-3 => format!("{:.3} ms", s * 1e3),
        s if s >= 1e-6 => format!("{:.2} µs", s * 1e6),
        s => format!("{:.1} ns", s * 1e9),
    }
}

/// The table: row, median per operation, ratio to the row of ours it is compared with.
pub(crate) fn table(
    samples: &Samples,
    start: &Context,
    end: &Context,
    rounds: usize,
    python: Option<&str>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bench-compare, {} to {}; load average (1, 5, 15 min) {} at the start, {} at the end; \
         {rounds} alternating rounds, median per operation",
        start.utc, end.utc, start.loadavg, end.loadavg
    );
    if let Some(versions) = python {
        let _ = writeln!(out, "python rows: {versions}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "| row | per op (median) | ratio to ours | ours |");
    let _ = writeln!(out, "| --- | ---: | ---: | --- |");
    // Grouped by the prefix before the first `/`, groups and rows in the order first seen, so the
    // Python rows (pushed after ours in a round) sit in the SAML group.
    let group = |name: &str| name.split('/').next().unwrap_or_default().to_owned();
    let mut groups: Vec<String> = Vec::new();
    for (name, ..) in &samples.rows {
        if !groups.contains(&group(name)) {
            groups.push(group(name));
        }
    }
    let ordered = groups.iter().flat_map(|wanted| {
        samples
            .rows
            .iter()
            .filter(move |(name, ..)| group(name) == *wanted)
    });
    for (name, ours, values) in ordered {
        let time = median(values);
        let (ratio, reference) = match ours {
            Some(ours) => match samples.median(ours) {
                Some(reference) => (format!("{:.2}×", time / reference), *ours),
                None => ("?".to_owned(), *ours),
            },
            None => ("1".to_owned(), "(ours)"),
        };
        let _ = writeln!(out, "| {name} | {} | {ratio} | {reference} |", duration(time));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn utc_dates() {
        for (secs, expected) in [
            (0, "1970-01-01 00:00:00 UTC"),
            (1_767_225_900, "2026-01-01 00:05:00 UTC"),
            (951_782_400, "2000-02-29 00:00:00 UTC"),
        ] {
            assert_eq!(utc(UNIX_EPOCH + Duration::from_secs(secs)), expected);
        }
    }

    #[test]
    fn ratios_are_to_the_named_row_of_ours() {
        let mut samples = Samples::default();
        samples.push("a/ours", None, 2e-6);
        samples.push("b/alone", None, 1e-3);
        samples.push("a/theirs", Some("a/ours"), 6e-6);
        samples.push("a/missing", Some("a/none"), 1e-9);
        let table = table(&samples, &Context::now(), &Context::now(), 1, None);
        assert!(table.contains("| a/ours | 2.00 µs | 1 | (ours) |"), "{table}");
        assert!(
            table.contains("| a/theirs | 6.00 µs | 3.00× | a/ours |"),
            "{table}"
        );
    }
}
