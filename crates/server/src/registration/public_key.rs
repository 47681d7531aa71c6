//! PEM public keys and certificates of registered parties, turned into what the server checks
//! against: a JWK for client assertions, DER for SAML certificates.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::DecodePublicKey as _;
use p256::pkcs8::der::pem;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::json;

use crate::error::ServerError;

/// The public JWK of a PEM `PUBLIC KEY` (EC P-256 or RSA) or `RSA PUBLIC KEY`.
pub(super) fn jwk_from_pem(text: &str) -> Result<Jwk, ServerError> {
    let text = text.trim();
    let value = if let Ok(key) = p256::PublicKey::from_public_key_pem(text) {
        let point = key.to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err(ServerError::Client(String::from(
                "EC public key is the identity point",
            )));
        };
        json!({ "kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y), "use": "sig" })
    } else if let Ok(key) =
        rsa::RsaPublicKey::from_public_key_pem(text).or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(text))
    {
        json!({
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
            "use": "sig",
        })
    } else {
        let label = pem::decode_vec(text.as_bytes()).map(|(label, _)| label.to_owned());
        return Err(ServerError::Client(match label {
            Ok(label) => format!(
                "expected a PEM public key (PUBLIC KEY with EC P-256 or RSA, or RSA PUBLIC KEY), found {label}"
            ),
            Err(_) => String::from("expected a PEM public key, found text that is not PEM"),
        }));
    };
    serde_json::from_value(value).map_err(|e| ServerError::Key(e.to_string()))
}

/// The DER of one PEM `CERTIFICATE`.
pub(super) fn certificate_der(text: &str) -> Result<Vec<u8>, ServerError> {
    match pem::decode_vec(text.trim().as_bytes()) {
        Ok(("CERTIFICATE", der)) => Ok(der),
        Ok((label, _)) => Err(ServerError::Client(format!(
            "expected a PEM CERTIFICATE, found {label}"
        ))),
        Err(_) => Err(ServerError::Client(String::from(
            "expected a PEM CERTIFICATE, found text that is not PEM",
        ))),
    }
}

#[cfg(test)]
mod tests {
    use p256::pkcs8::{EncodePublicKey as _, LineEnding};

    use super::*;

    const EC_SECRET: [u8; 32] = [7; 32];

    fn ec_public_pem() -> String {
        let secret = p256::SecretKey::from_slice(&EC_SECRET).expect("valid scalar");
        secret
            .public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("encodes")
    }

    #[test]
    fn ec_public_keys_become_ec_jwks() {
        let jwk = jwk_from_pem(&ec_public_pem()).expect("parses");
        let value = serde_json::to_value(&jwk).expect("serialises");
        assert_eq!(value["kty"], "EC");
        assert_eq!(value["crv"], "P-256");
        assert!(value.get("d").is_none(), "{value}");
    }

    #[test]
    fn other_pem_documents_are_refused_with_what_they_hold() {
        let cases = [
            ("not pem at all", "text that is not PEM"),
            (
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "found PRIVATE KEY",
            ),
        ];
        for (text, expected) in cases {
            let error = jwk_from_pem(text).expect_err(text).to_string();
            assert!(error.contains(expected), "{error}");
        }
        let error = certificate_der(&ec_public_pem()).expect_err("a key").to_string();
        assert!(error.contains("found PUBLIC KEY"), "{error}");
    }
}
