//! The `Retry-After` header value a 429 or 503 carries. Its own module because both the error types
//! and the decoding of responses need it: it depends on nothing else of this crate.

use std::time::{Duration, SystemTime};

/// A `Retry-After` header value (RFC 9110 §10.2.3): a delay in seconds or an HTTP date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryAfter {
    /// Wait this long.
    Delay(Duration),
    /// Wait until then.
    At(SystemTime),
}

impl RetryAfter {
    /// Parses a header value; `None` if it is neither a number of seconds nor an HTTP date.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Self::Delay(Duration::from_secs(seconds)));
        }
        httpdate::parse_http_date(value).ok().map(Self::At)
    }

    /// How long to wait from `now` (zero for a date already past).
    #[must_use]
    pub fn delay_from(self, now: SystemTime) -> Duration {
        match self {
            Self::Delay(delay) => delay,
            Self::At(at) => at.duration_since(now).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        fn check(value: &str, now_secs: u64, expected: Option<u64>) {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now_secs);
            let got = RetryAfter::parse(value).map(|retry| retry.delay_from(now).as_secs());
            assert_eq!(got, expected, "{value}");
        }
        check("120", 0, Some(120));
        check(" 0 ", 0, Some(0));
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777.
        check("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 - 30, Some(30));
        check("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777 - 30, Some(30));
        check("Sun Nov  6 08:49:37 1994", 784_111_777 - 30, Some(30));
        check("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 + 30, Some(0));
        check("-5", 0, None);
        check("soon", 0, None);
        check("", 0, None);
    }
}
