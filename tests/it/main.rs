//! End-to-end tests: the crates together against the reference operator over real HTTP on
//! loopback (`netid-reqwest`), and fed with the examples of the operator pages.

mod api_commands;
mod contract;
mod demo;
mod flows;
mod operator_pages;
mod sandbox;
mod support;
mod telco_finder;
mod token;
mod transport;
