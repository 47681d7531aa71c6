//! IdP metadata reading (unsigned and signed) and SP metadata writing: accepted IdP documents name
//! an entity and a certificate; verified signed metadata is valid now and reads as the unsigned
//! reader reads it; written SP metadata is well-formed and carries the entity ID unchanged.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_saml::fuzzing::fuzz_metadata(data));
