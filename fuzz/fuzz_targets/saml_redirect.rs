//! The SAML HTTP-Redirect decoder (query signature, Base64, DEFLATE) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netid_saml::fuzzing::fuzz_redirect(data));
