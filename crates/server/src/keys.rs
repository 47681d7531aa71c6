//! ES256 key pairs: the server's signing key and the demo client's key, generated at start from
//! the injected random source, or, when the configuration gives the signing key (several processes
//! acting as one operator), read from it and derived from it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey};
use netid_core::ports::SecureRandom;
use netid_core::secret::Secret;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use sha2::{Digest, Sha256};

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
        Self::from_secret(&secret)
    }

    /// A P-256 private key in PEM, PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), as
    /// `openssl ecparam -name prime256v1 -genkey` writes it. The error names the form, never the key.
    pub(crate) fn from_pem(pem: &str) -> Result<Self, ServerError> {
        use p256::pkcs8::DecodePrivateKey as _;
        let secret = if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
            p256::SecretKey::from_sec1_pem(pem).ok()
        } else {
            p256::SecretKey::from_pkcs8_pem(pem).ok()
        };
        let secret = secret.ok_or_else(|| {
            ServerError::Key(String::from(
                "the signing key is not a P-256 private key in PEM (PRIVATE KEY or EC PRIVATE KEY)",
            ))
        })?;
        Self::from_secret(&secret)
    }

    /// A key derived from `seed` (SHA-256 with a counter until the scalar is in range), so every
    /// process given the same seed holds the same key.
    pub(crate) fn derive(seed: &[u8; 32]) -> Result<Self, ServerError> {
        for counter in 0u8..8 {
            let bytes = zeroize::Zeroizing::new(<[u8; 32]>::from(
                Sha256::new()
                    .chain_update(seed)
                    .chain_update([counter])
                    .finalize(),
            ));
            if let Ok(secret) = p256::SecretKey::from_slice(bytes.as_ref()) {
                return Self::from_secret(&secret);
            }
        }
        Err(ServerError::Key(String::from("no valid P-256 scalar derived")))
    }

    /// 32 bytes derived from the private key for `label`: secret (whoever does not hold the key
    /// cannot compute them) and the same in every process holding the key.
    pub(crate) fn derive_seed(&self, label: &[u8]) -> [u8; 32] {
        Sha256::new()
            .chain_update(label)
            .chain_update([0])
            .chain_update(self.pkcs8_pem.expose_secret().as_bytes())
            .finalize()
            .into()
    }

    fn from_secret(secret: &p256::SecretKey) -> Result<Self, ServerError> {
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

    #[test]
    fn a_given_key_is_read_back_and_derives_the_same_keys() {
        let a = Es256KeyPair::generate(&SeededRandom::new(7)).unwrap();
        let read = Es256KeyPair::from_pem(a.pkcs8_pem()).unwrap();
        assert_eq!(read.kid, a.kid);
        let seed = read.derive_seed(b"label");
        assert_eq!(seed, a.derive_seed(b"label"));
        assert_ne!(seed, a.derive_seed(b"other label"));
        let (x, y) = (
            Es256KeyPair::derive(&seed).unwrap(),
            Es256KeyPair::derive(&seed).unwrap(),
        );
        assert_eq!(x.kid, y.kid);
        assert_ne!(x.kid, a.kid);
    }

    #[test]
    fn a_sec1_key_is_read_and_garbage_is_refused_without_echo() {
        let secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let sec1 = secret.to_sec1_pem(LineEnding::LF).unwrap();
        let key = Es256KeyPair::from_pem(&sec1).unwrap();
        assert_eq!(key.kid, Es256KeyPair::from_secret(&secret).unwrap().kid);
        let error =
            Es256KeyPair::from_pem("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----")
                .err()
                .unwrap()
                .to_string();
        assert!(!error.contains("c2VjcmV0"), "{error}");
    }
}
