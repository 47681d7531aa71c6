//! Integration tests of `netid-saml`: honest responses signed by `xmlsec1`, the attack suite,
//! the HTTP-Redirect binding, AuthnRequest snapshots, metadata and property tests.

mod attacks;
mod authn_request;
mod canonical;
mod encrypted;
mod encrypted_parts;
mod fixtures;
mod honest;
mod logout;
mod metadata;
mod props;
mod redirect;
mod shared;
mod signed_metadata;
mod support;
