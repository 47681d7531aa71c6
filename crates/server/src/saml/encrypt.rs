//! XML Encryption of the signed Assertion for a service provider that registered an encryption
//! certificate: a fresh AES session key encrypts the Assertion (`EncryptedData`, Type Element),
//! and RSA-OAEP wraps the key for the SP (`EncryptedKey` inside the `ds:KeyInfo`), the layout
//! `xmlsec1 --encrypt` and most IdPs produce.
//!
//! Every random octet (session key, IV, OAEP seed) comes from the server's [`SecureRandom`] port.

use aes::{Aes128, Aes256};
use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeEncrypt as _, KeyIvInit};
use netid_core::ports::SecureRandom;
use rsa_next::rand_core::{TryCryptoRng, TryRng};
use rsa_next::{Oaep, RsaPublicKey};
use sha1::Sha1;
use sha2_next::Sha256;
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
        wrap_key(&sp.public_key, sp.algorithms.key_transport, &session, rng)?;
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
    fn gcm<C: KeyInit + Aead + AeadCore<NonceSize = U12>>(
        key: &[u8],
        plain: &[u8],
        rng: &dyn SecureRandom,
    ) -> Result<Vec<u8>, EncryptError> {
        let mut iv = [0u8; GCM_IV];
        rng.fill(&mut iv).map_err(|_| EncryptError::Random)?;
        let cipher = C::new_from_slice(key).map_err(|_| EncryptError::Cipher("AES-GCM"))?;
        let nonce = <&Nonce<C>>::try_from(&iv[..]).map_err(|_| EncryptError::Cipher("AES-GCM"))?;
        let sealed = cipher
            .encrypt(nonce, plain)
            .map_err(|_| EncryptError::Cipher("AES-GCM"))?;
        Ok([&iv[..], &sealed].concat())
    }
    fn cbc<C>(key: &[u8], plain: &[u8], rng: &dyn SecureRandom) -> Result<Vec<u8>, EncryptError>
    where
        cbc::Encryptor<C>: KeyIvInit,
        C: cbc::cipher::BlockCipherEncrypt,
    {
        let mut iv = [0u8; AES_BLOCK];
        rng.fill(&mut iv).map_err(|_| EncryptError::Random)?;
        // PKCS#7 padding is one instance of XML Encryption's (any octets, then their count).
        let encryptor =
            cbc::Encryptor::<C>::new_from_slices(key, &iv).map_err(|_| EncryptError::Cipher("AES-CBC"))?;
        let sealed = encryptor.encrypt_padded_vec::<Pkcs7>(plain);
        Ok([&iv[..], &sealed].concat())
    }
    match data {
        SamlDataEncryption::Aes128Gcm => gcm::<AesGcm<Aes128, U12>>(key, plain, rng),
        SamlDataEncryption::Aes256Gcm => gcm::<AesGcm<Aes256, U12>>(key, plain, rng),
        SamlDataEncryption::Aes128Cbc => cbc::<Aes128>(key, plain, rng),
        SamlDataEncryption::Aes256Cbc => cbc::<Aes256>(key, plain, rng),
    }
}

/// The key transport's URI, its `EncryptionMethod` children, and the wrapped session key.
fn wrap_key(
    public_key: &RsaPublicKey,
    transport: SamlKeyTransport,
    session: &[u8],
    rng: &dyn SecureRandom,
) -> Result<(String, &'static str, Vec<u8>), EncryptError> {
    // OAEP needs one seed of the digest's length: 64 octets drawn up front cover both digests.
    let mut seed = PrefilledRng::new(rng)?;
    let (uri, params, wrapped) = match transport {
        SamlKeyTransport::RsaOaepMgf1p => (
            format!("{XENC}rsa-oaep-mgf1p"),
            r#"<ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>"#,
            public_key.encrypt(&mut seed, Oaep::<Sha1>::new(), session),
        ),
        SamlKeyTransport::RsaOaep => (
            format!("{XENC11}rsa-oaep"),
            concat!(
                r#"<ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
                r#"<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/>"#
            ),
            public_key.encrypt(&mut seed, Oaep::<Sha256, Sha256>::new_with_mgf_hash(), session),
        ),
    };
    if seed.exhausted {
        return Err(EncryptError::Random);
    }
    let wrapped = wrapped.map_err(|_| EncryptError::Cipher("RSA-OAEP"))?;
    Ok((uri, params, wrapped))
}

/// A `rand_core` generator over octets drawn from the [`SecureRandom`] port beforehand: the RSA
/// crate wants an infallible generator, the port can fail, so the failure is taken up front.
/// Should the RSA crate ever ask for more, the generator records it and the caller refuses the
/// result rather than use non-random octets.
struct PrefilledRng {
    octets: Zeroizing<[u8; 64]>,
    used: usize,
    exhausted: bool,
}

impl PrefilledRng {
    fn new(rng: &dyn SecureRandom) -> Result<Self, EncryptError> {
        let mut octets = Zeroizing::new([0u8; 64]);
        rng.fill(&mut octets[..]).map_err(|_| EncryptError::Random)?;
        Ok(Self {
            octets,
            used: 0,
            exhausted: false,
        })
    }
}

impl TryRng for PrefilledRng {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        match self.octets.get(self.used..self.used + dst.len()) {
            Some(src) => {
                dst.copy_from_slice(src);
                self.used += dst.len();
            }
            None => self.exhausted = true,
        }
        Ok(())
    }
}

impl TryCryptoRng for PrefilledRng {}

#[cfg(test)]
mod tests {
    use netid_core::ports::{OsRandom, RandomError};
    use netid_core::test_util::SeededRandom;

    use super::*;

    #[derive(Debug)]
    struct Broken;

    impl SecureRandom for Broken {
        fn fill(&self, _: &mut [u8]) -> Result<(), RandomError> {
            Err(RandomError(String::from("no entropy")))
        }
    }

    #[test]
    fn prefilled_rng_hands_out_the_port_octets_once_then_records_exhaustion() {
        let mut expected = [0u8; 64];
        SeededRandom::new(7).fill(&mut expected).unwrap();
        let mut rng = PrefilledRng::new(&SeededRandom::new(7)).unwrap();
        let (mut a, mut b) = ([0u8; 40], [0u8; 24]);
        rng.try_fill_bytes(&mut a).unwrap();
        rng.try_fill_bytes(&mut b).unwrap();
        assert_eq!([&a[..], &b[..]].concat(), expected);
        assert!(!rng.exhausted);
        rng.try_fill_bytes(&mut [0u8; 1]).unwrap();
        assert!(rng.exhausted);
        assert!(matches!(PrefilledRng::new(&Broken), Err(EncryptError::Random)));
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
