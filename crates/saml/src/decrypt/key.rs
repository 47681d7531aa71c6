//! The SP's RSA decryption keys, read from PEM and never shown.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa_next::RsaPrivateKey;
use rsa_next::pkcs1::DecodeRsaPrivateKey as _;
use rsa_next::pkcs8::DecodePrivateKey as _;
use zeroize::Zeroizing;

use crate::error::Error;

/// An SP private key that decrypts `EncryptedAssertion`, `EncryptedID` and `EncryptedAttribute`
/// elements (RSA, 2048 bits or more advised).
///
/// Give the verifier several during a rollover: each is tried in turn.
#[derive(Clone)]
pub struct DecryptionKey {
    pub(super) key: RsaPrivateKey,
}

impl DecryptionKey {
    /// Reads a PEM private key: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when no such block is found or it is not an RSA private key.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let text = std::str::from_utf8(pem).map_err(|_| Error::config("the key PEM is not UTF-8"))?;
        for (label, pkcs8) in [("PRIVATE KEY", true), ("RSA PRIVATE KEY", false)] {
            let begin = format!("-----BEGIN {label}-----");
            let end = format!("-----END {label}-----");
            let body: Zeroizing<String> = Zeroizing::new(
                text.lines()
                    .skip_while(|l| l.trim() != begin)
                    .skip(1)
                    .take_while(|l| l.trim() != end)
                    .collect(),
            );
            if body.is_empty() {
                continue;
            }
            let der = Zeroizing::new(
                STANDARD
                    .decode(body.trim())
                    .map_err(|_| Error::config("the key PEM body is not Base64"))?,
            );
            let key = if pkcs8 {
                RsaPrivateKey::from_pkcs8_der(&der)
                    .map_err(|_| Error::config("the PKCS#8 key is not an RSA private key"))?
            } else {
                RsaPrivateKey::from_pkcs1_der(&der)
                    .map_err(|_| Error::config("the PKCS#1 RSA private key does not parse"))?
            };
            return Ok(Self { key });
        }
        Err(Error::config("no PEM PRIVATE KEY or RSA PRIVATE KEY block found"))
    }
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { key: _ } = self;
        f.write_str("DecryptionKey([redacted])")
    }
}
