//! The sandbox's subscriber documents (TOML and JSON): every subscriber is found by its number.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_server::fuzzing::fuzz_subscribers(data));
