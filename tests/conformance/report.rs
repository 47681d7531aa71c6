//! The outcome table in `README.md` (and the other generated blocks there), checked against the run
//! so it cannot drift.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Mutex;

/// What became of one scenario (one example row of an outline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Passed,
    NotApplicable(String),
    Failing(String),
}

/// One line of the table.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) api: String,
    pub(crate) file: String,
    pub(crate) tag: String,
    pub(crate) name: String,
    pub(crate) outcome: Outcome,
}

const BEGIN: &str = "<!-- conformance-table:begin (generated: UPDATE_CONFORMANCE=1 cargo test -p netid-tests --test conformance) -->";
const END: &str = "<!-- conformance-table:end -->";

/// Table cells must not break the Markdown table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The generated part of the README: a summary per version, then one line per scenario.
pub(crate) fn render(rows: &[Row]) -> String {
    let mut summary: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for row in rows {
        let counts = summary.entry(&row.api).or_default();
        match row.outcome {
            Outcome::Passed => counts[0] += 1,
            Outcome::NotApplicable(_) => counts[1] += 1,
            Outcome::Failing(_) => counts[2] += 1,
        }
    }
    let mut out = String::new();
    out.push_str("| api-version | passed | not applicable | failing |\n|---|---|---|---|\n");
    for (api, [passed, na, failing]) in &summary {
        let _ = writeln!(out, "| {api} | {passed} | {na} | {failing} |");
    }
    out.push_str("\n| api-version | file | scenario | name | result |\n|---|---|---|---|---|\n");
    for row in rows {
        let result = match &row.outcome {
            Outcome::Passed => "passed".to_owned(),
            Outcome::NotApplicable(reason) => format!("not applicable: {reason}"),
            Outcome::Failing(why) => format!("**failing**: {why}"),
        };
        let _ = writeln!(
            out,
            "| {} | {} | @{} | {} | {} |",
            row.api,
            row.file,
            cell(&row.tag),
            cell(&row.name),
            cell(&result)
        );
    }
    out
}

/// Compares the README's table with the run, or rewrites it when `UPDATE_CONFORMANCE` is set.
pub(crate) fn check(readme: &Path, rows: &[Row]) {
    check_block(readme, BEGIN, END, &render(rows));
}

/// Two tests of this binary keep a block of the same README; one rewrite at a time, so neither
/// writes back a file read before the other's rewrite.
static README: Mutex<()> = Mutex::new(());

/// Compares the block between `begin` and `end` in `readme` with `block` (appended when the
/// markers are missing), or rewrites it when `UPDATE_CONFORMANCE` is set.
pub(crate) fn check_block(readme: &Path, begin: &str, end: &str, block: &str) {
    let _guard = README.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let text = std::fs::read_to_string(readme).unwrap_or_default();
    let (before, after) = match (text.find(begin), text.find(end)) {
        (Some(b), Some(e)) if b < e => (text[..b].to_owned(), text[e + end.len()..].to_owned()),
        _ => (format!("{}\n", text.trim_end()), "\n".to_owned()),
    };
    let expected = format!("{before}{begin}\n{block}{end}{after}");
    if std::env::var_os("UPDATE_CONFORMANCE").is_some() {
        std::fs::write(readme, expected).expect("README.md written");
        return;
    }
    if text != expected {
        let old: Vec<&str> = text.lines().collect();
        let differing: Vec<String> = expected
            .lines()
            .filter(|line| !old.contains(line))
            .take(20)
            .map(str::to_owned)
            .collect();
        panic!(
            "the generated block {begin} in {} differs from this run (rerun with UPDATE_CONFORMANCE=1 and review the diff); lines of this run not in the file:\n{}",
            readme.display(),
            differing.join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_newlines() {
        for (input, expected) in [("a|b", "a\\|b"), ("a\nb", "a b"), ("plain", "plain")] {
            assert_eq!(cell(input), expected, "{input:?}");
        }
    }
}
