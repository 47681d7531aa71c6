//! Integration tests of the `netid` facade: operators built from descriptions, calling the
//! in-process sandbox operator (`netid-server`) over the real reqwest transport, and replayed
//! operators (`ReplayTransport`) where the sandbox cannot show a behaviour (tolerated quirks, the
//! JWT-bearer token request).

mod apis;
mod authorization;
mod errors;
mod jwt_bearer;
mod line_apis;
mod redaction;
mod replies;
mod shared_flight;
mod support;
mod token_rules;
mod tokens;
