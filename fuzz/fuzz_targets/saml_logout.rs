//! SAML Single Logout messages (LogoutRequest, LogoutResponse, EncryptedID) never panic, and an
//! accepted LogoutRequest names the session it was checked against.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| netid_saml::fuzzing::fuzz_logout(data));
