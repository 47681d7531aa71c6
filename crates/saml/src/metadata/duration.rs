//! `xs:duration` as metadata's `cacheDuration` uses it (`PT6H`, `P1D`, `P0Y0M0DT6H0M0.000S`).

use std::time::Duration;

/// Shortest lengths of the calendar units, so a cache never outlives the stated duration.
const YEAR: u64 = 365 * DAY;
const MONTH: u64 = 28 * DAY;
const DAY: u64 = 24 * HOUR;
const HOUR: u64 = 3600;

/// Parses a non-negative `xs:duration` (XML Schema 1.0 §3.2.6: `PnYnMnDTnHnMnS`, fractional
/// seconds allowed); `None` when it is malformed, negative or overflows.
///
/// Years and months have no fixed length; each counts at its shortest (365 and 28 days), which
/// errs towards refreshing early.
pub(crate) fn parse(value: &str) -> Option<Duration> {
    let rest = value.trim().strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((_, "")) => return None,
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return None;
    }
    let mut secs: u64 = 0;
    let mut nanos: u32 = 0;
    for (units, text) in [
        (&[('Y', YEAR), ('M', MONTH), ('D', DAY)][..], Some(date)),
        (&[('H', HOUR), ('M', 60), ('S', 1)][..], time),
    ] {
        let Some(mut text) = text else { continue };
        let mut allowed = units.iter();
        while !text.is_empty() {
            let end = text.find(|c: char| !c.is_ascii_digit() && c != '.')?;
            let (number, tail) = text.split_at(end);
            let designator = tail.chars().next()?;
            // Designators appear at most once, in order.
            let (_, unit) = allowed.by_ref().find(|(d, _)| *d == designator)?;
            let (whole, fraction) = match number.split_once('.') {
                Some((w, f)) if designator == 'S' && !f.is_empty() => (w, Some(f)),
                Some(_) => return None,
                None => (number, None),
            };
            if whole.is_empty() {
                return None;
            }
            secs = secs.checked_add(whole.parse::<u64>().ok()?.checked_mul(*unit)?)?;
            if let Some(f) = fraction {
                if !f.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let digits: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
                nanos = digits.parse().ok()?;
            }
            text = &tail[designator.len_utf8()..];
        }
    }
    Some(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, expected) in [
            ("PT6H", Some(6 * 3600)),
            ("P1D", Some(86_400)),
            ("PT21600S", Some(21_600)),
            ("P0Y0M0DT6H0M0.000S", Some(6 * 3600)),
            ("P1Y", Some(365 * 86_400)),
            ("P1M", Some(28 * 86_400)),
            ("PT1M", Some(60)),
            ("P1DT1H1M1S", Some(86_400 + 3600 + 61)),
            (" PT5M ", Some(300)),
            ("", None),
            ("P", None),
            ("PT", None),
            ("P1DT", None),
            ("-PT6H", None),
            ("PT6", None),
            ("P6H", None),
            ("PT1H1H", None),
            ("PT1S1M", None),
            ("PT1.5H", None),
            ("PT.5S", None),
            ("PT1.S", None),
            ("P99999999999999999999D", None),
            ("P9999999999999999Y", None),
            ("6H", None),
            ("PT1Hx", None),
        ] {
            assert_eq!(parse(text).map(|d| d.as_secs()), expected, "{text:?}");
        }
        assert_eq!(parse("PT1.25S"), Some(Duration::new(1, 250_000_000)));
    }
}
