//! Integration tests of netid-camara: every operation against replayed operators, fixtures from the
//! operator pages and the specs, schema validation, errors, client behaviour, and the transport
//! contract suite over the replay transport and over reqwest on loopback.

mod call_forwarding_signal;
mod client;
mod consent_info;
mod contract;
mod device_swap_recycling_tenure;
mod errors;
mod kyc_identity;
mod kyc_match;
mod number_verification;
mod proptests;
mod sim_swap;
mod support;
mod tracing_spans;
mod transport_errors;
