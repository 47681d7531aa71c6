//! IdP metadata reading and SP metadata writing: accepted IdP documents name an entity and a
//! certificate; written SP metadata is well-formed and carries the entity ID unchanged.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netid_saml::fuzzing::fuzz_metadata(data));
