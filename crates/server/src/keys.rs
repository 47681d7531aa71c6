//! ES256 key pairs: the server's signing key and the demo client's key, generated at start from
//! the injected random source, or, when the configuration gives the signing key (several processes
//! acting as one operator), read from it and derived from it.

use std::fmt;

use aws_lc_rs::digest;
use aws_lc_rs::encoding::{AsBigEndian as _, AsDer as _};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey};
use netid_core::ports::SecureRandom;
use netid_core::secret::Secret;
use pkcs8::der::pem::{self, LineEnding};
use zeroize::Zeroizing;

use crate::error::ServerError;

/// An ES256 (P-256) key pair: private half for signing, public half as a JWK.
pub(crate) struct Es256KeyPair {
    pub(crate) kid: String,
    pub(crate) encoding: EncodingKey,
    pub(crate) public_jwk: Jwk,
    pkcs8_pem: Secret<String>,
    /// SubjectPublicKeyInfo PEM of the public half.
    public_pem: String,
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
        for _ in 0..8 {
            let mut bytes = Zeroizing::new([0u8; 32]);
            rng.fill(bytes.as_mut())?;
            if let Some(key) = key_pair_of_scalar(&bytes) {
                return Self::from_key_pair(&key);
            }
        }
        Err(ServerError::Key(String::from(
            "random source gave no valid P-256 scalar",
        )))
    }

    /// A P-256 private key in PEM, PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), as
    /// `openssl ecparam -name prime256v1 -genkey` writes it. The error names the form, never the key.
    pub(crate) fn from_pem(pem: &str) -> Result<Self, ServerError> {
        let key = pem::decode_vec(pem.trim().as_bytes())
            .ok()
            .and_then(|(label, der)| {
                let der = Zeroizing::new(der);
                match label {
                    "EC PRIVATE KEY" | "PRIVATE KEY" => {
                        // aws-lc reads SEC1 and PKCS#8 alike and checks the curve and the point.
                        EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &der).ok()
                    }
                    _ => None,
                }
            })
            .ok_or_else(|| {
                ServerError::Key(String::from(
                    "the signing key is not a P-256 private key in PEM (PRIVATE KEY or EC PRIVATE KEY)",
                ))
            })?;
        Self::from_key_pair(&key)
    }

    /// A key derived from `seed` (SHA-256 with a counter until the scalar is in range), so every
    /// process given the same seed holds the same key.
    pub(crate) fn derive(seed: &[u8; 32]) -> Result<Self, ServerError> {
        for counter in 0u8..8 {
            let mut hash = digest::Context::new(&digest::SHA256);
            hash.update(seed);
            hash.update(&[counter]);
            let bytes = Zeroizing::new(sha256_bytes(hash.finish()));
            if let Some(key) = key_pair_of_scalar(&bytes) {
                return Self::from_key_pair(&key);
            }
        }
        Err(ServerError::Key(String::from("no valid P-256 scalar derived")))
    }

    /// 32 bytes derived from the private key for `label`: secret (whoever does not hold the key
    /// cannot compute them) and the same in every process holding the key.
    pub(crate) fn derive_seed(&self, label: &[u8]) -> [u8; 32] {
        let mut hash = digest::Context::new(&digest::SHA256);
        hash.update(label);
        hash.update(&[0]);
        // The PEM's bytes, as before the move to aws-lc: a derived seed must not change with it.
        hash.update(self.pkcs8_pem.expose_secret().as_bytes());
        sha256_bytes(hash.finish())
    }

    fn from_key_pair(key: &EcdsaKeyPair) -> Result<Self, ServerError> {
        let unencodable = || ServerError::Key(String::from("the P-256 key cannot be encoded"));
        // aws-lc writes a key read without its public point (a bare scalar, some PEMs) without it
        // too; rebuilt from both halves, every key encodes with it, as the RustCrypto build wrote
        // them, so the PEM (and the seeds derived from it) stay the same.
        let scalar = key.private_key().as_be_bytes().map_err(|_| unencodable())?;
        let key = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            scalar.as_ref(),
            key.public_key().as_ref(),
        )
        .map_err(|_| unencodable())?;
        let der = key.to_pkcs8v1().map_err(|_| unencodable())?;
        let pem = Zeroizing::new(
            pem::encode_string("PRIVATE KEY", LineEnding::LF, der.as_ref()).map_err(|_| unencodable())?,
        );
        let public_der = key.public_key().as_der().map_err(|_| unencodable())?;
        let public_pem = pem::encode_string("PUBLIC KEY", LineEnding::LF, public_der.as_ref())
            .map_err(|_| unencodable())?;
        let encoding = EncodingKey::from_ec_der(der.as_ref());
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
            public_pem,
        })
    }

    pub(crate) fn pkcs8_pem(&self) -> &str {
        self.pkcs8_pem.expose_secret()
    }
}

/// The 32 bytes of a SHA-256 digest.
fn sha256_bytes(digest: digest::Digest) -> [u8; 32] {
    // A SHA-256 digest is 32 bytes; this cannot fail.
    <[u8; 32]>::try_from(digest.as_ref()).unwrap_or_else(|_| unreachable!())
}

/// `ECPrivateKey` (RFC 5915) on `prime256v1` up to its private key, whose 32 bytes follow; the
/// public key is left out and aws-lc computes it.
const SEC1_P256_PREFIX: [u8; 7] = [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
/// The `[0] parameters` of that `ECPrivateKey`: the named curve `prime256v1`.
const SEC1_P256_CURVE: [u8; 12] = [
    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
];

/// The key pair of a raw big-endian P-256 scalar; `None` when it is zero or not below the group
/// order (aws-lc refuses those), so callers retry with other bytes.
fn key_pair_of_scalar(scalar: &[u8; 32]) -> Option<EcdsaKeyPair> {
    let mut sec1 = Zeroizing::new(Vec::with_capacity(
        SEC1_P256_PREFIX.len() + 32 + SEC1_P256_CURVE.len(),
    ));
    sec1.extend_from_slice(&SEC1_P256_PREFIX);
    sec1.extend_from_slice(scalar);
    sec1.extend_from_slice(&SEC1_P256_CURVE);
    EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &sec1).ok()
}

/// The SubjectPublicKeyInfo PEM of the P-256 key of `scalar`, for tests that need a public key
/// of a fixed shape.
#[cfg(test)]
pub(crate) fn test_public_key_pem(scalar: [u8; 32]) -> String {
    let key = key_pair_of_scalar(&scalar).expect("a valid P-256 scalar");
    Es256KeyPair::from_key_pair(&key).expect("encodes").public_pem
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
        self.key.public_pem.clone()
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

    /// What the RustCrypto build (`p256` 0.13) wrote for the scalar `[7; 32]`, before the move to
    /// aws-lc: a configured key must keep its `kid`, JWK and derived seeds.
    const PKCS8_7: &str = concat!(
        "-----BEGIN PRIVATE KEY-----\n",
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBwcHBwcHBwcHBwcH\n",
        "BwcHBwcHBwcHBwcHBwcHBwcHBwehRANCAAQeGFMv1HVMAvMEHZx1zrM7g//YGsfO\n",
        "T+iCzLHJi8WJbqRsMRxOL/QN2Wo2U+bkVEXTLf5Ibs7XXHqQxqGIgcCj\n",
        "-----END PRIVATE KEY-----\n",
    );
    const SEC1_7: &str = concat!(
        "-----BEGIN EC PRIVATE KEY-----\n",
        "MGsCAQEEIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHoUQDQgAEHhhT\n",
        "L9R1TALzBB2cdc6zO4P/2BrHzk/ogsyxyYvFiW6kbDEcTi/0DdlqNlPm5FRF0y3+\n",
        "SG7O11x6kMahiIHAow==\n",
        "-----END EC PRIVATE KEY-----\n",
    );
    const SPKI_7: &str = concat!(
        "-----BEGIN PUBLIC KEY-----\n",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHhhTL9R1TALzBB2cdc6zO4P/2BrH\n",
        "zk/ogsyxyYvFiW6kbDEcTi/0DdlqNlPm5FRF0y3+SG7O11x6kMahiIHAow==\n",
        "-----END PUBLIC KEY-----\n",
    );

    #[test]
    fn keys_are_encoded_and_derived_as_the_rustcrypto_build_did() {
        let key = key_pair_of_scalar(&[7; 32]).unwrap();
        let pair = Es256KeyPair::from_key_pair(&key).unwrap();
        assert_eq!(pair.pkcs8_pem(), PKCS8_7);
        assert_eq!(pair.public_pem, SPKI_7);
        assert_eq!(pair.kid, "gWjt7nmB1udyFpLYVp0SxJnI8lJEvl7q8AFYZRqnGV8");
        assert_eq!(
            serde_json::to_value(&pair.public_jwk).unwrap(),
            serde_json::json!({
                "use": "sig",
                "alg": "ES256",
                "kid": "gWjt7nmB1udyFpLYVp0SxJnI8lJEvl7q8AFYZRqnGV8",
                "kty": "EC",
                "crv": "P-256",
                "x": "HhhTL9R1TALzBB2cdc6zO4P_2BrHzk_ogsyxyYvFiW4",
                "y": "pGwxHE4v9A3ZajZT5uRURdMt_khuztdcepDGoYiBwKM",
            })
        );
        assert_eq!(
            hex::encode(pair.derive_seed(b"label")),
            "58425f62372d1598635bf070d366e5b90f179c5e4a0adfd4fb70d208b377466f"
        );
        assert_eq!(
            Es256KeyPair::derive(&[9; 32]).unwrap().kid,
            "m0oc0KwrcVNGrXGqfLCQUry31yB5aLQnpx6L1Dej-XQ"
        );
        assert_eq!(
            Es256KeyPair::generate(&SeededRandom::new(1)).unwrap().kid,
            "7gw4G3vVHpMcsBZ9xo6tRNR4y-ixQ4IE16UlLZvz-nc"
        );
    }

    #[test]
    fn scalars_out_of_range_give_no_key() {
        // n - 1, the largest P-256 scalar.
        let mut scalar: [u8; 32] =
            hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550")
                .unwrap()
                .try_into()
                .unwrap();
        assert!(key_pair_of_scalar(&scalar).is_some());
        scalar[31] += 1;
        assert!(key_pair_of_scalar(&scalar).is_none(), "n");
        assert!(key_pair_of_scalar(&[0; 32]).is_none());
        assert!(key_pair_of_scalar(&[0xff; 32]).is_none());
    }

    #[test]
    fn a_sec1_key_is_read_and_garbage_is_refused_without_echo() {
        let key = Es256KeyPair::from_pem(SEC1_7).unwrap();
        assert_eq!(key.kid, Es256KeyPair::from_pem(PKCS8_7).unwrap().kid);
        assert_eq!(key.pkcs8_pem(), PKCS8_7);
        let error =
            Es256KeyPair::from_pem("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----")
                .err()
                .unwrap()
                .to_string();
        assert!(!error.contains("c2VjcmV0"), "{error}");
    }
}
