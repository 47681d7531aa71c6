use jsonwebtoken::Algorithm;

use super::*;
use crate::jose::sign_jwt;

macro_rules! key {
    ($file:literal) => {
        include_str!(concat!("../../../tests/fixtures/keys/", $file))
    };
}

const CLIENT_JWKS: &str = key!("client-jwks.json");

/// Which public key of the client JWKS, if any, must verify what the signer signs.
#[derive(Clone, Copy)]
enum Verify {
    ClientRsa,
    ClientEc,
    No,
}

/// Loads `text` with `options`; returns `ALG kid=KID` on success (after checking the signature
/// with the client's public key when asked), or the error's Display.
fn check(text: &str, options: KeyOptions, verify: Verify) -> String {
    let signer = match KeySigner::from_text(text, options) {
        Ok(signer) => signer,
        Err(error) => return format!("error: {error}"),
    };
    let jws = sign_jwt(&signer, "JWT", &serde_json::json!({"a": 1})).unwrap();
    let index = match verify {
        Verify::ClientRsa => Some(0),
        Verify::ClientEc => Some(1),
        Verify::No => None,
    };
    if let Some(index) = index {
        let jwks: serde_json::Value = serde_json::from_str(CLIENT_JWKS).unwrap();
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwks["keys"][index].clone()).unwrap();
        let public = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let (message, signature) = jws.rsplit_once('.').unwrap();
        let algorithm = match signer.algorithm() {
            SigningAlgorithm::Rs256 => Algorithm::RS256,
            SigningAlgorithm::Ps256 => Algorithm::PS256,
            SigningAlgorithm::Es256 => Algorithm::ES256,
        };
        assert!(
            jsonwebtoken::crypto::verify(signature, message.as_bytes(), &public, algorithm).unwrap(),
            "the client's public key does not verify the signature"
        );
    }
    format!("{} kid={}", signer.algorithm(), signer.key_id().unwrap_or("-"))
}

fn public_ec_jwk() -> String {
    let jwks: serde_json::Value = serde_json::from_str(CLIENT_JWKS).unwrap();
    jwks["keys"][1].to_string()
}

/// The client's private RSA JWK without `members`, or with `dp` and `dq` swapped when `swap`.
fn rsa_jwk_edited(members: &[&str], swap: bool) -> String {
    let mut jwk: serde_json::Value = serde_json::from_str(key!("rsa.jwk.json")).unwrap();
    let object = jwk.as_object_mut().unwrap();
    for member in members {
        object.remove(*member);
    }
    if swap {
        let (dp, dq) = (object["dp"].clone(), object["dq"].clone());
        object.insert("dp".to_owned(), dq);
        object.insert("dq".to_owned(), dp);
    }
    jwk.to_string()
}

fn garbled_pem() -> String {
    // A valid frame around a body that is not the key's base64 any more.
    key!("ec.pem").replacen("MIG", "M*G", 1)
}

#[test]
fn keys_from_text() {
    let none = KeyOptions::new;
    let alg = |algorithm| KeyOptions::new().with_algorithm(algorithm);
    let cases: Vec<(&str, String, KeyOptions, Verify)> = vec![
        (
            "ec.pem (PKCS#8 P-256)",
            key!("ec.pem").into(),
            none(),
            Verify::ClientEc,
        ),
        (
            "ec-sec1.pem (SEC1, after EC PARAMETERS)",
            key!("ec-sec1.pem").into(),
            none(),
            Verify::ClientEc,
        ),
        (
            "ec.jwk.json",
            key!("ec.jwk.json").into(),
            none(),
            Verify::ClientEc,
        ),
        (
            "rsa.pem (PKCS#8 RSA)",
            key!("rsa.pem").into(),
            none(),
            Verify::ClientRsa,
        ),
        (
            "rsa-pkcs1.pem (PKCS#1)",
            key!("rsa-pkcs1.pem").into(),
            none(),
            Verify::ClientRsa,
        ),
        (
            "rsa.jwk.json",
            key!("rsa.jwk.json").into(),
            none(),
            Verify::ClientRsa,
        ),
        ("op-ec.pem", key!("op-ec.pem").into(), none(), Verify::No),
        ("op-rsa.pem", key!("op-rsa.pem").into(), none(), Verify::No),
        ("other-ec.pem", key!("other-ec.pem").into(), none(), Verify::No),
        ("other-rsa.pem", key!("other-rsa.pem").into(), none(), Verify::No),
        (
            "PS256 of an RSA PEM",
            key!("rsa.pem").into(),
            alg(SigningAlgorithm::Ps256),
            Verify::ClientRsa,
        ),
        (
            "PS256 and a kid over an RSA JWK's own",
            key!("rsa.jwk.json").into(),
            alg(SigningAlgorithm::Ps256).with_key_id("rotated-1"),
            Verify::ClientRsa,
        ),
        (
            "ES256 of a P-256 PEM",
            key!("ec.pem").into(),
            alg(SigningAlgorithm::Es256),
            Verify::ClientEc,
        ),
        (
            "RS256 of an EC PEM",
            key!("ec.pem").into(),
            alg(SigningAlgorithm::Rs256),
            Verify::No,
        ),
        (
            "ES256 of an RSA JWK",
            key!("rsa.jwk.json").into(),
            alg(SigningAlgorithm::Es256),
            Verify::No,
        ),
        (
            "a JWK whose alg does not fit its key",
            key!("ec.jwk.json").replace("\"ES256\"", "\"PS256\""),
            none(),
            Verify::No,
        ),
        ("empty", String::new(), none(), Verify::No),
        ("blank", " \n\t".into(), none(), Verify::No),
        (
            "neither PEM nor JSON",
            "MIGHAgEAMBMGByqGSM49".into(),
            none(),
            Verify::No,
        ),
        ("garbled PEM", garbled_pem(), none(), Verify::No),
        (
            "PEM without END",
            "-----BEGIN PRIVATE KEY-----\nMIGH\n".into(),
            none(),
            Verify::No,
        ),
        ("a certificate", key!("ec.crt").into(), none(), Verify::No),
        ("a public JWK", public_ec_jwk(), none(), Verify::No),
        (
            "an encrypted PKCS#8 key",
            key!("ec-encrypted.pem").into(),
            none(),
            Verify::No,
        ),
        ("an Ed25519 key", key!("ed25519.pem").into(), none(), Verify::No),
        ("a P-384 key", key!("p384.pem").into(), none(), Verify::No),
        (
            "an OpenSSH key",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----".into(),
            none(),
            Verify::No,
        ),
        (
            "an HMAC JWK",
            r#"{"kty":"oct","k":"c2VjcmV0"}"#.into(),
            none(),
            Verify::No,
        ),
        (
            "a P-384 JWK",
            r#"{"kty":"EC","crv":"P-384","d":"AA"}"#.into(),
            none(),
            Verify::No,
        ),
        (
            "a JWK with alg none",
            r#"{"kty":"RSA","alg":"none","d":"AA"}"#.into(),
            none(),
            Verify::No,
        ),
        ("a JWK without kty", r#"{"d":"AA"}"#.into(), none(), Verify::No),
        ("broken JSON", "{\"kty\": \"EC\"".into(), none(), Verify::No),
        (
            "an RSA JWK with only n, e and d",
            rsa_jwk_edited(&["p", "q", "dp", "dq", "qi"], false),
            none(),
            Verify::No,
        ),
        (
            "an RSA JWK without qi",
            rsa_jwk_edited(&["qi"], false),
            none(),
            Verify::No,
        ),
        (
            "an RSA JWK with dp and dq swapped",
            rsa_jwk_edited(&[], true),
            none(),
            Verify::No,
        ),
        (
            "an EC JWK with a bad d",
            r#"{"kty":"EC","crv":"P-256","d":"AA"}"#.into(),
            none(),
            Verify::No,
        ),
    ];
    let table: String = cases
        .into_iter()
        .map(|(name, text, options, verify)| format!("{name}: {}\n", check(&text, options, verify)))
        .collect();
    insta::assert_snapshot!(table);
}

#[test]
fn every_error_display_names_the_cause_without_key_material() {
    let errors = [
        KeyError::Empty,
        KeyError::NotAKey,
        KeyError::InvalidPem {
            reason: "the base64 body of the PEM block cannot be decoded".to_owned(),
        },
        KeyError::InvalidJwk {
            reason: "missing `kty`".to_owned(),
        },
        KeyError::PublicKeyOnly {
            found: "a CERTIFICATE PEM".to_owned(),
        },
        KeyError::Encrypted,
        KeyError::RsaWithoutPrimes,
        KeyError::UnsupportedKeyType {
            found: "JWK kty oct".to_owned(),
        },
        KeyError::AlgorithmMismatch {
            requested: SigningAlgorithm::Rs256,
            key_type: KeyType::P256,
        },
        KeyError::AlgorithmMismatch {
            requested: SigningAlgorithm::Es256,
            key_type: KeyType::Rsa,
        },
    ];
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for line in &lines {
        assert!(!line.ends_with('.'), "no trailing period: {line}");
    }
    insta::assert_snapshot!(lines.join("\n"));

    // What the loader reads from the input is shortened and stripped of control characters.
    let long = format!(r#"{{"kty":"{}\n{}"}}"#, "x".repeat(60), "y");
    let error = KeySigner::from_text(&long, KeyOptions::new()).unwrap_err();
    assert_eq!(
        error,
        KeyError::UnsupportedKeyType {
            found: format!("JWK kty {}…", "x".repeat(40))
        }
    );
    // No byte of a private key's `d` reaches the message.
    let bad_d = r#"{"kty":"EC","crv":"P-256","d":"c2VjcmV0LXNjYWxhcg"}"#;
    let error = KeySigner::from_text(bad_d, KeyOptions::new()).unwrap_err();
    assert!(!error.to_string().contains("c2VjcmV0"), "{error}");
}
