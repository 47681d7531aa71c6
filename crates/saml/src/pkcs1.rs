//! Private-key PEM blocks, and PKCS#1 `RSA PRIVATE KEY` containers re-wrapped as PKCS#8, the one
//! form AWS-LC's key loaders and bergshamra's AWS-LC loader read. AWS-LC parses the PKCS#1 key (`rsa::KeyPair::from_der`) and
//! writes the PKCS#8 form, so no second RSA implementation is involved.

use aws_lc_rs::encoding::AsDer as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// The PKCS#8 DER of a PKCS#1 `RSAPrivateKey` DER; `None` when AWS-LC refuses the key (malformed,
/// or a modulus outside 2048 to 8192 bits).
pub(crate) fn der_as_pkcs8(pkcs1: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let key = aws_lc_rs::rsa::KeyPair::from_der(pkcs1).ok()?;
    let pkcs8 = key.as_der().ok()?;
    Some(Zeroizing::new(pkcs8.as_ref().to_vec()))
}

/// The Base64 body of the first `-----BEGIN {label}-----` block of `text` (empty when there is
/// none), its lines joined; decode it after trimming.
pub(crate) fn pem_body(text: &str, label: &str) -> Zeroizing<String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    Zeroizing::new(
        text.lines()
            .skip_while(|l| l.trim() != begin)
            .skip(1)
            .take_while(|l| l.trim() != end)
            .collect(),
    )
}

/// The PKCS#8 PEM of a PKCS#1 `RSA PRIVATE KEY` PEM; `None` for any other PEM (read as it is) and
/// for a PKCS#1 key AWS-LC refuses (the loader then reports it).
pub(crate) fn pem_as_pkcs8(pem: &[u8]) -> Option<Zeroizing<String>> {
    let text = std::str::from_utf8(pem).ok()?;
    let body = pem_body(text, "RSA PRIVATE KEY");
    if body.is_empty() {
        return None;
    }
    let der = Zeroizing::new(STANDARD.decode(body.trim()).ok()?);
    let pkcs8 = der_as_pkcs8(&der)?;
    let encoded = Zeroizing::new(STANDARD.encode(pkcs8.as_slice()));
    let mut out = Zeroizing::new(String::with_capacity(encoded.len() + 80));
    out.push_str("-----BEGIN PRIVATE KEY-----\n");
    for line in encoded.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).ok()?);
        out.push('\n');
    }
    out.push_str("-----END PRIVATE KEY-----\n");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SP_KEY: &str = include_str!("../tests/fixtures/keys/sp.key");

    /// The same key in PKCS#1 (`openssl rsa -traditional -in sp.key`).
    const SP_KEY_PKCS1: &str = include_str!("../tests/fixtures/keys/sp-pkcs1.key");

    #[test]
    fn pkcs1_pem_becomes_the_same_key_in_pkcs8() {
        assert!(SP_KEY_PKCS1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        let pkcs8 = pem_as_pkcs8(SP_KEY_PKCS1.as_bytes()).expect("a PKCS#1 PEM");
        let ours = bergshamra::keys::loader::load_pem_auto(pkcs8.as_bytes(), None).unwrap();
        let original = bergshamra::keys::loader::load_pem_auto(SP_KEY.as_bytes(), None).unwrap();
        assert_eq!(ours.to_spki_der(), original.to_spki_der(), "the same public key");
        assert!(ours.has_private_key());
        // Anything else is left to the loader, unchanged.
        assert!(pem_as_pkcs8(SP_KEY.as_bytes()).is_none());
        assert!(pem_as_pkcs8(b"\xff").is_none());
        assert!(
            pem_as_pkcs8(b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n").is_none()
        );
    }

    #[test]
    fn the_fuzz_entry_holds_on_the_pkcs1_fixture() {
        let body = pem_body(SP_KEY_PKCS1, "RSA PRIVATE KEY");
        let der = STANDARD.decode(body.trim()).unwrap();
        assert!(der_as_pkcs8(&der).is_some());
        crate::fuzzing::fuzz_decrypt(&der);
        crate::fuzzing::fuzz_decrypt(SP_KEY_PKCS1.as_bytes());
    }

    #[test]
    fn decryption_keys_read_both_containers_as_the_same_key() {
        use aws_lc_rs::encoding::AsDer as _;
        let public = |pem: &str| {
            let key = crate::DecryptionKey::from_pem(pem.as_bytes()).expect("an SP key");
            key.aws_lc.public_key().as_der().unwrap().as_ref().to_vec()
        };
        assert_eq!(public(SP_KEY_PKCS1), public(SP_KEY));
    }
}
