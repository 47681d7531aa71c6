//! The SP's RSA decryption keys, read from PEM and never shown.

use std::fmt;

use aws_lc_rs::rsa::PrivateDecryptingKey;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::error::Error;

/// An SP private key that decrypts `EncryptedAssertion`, `EncryptedID` and `EncryptedAttribute`
/// elements (RSA, 2048 to 8192 bits: AWS-LC refuses other sizes).
///
/// Give the verifier several during a rollover: each is tried in turn.
#[derive(Clone)]
pub struct DecryptionKey {
    /// The key for AWS-LC: RSA-OAEP with one hash as digest and MGF1, and PKCS#1 v1.5.
    pub(crate) aws_lc: PrivateDecryptingKey,
    /// The same key for RustCrypto's `rsa`, for the RSA-OAEP variants `aws-lc-rs` does not offer
    /// (digest and MGF1 hash differ).
    #[cfg(feature = "legacy-rsa")]
    pub(super) mixed_oaep: rsa_next::RsaPrivateKey,
}

impl DecryptionKey {
    /// Reads a PEM private key: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when no such block is found, it is not an RSA private key, or AWS-LC
    /// refuses it (a modulus outside 2048 to 8192 bits, or inconsistent parameters).
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let text = std::str::from_utf8(pem).map_err(|_| Error::config("the key PEM is not UTF-8"))?;
        for (label, pkcs8) in [("PRIVATE KEY", true), ("RSA PRIVATE KEY", false)] {
            let body = crate::pkcs1::pem_body(text, label);
            if body.is_empty() {
                continue;
            }
            let der = Zeroizing::new(
                STANDARD
                    .decode(body.trim())
                    .map_err(|_| Error::config("the key PEM body is not Base64"))?,
            );
            // AWS-LC reads PKCS#8 only: a PKCS#1 key is re-encoded as PKCS#8 first.
            let der = if pkcs8 {
                der
            } else {
                crate::pkcs1::der_as_pkcs8(&der).ok_or_else(|| {
                    Error::config(
                        "the PKCS#1 RSA private key is refused (malformed, or not 2048 to 8192 bits)",
                    )
                })?
            };
            let aws_lc = PrivateDecryptingKey::from_pkcs8(&der).map_err(|_| {
                Error::config("the PKCS#8 key is refused: not an RSA private key, or not 2048 to 8192 bits")
            })?;
            return Ok(Self {
                aws_lc,
                #[cfg(feature = "legacy-rsa")]
                mixed_oaep: {
                    use rsa_next::pkcs8::DecodePrivateKey as _;
                    rsa_next::RsaPrivateKey::from_pkcs8_der(&der)
                        .map_err(|_| Error::config("the PKCS#8 key is not an RSA private key"))?
                },
            });
        }
        Err(Error::config("no PEM PRIVATE KEY or RSA PRIVATE KEY block found"))
    }
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DecryptionKey([redacted])")
    }
}
