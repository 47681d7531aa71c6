//! Unit tests of the version-independent operations, by topic; the shared fixtures are in
//! `support`.

mod identifiers;
mod kyc;
mod signals;
mod support;
mod swap;
