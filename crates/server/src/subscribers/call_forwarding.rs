//! The call forwarding state of a line (Call Forwarding Signal), as the subscriber file writes it:
//!
//! ```toml
//! call_forwarding = ["unconditional", "conditional_busy"]   # the active services; [] or absent: none
//! call_forwarding = "not_available"                          # the API does not apply to this line
//! ```

use serde::Deserialize;

/// One kind of call forwarding a line can have active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ForwardingKind {
    /// Every call is forwarded.
    Unconditional,
    /// Calls are forwarded while the line is busy.
    ConditionalBusy,
    /// Calls are forwarded while the device is not reachable.
    ConditionalNotReachable,
    /// Calls are forwarded when nobody answers.
    ConditionalNoAnswer,
}

impl ForwardingKind {
    const ALL: [Self; 4] = [
        Self::Unconditional,
        Self::ConditionalBusy,
        Self::ConditionalNotReachable,
        Self::ConditionalNoAnswer,
    ];

    /// The name Call Forwarding Signal 0.4.0 gives it (`conditional_busy`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconditional => "unconditional",
            Self::ConditionalBusy => "conditional_busy",
            Self::ConditionalNotReachable => "conditional_not_reachable",
            Self::ConditionalNoAnswer => "conditional_no_answer",
        }
    }
}

/// The call forwarding service of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallForwarding {
    /// The active forwardings, in file order; empty when nothing is forwarded.
    Services(Vec<ForwardingKind>),
    /// The line is outside the service (`422 SERVICE_NOT_APPLICABLE`).
    NotAvailable,
}

impl CallForwarding {
    /// No forwarding active: a line the file says nothing about.
    pub(crate) fn inactive() -> Self {
        Self::Services(Vec::new())
    }
}

/// The file's form: a list of kinds, or the word `not_available`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawCallForwarding {
    Services(Vec<String>),
    Word(String),
}

impl RawCallForwarding {
    /// The state, or what was expected.
    pub(super) fn parse(self) -> Result<CallForwarding, String> {
        const EXPECTED: &str = "\"not_available\" or a list of unconditional, conditional_busy, \
                                conditional_not_reachable, conditional_no_answer";
        match self {
            Self::Word(word) if word == "not_available" => Ok(CallForwarding::NotAvailable),
            Self::Word(_) => Err(EXPECTED.to_owned()),
            Self::Services(names) => {
                let mut kinds = Vec::new();
                for name in names {
                    let kind = ForwardingKind::ALL
                        .into_iter()
                        .find(|kind| kind.as_str() == name)
                        .ok_or_else(|| EXPECTED.to_owned())?;
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
                Ok(CallForwarding::Services(kinds))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_forms() {
        let check = |raw: RawCallForwarding, expected: Result<CallForwarding, ()>| {
            assert_eq!(raw.parse().map_err(|_| ()), expected);
        };
        check(
            RawCallForwarding::Word("not_available".into()),
            Ok(CallForwarding::NotAvailable),
        );
        check(RawCallForwarding::Word("inactive".into()), Err(()));
        check(
            RawCallForwarding::Services(vec![]),
            Ok(CallForwarding::inactive()),
        );
        check(
            RawCallForwarding::Services(vec!["conditional_busy".into(), "conditional_busy".into()]),
            Ok(CallForwarding::Services(vec![ForwardingKind::ConditionalBusy])),
        );
        check(RawCallForwarding::Services(vec!["inactive".into()]), Err(()));
    }
}
