//! Signing keys and compact JWS creation: the [`Signer`] port, the default [`KeySigner`], and the
//! JWT claims this crate signs (client assertions, request objects, JWT-bearer grants).
//!
//! No OpenID Connect crate creates `private_key_jwt` assertions; the JWS is assembled here (header and claims as JSON, base64url without padding) and the signature is
//! produced by a [`Signer`], so an HSM or KMS can hold the key. [`KeySigner`] signs with
//! `jsonwebtoken`'s aws-lc backend, the workspace's one crypto provider.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use netid_core::ports::SecureRandom;
use serde::{Deserialize, Serialize};

use crate::error::{EnvironmentError, Error, UsageError};

mod key;

pub use key::{KeyError, KeyOptions, KeyType};

/// A JWS algorithm this crate signs with ([RFC 7518 §3.1]).
///
/// [RFC 7518 §3.1]: https://www.rfc-editor.org/rfc/rfc7518#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PSS with SHA-256.
    Ps256,
    /// ECDSA P-256 with SHA-256 (signature is `r || s`, 64 bytes).
    Es256,
}

impl SigningAlgorithm {
    /// The JOSE name (`RS256`, `PS256`, `ES256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Ps256 => "PS256",
            Self::Es256 => "ES256",
        }
    }

    pub(crate) fn to_jsonwebtoken(self) -> Algorithm {
        match self {
            Self::Rs256 => Algorithm::RS256,
            Self::Ps256 => Algorithm::PS256,
            Self::Es256 => Algorithm::ES256,
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a [`Signer`] could not sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SignError(pub String);

/// The signing-key port: signs JWS signing inputs with a private key it keeps to itself.
///
/// Implement it to keep the key in an HSM or a cloud KMS (as rustls' `SigningKey`). It is called synchronously from the sessions; an implementation that
/// talks to a remote KMS should be fast or cache.
pub trait Signer: Send + Sync + fmt::Debug {
    /// The algorithm of every signature this signer makes.
    fn algorithm(&self) -> SigningAlgorithm;
    /// The `kid` to put in JWS headers (the key's id in the JWKS registered with the operator).
    fn key_id(&self) -> Option<&str>;
    /// Signs `message` (the JWS signing input) and returns the raw JWS signature bytes.
    ///
    /// # Errors
    ///
    /// [`SignError`] when the key store fails.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// A [`Signer`] over an in-memory private key (RS256, PS256 or ES256), loaded from PEM or JWK
/// text with [`KeySigner::from_text`].
///
/// # Security
///
/// `jsonwebtoken`'s `EncodingKey` does not zeroize its copy of the key on drop; use an HSM-backed
/// [`Signer`] where that matters.
#[derive(Clone)]
pub struct KeySigner {
    algorithm: SigningAlgorithm,
    key_id: Option<String>,
    key: EncodingKey,
}

impl KeySigner {
    /// Loads a PEM private key (PKCS#8 for both key types, or PKCS#1 `RSA PRIVATE KEY`).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidKey`] when the PEM does not hold a key of the algorithm's family.
    pub fn from_pem(algorithm: SigningAlgorithm, pem: &[u8], key_id: Option<String>) -> Result<Self, Error> {
        let key = match algorithm {
            SigningAlgorithm::Rs256 | SigningAlgorithm::Ps256 => EncodingKey::from_rsa_pem(pem),
            SigningAlgorithm::Es256 => EncodingKey::from_ec_pem(pem),
        }
        .map_err(|err| UsageError::InvalidKey(format!("{algorithm} pem: {}", err.kind_name())))?;
        let signer = Self {
            algorithm,
            key_id,
            key,
        };
        // Sign once so a key of the wrong type fails here and not at the first request.
        signer
            .sign(b"probe")
            .map_err(|err| UsageError::InvalidKey(err.0))?;
        Ok(signer)
    }

    /// Loads a private JWK (`kty` `RSA` with `n`, `e`, `d`, `p`, `q`, `dp`, `dq`, `qi`; or `EC`
    /// `P-256` with `d`). An RSA JWK with `n`, `e` and `d` only is refused
    /// ([`KeyError::RsaWithoutPrimes`]): aws-lc signs with the CRT values.
    ///
    /// The algorithm is the JWK's `alg` when present, else `RS256` for RSA and `ES256` for EC;
    /// the `kid` is the JWK's `kid`. [`from_text`](Self::from_text) takes a PEM too and returns a
    /// typed [`KeyError`].
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidKey`] for a public, malformed or unsupported JWK.
    pub fn from_jwk(jwk: &str) -> Result<Self, Error> {
        if !jwk.trim_start().starts_with('{') {
            return Err(UsageError::InvalidKey("jwk: not a JSON JWK object".to_owned()).into());
        }
        Self::from_text(jwk, KeyOptions::new()).map_err(|err| UsageError::InvalidKey(err.to_string()).into())
    }
}

impl fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            algorithm,
            key_id,
            key: _,
        } = self;
        f.debug_struct("KeySigner")
            .field("algorithm", algorithm)
            .field("key_id", key_id)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl Signer for KeySigner {
    fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let encoded = jsonwebtoken::crypto::sign(message, &self.key, self.algorithm.to_jsonwebtoken())
            .map_err(|err| {
                SignError(format!(
                    "{} signature failed: {}",
                    self.algorithm,
                    err.kind_name()
                ))
            })?;
        URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| SignError("signature backend returned invalid base64url".to_owned()))
    }
}

trait KindName {
    fn kind_name(&self) -> String;
}

impl KindName for jsonwebtoken::errors::Error {
    fn kind_name(&self) -> String {
        // The jsonwebtoken error's Debug names the kind only (no key material).
        format!("{:?}", self.kind())
    }
}

/// A fresh JWT id: 128 random bits as 32 lowercase hex characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Jti(String);

impl Jti {
    /// A JWT id from 16 caller-supplied random bytes (sessions never draw randomness themselves).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(hex::encode(bytes))
    }

    /// Draws a JWT id from `random`.
    ///
    /// # Errors
    ///
    /// [`EnvironmentError::Random`] when the random source fails.
    pub fn generate(random: &dyn SecureRandom) -> Result<Self, Error> {
        let mut bytes = [0_u8; 16];
        random.fill(&mut bytes).map_err(|_| EnvironmentError::Random)?;
        Ok(Self::from_bytes(bytes))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Jti {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Jti({})", self.0)
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_seconds(time: SystemTime) -> Result<u64, Error> {
    time.duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .map_err(|_| EnvironmentError::Clock.into())
}

/// The JOSE header this crate writes.
#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
}

/// Signs `claims` into a compact JWS with `signer` and the given `typ` header.
///
/// # Errors
///
/// [`EnvironmentError::Signing`] when the signer fails.
pub(crate) fn sign_jwt<C: Serialize>(signer: &dyn Signer, typ: &str, claims: &C) -> Result<String, Error> {
    let header = Header {
        alg: signer.algorithm().as_str(),
        typ,
        kid: signer.key_id(),
    };
    let header = serde_json::to_vec(&header).map_err(|err| EnvironmentError::Signing(err.to_string()))?;
    let claims = serde_json::to_vec(claims).map_err(|err| EnvironmentError::Signing(err.to_string()))?;
    let mut jws = URL_SAFE_NO_PAD.encode(header);
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(claims));
    let signature = signer
        .sign(jws.as_bytes())
        .map_err(|err| EnvironmentError::Signing(err.0))?;
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(jws)
}

/// The claims of a `private_key_jwt` client assertion ([OIDC Core §9], [RFC 7523 §3]).
///
/// `Debug` prints `sub` only when it is the client id (`iss`): the subject of a JWT-bearer grant
/// (`tel:` number, `operatortoken:`) is personal data and prints `[redacted]`.
///
/// [OIDC Core §9]: https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
/// [RFC 7523 §3]: https://www.rfc-editor.org/rfc/rfc7523#section-3
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssertionClaims {
    /// The client id.
    pub iss: String,
    /// The client id (for client authentication) or the user (JWT-bearer grant).
    pub sub: String,
    /// The audience (endpoint URL or issuer).
    pub aud: String,
    /// Unique id; authorization servers refuse a replay.
    pub jti: String,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expiry (seconds since the epoch), at most 300 s after `iat` (CAMARA).
    pub exp: u64,
    /// The scope claim of a JWT-bearer grant (CAMARA 2.1); absent in client assertions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl fmt::Debug for AssertionClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            iss,
            sub,
            aud,
            jti,
            iat,
            exp,
            scope,
        } = self;
        // A client assertion's `sub` is the client id; anything else names a subscriber.
        let sub: &str = if sub == iss { sub } else { "[redacted]" };
        f.debug_struct("AssertionClaims")
            .field("iss", iss)
            .field("sub", &sub)
            .field("aud", aud)
            .field("jti", jti)
            .field("iat", iat)
            .field("exp", exp)
            .field("scope", scope)
            .finish()
    }
}

/// The longest client-assertion lifetime CAMARA allows.
pub const MAX_ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// The client-assertion form parameter type ([RFC 7523 §2.2]).
///
/// [RFC 7523 §2.2]: https://www.rfc-editor.org/rfc/rfc7523#section-2.2
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[cfg(test)]
mod tests;
