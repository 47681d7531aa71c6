//! Entry points for the cargo-fuzz targets `server_authn_request`, `server_query_signature`,
//! `server_oauth_form`, `server_camara_body` and `server_subscribers`. Not part of the API.
//!
//! The OAuth and CAMARA entry points run the handlers themselves on the state
//! [`Server::start`](crate::Server::start) serves, built once without a socket: the OAuth forms
//! with a freshly signed client assertion when the input asks for one (so mutations reach past
//! client authentication), the CAMARA bodies under a valid access token.

use crate::config::ServerConfig;
use crate::saml;
use crate::subscribers::SubscriberStore;

mod camara_body;
mod fixture;
mod oauth_form;
#[cfg(test)]
mod tests;

pub use camara_body::fuzz_camara_body;
pub use oauth_form::fuzz_oauth_form;

/// The `AuthnRequest` the IdP parses, directly and through the HTTP-Redirect binding; and the
/// logout messages of its SLO endpoint.
pub fn fuzz_authn_request(data: &[u8]) {
    saml::fuzz(data);
    saml::fuzz_logout(data);
}

/// The HTTP-Redirect query signature the sandbox IdP checks on an SP's messages: no panic on any
/// query; a query signed with the test key verifies, and a change to any signed octet fails.
pub fn fuzz_query_signature(data: &[u8]) {
    saml::fuzz_query_signature(data);
}

/// The subscriber documents (TOML and JSON) and the sandbox configuration document. Property:
/// every subscriber of an accepted document is found by its phone number, and the two forms agree
/// on a text both accept; the configuration parser gives a value or a typed error.
pub fn fuzz_subscribers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ServerConfig::from_toml_str(text);
    let toml = SubscriberStore::from_toml_str(text);
    let json = SubscriberStore::from_json_str(text);
    for store in [&toml, &json].into_iter().flatten() {
        for subscriber in store.iter() {
            let found = store.by_phone_number(subscriber.phone_number());
            assert_eq!(
                found.map(|s| s.id()),
                Some(subscriber.id()),
                "a subscriber is not found by its phone number"
            );
        }
    }
    if let (Ok(toml), Ok(json)) = (&toml, &json) {
        assert_eq!(toml.len(), json.len(), "TOML and JSON read one text differently");
    }
}
