//! The provider's JWK Set ([RFC 7517 §5]) and the choice of the key that checks an ID token.
//!
//! Decoded and searched by hand rather than through `openidconnect` (which brings a second crypto
//! stack, RustCrypto, beside aws-lc). The rules are the ones `openidconnect` 4.1 applied, so that
//! moving off it changed no verdict: a key the crate cannot read is skipped rather than failing the
//! whole set; a key is a candidate when its `kid` equals the token's (any `kid` when the token has
//! none), its `use` is absent or `sig`, its `kty` fits the algorithm and its `alg` is absent or
//! equal to the token's; exactly one candidate must remain (OIDC Core §10.1: several keys and no
//! `kid` is ambiguous, and refused).
//!
//! [RFC 7517 §5]: https://www.rfc-editor.org/rfc/rfc7517#section-5

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, NO_PAD};
use bytes::Bytes;
use jsonwebtoken::DecodingKey;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{Error, FlowError};
use crate::jose::SigningAlgorithm;
use crate::wire;

/// The base64url decoder of JOSE values, tolerant of non-zero trailing bits (as `openidconnect`).
pub(crate) const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    NO_PAD.with_decode_allow_trailing_bits(true),
);

/// The JWS algorithm names (RFC 7518 §3.1) and the JWE content-encryption names (§5.1) a JOSE
/// `alg` may carry; any other value makes the key or token unreadable.
pub(crate) const JWS_ALGORITHMS: [&str; 13] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384",
    "PS512", "EdDSA",
];
pub(crate) const JWE_CONTENT_ALGORITHMS: [&str; 6] = [
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
    "A128GCM",
    "A192GCM",
    "A256GCM",
];

/// One public key of the set, with the members the ID-token check reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Jwk {
    kty: String,
    key_use: Option<String>,
    kid: Option<String>,
    /// `alg`: `Some(name)` for a signature algorithm, `Some("")` for one that is not (an
    /// encryption algorithm or `none`), `None` when absent.
    alg: Option<String>,
    n: Option<Vec<u8>>,
    e: Option<Vec<u8>>,
    crv: Option<String>,
    x: Option<Vec<u8>>,
    y: Option<Vec<u8>>,
}

/// A JWK as read from JSON; `None` when it is not a key this crate understands (it is skipped).
fn read_key(value: Value) -> Option<Jwk> {
    let Value::Object(members) = value else {
        return None;
    };
    // The key-type and text members must have their type; the key material is optional and read
    // leniently (members may mean other things for other key types, RFC 7517 §4).
    let text = |name: &str| -> Result<Option<String>, ()> {
        match members.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(()),
        }
    };
    let bytes = |name: &str| match members.get(name) {
        Some(Value::String(text)) => B64.decode(text).ok(),
        _ => None,
    };
    let kty = text("kty").ok()??;
    if !matches!(kty.as_str(), "EC" | "RSA" | "OKP" | "oct") {
        return None;
    }
    let alg = match text("alg").ok()? {
        None => None,
        Some(alg) if JWS_ALGORITHMS.contains(&alg.as_str()) => Some(alg),
        Some(alg) if alg == "none" || JWE_CONTENT_ALGORITHMS.contains(&alg.as_str()) => Some(String::new()),
        Some(_) => return None,
    };
    let crv = match members.get("crv") {
        Some(Value::String(crv)) if matches!(crv.as_str(), "P-256" | "P-384" | "P-521" | "Ed25519") => {
            Some(crv.clone())
        }
        _ => None,
    };
    Some(Jwk {
        kty,
        key_use: text("use").ok()?,
        kid: text("kid").ok()?,
        alg,
        n: bytes("n"),
        e: bytes("e"),
        crv,
        x: bytes("x"),
        y: bytes("y"),
    })
}

/// Why no key could check a signature (the text of [`crate::error::IdTokenError::Signature`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyChoiceError {
    /// No key fits the `kid` and the algorithm.
    NoMatchingKey,
    /// Several keys fit: the token must name one by `kid`.
    Ambiguous(usize),
    /// The chosen key lacks its material or does not fit the algorithm.
    InvalidKey(&'static str),
}

impl std::fmt::Display for KeyChoiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoMatchingKey => f.write_str("no matching key found"),
            Self::Ambiguous(count) => write!(
                f,
                "ambiguous key identification: {count} eligible keys and no distinguishing kid"
            ),
            Self::InvalidKey(reason) => write!(f, "invalid cryptographic key: {reason}"),
        }
    }
}

impl Jwk {
    /// Whether the key may check a signature made with `algorithm`.
    fn fits(&self, algorithm: SigningAlgorithm) -> bool {
        let kty = match algorithm {
            SigningAlgorithm::Rs256 | SigningAlgorithm::Ps256 => "RSA",
            SigningAlgorithm::Es256 => "EC",
        };
        self.key_use.as_deref().is_none_or(|key_use| key_use == "sig")
            && self.kty == kty
            && self.alg.as_deref().is_none_or(|alg| alg == algorithm.as_str())
    }

    /// The aws-lc verification key for `algorithm`.
    fn decoding_key(&self, algorithm: SigningAlgorithm) -> Result<DecodingKey, KeyChoiceError> {
        match algorithm {
            SigningAlgorithm::Rs256 | SigningAlgorithm::Ps256 => match (&self.n, &self.e) {
                // Unsigned big-endian integers (RFC 7518 §6.3.1): leading zero octets, which some
                // providers emit, are stripped since aws-lc refuses them.
                (Some(n), Some(e)) => Ok(DecodingKey::from_rsa_raw_components(
                    strip_leading_zeros(n),
                    strip_leading_zeros(e),
                )),
                _ => Err(KeyChoiceError::InvalidKey("RSA key lacks `n` or `e`")),
            },
            SigningAlgorithm::Es256 => {
                if self.crv.as_deref() != Some("P-256") {
                    return Err(KeyChoiceError::InvalidKey(
                        "key uses another curve than the token",
                    ));
                }
                match (&self.x, &self.y) {
                    (Some(x), Some(y)) => {
                        // The uncompressed SEC1 point, which is what aws-lc's verifier takes.
                        let mut point = Vec::with_capacity(1 + x.len() + y.len());
                        point.push(0x04);
                        point.extend_from_slice(x);
                        point.extend_from_slice(y);
                        Ok(DecodingKey::from_ec_der(&point))
                    }
                    _ => Err(KeyChoiceError::InvalidKey("EC key lacks `x` or `y`")),
                }
            }
        }
    }
}

fn strip_leading_zeros(octets: &[u8]) -> &[u8] {
    let first = octets
        .iter()
        .position(|&octet| octet != 0)
        .unwrap_or(octets.len());
    &octets[first..]
}

/// The provider's signing keys (a JWKS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwks(pub(crate) Vec<Jwk>);

impl<'de> Deserialize<'de> for Jwks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Set {
            keys: Vec<Value>,
        }
        let set = Set::deserialize(deserializer)?;
        Ok(Self(set.keys.into_iter().filter_map(read_key).collect()))
    }
}

impl Jwks {
    /// Decodes a JWKS document; keys this crate cannot read are skipped, not refused.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] with the JSON path of the first bad value.
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        wire::decode_json("jwks", 200, &Bytes::copy_from_slice(body))
    }

    /// Decodes the answer to [`ProviderConfig::jwks_request`](super::ProviderConfig::jwks_request).
    ///
    /// # Errors
    ///
    /// [`FlowError::UnexpectedStatus`] for a non-200 answer, [`Error::Decode`] for a bad body.
    pub fn from_response(response: &http::Response<Bytes>) -> Result<Self, Error> {
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FlowError::UnexpectedStatus {
                status,
                endpoint: "jwks",
            }
            .into());
        }
        wire::decode_json("jwks", status, response.body())
    }

    /// How many keys the set holds (those this crate can read).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The one key that checks a signature made with `algorithm` under `kid`.
    pub(crate) fn key_for(
        &self,
        kid: Option<&str>,
        algorithm: SigningAlgorithm,
    ) -> Result<DecodingKey, KeyChoiceError> {
        let mut candidates = self
            .0
            .iter()
            .filter(|key| kid.is_none_or(|kid| key.kid.as_deref() == Some(kid)) && key.fits(algorithm));
        match (candidates.next(), candidates.count()) {
            (None, _) => Err(KeyChoiceError::NoMatchingKey),
            (Some(key), 0) => key.decoding_key(algorithm),
            (Some(_), others) => Err(KeyChoiceError::Ambiguous(others + 1)),
        }
    }
}

#[cfg(test)]
mod tests;
