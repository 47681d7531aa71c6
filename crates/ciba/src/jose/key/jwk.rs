//! Private JWKs ([RFC 7517 §4], [RFC 7518 §6]) into the DER that aws-lc and `jsonwebtoken` read.
//!
//! [RFC 7517 §4]: https://www.rfc-editor.org/rfc/rfc7517#section-4
//! [RFC 7518 §6]: https://www.rfc-editor.org/rfc/rfc7518#section-6

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::{KeyError, Parsed, SigningAlgorithm, pkcs1_of_pkcs8, short};

/// The members of a JWK this loader reads ([RFC 7517 §4], [RFC 7518 §6]).
///
/// [RFC 7517 §4]: https://www.rfc-editor.org/rfc/rfc7517#section-4
/// [RFC 7518 §6]: https://www.rfc-editor.org/rfc/rfc7518#section-6
#[derive(Deserialize)]
struct PrivateJwk {
    kty: Option<String>,
    alg: Option<String>,
    kid: Option<String>,
    crv: Option<String>,
    n: Option<String>,
    e: Option<String>,
    d: Option<String>,
    p: Option<String>,
    q: Option<String>,
    dp: Option<String>,
    dq: Option<String>,
    qi: Option<String>,
}

fn invalid_jwk(reason: impl Into<String>) -> KeyError {
    KeyError::InvalidJwk {
        reason: reason.into(),
    }
}

fn field(value: Option<&String>, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let value = value.ok_or_else(|| invalid_jwk(format!("missing `{name}`")))?;
    URL_SAFE_NO_PAD
        .decode(value)
        .map(Zeroizing::new)
        .map_err(|_| invalid_jwk(format!("`{name}` is not base64url")))
}

pub(super) fn parse_jwk(text: &str) -> Result<Parsed, KeyError> {
    // serde's message is left out: it can quote the offending input.
    let jwk: PrivateJwk =
        serde_json::from_str(text).map_err(|_| invalid_jwk("not a JSON object of JWK members"))?;
    let algorithm = match jwk.alg.as_deref() {
        None => None,
        Some("RS256") => Some(SigningAlgorithm::Rs256),
        Some("PS256") => Some(SigningAlgorithm::Ps256),
        Some("ES256") => Some(SigningAlgorithm::Es256),
        Some(other) => {
            return Err(invalid_jwk(format!(
                "`alg` {} is not RS256, PS256 or ES256",
                short(other)
            )));
        }
    };
    let kty = jwk.kty.as_deref().ok_or_else(|| invalid_jwk("missing `kty`"))?;
    let mut parsed = match kty {
        "RSA" => {
            if jwk.d.is_none() {
                return Err(KeyError::PublicKeyOnly {
                    found: "an RSA JWK without `d`".to_owned(),
                });
            }
            Parsed::rsa(&rsa_jwk_pkcs1(&jwk)?)
        }
        "EC" => {
            match jwk.crv.as_deref() {
                Some("P-256") => {}
                Some(other) => {
                    return Err(KeyError::UnsupportedKeyType {
                        found: format!("EC JWK on curve {}", short(other)),
                    });
                }
                None => return Err(invalid_jwk("missing `crv`")),
            }
            if jwk.d.is_none() {
                return Err(KeyError::PublicKeyOnly {
                    found: "an EC JWK without `d`".to_owned(),
                });
            }
            let d = field(jwk.d.as_ref(), "d")?;
            let key = sec1_p256(&d)
                .and_then(|sec1| {
                    EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &sec1).ok()
                })
                .ok_or_else(|| invalid_jwk("`d` is not a P-256 scalar"))?;
            Parsed::p256(&key)?
        }
        other => {
            return Err(KeyError::UnsupportedKeyType {
                found: format!("JWK kty {}", short(other)),
            });
        }
    };
    parsed.algorithm = algorithm;
    parsed.key_id = jwk.kid;
    Ok(parsed)
}

/// The PKCS#1 DER of a private RSA JWK: aws-lc checks the components against each other
/// (`n = p·q`, `dp`, `dq`, `qi`) and writes the key out.
fn rsa_jwk_pkcs1(jwk: &PrivateJwk) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    // RFC 7518 §6.3.2: the primes and CRT values come all together or not at all.
    let crt = [&jwk.p, &jwk.q, &jwk.dp, &jwk.dq, &jwk.qi];
    if crt.iter().all(|member| member.is_none()) {
        return Err(KeyError::RsaWithoutPrimes);
    }
    // aws-lc wants the public values without leading zero bytes.
    let strip = |bytes: Zeroizing<Vec<u8>>| {
        let zeros = bytes.iter().take_while(|b| **b == 0).count();
        Zeroizing::new(bytes[zeros..].to_vec())
    };
    let components = KeyPairComponents {
        public_key: PublicKeyComponents {
            n: strip(field(jwk.n.as_ref(), "n")?),
            e: strip(field(jwk.e.as_ref(), "e")?),
        },
        d: field(jwk.d.as_ref(), "d")?,
        p: field(jwk.p.as_ref(), "p")?,
        q: field(jwk.q.as_ref(), "q")?,
        dP: field(jwk.dp.as_ref(), "dp")?,
        dQ: field(jwk.dq.as_ref(), "dq")?,
        qInv: field(jwk.qi.as_ref(), "qi")?,
    };
    let key =
        RsaKeyPair::from_components(&components).map_err(|_| invalid_jwk("inconsistent RSA components"))?;
    let pkcs8 = key
        .as_der()
        .map_err(|_| invalid_jwk("the RSA key cannot be re-encoded"))?;
    pkcs1_of_pkcs8(pkcs8.as_ref()).ok_or_else(|| invalid_jwk("the RSA key cannot be re-encoded"))
}

/// `ECPrivateKey` (RFC 5915) on `prime256v1` up to its private key, whose 32 bytes follow; the
/// public key is left out and aws-lc computes it.
const SEC1_P256_PREFIX: [u8; 7] = [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
/// The `[0] parameters` of that `ECPrivateKey`: the named curve `prime256v1`.
const SEC1_P256_CURVE: [u8; 12] = [
    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
];

/// The SEC1 DER of a P-256 JWK's `d`. Like the RustCrypto loader this replaced, a `d` of 24 to
/// 31 bytes is taken as having lost its leading zeros; any other length is no P-256 scalar.
fn sec1_p256(d: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if !(24..=32).contains(&d.len()) {
        return None;
    }
    let mut der = Zeroizing::new(Vec::with_capacity(
        SEC1_P256_PREFIX.len() + 32 + SEC1_P256_CURVE.len(),
    ));
    der.extend_from_slice(&SEC1_P256_PREFIX);
    der.resize(SEC1_P256_PREFIX.len() + 32 - d.len(), 0);
    der.extend_from_slice(d);
    der.extend_from_slice(&SEC1_P256_CURVE);
    Some(der)
}
