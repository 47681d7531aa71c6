//! Test doubles for the ports: [`ReplayTransport`], [`FaultTransport`] and [`InstantSleep`].
//!
//! Built for tests of the protocol crates: deterministic, no socket, no real waiting. Enabled by the
//! `test-util` feature; never use them in production code.

mod fault;
mod replay;
mod sleep;

pub use fault::{Fault, FaultTransport, INVALID_JSON_BODY};
pub use replay::{DEFAULT_VOLATILE_HEADERS, ReplayEvent, ReplayMismatch, ReplayTransport};
pub use sleep::InstantSleep;
