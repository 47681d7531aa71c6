//! PEM public keys and certificates of registered parties, turned into what the server checks
//! against: a JWK for client assertions, DER for SAML certificates.

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ParsedPublicKey, RsaPublicKeyComponents, RsaSubjectPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use pkcs8::ObjectIdentifier;
use pkcs8::der::pem;
use pkcs8::spki::SubjectPublicKeyInfoRef;
use serde_json::{Value, json};

use crate::error::ServerError;

/// `id-ecPublicKey` (RFC 5480 §2.1.1).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `secp256r1`, also called P-256 or prime256v1 (RFC 5480 §2.1.1.1).
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// The public JWK of a PEM `PUBLIC KEY` (EC P-256 or RSA) or `RSA PUBLIC KEY`.
pub(super) fn jwk_from_pem(text: &str) -> Result<Jwk, ServerError> {
    let (label, der) = pem::decode_vec(text.trim().as_bytes()).map_err(|_| {
        ServerError::Client(String::from(
            "expected a PEM public key, found text that is not PEM",
        ))
    })?;
    let value = match label {
        "PUBLIC KEY" => ec_jwk(&der).or_else(|| rsa_jwk(&der)),
        "RSA PUBLIC KEY" => rsa_jwk(&der),
        _ => None,
    };
    let value = value.ok_or_else(|| {
        ServerError::Client(format!(
            "expected a PEM public key (PUBLIC KEY with EC P-256 or RSA, or RSA PUBLIC KEY), found {label}"
        ))
    })?;
    serde_json::from_value(value).map_err(|e| ServerError::Key(e.to_string()))
}

/// The JWK of a P-256 SubjectPublicKeyInfo whose point aws-lc accepts (on the curve, not the
/// identity), compressed or not.
fn ec_jwk(spki: &[u8]) -> Option<Value> {
    let info = SubjectPublicKeyInfoRef::try_from(spki).ok()?;
    if info.algorithm.oid != EC_PUBLIC_KEY || info.algorithm.parameters_oid().ok()? != SECP256R1 {
        return None;
    }
    // aws-lc writes the point back uncompressed: `x` and `y` as the JWK takes them.
    let canonical = ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, spki)
        .ok()?
        .as_der()
        .ok()?;
    let info = SubjectPublicKeyInfoRef::try_from(canonical.as_ref()).ok()?;
    let point = info.subject_public_key.as_bytes()?;
    let (x, y) = match point {
        [0x04, coordinates @ ..] if coordinates.len() == 64 => coordinates.split_at(32),
        _ => return None,
    };
    Some(
        json!({ "kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y), "use": "sig" }),
    )
}

/// The JWK of an RSA public key, SubjectPublicKeyInfo or PKCS#1 `RSAPublicKey`.
fn rsa_jwk(der: &[u8]) -> Option<Value> {
    let key = RsaSubjectPublicKey::from_der(der).ok()?;
    // Big-endian without leading zeros, as JWK wants them (RFC 7518 §6.3.1).
    let components = RsaPublicKeyComponents::<Vec<u8>>::from(&key);
    Some(json!({
        "kty": "RSA",
        "n": URL_SAFE_NO_PAD.encode(components.n),
        "e": URL_SAFE_NO_PAD.encode(components.e),
        "use": "sig",
    }))
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
    use super::*;

    fn ec_public_pem() -> String {
        crate::keys::test_public_key_pem([7; 32])
    }

    // Public halves of the netid-ciba test client's keys (tests/fixtures/keys/client-jwks.json),
    // written by `openssl pkey -pubout`, `openssl rsa -RSAPublicKey_out` and
    // `openssl ec -pubout -conv_form compressed`.
    const RSA_SPKI: &str = concat!(
        "-----BEGIN PUBLIC KEY-----\n",
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA3EP41lXNiYq5uJ0SMyD7\n",
        "gAu5cA8zOrIYNEvXYgPbytT13stMB7n+taoOmHFUxAS1Mbe+2Oyx1DSaemTDRfO2\n",
        "L9Khb9BlP57POLy1mOs4JoKm4Ryv+bjwZjJnivQESgx1EIda9Jtabt+/VAoex57w\n",
        "ifnIzIz23GfCF2Uf7ZlHsJ3wTBTH1SzwRXiwGGX440ykYDB421UnbbOdg/Tf9uk9\n",
        "FmBECx61vkE0qyd8QP7qdc30EtjitG84gNtKIwMwV7aXTroDXhdabiyDC0Brph1u\n",
        "0wAbVo0zqqTggnXUFnw2SpiR0ElKlif9E0qEI5axek0boOlzvuQPbhiPQSqi+qBs\n",
        "7QIDAQAB\n",
        "-----END PUBLIC KEY-----\n",
    );
    const RSA_PKCS1: &str = concat!(
        "-----BEGIN RSA PUBLIC KEY-----\n",
        "MIIBCgKCAQEA3EP41lXNiYq5uJ0SMyD7gAu5cA8zOrIYNEvXYgPbytT13stMB7n+\n",
        "taoOmHFUxAS1Mbe+2Oyx1DSaemTDRfO2L9Khb9BlP57POLy1mOs4JoKm4Ryv+bjw\n",
        "ZjJnivQESgx1EIda9Jtabt+/VAoex57wifnIzIz23GfCF2Uf7ZlHsJ3wTBTH1Szw\n",
        "RXiwGGX440ykYDB421UnbbOdg/Tf9uk9FmBECx61vkE0qyd8QP7qdc30EtjitG84\n",
        "gNtKIwMwV7aXTroDXhdabiyDC0Brph1u0wAbVo0zqqTggnXUFnw2SpiR0ElKlif9\n",
        "E0qEI5axek0boOlzvuQPbhiPQSqi+qBs7QIDAQAB\n",
        "-----END RSA PUBLIC KEY-----\n",
    );
    const EC_SPKI: &str = concat!(
        "-----BEGIN PUBLIC KEY-----\n",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwc3hQ5AyQwUdEv66W5kwjGz9GZHM\n",
        "CHEgWDRNm9CkC5jFZNeizNoFTjOklY51UIKDr/MgC6TPXodMk57gEMldHg==\n",
        "-----END PUBLIC KEY-----\n",
    );
    const EC_COMPRESSED: &str = concat!(
        "-----BEGIN PUBLIC KEY-----\n",
        "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgACwc3hQ5AyQwUdEv66W5kwjGz9GZHM\n",
        "CHEgWDRNm9CkC5g=\n",
        "-----END PUBLIC KEY-----\n",
    );
    const P384_SPKI: &str = concat!(
        "-----BEGIN PUBLIC KEY-----\n",
        "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE3SLf6FZBOI1klYTqnXsEZw2gC50NIUIW\n",
        "kXtZ+Rc7ImFFj9Ej1lxrVrJ2RtXCQqMhw1hHUFO6KkdqJYc5rlX7sa0ywjF89ova\n",
        "NNhTHkwNNG/VooDgRkNSuXd8eQc263xr\n",
        "-----END PUBLIC KEY-----\n",
    );

    #[test]
    fn public_keys_become_the_jwks_of_their_key() {
        let ec = json!({
            "kty": "EC",
            "crv": "P-256",
            "x": "wc3hQ5AyQwUdEv66W5kwjGz9GZHMCHEgWDRNm9CkC5g",
            "y": "xWTXoszaBU4zpJWOdVCCg6_zIAukz16HTJOe4BDJXR4",
            "use": "sig",
        });
        let rsa = jwk_from_pem(RSA_SPKI).expect("an RSA SubjectPublicKeyInfo");
        let rsa = serde_json::to_value(&rsa).expect("serialises");
        assert_eq!(rsa["kty"], "RSA");
        assert_eq!(rsa["e"], "AQAB");
        let n = rsa["n"].as_str().expect("n");
        assert!(n.starts_with("3EP41lXNiYq5uJ0SMyD7"), "{n}");
        assert_eq!(URL_SAFE_NO_PAD.decode(n).expect("base64url").len(), 256);
        let cases = [(RSA_PKCS1, &rsa), (EC_SPKI, &ec), (EC_COMPRESSED, &ec)];
        for (pem, expected) in cases {
            let jwk = jwk_from_pem(pem).expect(pem);
            assert_eq!(
                &serde_json::to_value(&jwk).expect("serialises"),
                expected,
                "{pem}"
            );
        }
        let error = jwk_from_pem(P384_SPKI).expect_err("P-384").to_string();
        assert!(error.contains("found PUBLIC KEY"), "{error}");
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
