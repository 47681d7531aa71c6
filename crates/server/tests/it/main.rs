//! End-to-end tests of `netid-server` over real HTTP on 127.0.0.1, with a plain HTTP client and
//! client assertions built with `jsonwebtoken`. Time runs on a `ManualClock`.

mod api_tokens;
mod call_forwarding_and_consent;
mod ciba_core;
mod ciba_errors;
mod ciba_flow;
mod discovery_and_jwks;
mod faults_and_routing;
mod hosted_operators;
mod kyc_match;
mod lifecycle;
mod number_verification;
mod oidc_discovery;
mod request_log;
mod rfc6749;
mod rfc6750;
mod saml;
#[cfg(feature = "redis")]
mod shared_state;
mod sim_swap;
mod spec_exact;
mod support;
