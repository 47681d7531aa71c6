//! Tests of the CIBA poll-mode session, one module per topic; `support` holds the shared runner.

mod outcomes;
mod providers;
mod requests;
mod session;
mod support;
