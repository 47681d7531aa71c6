//! The facade's operator file: every API resolves to its profile or a typed error; secrets from the
//! environment never show in an error.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid::fuzzing::fuzz_operator_file(data));
