//! KYC claims JSON: only valid JSON is accepted; decode, encode, decode gives the same claims.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_core::fuzzing::fuzz_kyc_claims(data));
