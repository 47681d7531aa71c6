//! Integration tests of `netid-ciba`: the driver over scripted transports on a manual clock,
//! property tests of the polling rules, discovery, and the token cache.

mod cache;
mod discovery;
mod driver;
mod polling_properties;
mod shared_flight;
mod shared_store;
mod support;
