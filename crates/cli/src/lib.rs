//! The library half of the `netid` command line: the flows behind `netid demo`, `netid token`,
//! the API commands (`netid kyc-match`, `netid sim-swap`, `netid number-verification`) and
//! `netid sandbox serve`, callable from tests without spawning the binary.
//!
//! It drives the protocol crates only through the facade ([`netid::Operator`], and
//! `netid::crates` for SAML), wiring the real adapters into it: [`netid_reqwest::ReqwestTransport`]
//! for I/O (with the facade's defaults: tokio's timer, the system clock, the OS random source), and
//! the reference operator of [`netid_server`] as the embedded sandbox. It never prints a token, a key
//! or personal data unmasked: tokens appear only when the caller asks (`--show-token`), phone
//! numbers through their masked `Display`, names and identifiers through [`mask`].
//!
//! ```no_run
//! # async fn demo() {
//! use netid_cli::demo::{self, DemoOptions};
//!
//! let report = demo::run(DemoOptions::new()).await;
//! assert!(report.ok, "{}", report.failed_steps().collect::<Vec<_>>().join(", "));
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod ciba_flow;
pub mod demo;
pub mod envelope;
pub mod exit;
pub mod operator_file;
pub mod redis;
pub mod route;
pub mod sandbox;
pub mod token;

/// Masks a personal value for display: keeps the first two and last two characters of values of
/// eight characters or more, and replaces everything else with `*` (shorter values are fully
/// masked), so a reader can recognise a value they already know without learning one they do not.
///
/// ```
/// assert_eq!(netid_cli::mask("Lefebvre"), "Le****re");
/// assert_eq!(netid_cli::mask("Peter"), "*****");
/// ```
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n < 8 {
        return "*".repeat(n);
    }
    let mut out: String = chars[..2].iter().collect();
    out.push_str(&"*".repeat(n - 4));
    out.extend(&chars[n - 2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn mask_keeps_only_the_ends_of_long_values() {
        let check = |input: &str, expected: &str| assert_eq!(mask(input), expected, "{input}");
        check("", "");
        check("Peter", "*****");
        check("1234567", "*******");
        check("Lefebvre", "Le****re");
        check("María José", "Ma******sé");
    }
}
