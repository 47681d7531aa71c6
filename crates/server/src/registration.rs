//! The parties registered with the sandbox: OAuth clients ([`ClientRegistration`]) and SAML service
//! providers ([`SamlServiceProvider`]).
//!
//! Kept apart from `config` (which lists them) and from the handlers (which check requests against
//! them), so the module graph stays a line: handlers → `state` → `config` → `registration`.

use std::fmt;

use jsonwebtoken::jwk::{Jwk, JwkSet};

use crate::error::ServerError;

mod public_key;
mod saml_sp;

pub(crate) use self::saml_sp::SpEncryption;
pub use self::saml_sp::{
    SamlAttributeNameFormat, SamlDataEncryption, SamlEncryption, SamlKeyTransport, SamlServiceProvider,
    SamlSigning,
};

/// A client allowed to authenticate with `private_key_jwt`.
#[derive(Clone)]
pub struct ClientRegistration {
    pub(crate) client_id: String,
    pub(crate) keys: Vec<Jwk>,
    pub(crate) redirect_uris: Vec<String>,
    /// Where the keys are published, fetched when the server starts (loopback only).
    pub(crate) jwks_url: Option<url::Url>,
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("keys", &self.keys.len())
            .field("redirect_uris", &self.redirect_uris)
            .field("jwks_url", &self.jwks_url.as_ref().map(url::Url::as_str))
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
        let client_id = non_empty(client_id.into())?;
        Ok(Self {
            client_id,
            keys: parse_jwks(jwks)?,
            redirect_uris: Vec::new(),
            jwks_url: None,
        })
    }

    /// A client with one public key in PEM: `PUBLIC KEY` (SubjectPublicKeyInfo, EC P-256 or RSA) or
    /// `RSA PUBLIC KEY` (PKCS#1). The key has no `kid`, so it verifies assertions whatever their
    /// `kid` header says.
    ///
    /// # Errors
    ///
    /// [`ServerError::Client`] when the text is not such a key or the id is empty.
    pub fn from_public_key_pem(client_id: impl Into<String>, pem: &str) -> Result<Self, ServerError> {
        let client_id = non_empty(client_id.into())?;
        Ok(Self {
            client_id,
            keys: vec![public_key::jwk_from_pem(pem)?],
            redirect_uris: Vec::new(),
            jwks_url: None,
        })
    }

    /// A client whose JWK Set the server fetches from `url` when it starts. Only `http` URLs on a
    /// loopback host (`127.0.0.1`, `[::1]`, `localhost`) are accepted: the sandbox never reaches
    /// out to the network.
    ///
    /// # Errors
    ///
    /// [`ServerError::Client`] when the URL does not parse, is not loopback `http`, or the id is
    /// empty.
    pub fn from_jwks_url(client_id: impl Into<String>, url: &str) -> Result<Self, ServerError> {
        let client_id = non_empty(client_id.into())?;
        let url = url::Url::parse(url).map_err(|e| ServerError::Client(format!("invalid jwks url: {e}")))?;
        if url.scheme() != "http" || !is_loopback_host(&url) {
            return Err(ServerError::Client(String::from(
                "the jwks url must be http on a loopback host (127.0.0.1, [::1] or localhost)",
            )));
        }
        Ok(Self {
            client_id,
            keys: Vec::new(),
            redirect_uris: Vec::new(),
            jwks_url: Some(url),
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

    /// The JWKS URL fetched at start, if the keys come from one.
    pub fn jwks_url(&self) -> Option<&str> {
        self.jwks_url.as_ref().map(url::Url::as_str)
    }
}

fn non_empty(client_id: String) -> Result<String, ServerError> {
    if client_id.is_empty() {
        return Err(ServerError::Client(String::from("empty client_id")));
    }
    Ok(client_id)
}

/// The keys of a JWK Set document, at least one.
pub(crate) fn parse_jwks(jwks: &str) -> Result<Vec<Jwk>, ServerError> {
    let set: JwkSet =
        serde_json::from_str(jwks).map_err(|e| ServerError::Client(format!("not a JWK Set: {e}")))?;
    if set.keys.is_empty() {
        return Err(ServerError::Client(String::from("JWK Set has no key")));
    }
    Ok(set.keys)
}

fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwks_urls_must_stay_on_loopback() {
        let cases = [
            ("http://127.0.0.1:9000/jwks.json", true),
            ("http://localhost:9000/jwks.json", true),
            ("http://[::1]:9000/jwks.json", true),
            ("https://127.0.0.1/jwks.json", false),
            ("http://example.com/jwks.json", false),
            ("http://10.0.0.1/jwks.json", false),
            ("not a url", false),
        ];
        for (url, ok) in cases {
            assert_eq!(ClientRegistration::from_jwks_url("app", url).is_ok(), ok, "{url}");
        }
        assert!(ClientRegistration::from_jwks_url("", "http://127.0.0.1/").is_err());
    }
}
