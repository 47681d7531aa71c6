#![no_main]
//! The sandbox server's parsers: SAML HTTP-Redirect decoding, `AuthnRequest`, subscriber documents.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    netid_server::fuzz_inputs(data);
});
