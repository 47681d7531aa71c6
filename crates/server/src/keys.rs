//! ES256 key pairs generated at start from the injected random source: the server's signing key
//! and the demo client's key.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey};
use netid_core::ports::SecureRandom;
use netid_core::secret::Secret;
use p256::pkcs8::{EncodePrivateKey, LineEnding};

use crate::error::ServerError;

/// An ES256 (P-256) key pair: private half for signing, public half as a JWK.
pub(crate) struct Es256KeyPair {
    pub(crate) kid: String,
    pub(crate) encoding: EncodingKey,
    pub(crate) public_jwk: Jwk,
    pkcs8_pem: Secret<String>,
}

impl fmt::Debug for Es256KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Es256KeyPair")
            .field("kid", &self.kid)
            .field("private", &"[redacted]")
            .finish()
    }
}

impl Es256KeyPair {
    /// Draws a P-256 scalar from `rng` (retrying the negligible out-of-range case a bounded number
    /// of times) and derives the key id from the public key's RFC 7638 thumbprint.
    pub(crate) fn generate(rng: &dyn SecureRandom) -> Result<Self, ServerError> {
        let mut secret = None;
        for _ in 0..8 {
            let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
            rng.fill(bytes.as_mut())?;
            if let Ok(key) = p256::SecretKey::from_slice(bytes.as_ref()) {
                secret = Some(key);
                break;
            }
        }
        let secret = secret
            .ok_or_else(|| ServerError::Key(String::from("random source gave no valid P-256 scalar")))?;
        let der = secret
            .to_pkcs8_der()
            .map_err(|e| ServerError::Key(e.to_string()))?;
        let pem = secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| ServerError::Key(e.to_string()))?;
        let encoding = EncodingKey::from_ec_der(der.as_bytes());
        let mut public_jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256)
            .map_err(|e| ServerError::Key(e.to_string()))?;
        let thumbprint = public_jwk
            .thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256)
            .map_err(|e| ServerError::Key(e.to_string()))?;
        public_jwk.common.key_id = Some(thumbprint.clone());
        public_jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
        Ok(Self {
            kid: thumbprint,
            encoding,
            public_jwk,
            pkcs8_pem: Secret::new(pem.to_string()),
        })
    }

    pub(crate) fn pkcs8_pem(&self) -> &str {
        self.pkcs8_pem.expose_secret()
    }
}

/// The client registration the sandbox creates at start so that demos and tests can authenticate
/// with `private_key_jwt` without any account: an ES256 key pair generated from the server's
/// random source, never written anywhere by this crate.
///
/// # Security
///
/// Test material only: whoever holds the [`crate::ServerHandle`] holds the private key.
pub struct DemoClient {
    client_id: String,
    key: Es256KeyPair,
    redirect_uris: Vec<String>,
}

impl fmt::Debug for DemoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoClient")
            .field("client_id", &self.client_id)
            .field("key_id", &self.key.kid)
            .field("redirect_uris", &self.redirect_uris)
            .finish_non_exhaustive()
    }
}

impl DemoClient {
    pub(crate) fn new(client_id: String, key: Es256KeyPair, redirect_uris: Vec<String>) -> Self {
        Self {
            client_id,
            key,
            redirect_uris,
        }
    }

    /// The `client_id` (also the `iss` and `sub` of its client assertions).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The `kid` to put in the client assertion header.
    pub fn key_id(&self) -> &str {
        &self.key.kid
    }

    /// The signing algorithm of the key: `ES256`.
    pub fn algorithm(&self) -> &'static str {
        "ES256"
    }

    /// The redirect URIs registered for the authorization-code flow.
    pub fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    /// The public key as a JWK Set document (what a real client uploads to its operator).
    pub fn public_jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [&self.key.public_jwk] })
    }

    /// The public key, SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`): what a sandbox
    /// configuration's `public-key` takes.
    pub fn public_key_pem(&self) -> String {
        use p256::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
        // The PEM was encoded from a valid key at generation; an empty string is unreachable.
        p256::SecretKey::from_pkcs8_pem(self.key.pkcs8_pem())
            .ok()
            .and_then(|secret| secret.public_key().to_public_key_pem(LineEnding::LF).ok())
            .unwrap_or_default()
    }

    /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    ///
    /// # Security
    ///
    /// The raw private key: give it only to the code that signs the demo client's assertions.
    pub fn expose_private_key_pem(&self) -> &str {
        self.key.pkcs8_pem()
    }

    /// The key id and private key that sign the client's assertions (the fuzz entry points sign
    /// with it to reach past client authentication).
    pub(crate) fn signing_key(&self) -> (&str, &EncodingKey) {
        (&self.key.kid, &self.key.encoding)
    }

    pub(crate) fn public_jwk(&self) -> &Jwk {
        &self.key.public_jwk
    }
}

/// base64url without padding.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use netid_core::test_util::SeededRandom;

    use super::*;

    #[test]
    fn generation_is_deterministic_and_signs() {
        let a = Es256KeyPair::generate(&SeededRandom::new(1)).unwrap();
        let b = Es256KeyPair::generate(&SeededRandom::new(1)).unwrap();
        assert_eq!(a.kid, b.kid);
        assert!(a.pkcs8_pem().starts_with("-----BEGIN PRIVATE KEY-----"));
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::ES256),
            &serde_json::json!({"exp": 1}),
            &a.encoding,
        )
        .unwrap();
        let key = jsonwebtoken::DecodingKey::from_jwk(&b.public_jwk).unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::ES256);
        validation.validate_exp = false;
        jsonwebtoken::decode::<serde_json::Value>(&token, &key, &validation).unwrap();
        assert!(!format!("{a:?}").contains("PRIVATE"));
    }
}
