//! Integration tests of the `netid` binary.

mod saml;
