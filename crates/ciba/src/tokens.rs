//! Token responses and ID-token validation.
//!
//! ID tokens are verified with `openidconnect`'s `IdTokenVerifier` (signature through the
//! provider's JWKS, algorithm allow-list, `iss`, `aud`, `exp`), to which this module adds what it
//! leaves to the client: clock skew on `exp`/`iat`, the `azp` rule of OIDC Core §3.1.3.7 items 4–5,
//! and the CIBA `urn:openid:params:jwt:claim:auth_req_id` claim.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use netid_core::secret::{Pii, Secret};
use netid_core::token::{AccessToken, RefreshToken};
use openidconnect::core::{CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm};
use openidconnect::{
    AdditionalClaims, ClaimsVerificationError, ClientId, IdToken, IdTokenVerifier, IssuerUrl, Nonce,
};
use serde::{Deserialize, Serialize};

use crate::error::{DecodeError, Error, IdTokenError, UsageError};
use crate::jose::SigningAlgorithm;
use crate::provider::{IdTokenHandling, ProviderConfig};
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

/// The extra claim CIBA puts in ID tokens ([CIBA §7.4]).
///
/// [CIBA §7.4]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.4
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CibaClaims {
    #[serde(
        rename = "urn:openid:params:jwt:claim:auth_req_id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    auth_req_id: Option<String>,
}

impl AdditionalClaims for CibaClaims {}

type CibaIdToken =
    IdToken<CibaClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

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

fn core_alg(algorithm: SigningAlgorithm) -> CoreJwsSigningAlgorithm {
    match algorithm {
        SigningAlgorithm::Rs256 => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        SigningAlgorithm::Ps256 => CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        SigningAlgorithm::Es256 => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    }
}

fn map_claims_error(err: ClaimsVerificationError) -> IdTokenError {
    match err {
        ClaimsVerificationError::Expired(text) => IdTokenError::Expired(text),
        ClaimsVerificationError::InvalidAudience(text) => IdTokenError::Audience(text),
        ClaimsVerificationError::InvalidIssuer(text) => IdTokenError::Issuer(text),
        ClaimsVerificationError::InvalidNonce(_) => IdTokenError::Nonce,
        ClaimsVerificationError::SignatureVerification(inner) => IdTokenError::Signature(inner.to_string()),
        other => IdTokenError::Claims(other.to_string()),
    }
}

/// Validates `raw` as an ID token of `provider` for `client_id` at `now`.
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
    let token = CibaIdToken::from_str(raw).map_err(|err| IdTokenError::Malformed(err.to_string()))?;
    let skew = provider.clock_skew;
    let now_chrono: DateTime<Utc> = now.into();
    let lenient_now: DateTime<Utc> = now.checked_sub(skew).unwrap_or(now).into();
    let latest_iat: DateTime<Utc> = now.checked_add(skew).unwrap_or(now).into();
    let verifier = IdTokenVerifier::new_public_client(
        ClientId::new(client_id.to_owned()),
        IssuerUrl::new(provider.issuer.clone()).map_err(|err| IdTokenError::Issuer(err.to_string()))?,
        jwks.0.clone(),
    )
    .set_allowed_algs(provider.id_token_algorithms.iter().copied().map(core_alg))
    // `exp` must be after now - skew.
    .set_time_fn(move || lenient_now)
    .set_issue_time_verifier_fn(move |iat| {
        if iat > latest_iat {
            Err(format!("issued in the future (iat {iat}, now {now_chrono})"))
        } else {
            Ok(())
        }
    });
    let nonce = context.nonce;
    let claims = token
        .claims(&verifier, |claimed: Option<&Nonce>| match (nonce, claimed) {
            (None, _) => Ok(()),
            (Some(expected), Some(claimed)) if expected.ct_eq(claimed.secret()) => Ok(()),
            (Some(_), _) => Err("nonce mismatch".to_owned()),
        })
        .map_err(map_claims_error)?;

    // OIDC Core §3.1.3.7 items 4–5: several audiences need an azp; an azp must be this client.
    match claims.authorized_party() {
        Some(azp) if azp.as_str() != client_id => {
            return Err(IdTokenError::Audience("azp names another client".to_owned()).into());
        }
        None if claims.audiences().len() > 1 => {
            return Err(IdTokenError::Audience("several audiences and no azp".to_owned()).into());
        }
        _ => {}
    }
    if let (Some(expected), Some(claimed)) = (
        context.auth_req_id,
        claims.additional_claims().auth_req_id.as_deref(),
    ) && expected != claimed
    {
        return Err(IdTokenError::AuthReqId.into());
    }
    Ok(VerifiedIdToken {
        subject: Pii::new(claims.subject().as_str().to_owned()),
        issuer: claims.issuer().as_str().to_owned(),
        issued_at: claims.issue_time().into(),
        expires_at: claims.expiration().into(),
        auth_time: claims.auth_time().map(Into::into),
        acr: claims.auth_context_ref().map(|acr| acr.as_str().to_owned()),
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

#[cfg(test)]
mod tests;
