//! The two RSA operations the SP still does with RustCrypto's `rsa` because `aws-lc-rs` (the crypto
//! provider everywhere else, bergshamra's included) has no API for them: RSA-SHA1 signing and
//! reading a PKCS#1 `RSA PRIVATE KEY` PEM. Mixed-hash RSA-OAEP, the third, is in
//! `decrypt/cipher.rs`. `rsa` 0.10 computes over constant-time crypto-bigint.

use rsa_next::RsaPrivateKey;
use rsa_next::pkcs1::DecodeRsaPrivateKey as _;
use rsa_next::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use rsa_next::signature::{SignatureEncoding as _, Signer as _};
use zeroize::Zeroizing;

/// RSA-SHA1 (PKCS#1 v1.5) over `data`, for the `insecure_rsa_sha1_from_pem` opt-in only.
pub(crate) fn rsa_sha1_sign(key: &bergshamra::SoftwareKey, data: &[u8]) -> Result<Vec<u8>, String> {
    let der = key.export_private().map_err(|e| e.to_string())?;
    let private =
        RsaPrivateKey::from_pkcs8_der(&der).map_err(|_| String::from("rsa-sha1 needs an RSA private key"))?;
    let signature = rsa_next::pkcs1v15::SigningKey::<sha1::Sha1>::new(private)
        .try_sign(data)
        .map_err(|e| e.to_string())?;
    Ok(signature.to_vec())
}

/// The PKCS#8 PEM of a PKCS#1 `RSA PRIVATE KEY` PEM; `None` for any other PEM (read as it is).
pub(crate) fn pkcs1_pem_as_pkcs8(pem: &[u8]) -> Option<Zeroizing<String>> {
    let text = std::str::from_utf8(pem).ok()?;
    if !text.contains("-----BEGIN RSA PRIVATE KEY-----") {
        return None;
    }
    RsaPrivateKey::from_pkcs1_pem(text)
        .ok()?
        .to_pkcs8_pem(LineEnding::LF)
        .ok()
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, UnparsedPublicKey};
    use rsa_next::pkcs1::EncodeRsaPrivateKey as _;

    use super::*;

    const SP_KEY: &str = include_str!("../tests/fixtures/keys/sp.key");

    #[test]
    fn rsa_sha1_signatures_verify_with_aws_lc() {
        let key = bergshamra::keys::loader::load_pem_auto(SP_KEY.as_bytes(), None)
            .unwrap()
            .software_key()
            .unwrap()
            .unwrap();
        let signature = rsa_sha1_sign(&key, b"SAMLRequest=abc").unwrap();
        let public = UnparsedPublicKey::new(
            &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            key.export_spki_der().unwrap(),
        );
        assert!(public.verify(b"SAMLRequest=abc", &signature).is_ok());
        assert!(public.verify(b"SAMLRequest=abd", &signature).is_err());
    }

    #[test]
    fn pkcs1_pem_becomes_the_same_key_in_pkcs8() {
        let key = RsaPrivateKey::from_pkcs8_pem(SP_KEY).unwrap();
        let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).unwrap();
        let pkcs8 = pkcs1_pem_as_pkcs8(pkcs1.as_bytes()).expect("a PKCS#1 PEM");
        assert_eq!(RsaPrivateKey::from_pkcs8_pem(&pkcs8).unwrap(), key);
        // Anything else is left to the loader, unchanged.
        assert!(pkcs1_pem_as_pkcs8(SP_KEY.as_bytes()).is_none());
        assert!(pkcs1_pem_as_pkcs8(b"\xff").is_none());
    }
}
