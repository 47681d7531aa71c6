//! Responses past the signature: `arbitrary` builds a Response from a grammar (assertion count and
//! placement, IDs, Reference, Issuers, times, audiences, recipients, NameID forms, prefixes), the
//! entry point signs the element it names with the test IdP key and verifies it; an accepted
//! Response carries exactly the values of the assertion the signature covers.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: netid_saml::fuzzing::StructuredResponse| {
    netid_saml::fuzzing::fuzz_structured_response(input)
});
