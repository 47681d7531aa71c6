//! XML Encryption of the signed Assertion for a service provider that registered an encryption
//! certificate: a fresh AES session key encrypts the Assertion (`EncryptedData`, Type Element),
//! and RSA-OAEP wraps the key for the SP (`EncryptedKey` inside the `ds:KeyInfo`), the layout
//! `xmlsec1 --encrypt` and most IdPs produce. The ciphers are AWS-LC's (`aws-lc-rs`).
//!
//! The session key and the IVs come from the server's [`SecureRandom`] port; the OAEP seed comes
//! from AWS-LC's own generator, since `aws-lc-rs` takes no generator for RSA encryption.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{self as block, EncryptionContext, PaddedBlockEncryptingKey, UnboundCipherKey};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepPublicEncryptingKey, PublicEncryptingKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_core::ports::SecureRandom;
use zeroize::Zeroizing;

use crate::registration::{SamlDataEncryption, SamlKeyTransport, SpEncryption};

const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
const AES_BLOCK: usize = 16;
const GCM_IV: usize = 12;

/// Why an assertion could not be encrypted (a server fault: the SP's key was checked when it was
/// registered).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EncryptError {
    /// The random source failed.
    #[error("the random source failed")]
    Random,
    /// A cipher refused its input (key or IV length).
    #[error("the {0} cipher refused its input")]
    Cipher(&'static str),
}

impl SamlDataEncryption {
    fn uri(self) -> String {
        match self {
            Self::Aes128Gcm => format!("{XENC11}aes128-gcm"),
            Self::Aes256Gcm => format!("{XENC11}aes256-gcm"),
            Self::Aes128Cbc => format!("{XENC}aes128-cbc"),
            Self::Aes256Cbc => format!("{XENC}aes256-cbc"),
        }
    }

    fn key_len(self) -> usize {
        match self {
            Self::Aes128Gcm | Self::Aes128Cbc => 16,
            Self::Aes256Gcm | Self::Aes256Cbc => 32,
        }
    }
}

/// `<saml:EncryptedAssertion>` holding `assertion` (a complete, already signed `saml:Assertion`
/// element that declares every namespace it uses) encrypted for `sp`.
pub(crate) fn encrypted_assertion(
    assertion: &str,
    sp: &SpEncryption,
    rng: &dyn SecureRandom,
) -> Result<String, EncryptError> {
    let data = sp.algorithms.data;
    let mut session = Zeroizing::new(vec![0u8; data.key_len()]);
    rng.fill(&mut session).map_err(|_| EncryptError::Random)?;
    let ciphertext = seal(data, &session, assertion.as_bytes(), rng)?;
    let (transport_uri, transport_params, wrapped) =
        wrap_key(&sp.public_key, sp.algorithms.key_transport, &session)?;
    Ok(format!(
        concat!(
            r#"<saml:EncryptedAssertion>"#,
            r#"<xenc:EncryptedData xmlns:xenc="{xenc}" Type="{xenc}Element">"#,
            r#"<xenc:EncryptionMethod Algorithm="{data}"/>"#,
            r#"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>"#,
            r#"<xenc:EncryptionMethod Algorithm="{transport}">{params}</xenc:EncryptionMethod>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{key}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedKey></ds:KeyInfo>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{value}</xenc:CipherValue></xenc:CipherData>"#,
            r#"</xenc:EncryptedData></saml:EncryptedAssertion>"#,
        ),
        xenc = XENC,
        data = data.uri(),
        transport = transport_uri,
        params = transport_params,
        key = STANDARD.encode(wrapped),
        value = STANDARD.encode(ciphertext),
    ))
}

/// IV, then ciphertext (and, for GCM, the tag), as XML Encryption lays out a `CipherValue`.
fn seal(
    data: SamlDataEncryption,
    key: &[u8],
    plain: &[u8],
    rng: &dyn SecureRandom,
) -> Result<Vec<u8>, EncryptError> {
    fn gcm(
        algorithm: &'static aead::Algorithm,
        key: &[u8],
        plain: &[u8],
        rng: &dyn SecureRandom,
    ) -> Result<Vec<u8>, EncryptError> {
        let mut iv = [0u8; GCM_IV];
        rng.fill(&mut iv).map_err(|_| EncryptError::Random)?;
        let cipher =
            LessSafeKey::new(UnboundKey::new(algorithm, key).map_err(|_| EncryptError::Cipher("AES-GCM"))?);
        let mut sealed = plain.to_vec();
        cipher
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(iv), Aad::empty(), &mut sealed)
            .map_err(|_| EncryptError::Cipher("AES-GCM"))?;
        Ok([&iv[..], &sealed].concat())
    }
    fn cbc(
        algorithm: &'static block::Algorithm,
        key: &[u8],
        plain: &[u8],
        rng: &dyn SecureRandom,
    ) -> Result<Vec<u8>, EncryptError> {
        let mut iv = [0u8; AES_BLOCK];
        rng.fill(&mut iv).map_err(|_| EncryptError::Random)?;
        // PKCS#7 padding is one instance of XML Encryption's (any octets, then their count).
        let cipher = UnboundCipherKey::new(algorithm, key)
            .and_then(PaddedBlockEncryptingKey::cbc_pkcs7)
            .map_err(|_| EncryptError::Cipher("AES-CBC"))?;
        let mut sealed = plain.to_vec();
        cipher
            .less_safe_encrypt(&mut sealed, EncryptionContext::Iv128(FixedLength::from(&iv)))
            .map_err(|_| EncryptError::Cipher("AES-CBC"))?;
        Ok([&iv[..], &sealed].concat())
    }
    match data {
        SamlDataEncryption::Aes128Gcm => gcm(&aead::AES_128_GCM, key, plain, rng),
        SamlDataEncryption::Aes256Gcm => gcm(&aead::AES_256_GCM, key, plain, rng),
        SamlDataEncryption::Aes128Cbc => cbc(&block::AES_128, key, plain, rng),
        SamlDataEncryption::Aes256Cbc => cbc(&block::AES_256, key, plain, rng),
    }
}

/// The key transport's URI, its `EncryptionMethod` children, and the wrapped session key.
fn wrap_key(
    public_key: &[u8],
    transport: SamlKeyTransport,
    session: &[u8],
) -> Result<(String, &'static str, Vec<u8>), EncryptError> {
    let (uri, params, algorithm) = match transport {
        SamlKeyTransport::RsaOaepMgf1p => (
            format!("{XENC}rsa-oaep-mgf1p"),
            r#"<ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>"#,
            &OAEP_SHA1_MGF1SHA1,
        ),
        SamlKeyTransport::RsaOaep => (
            format!("{XENC11}rsa-oaep"),
            concat!(
                r#"<ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
                r#"<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/>"#
            ),
            &OAEP_SHA256_MGF1SHA256,
        ),
    };
    let key = PublicEncryptingKey::from_der(public_key)
        .and_then(|key| OaepPublicEncryptingKey::new(key).map_err(Into::into))
        .map_err(|_| EncryptError::Cipher("RSA-OAEP"))?;
    let mut wrapped = vec![0u8; key.ciphertext_size()];
    let len = key
        .encrypt(algorithm, session, &mut wrapped, None)
        .map_err(|_| EncryptError::Cipher("RSA-OAEP"))?
        .len();
    wrapped.truncate(len);
    Ok((uri, params, wrapped))
}

#[cfg(test)]
mod tests {
    use netid_core::ports::{OsRandom, RandomError};

    use super::*;

    #[derive(Debug)]
    struct Broken;

    impl SecureRandom for Broken {
        fn fill(&self, _: &mut [u8]) -> Result<(), RandomError> {
            Err(RandomError(String::from("no entropy")))
        }
    }

    #[test]
    fn ciphertext_lengths_follow_the_algorithm() {
        let plain = b"<saml:Assertion/>";
        // (algorithm, IV + ciphertext (+ tag) length, cipher named on a wrong key length)
        for (data, expected, cipher) in [
            (
                SamlDataEncryption::Aes128Gcm,
                GCM_IV + plain.len() + 16,
                "AES-GCM",
            ),
            (
                SamlDataEncryption::Aes256Gcm,
                GCM_IV + plain.len() + 16,
                "AES-GCM",
            ),
            (SamlDataEncryption::Aes128Cbc, AES_BLOCK + 32, "AES-CBC"),
            (SamlDataEncryption::Aes256Cbc, AES_BLOCK + 32, "AES-CBC"),
        ] {
            let key = vec![1u8; data.key_len()];
            let sealed = seal(data, &key, plain, &OsRandom).unwrap();
            assert_eq!(sealed.len(), expected, "{data:?}");
            let wrong_key = seal(data, &key[1..], plain, &OsRandom).map(|_| ());
            assert_eq!(wrong_key, Err(EncryptError::Cipher(cipher)), "{data:?}");
            assert_eq!(
                seal(data, &key, plain, &Broken).map(|_| ()),
                Err(EncryptError::Random),
                "{data:?}"
            );
        }
    }
}
