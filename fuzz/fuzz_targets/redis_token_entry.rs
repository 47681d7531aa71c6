//! The Redis token-entry codec (no connection): arbitrary stored values and plaintexts never
//! panic; a token from the input opens to itself; a tampered entry or another Redis key is refused.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_redis::fuzzing::fuzz_token_entry(data));
