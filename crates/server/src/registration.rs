//! The parties registered with the sandbox: OAuth clients ([`ClientRegistration`]) and SAML service
//! providers ([`SamlServiceProvider`]).
//!
//! Kept apart from `config` (which lists them) and from the handlers (which check requests against
//! them), so the module graph stays a line: handlers → `state` → `config` → `registration`.

use std::fmt;

use jsonwebtoken::jwk::{Jwk, JwkSet};

use crate::error::ServerError;

/// A client allowed to authenticate with `private_key_jwt`.
#[derive(Clone)]
pub struct ClientRegistration {
    pub(crate) client_id: String,
    pub(crate) keys: Vec<Jwk>,
    pub(crate) redirect_uris: Vec<String>,
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("keys", &self.keys.len())
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

impl ClientRegistration {
    /// A client with the public keys of a JWK Set document (`{"keys": [...]}`).
    ///
    /// # Errors
    ///
    /// [`ServerError::Client`] when the document is not a JWK Set, has no key, or the id is empty.
    pub fn from_jwks_json(client_id: impl Into<String>, jwks: &str) -> Result<Self, ServerError> {
        let client_id = client_id.into();
        if client_id.is_empty() {
            return Err(ServerError::Client(String::from("empty client_id")));
        }
        let set: JwkSet =
            serde_json::from_str(jwks).map_err(|e| ServerError::Client(format!("not a JWK Set: {e}")))?;
        if set.keys.is_empty() {
            return Err(ServerError::Client(String::from("JWK Set has no key")));
        }
        Ok(Self {
            client_id,
            keys: set.keys,
            redirect_uris: Vec::new(),
        })
    }

    /// Adds a redirect URI accepted by the authorization endpoint (exact match).
    pub fn with_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
}

/// A service provider allowed to use the IdP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlServiceProvider {
    pub(crate) entity_id: String,
    pub(crate) acs_urls: Vec<String>,
}

impl SamlServiceProvider {
    /// A service provider with its entity id (the `Issuer` of its requests) and its first assertion
    /// consumer service URL.
    pub fn new(entity_id: impl Into<String>, acs_url: impl Into<String>) -> Self {
        Self {
            entity_id: entity_id.into(),
            acs_urls: vec![acs_url.into()],
        }
    }

    /// Adds an assertion consumer service URL (exact match).
    pub fn with_acs_url(mut self, acs_url: impl Into<String>) -> Self {
        self.acs_urls.push(acs_url.into());
        self
    }

    /// The entity id.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }
}
