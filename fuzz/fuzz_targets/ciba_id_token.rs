//! ID tokens past the signature: the input's claims are signed with a fuzzing-only key, altered or
//! not, and validated; only intact tokens are accepted, with exactly the signed claims.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_ciba::fuzzing::fuzz_id_token(data));
