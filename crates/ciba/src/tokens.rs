//! Token responses and ID-token validation.
//!
//! ID tokens are checked here, by hand, on `jsonwebtoken`'s aws-lc signature verification: the
//! shape and header (`tokens/jwt.rs`), `iss` exactly, `aud` (this client and no other), the signature with
//! an allowed algorithm and the one fitting key of the JWKS, `exp`/`iat` with the clock skew,
//! `nonce`, the `azp` rule of OIDC Core §3.1.3.7 items 4–5, and the CIBA
//! `urn:openid:params:jwt:claim:auth_req_id` claim.
//!
//! Why by hand: `openidconnect`'s `IdTokenVerifier`, used before, verifies with RustCrypto (`rsa`,
//! `p256`, `ed25519-dalek`, …), a second crypto stack beside aws-lc with its own advisories
//! (RUSTSEC-2023-0071). The checks and their order are the ones it applied, so no verdict changed;
//! `jsonwebtoken::decode`'s own validation is not used because its order and claim rules differ.

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use netid_core::secret::{Pii, Secret};
use netid_core::token::{AccessToken, RefreshToken};

use crate::error::{DecodeError, Error, IdTokenError, UsageError};
use crate::jose::SigningAlgorithm;
use crate::provider::{IdTokenHandling, Jwks, ProviderConfig};
use crate::wire::RawTokenResponse;

/// The tokens a flow ends with.
#[derive(Clone)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token for the CAMARA API.
    pub access_token: AccessToken,
    /// The refresh token, when the provider issued one.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires (`now + expires_in` at receipt), if the provider said.
    pub expires_at: Option<SystemTime>,
    /// The granted scope, when the provider returned one.
    pub scope: Option<String>,
    /// The validated ID token, when the provider sent one.
    pub id_token: Option<VerifiedIdToken>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            access_token,
            refresh_token,
            expires_at,
            scope,
            id_token,
        } = self;
        f.debug_struct("TokenSet")
            .field("access_token", access_token)
            .field("refresh_token", refresh_token)
            .field("expires_at", expires_at)
            .field("scope", scope)
            .field("id_token", id_token)
            .finish()
    }
}

impl TokenSet {
    /// Whether the access token is still usable at `now`, keeping `margin` in reserve.
    ///
    /// A token without `expires_in` is treated as expired: its lifetime is unknown.
    pub fn is_fresh(&self, now: SystemTime, margin: Duration) -> bool {
        self.expires_at
            .is_some_and(|expires_at| now.checked_add(margin).is_some_and(|limit| limit < expires_at))
    }
}

/// An ID token whose signature and claims were checked.
#[derive(Clone)]
#[non_exhaustive]
pub struct VerifiedIdToken {
    /// `sub`: the subscriber's pairwise or public identifier (personal data).
    pub subject: Pii<String>,
    /// `iss`.
    pub issuer: String,
    /// `iat`.
    pub issued_at: SystemTime,
    /// `exp`.
    pub expires_at: SystemTime,
    /// `auth_time`, when present.
    pub auth_time: Option<SystemTime>,
    /// `acr`, when present.
    pub acr: Option<String>,
    raw: Secret<String>,
}

impl VerifiedIdToken {
    /// The compact JWS as received.
    ///
    /// # Security
    ///
    /// It carries personal data: do not log it.
    pub fn expose_raw(&self) -> &str {
        self.raw.expose_secret()
    }
}

impl fmt::Debug for VerifiedIdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            subject,
            issuer,
            issued_at,
            expires_at,
            auth_time,
            acr,
            raw: _,
        } = self;
        f.debug_struct("VerifiedIdToken")
            .field("subject", subject)
            .field("issuer", issuer)
            .field("issued_at", issued_at)
            .field("expires_at", expires_at)
            .field("auth_time", auth_time)
            .field("acr", acr)
            .field("raw", &"[redacted]")
            .finish()
    }
}

/// What an ID token must match besides the provider and client, and whether one is needed.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IdTokenContext<'a> {
    /// Whether the answer must carry an ID token (the flow decides, from the provider's profile).
    pub(crate) policy: IdTokenHandling,
    /// The nonce sent in the authorization request (code flow).
    pub(crate) nonce: Option<&'a Secret<String>>,
    /// The `auth_req_id` of the CIBA request.
    pub(crate) auth_req_id: Option<&'a str>,
}

/// The JOSE `typ` values accepted (RFC 7515 §4.1.9, compared as media types): `JWT`, and
/// `JOSE`, which some providers send.
fn typ_accepted(typ: &str) -> bool {
    let typ = typ.to_lowercase();
    let normalized = match (typ.find('/'), typ.find(';')) {
        (None, _) => format!("application/{typ}"),
        (Some(slash), Some(semicolon)) if slash > semicolon || slash == 0 || slash + 1 >= semicolon => {
            return false;
        }
        _ => typ,
    };
    normalized == "application/jwt" || normalized == "application/jose"
}

/// The header checks that come before any claim: no `typ` but a JWT's, no `cty` (nested or other
/// content), no `crit` extension (none is understood), no encrypted token.
fn check_header(header: &jwt::Header) -> Result<(), IdTokenError> {
    if let Some(typ) = &header.typ
        && !typ_accepted(typ)
    {
        return Err(IdTokenError::Claims(format!(
            "unsupported: unexpected or unsupported JWT type `{typ}`"
        )));
    }
    if header.cty.is_some() {
        return Err(IdTokenError::Claims(
            "unsupported: nested or non-JSON JWT content types are not supported".to_owned(),
        ));
    }
    if header.crit.is_some() {
        return Err(IdTokenError::Claims(
            "unsupported: critical JWT header fields are unsupported".to_owned(),
        ));
    }
    if let jwt::HeaderAlg::Encryption(alg) = &header.alg {
        return Err(IdTokenError::Claims(format!(
            "unsupported: JWE encryption is not supported (found algorithm `{alg}`)"
        )));
    }
    Ok(())
}

/// OIDC Core §3.1.3.7 item 3: `aud` lists this client and no other audience (none is trusted).
fn check_audiences(audiences: &[String], client_id: &str) -> Result<(), IdTokenError> {
    if !audiences.iter().any(|aud| aud == client_id) {
        return Err(IdTokenError::Audience(format!(
            "must contain `{client_id}` (found {} audiences)",
            audiences.len()
        )));
    }
    if let Some(other) = audiences.iter().find(|aud| *aud != client_id) {
        return Err(IdTokenError::Audience(format!(
            "`{other}` is not a trusted audience"
        )));
    }
    Ok(())
}

/// OIDC Core §3.1.3.7 items 6–7: the signature, with an allowed algorithm and the one key of the
/// JWKS that fits it. Never `none` nor HMAC: [`SigningAlgorithm`] names neither.
fn check_signature(token: &jwt::Jws<'_>, provider: &ProviderConfig, jwks: &Jwks) -> Result<(), IdTokenError> {
    let name = match &token.header.alg {
        jwt::HeaderAlg::Signature(name) => name,
        jwt::HeaderAlg::None => return Err(IdTokenError::Signature("no signature found".to_owned())),
        jwt::HeaderAlg::Encryption(name) => {
            return Err(IdTokenError::Signature(format!(
                "unsupported signature algorithm: {name}"
            )));
        }
    };
    let algorithm: SigningAlgorithm = provider
        .id_token_algorithms
        .iter()
        .copied()
        .find(|alg| alg.as_str() == name)
        .ok_or_else(|| {
            let allowed: Vec<&str> = provider
                .id_token_algorithms
                .iter()
                .map(|alg| alg.as_str())
                .collect();
            IdTokenError::Signature(format!(
                "disallowed signature algorithm: `{name}` is not one of: {}",
                allowed.join(", ")
            ))
        })?;
    let key = jwks
        .key_for(token.header.kid.as_deref(), algorithm)
        .map_err(|err| IdTokenError::Signature(err.to_string()))?;
    // `crypto::verify` takes the signature in base64url: the canonical re-encoding of the octets
    // decoded leniently, so that both sides read the same signature.
    let signature = URL_SAFE_NO_PAD.encode(&token.signature);
    match jsonwebtoken::crypto::verify(
        &signature,
        token.signing_input.as_bytes(),
        &key,
        algorithm.to_jsonwebtoken(),
    ) {
        Ok(true) => Ok(()),
        Ok(false) => Err(IdTokenError::Signature("crypto error: bad signature".to_owned())),
        Err(err) => Err(IdTokenError::Signature(format!("crypto error: {err}"))),
    }
}

/// Validates `raw` as an ID token of `provider` for `client_id` at `now`.
///
/// The order of the checks is the one `openidconnect` 4.1 followed (OIDC Core §3.1.3.7): shape,
/// header, `iss`, `aud`, signature, `exp`, `iat`, `nonce`; then `azp` and CIBA's `auth_req_id`.
/// An attacker's token therefore fails with the same [`IdTokenError`] variant as before.
///
/// # Errors
///
/// [`IdTokenError`] for every failed check; [`UsageError::MissingProviderValue`] without a JWKS.
pub(crate) fn validate_id_token(
    raw: &str,
    provider: &ProviderConfig,
    client_id: &str,
    now: SystemTime,
    context: IdTokenContext<'_>,
) -> Result<VerifiedIdToken, Error> {
    let jwks = provider
        .jwks
        .as_ref()
        .ok_or(UsageError::MissingProviderValue("the jwks to check id tokens"))?;
    let token = jwt::Jws::parse(raw)?;
    check_header(&token.header)?;
    let claims = &token.claims;
    if claims.iss != provider.issuer {
        return Err(
            IdTokenError::Issuer(format!("expected `{}` (found `{}`)", provider.issuer, claims.iss)).into(),
        );
    }
    check_audiences(&claims.aud, client_id)?;
    check_signature(&token, provider, jwks)?;

    let skew = provider.clock_skew;
    let now_chrono: DateTime<Utc> = now.into();
    // `exp` must be after now - skew, `iat` before now + skew.
    let lenient_now: DateTime<Utc> = now.checked_sub(skew).unwrap_or(now).into();
    let latest_iat: DateTime<Utc> = now.checked_add(skew).unwrap_or(now).into();
    if lenient_now >= claims.exp {
        return Err(IdTokenError::Expired(format!(
            "ID token expired at {} (current time is {lenient_now})",
            claims.exp
        ))
        .into());
    }
    if claims.iat > latest_iat {
        return Err(IdTokenError::Expired(format!(
            "issued in the future (iat {}, now {now_chrono})",
            claims.iat
        ))
        .into());
    }
    match (context.nonce, claims.nonce.as_deref()) {
        (None, _) => {}
        (Some(expected), Some(claimed)) if expected.ct_eq(claimed) => {}
        (Some(_), _) => return Err(IdTokenError::Nonce.into()),
    }

    // OIDC Core §3.1.3.7 items 4–5: several audiences need an azp; an azp must be this client.
    match &claims.azp {
        Some(azp) if azp != client_id => {
            return Err(IdTokenError::Audience("azp names another client".to_owned()).into());
        }
        None if claims.aud.len() > 1 => {
            return Err(IdTokenError::Audience("several audiences and no azp".to_owned()).into());
        }
        _ => {}
    }
    if let (Some(expected), Some(claimed)) = (context.auth_req_id, claims.auth_req_id.as_deref())
        && expected != claimed
    {
        return Err(IdTokenError::AuthReqId.into());
    }
    Ok(VerifiedIdToken {
        subject: Pii::new(claims.sub.clone()),
        issuer: claims.iss.clone(),
        issued_at: claims.iat.into(),
        expires_at: claims.exp.into(),
        auth_time: claims.auth_time.map(Into::into),
        acr: claims.acr.clone(),
        raw: Secret::new(raw.to_owned()),
    })
}

/// Turns a decoded token response into a [`TokenSet`], validating the ID token as
/// `context.policy` says (the provider's own policy is the flow's business).
pub(crate) fn token_set(
    raw: RawTokenResponse,
    status: u16,
    body: &bytes::Bytes,
    provider: &ProviderConfig,
    client_id: &str,
    now: SystemTime,
    context: IdTokenContext<'_>,
) -> Result<TokenSet, Error> {
    if !raw.token_type.eq_ignore_ascii_case("bearer") {
        return Err(DecodeError::new(
            "token response",
            status,
            "token_type",
            "expected `Bearer` (case-insensitive)",
            body.clone(),
        )
        .into());
    }
    let id_token = match (&raw.id_token, context.policy) {
        // Operator doc 000 (Orange France): an opaque `id_token` that no JWKS can verify.
        (_, IdTokenHandling::InsecureIgnore) => None,
        (Some(id_token), _) => Some(validate_id_token(id_token, provider, client_id, now, context)?),
        (None, IdTokenHandling::Optional) => None,
        (None, IdTokenHandling::Required) => return Err(IdTokenError::Missing.into()),
    };
    Ok(TokenSet {
        access_token: AccessToken::new(raw.access_token),
        refresh_token: raw.refresh_token.map(RefreshToken::new),
        expires_at: raw
            .expires_in
            .and_then(|seconds| now.checked_add(Duration::from_secs(seconds))),
        scope: raw.scope,
        id_token,
    })
}

mod jwt;

#[cfg(test)]
mod tests;
