//! Integration tests of the `netid` binary.

mod contract;
mod saml;
mod saml_logout;
mod saml_metadata;
mod saml_redis;
