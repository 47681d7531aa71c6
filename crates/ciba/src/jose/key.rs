//! Private keys from text: [`KeySigner::from_text`] reads a PEM or a private JWK, finds the key
//! type in the key itself (PEM label, PKCS#8 algorithm OID, JWK `kty` and `crv`) and picks or
//! checks the algorithm, so callers never guess a key type by trying loaders in turn.

use std::fmt;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RsaKeyPair};
use jsonwebtoken::EncodingKey;
use pkcs8::der::pem;
use pkcs8::{ObjectIdentifier, PrivateKeyInfo};
use zeroize::Zeroizing;

use self::jwk::parse_jwk;
use super::{KeySigner, Signer as _, SigningAlgorithm};

/// `rsaEncryption` (RFC 8017 appendix C).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-ecPublicKey` (RFC 5480 §2.1.1).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `secp256r1`, also called P-256 or prime256v1 (RFC 5480 §2.1.1.1).
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// The family of a signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// An RSA key: signs RS256 (its default) and PS256.
    Rsa,
    /// An EC key on the P-256 curve: signs ES256.
    P256,
}

impl KeyType {
    /// The algorithm a key of this type signs with unless told otherwise.
    pub fn default_algorithm(self) -> SigningAlgorithm {
        match self {
            Self::Rsa => SigningAlgorithm::Rs256,
            Self::P256 => SigningAlgorithm::Es256,
        }
    }

    /// Whether a key of this type can sign with `algorithm`.
    pub fn signs(self, algorithm: SigningAlgorithm) -> bool {
        match self {
            Self::Rsa => matches!(algorithm, SigningAlgorithm::Rs256 | SigningAlgorithm::Ps256),
            Self::P256 => algorithm == SigningAlgorithm::Es256,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rsa => "an RSA",
            Self::P256 => "an EC P-256",
        })
    }
}

/// What [`KeySigner::from_text`] may be told besides the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyOptions {
    /// The algorithm; `None` takes the JWK's `alg`, else the key type's default (ES256 for P-256,
    /// RS256 for RSA). One the key cannot sign with is refused.
    pub algorithm: Option<SigningAlgorithm>,
    /// The `kid` of JWS headers; `None` takes the JWK's `kid`, if any.
    pub key_id: Option<String>,
}

impl KeyOptions {
    /// No override: the key decides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the algorithm.
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: SigningAlgorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// Sets the key id.
    #[must_use]
    pub fn with_key_id(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }
}

/// Why a key text gives no signer. The Display says what was expected and what was found, and
/// never quotes key material (only PEM labels, JWK `kty`/`crv`/`alg` names and OIDs, shortened).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is empty or blank.
    #[error("the key text is empty: expected a PEM private key or a private JWK")]
    Empty,
    /// Neither a PEM block nor a JSON object.
    #[error("not a key: expected a PEM block (`-----BEGIN …`) or a JSON Web Key object (`{{…}}`)")]
    NotAKey,
    /// A PEM block that cannot be decoded, or whose DER does not match its label.
    #[error("invalid PEM: {reason}")]
    InvalidPem {
        /// What is wrong.
        reason: String,
    },
    /// JSON that is not a usable JWK.
    #[error("invalid JWK: {reason}")]
    InvalidJwk {
        /// What is wrong.
        reason: String,
    },
    /// A certificate or public key: nothing to sign with.
    #[error("found {found}, which holds no private key: expected a private key")]
    PublicKeyOnly {
        /// What was found (`a CERTIFICATE PEM`, `an RSA JWK without \`d\``).
        found: String,
    },
    /// An encrypted private key; this loader takes unencrypted keys only.
    #[error("found an encrypted private key: expected an unencrypted one (decrypt it first)")]
    Encrypted,
    /// A private key of a type this crate does not sign with.
    #[error("unsupported key type {found}: expected an RSA or an EC P-256 private key")]
    UnsupportedKeyType {
        /// What was found (a PEM label, a PKCS#8 algorithm or curve OID, a JWK `kty` or `crv`).
        found: String,
    },
    /// An RSA JWK with `n`, `e` and `d` only: the signing backend (aws-lc) needs the primes and
    /// CRT values too, which RFC 7518 §6.3.2 has a producer write together.
    #[error(
        "an RSA JWK with only `n`, `e` and `d` cannot sign: expected its primes and CRT values too (`p`, `q`, `dp`, `dq`, `qi`)"
    )]
    RsaWithoutPrimes,
    /// The requested algorithm does not fit the key.
    #[error("{requested} cannot sign with {key_type} key (it signs {})", accepted(*key_type))]
    AlgorithmMismatch {
        /// The algorithm asked for.
        requested: SigningAlgorithm,
        /// The key's type.
        key_type: KeyType,
    },
}

fn accepted(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::Rsa => "RS256 or PS256",
        KeyType::P256 => "ES256",
    }
}

/// Keeps a value read from the input short and printable in an error message.
fn short(value: &str) -> String {
    let mut out: String = value.chars().filter(|c| !c.is_control()).take(40).collect();
    if value.chars().count() > 40 {
        out.push('…');
    }
    out
}

impl KeySigner {
    /// A signer from a key's text: a PEM private key (PKCS#8 RSA or P-256, PKCS#1
    /// `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`) or a private JWK (`kty` `RSA` with its primes and
    /// CRT values, or `EC` on `P-256`). RSA keys are 2048 to 8192 bits (what aws-lc signs with).
    ///
    /// The key type comes from the key itself; the algorithm is `options.algorithm`, else the
    /// JWK's `alg`, else ES256 for P-256 and RS256 for RSA. The `kid` is `options.key_id`, else
    /// the JWK's `kid`.
    ///
    /// # Errors
    ///
    /// A [`KeyError`] naming what was expected and what was found.
    pub fn from_text(text: &str, options: KeyOptions) -> Result<Self, KeyError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(KeyError::Empty);
        }
        let parsed = if trimmed.starts_with('{') {
            parse_jwk(trimmed)?
        } else if trimmed.contains("-----BEGIN ") {
            parse_pem(trimmed)?
        } else {
            return Err(KeyError::NotAKey);
        };
        let algorithm = match options.algorithm.or(parsed.algorithm) {
            Some(requested) if !parsed.key_type.signs(requested) => {
                return Err(KeyError::AlgorithmMismatch {
                    requested,
                    key_type: parsed.key_type,
                });
            }
            Some(algorithm) => algorithm,
            None => parsed.key_type.default_algorithm(),
        };
        let signer = Self {
            algorithm,
            key_id: options.key_id.or(parsed.key_id),
            key: parsed.key,
        };
        // The key was decoded and matches the algorithm; a probe signature makes sure that what
        // `jsonwebtoken` was handed also signs, here rather than at the first request.
        signer.sign(b"probe").map_err(|_| KeyError::InvalidPem {
            reason: "the decoded key does not sign".to_owned(),
        })?;
        Ok(signer)
    }
}

/// A decoded private key and what it says about itself.
struct Parsed {
    key_type: KeyType,
    key: EncodingKey,
    algorithm: Option<SigningAlgorithm>,
    key_id: Option<String>,
}

impl Parsed {
    /// An RSA key from its PKCS#1 `RSAPrivateKey` DER (the form `jsonwebtoken`'s aws-lc backend
    /// signs with), which the caller had aws-lc check.
    fn rsa(pkcs1: &[u8]) -> Self {
        Self {
            key_type: KeyType::Rsa,
            key: EncodingKey::from_rsa_der(pkcs1),
            algorithm: None,
            key_id: None,
        }
    }

    fn p256(key: &EcdsaKeyPair) -> Result<Self, KeyError> {
        // jsonwebtoken's EC loader takes PKCS#8 DER whatever form the key came in.
        let der = key.to_pkcs8v1().map_err(|_| KeyError::InvalidPem {
            reason: "the P-256 key cannot be re-encoded".to_owned(),
        })?;
        Ok(Self {
            key_type: KeyType::P256,
            key: EncodingKey::from_ec_der(der.as_ref()),
            algorithm: None,
            key_id: None,
        })
    }
}

/// The PKCS#1 `RSAPrivateKey` a PKCS#8 `PrivateKeyInfo` of algorithm `rsaEncryption` wraps.
fn pkcs1_of_pkcs8(pkcs8: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    PrivateKeyInfo::try_from(pkcs8)
        .ok()
        .map(|info| Zeroizing::new(info.private_key.to_vec()))
}

/// The first PEM block that is not `EC PARAMETERS` (which `openssl ecparam -genkey` writes
/// before the key).
fn pem_block(text: &str) -> Result<(String, Zeroizing<Vec<u8>>), KeyError> {
    let invalid = |reason: &str| KeyError::InvalidPem {
        reason: reason.to_owned(),
    };
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = &rest[start..];
        let label_end = block["-----BEGIN ".len()..]
            .find("-----")
            .ok_or_else(|| invalid("a BEGIN line without its closing dashes"))?;
        let label = &block["-----BEGIN ".len().."-----BEGIN ".len() + label_end];
        let end_line = format!("-----END {label}-----");
        let end = block
            .find(&end_line)
            .ok_or_else(|| invalid("no END line matching the BEGIN line"))?;
        let block_text = &block[..end + end_line.len()];
        rest = &block[end + end_line.len()..];
        if label == "EC PARAMETERS" {
            continue;
        }
        let (label, der) = pem::decode_vec(block_text.as_bytes())
            .map_err(|_| invalid("the base64 body of the PEM block cannot be decoded"))?;
        return Ok((label.to_owned(), Zeroizing::new(der)));
    }
    Err(invalid("no PEM block other than EC PARAMETERS"))
}

fn parse_pem(text: &str) -> Result<Parsed, KeyError> {
    let (label, der) = pem_block(text)?;
    let invalid = |what: &str| KeyError::InvalidPem {
        reason: format!("the {label} block does not hold a valid {what}"),
    };
    match label.as_str() {
        "PRIVATE KEY" => {
            let info = PrivateKeyInfo::try_from(der.as_slice()).map_err(|_| invalid("PKCS#8 key"))?;
            let oid = info.algorithm.oid;
            if oid == RSA_ENCRYPTION {
                RsaKeyPair::from_pkcs8(&der).map_err(|_| invalid("RSA key"))?;
                let pkcs1 = pkcs1_of_pkcs8(&der).ok_or_else(|| invalid("RSA key"))?;
                Ok(Parsed::rsa(&pkcs1))
            } else if oid == EC_PUBLIC_KEY {
                match info.algorithm.parameters_oid() {
                    Ok(curve) if curve == SECP256R1 => {
                        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
                            .map_err(|_| invalid("P-256 key"))?;
                        Parsed::p256(&key)
                    }
                    Ok(curve) => Err(KeyError::UnsupportedKeyType {
                        found: format!("EC on curve {curve}"),
                    }),
                    Err(_) => Err(invalid("EC key with a named curve")),
                }
            } else {
                Err(KeyError::UnsupportedKeyType {
                    found: format!("PKCS#8 algorithm {oid}"),
                })
            }
        }
        "RSA PRIVATE KEY" => {
            RsaKeyPair::from_der(&der).map_err(|_| invalid("PKCS#1 RSA key"))?;
            Ok(Parsed::rsa(&der))
        }
        "EC PRIVATE KEY" => {
            // SEC1 names its curve in the key's parameters; aws-lc refuses another curve.
            let key = EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
                .map_err(|_| invalid("SEC1 P-256 key"))?;
            Parsed::p256(&key)
        }
        "ENCRYPTED PRIVATE KEY" => Err(KeyError::Encrypted),
        "CERTIFICATE" | "PUBLIC KEY" | "RSA PUBLIC KEY" | "EC PUBLIC KEY" | "TRUSTED CERTIFICATE" => {
            Err(KeyError::PublicKeyOnly {
                found: format!("a {label} PEM"),
            })
        }
        other => Err(KeyError::UnsupportedKeyType {
            found: format!("PEM {}", short(other)),
        }),
    }
}

mod jwk;

#[cfg(test)]
mod tests;
