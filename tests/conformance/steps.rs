//! The step table: every step text of the vendored feature files, matched by a regular
//! expression, with what it does to the scenario or why it cannot apply to a sandbox.

mod body;
mod check;
mod forwarding_consent;
mod kyc_identity;
mod line;
mod setup;

use std::sync::LazyLock;

use regex::Regex;

pub(crate) use line::default_date;

use crate::world::World;

/// When a step runs: setup steps first, then the request, then the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Setup,
    Send,
    Check,
}

/// Why a step stopped the scenario.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// The scenario needs something a sandbox cannot have; the reason goes into the table.
    NotApplicable(String),
    /// The sandbox departed from the scenario.
    Failed(String),
}

pub(crate) type StepResult = Result<(), Verdict>;

/// One entry of the table.
#[derive(Debug)]
pub(crate) struct Step {
    pub(crate) kind: Kind,
    pattern: &'static str,
    pub(crate) run: fn(&mut World, &[String]) -> StepResult,
}

/// A step of a scenario matched to its entry, with the captured arguments.
#[derive(Debug)]
pub(crate) struct Planned<'a> {
    pub(crate) text: String,
    pub(crate) step: &'a Step,
    pub(crate) args: Vec<String>,
}

const fn step(kind: Kind, pattern: &'static str, run: fn(&mut World, &[String]) -> StepResult) -> Step {
    Step { kind, pattern, run }
}

/// Every entry: setup entries, the request, checks. The first match wins, so specific texts come
/// before general ones.
fn table() -> Vec<Step> {
    let mut steps = line::steps();
    steps.extend(forwarding_consent::setup_steps());
    steps.extend(setup::steps());
    steps.extend(kyc_identity::steps());
    steps.extend(body::steps());
    steps.push(step(
        Kind::Send,
        r#"^the request "[^"]+" is sent$"#,
        |_, _| Ok(()),
    ));
    steps.push(step(
        Kind::Send,
        r#"^the HTTPS? "([A-Z]+)" request is sent$"#,
        |w, a| {
            w.method = Some(a[0].clone());
            Ok(())
        },
    ));
    steps.extend(forwarding_consent::check_steps());
    steps.extend(check::steps());
    steps
}

static TABLE: LazyLock<Vec<(Regex, Step)>> = LazyLock::new(|| {
    table()
        .into_iter()
        .map(|s| (Regex::new(s.pattern).expect("step pattern compiles"), s))
        .collect()
});

/// Matches every step of a scenario; `Err` lists the texts no entry matches.
pub(crate) fn plan(texts: &[String]) -> Result<Vec<Planned<'static>>, Vec<String>> {
    let mut planned = Vec::new();
    let mut missing = Vec::new();
    for text in texts {
        // Upstream texts carry doubled and trailing spaces ("the resource \"…\"  as  base url").
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        match TABLE
            .iter()
            .find_map(|(re, s)| re.captures(&text).map(|c| (c, s)))
        {
            Some((captures, step)) => planned.push(Planned {
                args: captures
                    .iter()
                    .skip(1)
                    .map(|m| m.map_or_else(String::new, |m| m.as_str().to_owned()))
                    .collect(),
                text: text.clone(),
                step,
            }),
            None => missing.push(text),
        }
    }
    if missing.is_empty() {
        Ok(planned)
    } else {
        Err(missing)
    }
}

/// A step that cannot apply to the sandbox, with the reason shown in the table.
pub(crate) fn not_applicable(reason: &str) -> StepResult {
    Err(Verdict::NotApplicable(reason.to_owned()))
}

/// A failed expectation.
pub(crate) fn fail(why: impl Into<String>) -> StepResult {
    Err(Verdict::Failed(why.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern compiles and each sample text reaches the entry written for it, not an
    /// earlier, more general one.
    #[test]
    fn samples_reach_their_entry() {
        let cases = [
            (
                "the header \"Authorization\" is set to an invalid access token",
                "an invalid access token",
            ),
            (
                "the request body property \"$.maxAge\" is set to 100000",
                "is set to (\\d+)$",
            ),
            (
                "the request body property \"$.givenName\" is set to a valid given name",
                "(?:a valid|a|an|the)",
            ),
            (
                "the request body property \"maxAge\" is set to the number of hours since the last SIM swap minus 1",
                "minus 1",
            ),
            ("the response property \"$.swapped\" == true", "(true|false)"),
        ];
        for (text, pattern_part) in cases {
            let planned = plan(&[text.to_owned()]).unwrap_or_else(|missing| panic!("unmatched: {missing:?}"));
            assert!(
                planned[0].step.pattern.contains(pattern_part),
                "{text:?} matched {:?}",
                planned[0].step.pattern
            );
        }
    }
}
