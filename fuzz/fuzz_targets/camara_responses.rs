#![no_main]
//! Every CAMARA response decoder of netid-camara, on arbitrary bodies.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    netid_camara::fuzz_decode_responses(data);
});
