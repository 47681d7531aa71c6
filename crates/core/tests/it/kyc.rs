//! KYC Match: parser properties, round trips, normalisation, scores, redaction and the matcher's
//! output on realistic records, one topic per module.

mod examples;
mod fixtures;
mod properties;
mod realistic;
mod strategies;

pub(crate) use fixtures::spec_example_claims;
