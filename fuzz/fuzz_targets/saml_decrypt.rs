//! The SAML EncryptedAssertion path: structure checks, data decryption round trips, the one
//! decryption error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netid_saml::fuzzing::fuzz_decrypt(data));
