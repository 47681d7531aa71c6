//! The sandbox IdP's HTTP-Redirect query-signature reader: any query, then a query signed with the
//! test key from the input, which verifies, and the same with one signed octet changed, which fails.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_server::fuzzing::fuzz_query_signature(data));
