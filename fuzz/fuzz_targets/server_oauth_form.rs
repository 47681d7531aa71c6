//! The sandbox's `/bc-authorize` and `/token` form bodies, with a valid client assertion when the
//! first byte asks: answers carry what the endpoint promises, errors a registered code and status.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_server::fuzzing::fuzz_oauth_form(data));
