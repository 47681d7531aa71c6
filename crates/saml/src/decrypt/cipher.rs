//! The cryptographic primitives of XML Encryption 1.1 that the SP accepts, over AWS-LC
//! (`aws-lc-rs`, the provider rustls already builds), and RustCrypto's `rsa` only for the RSA-OAEP
//! variants AWS-LC's API lacks (a digest and an MGF1 hash that differ).
//!
//! Every function here reports failure as a value (`None`, or a `Choice`) rather than an early
//! `Err`, so the caller can run the whole pipeline (key transport, decryption, padding check, XML
//! check) before deciding, and give one answer whatever failed.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    self as block, DecryptingKey, DecryptionContext, EncryptingKey, EncryptionContext, UnboundCipherKey,
};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, Pkcs1PrivateDecryptingKey,
};
use subtle::{Choice, ConditionallySelectable as _, ConstantTimeEq as _, ConstantTimeGreater as _};
use zeroize::Zeroizing;

use super::key::DecryptionKey;

const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
/// AES block size, also the CBC IV length.
const BLOCK: usize = 16;
/// GCM IV and tag lengths fixed by XML Encryption 1.1 §5.2.4.
const GCM_IV: usize = 12;
const GCM_TAG: usize = 16;

/// A block encryption algorithm accepted for `EncryptedData` (XML Encryption 1.1 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataAlgorithm {
    Aes128Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes192Gcm,
    Aes256Gcm,
}

impl DataAlgorithm {
    /// Every accepted algorithm with its URI, strongest first (the order SP metadata lists).
    pub(crate) const TABLE: [(DataAlgorithm, &'static str); 5] = [
        (Self::Aes256Gcm, "http://www.w3.org/2009/xmlenc11#aes256-gcm"),
        (Self::Aes192Gcm, "http://www.w3.org/2009/xmlenc11#aes192-gcm"),
        (Self::Aes128Gcm, "http://www.w3.org/2009/xmlenc11#aes128-gcm"),
        (Self::Aes256Cbc, "http://www.w3.org/2001/04/xmlenc#aes256-cbc"),
        (Self::Aes128Cbc, "http://www.w3.org/2001/04/xmlenc#aes128-cbc"),
    ];

    pub(crate) fn from_uri(uri: &str) -> Option<Self> {
        Self::TABLE.iter().find(|(_, u)| *u == uri).map(|(a, _)| *a)
    }

    /// The session key length in bytes.
    pub(crate) fn key_len(self) -> usize {
        match self {
            Self::Aes128Cbc | Self::Aes128Gcm => 16,
            Self::Aes192Gcm => 24,
            Self::Aes256Cbc | Self::Aes256Gcm => 32,
        }
    }

    /// Decrypts `data` (IV, ciphertext and, for GCM, tag) with `key`.
    ///
    /// Returns the plaintext and whether it is valid. CBC decrypts every block, then checks the
    /// XML Encryption padding (last octet `1..=16`, the others arbitrary) in constant time; an
    /// invalid padding still yields the whole decrypted buffer, for the caller's XML check to run
    /// on, so that neither the padding nor the XML decides when the answer comes.
    pub(crate) fn decrypt(self, key: &[u8], data: &[u8]) -> (Zeroizing<Vec<u8>>, Choice) {
        match self {
            Self::Aes128Cbc | Self::Aes256Cbc => cbc_decrypt(self.block_cipher(), key, data),
            Self::Aes128Gcm | Self::Aes192Gcm | Self::Aes256Gcm => gcm_decrypt(self.aead(), key, data),
        }
    }

    /// The AES variant of a CBC algorithm (AES-256 for the others, which never ask).
    fn block_cipher(self) -> &'static block::Algorithm {
        match self {
            Self::Aes128Cbc => &block::AES_128,
            _ => &block::AES_256,
        }
    }

    /// The AES-GCM variant of a GCM algorithm (AES-256-GCM for the others, which never ask).
    fn aead(self) -> &'static aead::Algorithm {
        match self {
            Self::Aes128Gcm => &aead::AES_128_GCM,
            Self::Aes192Gcm => &aead::AES_192_GCM,
            _ => &aead::AES_256_GCM,
        }
    }
}

/// Encrypts `plain` as an IdP would, with a fixed IV: for the fuzzing round trip and tests only
/// (a fixed IV is unsafe for real messages).
pub(crate) fn seal_with_fixed_iv(algorithm: DataAlgorithm, key: &[u8], plain: &[u8]) -> Option<Vec<u8>> {
    match algorithm {
        DataAlgorithm::Aes128Cbc | DataAlgorithm::Aes256Cbc => {
            let iv = [0x24u8; BLOCK];
            // XML Encryption padding: any octets, then the count (1..=16) as the last one.
            let pad = BLOCK - plain.len() % BLOCK;
            let mut buf = plain.to_vec();
            buf.extend(std::iter::repeat_n(0xa5, pad - 1));
            buf.push(u8::try_from(pad).ok()?);
            let cipher = UnboundCipherKey::new(algorithm.block_cipher(), key).ok()?;
            EncryptingKey::cbc(cipher)
                .ok()?
                .less_safe_encrypt(&mut buf, EncryptionContext::Iv128(FixedLength::from(&iv)))
                .ok()?;
            Some([&iv[..], &buf].concat())
        }
        DataAlgorithm::Aes128Gcm | DataAlgorithm::Aes192Gcm | DataAlgorithm::Aes256Gcm => {
            let iv = [0x42u8; GCM_IV];
            let cipher = LessSafeKey::new(UnboundKey::new(algorithm.aead(), key).ok()?);
            let mut buf = plain.to_vec();
            cipher
                .seal_in_place_append_tag(Nonce::assume_unique_for_key(iv), Aad::empty(), &mut buf)
                .ok()?;
            Some([&iv[..], &buf].concat())
        }
    }
}

fn cbc_decrypt(
    algorithm: &'static block::Algorithm,
    key: &[u8],
    data: &[u8],
) -> (Zeroizing<Vec<u8>>, Choice) {
    // Lengths are public (the attacker chose them): refusing a malformed one early leaks nothing.
    if data.len() < 2 * BLOCK || !data.len().is_multiple_of(BLOCK) {
        return (Zeroizing::new(Vec::new()), Choice::from(0));
    }
    let (iv, body) = data.split_at(BLOCK);
    let (Ok(cipher), Ok(iv)) = (
        UnboundCipherKey::new(algorithm, key).and_then(DecryptingKey::cbc),
        FixedLength::<BLOCK>::try_from(iv),
    ) else {
        return (Zeroizing::new(Vec::new()), Choice::from(0));
    };
    // Unpadded CBC: XML Encryption pads as ISO 10126 does (any octets, then their count), and
    // AWS-LC's padded mode would refuse a bad padding early, which is the padding oracle; the
    // padding is checked below in constant time instead.
    let mut buf = Zeroizing::new(body.to_vec());
    if cipher.decrypt(&mut buf, DecryptionContext::Iv128(iv)).is_err() {
        return (Zeroizing::new(Vec::new()), Choice::from(0));
    }
    // `buf` is non-empty: the length check above leaves at least one block.
    let pad = buf.last().copied().unwrap_or(0);
    let valid = pad.ct_gt(&0) & !pad.ct_gt(&(BLOCK as u8));
    // Truncate by the padding when valid, by nothing otherwise, without branching on it.
    let cut = u8::conditional_select(&0, &pad, valid);
    let len = buf.len() - usize::from(cut);
    buf.truncate(len);
    (buf, valid)
}

fn gcm_decrypt(algorithm: &'static aead::Algorithm, key: &[u8], data: &[u8]) -> (Zeroizing<Vec<u8>>, Choice) {
    if data.len() < GCM_IV + GCM_TAG {
        return (Zeroizing::new(Vec::new()), Choice::from(0));
    }
    let (iv, body) = data.split_at(GCM_IV);
    let (Ok(cipher), Ok(nonce)) = (
        UnboundKey::new(algorithm, key),
        Nonce::try_assume_unique_for_key(iv),
    ) else {
        return (Zeroizing::new(Vec::new()), Choice::from(0));
    };
    let mut buf = Zeroizing::new(body.to_vec());
    // GCM authenticates before it releases anything: a failure here is no oracle.
    match LessSafeKey::new(cipher).open_in_place(nonce, Aad::empty(), &mut buf) {
        Ok(plain) => {
            let len = plain.len();
            buf.truncate(len);
            (buf, Choice::from(1))
        }
        Err(_) => (Zeroizing::new(Vec::new()), Choice::from(0)),
    }
}

/// A hash function named by an OAEP `DigestMethod` or `MGF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OaepHash {
    Sha1,
    Sha256,
}

impl OaepHash {
    /// The hash's usual name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
        }
    }
}

/// A key transport algorithm for `EncryptedKey` (XML Encryption 1.1 §5.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyTransport {
    /// RSA-OAEP (`rsa-oaep-mgf1p`, MGF1 with SHA-1, or `xmlenc11#rsa-oaep`).
    Oaep {
        digest: OaepHash,
        mgf: OaepHash,
        label: Option<Vec<u8>>,
    },
    /// RSA PKCS#1 v1.5: open to Bleichenbacher's attack; only behind an `insecure_` opt-in.
    InsecurePkcs1v15,
}

/// The key transport URIs the SP accepts (PKCS#1 v1.5 excluded), for SP metadata.
pub(crate) const KEY_TRANSPORT_URIS: [&str; 2] = [RSA_OAEP, RSA_OAEP_MGF1P];
pub(crate) const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
pub(crate) const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
pub(crate) const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

/// Reads an OAEP `DigestMethod` URI (absent means SHA-1, XML Encryption 1.1 §5.5.2).
pub(crate) fn oaep_digest(uri: Option<&str>) -> Option<OaepHash> {
    match uri {
        None | Some("http://www.w3.org/2000/09/xmldsig#sha1") => Some(OaepHash::Sha1),
        Some("http://www.w3.org/2001/04/xmlenc#sha256") => Some(OaepHash::Sha256),
        Some(_) => None,
    }
}

/// Reads an `xenc11:MGF` URI (absent means MGF1 with SHA-1).
pub(crate) fn oaep_mgf(uri: Option<&str>) -> Option<OaepHash> {
    match uri.map(|u| u.strip_prefix(XENC11)) {
        None | Some(Some("mgf1sha1")) => Some(OaepHash::Sha1),
        Some(Some("mgf1sha256")) => Some(OaepHash::Sha256),
        Some(_) => None,
    }
}

/// Unwraps a session key with one SP key; `None` on any failure.
pub(crate) fn unwrap_key(
    key: &DecryptionKey,
    transport: &KeyTransport,
    encrypted: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    // Large enough for any session key a 2048- to 8192-bit modulus can carry.
    let mut out = Zeroizing::new(vec![0u8; key.aws_lc.key_size_bytes()]);
    let len = match transport {
        KeyTransport::InsecurePkcs1v15 => Pkcs1PrivateDecryptingKey::new(key.aws_lc.clone())
            .ok()?
            .decrypt(encrypted, &mut out)
            .ok()?
            .len(),
        KeyTransport::Oaep { digest, mgf, label } => {
            let same_hash = match (digest, mgf) {
                (OaepHash::Sha1, OaepHash::Sha1) => Some(&OAEP_SHA1_MGF1SHA1),
                (OaepHash::Sha256, OaepHash::Sha256) => Some(&OAEP_SHA256_MGF1SHA256),
                _ => None,
            };
            match same_hash {
                Some(algorithm) => OaepPrivateDecryptingKey::new(key.aws_lc.clone())
                    .ok()?
                    .decrypt(algorithm, encrypted, &mut out, label.as_deref())
                    .ok()?
                    .len(),
                // `decrypt::key_transport` refuses these without the feature.
                #[cfg(feature = "legacy-rsa")]
                None => return unwrap_mixed_oaep(key, *digest, label, encrypted),
                #[cfg(not(feature = "legacy-rsa"))]
                None => return None,
            }
        }
    };
    out.truncate(len);
    Some(out)
}

/// RSA-OAEP whose digest and MGF1 hash differ (XML Encryption 1.1 allows it, and IdPs send
/// SHA-256 with the default MGF1-SHA1): AWS-LC implements it, but `aws-lc-rs` offers only the
/// equal pairs, so RustCrypto's `rsa` (constant-time since 0.10, crypto-bigint) does these two,
/// with the `legacy-rsa` feature.
#[cfg(feature = "legacy-rsa")]
fn unwrap_mixed_oaep(
    key: &DecryptionKey,
    digest: OaepHash,
    label: &Option<Vec<u8>>,
    encrypted: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let label = label.clone().map(Vec::into_boxed_slice);
    let result = match digest {
        OaepHash::Sha256 => {
            let mut padding = rsa_next::Oaep::<sha2_next::Sha256, sha1::Sha1>::new_with_mgf_hash();
            padding.label = label;
            key.mixed_oaep.decrypt(padding, encrypted)
        }
        OaepHash::Sha1 => {
            let mut padding = rsa_next::Oaep::<sha1::Sha1, sha2_next::Sha256>::new_with_mgf_hash();
            padding.label = label;
            key.mixed_oaep.decrypt(padding, encrypted)
        }
    };
    result.ok().map(Zeroizing::new)
}

/// Constant-time equality of two lengths, as a `Choice`.
pub(crate) fn len_is(actual: usize, expected: usize) -> Choice {
    (actual as u64).ct_eq(&(expected as u64))
}

/// The `Type` value of an `EncryptedData` holding one element.
pub(crate) const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
/// The XML Encryption namespaces.
pub(crate) const NS_XENC: &str = XENC;
pub(crate) const NS_XENC11: &str = XENC11;
