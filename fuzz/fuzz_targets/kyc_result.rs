//! KYC Match result decoder: lenient and strict decoding of arbitrary bytes never panics, strict
//! results are lenient results, and decoded results re-encode identically in both spec versions.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_core::kyc::fuzz_decode_result(data));
