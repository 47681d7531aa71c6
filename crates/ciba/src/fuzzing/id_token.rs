//! The structured ID-token target: the fuzz input's claims are signed inside the target with a
//! fuzzing-only key (the test provider's `op-ec`), so mutations of the claims reach every check
//! behind the signature; the signed token is then altered or not, and validated.
//!
//! Properties: a token altered after signing is never accepted; an accepted token carries exactly
//! the claims that were signed, and every issuer, audience, time and `auth_req_id` check held.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};

use crate::provider::IdTokenHandling;
use crate::tokens::{self, IdTokenContext, VerifiedIdToken};

/// The provider's signing key of the tests: its public half is in `op-jwks.json`.
const OP_EC_PEM: &[u8] = include_bytes!("../../tests/fixtures/keys/op-ec.pem");
/// A P-256 key the provider's JWKS does not hold.
const OTHER_EC_PEM: &[u8] = include_bytes!("../../tests/fixtures/keys/other-ec.pem");
const ISSUER: &str = "https://op.example";
const CLIENT_ID: &str = "fuzz";
const AUTH_REQ_ID: &str = "r";
const AUTH_REQ_ID_CLAIM: &str = "urn:openid:params:jwt:claim:auth_req_id";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

/// Parsed once: the fuzzer should spend its time in the validator, not in PEM parsing.
fn keys() -> Option<&'static (EncodingKey, EncodingKey)> {
    static KEYS: OnceLock<Option<(EncodingKey, EncodingKey)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Some((
            EncodingKey::from_ec_pem(OP_EC_PEM).ok()?,
            EncodingKey::from_ec_pem(OTHER_EC_PEM).ok()?,
        ))
    })
    .as_ref()
}

fn sign(claims: &Map<String, Value>, key: &EncodingKey) -> Option<String> {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("op-ec".to_owned());
    jsonwebtoken::encode(&header, claims, key).ok()
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// What happens to the signed token before validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    /// Left as signed: the only case that may be accepted.
    Intact,
    /// One bit of the signature flipped (`n` picks it).
    FlipSignatureBit(usize),
    /// The payload swapped for the same claims with another issuer, the signature kept.
    SwapPayload,
    /// The header rewritten to `alg: none` and the signature dropped.
    AlgNone,
    /// Signed with a key the provider's JWKS does not hold, under the provider's `kid`.
    ForeignKey,
    /// A fourth segment appended.
    ExtraSegment,
}

impl Mutation {
    fn from_byte(byte: u8) -> Self {
        match byte % 6 {
            0 => Self::Intact,
            1 => Self::FlipSignatureBit(usize::from(byte / 6)),
            2 => Self::SwapPayload,
            3 => Self::AlgNone,
            4 => Self::ForeignKey,
            _ => Self::ExtraSegment,
        }
    }

    fn apply(self, token: &str, claims: &Map<String, Value>, foreign: &EncodingKey) -> Option<String> {
        let mut parts = token.splitn(3, '.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        Some(match self {
            Self::Intact => token.to_owned(),
            Self::FlipSignatureBit(n) => {
                let mut bytes = URL_SAFE_NO_PAD.decode(signature).ok()?;
                let bit = n % (bytes.len() * 8).max(1);
                *bytes.get_mut(bit / 8)? ^= 1 << (bit % 8);
                format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(bytes))
            }
            Self::SwapPayload => {
                let mut forged = claims.clone();
                forged.insert("iss".to_owned(), Value::from("https://attacker.example"));
                format!("{header}.{}.{signature}", b64_json(&Value::Object(forged)))
            }
            Self::AlgNone => {
                let none = serde_json::json!({"alg": "none", "kid": "op-ec"});
                format!("{}.{payload}.", b64_json(&none))
            }
            Self::ForeignKey => sign(claims, foreign)?,
            Self::ExtraSegment => format!("{token}.{signature}"),
        })
    }
}

/// First byte: what happens to the signed token (intact, or one of five alterations); the rest: the
/// claims, a JSON object.
pub fn fuzz_id_token(data: &[u8]) {
    let Some((&selector, claims)) = data.split_first() else {
        return;
    };
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(claims) else {
        return;
    };
    let (Some(provider), Some((key, foreign))) = (super::provider(), keys()) else {
        return;
    };
    let Some(signed) = sign(&claims, key) else {
        return;
    };
    let mutation = Mutation::from_byte(selector);
    let Some(token) = mutation.apply(&signed, &claims, foreign) else {
        return;
    };
    let context = IdTokenContext {
        policy: IdTokenHandling::Required,
        nonce: None,
        auth_req_id: Some(AUTH_REQ_ID),
    };
    let skew = provider.config().clock_skew;
    let Ok(verified) = tokens::validate_id_token(&token, provider.config(), CLIENT_ID, now(), context) else {
        return;
    };
    assert_eq!(
        mutation,
        Mutation::Intact,
        "a token altered after signing was accepted"
    );
    check_claims(&verified, &claims, skew);
}

/// An accepted token's values are the signed claims', and every check held.
fn check_claims(verified: &VerifiedIdToken, claims: &Map<String, Value>, skew: Duration) {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    assert_eq!(text("iss"), Some(ISSUER), "accepted another issuer");
    assert_eq!(verified.issuer, ISSUER, "issuer is not the signed one");
    assert_eq!(
        text("sub"),
        Some(verified.subject.expose_pii().as_str()),
        "subject is not the signed one"
    );
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(auds)) => auds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    assert!(
        audiences.contains(&CLIENT_ID),
        "accepted a token for another audience"
    );
    if audiences.len() > 1 || claims.contains_key("azp") {
        assert_eq!(text("azp"), Some(CLIENT_ID), "accepted a foreign or missing azp");
    }
    if let Some(id) = claims.get(AUTH_REQ_ID_CLAIM) {
        assert_eq!(id.as_str(), Some(AUTH_REQ_ID), "accepted another auth_req_id");
    }
    assert_eq!(text("acr"), verified.acr.as_deref(), "acr is not the signed one");
    let seconds = |time: SystemTime| match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    };
    let signed_time = |name: &str| claims.get(name).and_then(Value::as_f64);
    let close = |signed: Option<f64>, got: SystemTime| signed.is_some_and(|s| (s - seconds(got)).abs() < 1.0);
    assert!(
        close(signed_time("exp"), verified.expires_at),
        "exp is not the signed one"
    );
    assert!(
        close(signed_time("iat"), verified.issued_at),
        "iat is not the signed one"
    );
    if let Some(auth_time) = verified.auth_time {
        assert!(
            close(signed_time("auth_time"), auth_time),
            "auth_time is not the signed one"
        );
    }
    let now = seconds(now());
    let skew = skew.as_secs_f64();
    assert!(
        seconds(verified.expires_at) > now - skew - 1.0,
        "accepted an expired token"
    );
    assert!(
        seconds(verified.issued_at) <= now + skew + 1.0,
        "accepted a token issued in the future"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(mutation: u8, claims: &Value) -> Vec<u8> {
        let mut input = vec![mutation];
        input.extend(claims.to_string().as_bytes());
        input
    }

    fn valid() -> Value {
        serde_json::json!({
            "iss": ISSUER, "aud": CLIENT_ID, "sub": "subscriber-42",
            "iat": 1_800_000_000_u64, "exp": 1_800_000_300_u64, AUTH_REQ_ID_CLAIM: AUTH_REQ_ID,
        })
    }

    /// The intact seed is accepted, so the target does reach past the signature.
    #[test]
    fn the_intact_seed_is_accepted() {
        let provider = super::super::provider().unwrap();
        let (key, _) = keys().unwrap();
        let Value::Object(claims) = valid() else {
            unreachable!()
        };
        let token = sign(&claims, key).unwrap();
        let context = IdTokenContext {
            policy: IdTokenHandling::Required,
            nonce: None,
            auth_req_id: Some(AUTH_REQ_ID),
        };
        let verified =
            tokens::validate_id_token(&token, provider.config(), CLIENT_ID, now(), context).unwrap();
        check_claims(&verified, &claims, provider.config().clock_skew);
    }

    /// Every mutation of a valid token, and claims that fail a check, run without a failed property.
    #[test]
    fn every_mutation_is_refused() {
        let mut claims = valid();
        for mutation in 0..=255_u8 {
            fuzz_id_token(&input(mutation, &claims));
        }
        claims["aud"] = serde_json::json!([CLIENT_ID, "other"]);
        fuzz_id_token(&input(0, &claims));
        claims["exp"] = Value::from(1.5);
        fuzz_id_token(&input(0, &claims));
    }

    /// The altered tokens are refused by the validator itself, not only skipped by the target.
    #[test]
    fn altered_tokens_are_refused() {
        let provider = super::super::provider().unwrap();
        let (key, foreign) = keys().unwrap();
        let Value::Object(claims) = valid() else {
            unreachable!()
        };
        let token = sign(&claims, key).unwrap();
        for selector in 1..6_u8 {
            let mutation = Mutation::from_byte(selector);
            let altered = mutation.apply(&token, &claims, foreign).unwrap();
            let context = IdTokenContext {
                policy: IdTokenHandling::Required,
                nonce: None,
                auth_req_id: Some(AUTH_REQ_ID),
            };
            let result = tokens::validate_id_token(&altered, provider.config(), CLIENT_ID, now(), context);
            assert!(result.is_err(), "{mutation:?} was accepted");
        }
    }
}
