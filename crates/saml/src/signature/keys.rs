//! The IdP's signing keys, prepared once: the only keys any signature is checked with.
//!
//! RSA keys are parsed into AWS-LC's verification form when the verifier is built, once for each
//! RSA algorithm of the allow-list, so that a verification is one modular exponentiation rather
//! than a key parse and then one (about 2.5 µs of 14 on a 2048-bit key, BENCHMARKS.md). EC keys go
//! through bergshamra's provider call, which accepts the ECDSA signature encodings XML-DSig
//! signers produce (fixed-width, zero-stripped or DER `r‖s`).

use aws_lc_rs::signature::{self as aws, ParsedPublicKey, VerificationAlgorithm};
use bergshamra::Key;

use super::SignatureAlgorithm;

/// The trusted IdP keys, in configuration order.
#[derive(Clone, Default)]
pub(crate) struct TrustedKeys {
    keys: Vec<TrustedKey>,
}

#[derive(Clone)]
struct TrustedKey {
    key: Key,
    /// Each RSA algorithm with the key parsed for it; empty for a non-RSA key, and without the
    /// algorithms AWS-LC refuses the key for (fewer than 2048 or more than 8192 bits).
    rsa: Vec<(SignatureAlgorithm, ParsedPublicKey)>,
}

/// The PKCS#1 v1.5 verification parameters of each RSA algorithm, all with a 2048-bit floor: the
/// floor bergshamra's own provider (kryptering) enforces.
const RSA: [(SignatureAlgorithm, &'static dyn VerificationAlgorithm); 4] = [
    (SignatureAlgorithm::RsaSha256, &aws::RSA_PKCS1_2048_8192_SHA256),
    (SignatureAlgorithm::RsaSha384, &aws::RSA_PKCS1_2048_8192_SHA384),
    (SignatureAlgorithm::RsaSha512, &aws::RSA_PKCS1_2048_8192_SHA512),
    (
        SignatureAlgorithm::InsecureRsaSha1,
        &aws::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
    ),
];

impl TrustedKeys {
    /// Prepares `keys` for verification.
    pub(crate) fn new<'k>(keys: impl IntoIterator<Item = &'k Key>) -> Self {
        let keys = keys
            .into_iter()
            .map(|key| {
                // An EC key's SubjectPublicKeyInfo does not parse as RSA: it gets no entry.
                let rsa = key
                    .to_spki_der()
                    .map(|spki| {
                        RSA.iter()
                            .filter_map(|(algorithm, params)| {
                                ParsedPublicKey::new(*params, &spki).ok().map(|p| (*algorithm, p))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                TrustedKey {
                    key: key.clone(),
                    rsa,
                }
            })
            .collect();
        Self { keys }
    }

    /// True when no key is configured.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// True when one of the keys verifies `signature` over `data` with `algorithm`. A key of
    /// another type than the algorithm's is not a candidate.
    pub(crate) fn verify(&self, algorithm: SignatureAlgorithm, data: &[u8], signature: &[u8]) -> bool {
        if RSA.iter().any(|(a, _)| *a == algorithm) {
            return self.keys.iter().any(|key| {
                key.rsa
                    .iter()
                    .any(|(a, parsed)| *a == algorithm && parsed.verify_sig(data, signature).is_ok())
            });
        }
        let uri = algorithm.uri();
        let Ok(provider) = bergshamra::crypto::sign::from_uri(uri) else {
            return false;
        };
        self.keys
            .iter()
            .filter(|key| bergshamra::crypto::sign::key_algorithm_matches_signature_uri(uri, key.key.data.algorithm()))
            .any(|key| {
                matches!(key.key.to_signing_key(), Ok(Some(k)) if provider.verify(&k, data, signature).unwrap_or(false))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDP_CERT: &[u8] = include_bytes!("../../tests/fixtures/keys/idp.crt");
    const IDP_KEY: &[u8] = include_bytes!("../../tests/fixtures/keys/idp.key");

    #[test]
    fn rsa_keys_are_prepared_for_each_rsa_algorithm_and_verify_only_their_own() {
        let cert = bergshamra::keys::loader::load_x509_cert_pem(IDP_CERT).unwrap();
        let keys = TrustedKeys::new([&cert]);
        assert_eq!(keys.keys[0].rsa.len(), 4);
        let private = aws_lc_rs::rsa::KeyPair::from_pkcs8(&pkcs8_der(IDP_KEY)).unwrap();
        let mut signature = vec![0; private.public_modulus_len()];
        private
            .sign(
                &aws::RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                b"signed info",
                &mut signature,
            )
            .unwrap();
        assert!(keys.verify(SignatureAlgorithm::RsaSha256, b"signed info", &signature));
        assert!(!keys.verify(SignatureAlgorithm::RsaSha256, b"signed inf0", &signature));
        assert!(!keys.verify(SignatureAlgorithm::RsaSha512, b"signed info", &signature));
        assert!(!keys.verify(SignatureAlgorithm::EcdsaSha256, b"signed info", &signature));
        assert!(!TrustedKeys::default().verify(SignatureAlgorithm::RsaSha256, b"signed info", &signature));
    }

    fn pkcs8_der(pem: &[u8]) -> Vec<u8> {
        use base64::Engine as _;
        let text = std::str::from_utf8(pem).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD.decode(body).unwrap()
    }
}
