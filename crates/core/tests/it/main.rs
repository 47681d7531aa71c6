//! Integration tests of `netid-core`: properties of the parsers and snapshots of what users see.

mod kyc;
mod kyc_schema;
mod parsers;
mod redaction;
