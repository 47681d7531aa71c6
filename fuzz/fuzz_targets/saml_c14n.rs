//! The SP's hand-written exclusive C14N produces bergshamra's bytes on every document.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netid_saml::fuzzing::fuzz_c14n(data));
