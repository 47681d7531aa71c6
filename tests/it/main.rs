//! End-to-end tests: the crates together against the reference operator over real HTTP on
//! loopback (`netid-reqwest`), and fed with the examples of the operator pages.

mod api_commands;
mod call_forwarding_consent;
mod contract;
mod demo;
mod flows;
mod hosted_operators;
mod kyc_identity;
mod line_apis;
mod line_commands;
mod operator_pages;
mod saml;
mod saml_logout;
mod saml_metadata;
mod saml_signed;
mod sandbox;
mod sandbox_shared;
mod support;
mod telco_finder;
mod telco_finder_routes;
mod token;
mod token_cache;
mod transport;
