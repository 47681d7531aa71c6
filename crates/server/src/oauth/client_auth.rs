//! `private_key_jwt` client authentication (RFC 7523 §2.2, OIDC Core §9).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::{OAuthError, required};
use crate::state::{Shared, unix};

/// The `client_assertion_type` of `private_key_jwt` (RFC 7523).
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Signature algorithms accepted on client assertions (no HMAC, no `none`).
const ASSERTION_ALGS: [Algorithm; 6] = [
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::PS256,
    Algorithm::EdDSA,
];

#[derive(Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    exp: Option<u64>,
    nbf: Option<u64>,
    jti: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains_any(&self, accepted: &[String]) -> bool {
        match self {
            Self::One(aud) => accepted.contains(aud),
            Self::Many(auds) => auds.iter().any(|a| accepted.contains(a)),
        }
    }
}

/// Authenticates the client of a request by `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9) and
/// returns its id.
///
/// Mirrors panva's oidc-provider: `iss` = `sub` = the client id; `aud` the issuer, the token
/// endpoint or the endpoint called; `exp` and `jti` required; a `jti` is single-use.
pub(super) async fn authenticate_client(
    shared: &Shared,
    form: &BTreeMap<String, String>,
    called_path: &str,
    now: SystemTime,
) -> Result<String, OAuthError> {
    let assertion_type = form
        .get("client_assertion_type")
        .ok_or_else(|| OAuthError::invalid_client("client authentication by private_key_jwt is required"))?;
    if assertion_type != JWT_BEARER {
        return Err(OAuthError::invalid_client(
            "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ));
    }
    let assertion = required(form, "client_assertion")
        .map_err(|_| OAuthError::invalid_client("missing client_assertion"))?;
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|_| OAuthError::invalid_client("client_assertion is not a JWT"))?;
    if !ASSERTION_ALGS.contains(&header.alg) {
        return Err(OAuthError::invalid_client(
            "client_assertion algorithm not allowed",
        ));
    }
    // Read `iss` before verification only to find the key set; everything is checked after.
    let unverified: AssertionClaims = jsonwebtoken::dangerous::insecure_decode::<AssertionClaims>(assertion)
        .map_err(|_| OAuthError::invalid_client("client_assertion claims do not decode"))?
        .claims;
    let client_id = unverified
        .iss
        .ok_or_else(|| OAuthError::invalid_client("client_assertion has no iss"))?;
    if form.get("client_id").is_some_and(|id| *id != client_id) {
        return Err(OAuthError::invalid_client(
            "client_id does not match the assertion issuer",
        ));
    }
    let client = shared
        .clients
        .get(&client_id)
        .ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
    let mut validation = Validation::new(header.alg);
    // Time and audience are checked below against the injected clock and the accepted set.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = client
        .keys
        .iter()
        // A key registered without `kid` (from a PEM public key) is tried whatever the header says.
        .filter(|jwk| header.kid.is_none() || jwk.common.key_id.is_none() || jwk.common.key_id == header.kid)
        .filter_map(|jwk| DecodingKey::from_jwk(jwk).ok())
        .find_map(|key| jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation).ok())
        .ok_or_else(|| {
            OAuthError::invalid_client("client_assertion signature does not verify with the client's keys")
        })?
        .claims;
    if claims.iss.as_deref() != Some(client_id.as_str()) || claims.sub.as_deref() != Some(client_id.as_str())
    {
        return Err(OAuthError::invalid_client(
            "client_assertion iss and sub must be the client_id",
        ));
    }
    let accepted = [
        shared.issuer.clone(),
        shared.endpoint("/token"),
        shared.endpoint(called_path),
    ];
    if !claims.aud.as_ref().is_some_and(|aud| aud.contains_any(&accepted)) {
        return Err(OAuthError::invalid_client(
            "client_assertion audience is not this server",
        ));
    }
    let now_secs = unix(now);
    let exp = claims
        .exp
        .ok_or_else(|| OAuthError::invalid_client("client_assertion has no exp"))?;
    if exp <= now_secs {
        return Err(OAuthError::invalid_client("client_assertion is expired"));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now_secs) {
        return Err(OAuthError::invalid_client("client_assertion is not yet valid"));
    }
    let jti = claims
        .jti
        .filter(|j| !j.is_empty())
        .ok_or_else(|| OAuthError::invalid_client("client_assertion has no jti"))?;
    let until = SystemTime::UNIX_EPOCH + Duration::from_secs(exp);
    let fresh = shared
        .store
        .use_jti(&client_id, &jti, until, now)
        .await
        .map_err(|e| OAuthError::unavailable(&e))?;
    if !fresh {
        return Err(OAuthError::invalid_client(
            "client_assertion jti was already used",
        ));
    }
    Ok(client_id)
}
