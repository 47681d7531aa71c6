//! The call's knobs and its outcome: [`RetryPolicy`] lives beside; here the correlator policy, the
//! per-call options and the [`Answer`] a successful call returns.

use std::time::SystemTime;

use netid_core::correlator::XCorrelator;

#[cfg(doc)]
use crate::error::CamaraError;
use crate::profile::SpecVersion;
use crate::wire::ToleratedQuirk;

/// What to do when a response does not echo the request's `x-correlator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CorrelatorPolicy {
    /// Report it in [`Answer::echo`] and in a `tracing` warning; the call succeeds (default: Orange
    /// pages, for one, do not echo it).
    #[default]
    Report,
    /// Fail the call with [`CamaraError::CorrelatorMismatch`] when it is missing or different.
    Require,
}

/// How the response's `x-correlator` compared with the request's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CorrelatorEcho {
    /// Echoed unchanged.
    Echoed,
    /// Absent from the response.
    Missing,
    /// Present but different.
    Different(String),
}

/// Per-call options: a deadline and a correlator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// No attempt starts, and no answer is awaited, past this time (read on the client's clock).
    pub deadline: Option<SystemTime>,
    /// The `x-correlator` to send; generated from the client's random source when `None`.
    pub correlator: Option<XCorrelator>,
}

impl CallOptions {
    /// No deadline, a generated correlator.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the deadline.
    #[must_use]
    pub fn with_deadline(mut self, deadline: SystemTime) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets the correlator.
    #[must_use]
    pub fn with_correlator(mut self, correlator: XCorrelator) -> Self {
        self.correlator = Some(correlator);
        self
    }
}

/// A successful call: the decoded body and what the client learned on the way.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answer<T> {
    /// The success body.
    pub value: T,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `x-correlator` sent.
    pub correlator: XCorrelator,
    /// How the response echoed it.
    pub echo: CorrelatorEcho,
    /// Deviations from the spec tolerated while decoding.
    pub tolerated: Vec<ToleratedQuirk>,
    /// Attempts made (1 without retry).
    pub attempts: u32,
    /// The spec version of the profile that made the call.
    pub spec: SpecVersion,
}

impl<T> Answer<T> {
    /// The same answer with its value turned by `convert` (a version's body into the
    /// version-independent result).
    pub fn map<U>(self, convert: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            value: convert(self.value),
            status: self.status,
            correlator: self.correlator,
            echo: self.echo,
            tolerated: self.tolerated,
            attempts: self.attempts,
            spec: self.spec,
        }
    }
}
