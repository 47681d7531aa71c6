//! The AuthnRequest the sandbox IdP parses, directly and through the HTTP-Redirect binding.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_server::fuzzing::fuzz_authn_request(data));
