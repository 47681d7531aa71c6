#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_core::fuzzing::fuzz_login_hint(data));
