//! RSA-SHA1 signing, which `aws-lc-rs` (the crypto provider everywhere else, bergshamra's
//! included) has no API for, on RustCrypto's `rsa` behind the `legacy-rsa` feature. Mixed-hash
//! RSA-OAEP, the other operation of that feature, is in `decrypt/cipher.rs`. `rsa` 0.10 computes
//! over constant-time crypto-bigint.

use rsa_next::RsaPrivateKey;
use rsa_next::pkcs8::DecodePrivateKey as _;
use rsa_next::signature::{SignatureEncoding as _, Signer as _};

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

#[cfg(test)]
mod tests {
    use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, UnparsedPublicKey};

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
}
