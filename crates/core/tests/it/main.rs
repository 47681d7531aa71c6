//! Integration tests of `netid-core`: properties of the parsers and snapshots of what users see.

mod parsers;
mod redaction;
mod kyc;
mod kyc_schema;
