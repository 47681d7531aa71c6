//! The OpenID Connect authorization-code flow with `prompt=none` and PKCE S256, as CAMARA Number
//! Verification uses it when no TS.43 token is at hand (operator doc 002): the device must reach
//! the authorize URL over the mobile network, so the operator recognises it without user
//! interaction.
//!
//! Sans-I/O: [`authorization_url`] builds the URL and a [`PendingAuthorization`] the caller keeps
//! (for example in its session store); [`PendingAuthorization::handle_callback`] checks the
//! redirect back and returns the [`TokenRequestSession`] that exchanges the code with
//! `private_key_jwt`; the ID token's `nonce` is checked in constant time.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use netid_core::login_hint::LoginHint;
use netid_core::ports::SecureRandom;
use netid_core::scope::Scope;
use netid_core::secret::Secret;
use url::Url;

use crate::client::ClientConfig;
use crate::error::{EnvironmentError, Error, FlowError, OAuthError, OAuthErrorCode, UsageError};
use crate::grant::TokenRequestSession;
use crate::provider::{ProviderConfig, endpoint_url};

/// What to ask the authorization endpoint for.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    scope: Scope,
    redirect_uri: Url,
    login_hint: Option<LoginHint>,
    prompt_none: bool,
}

impl AuthorizationRequest {
    /// A `prompt=none` request for `scope`, redirecting to `redirect_uri`.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidUrl`] for a redirect URI that is not `https` (or loopback `http`).
    pub fn new(scope: Scope, redirect_uri: &str) -> Result<Self, Error> {
        Ok(Self {
            scope,
            redirect_uri: endpoint_url("redirect uri", redirect_uri)?,
            login_hint: None,
            prompt_none: true,
        })
    }

    /// Adds a `login_hint` (CAMARA: operators may ignore it).
    #[must_use]
    pub fn with_login_hint(mut self, hint: LoginHint) -> Self {
        self.login_hint = Some(hint);
        self
    }

    /// Drops `prompt=none` (interactive login allowed); Number Verification wants it kept.
    #[must_use]
    pub fn allow_interaction(mut self) -> Self {
        self.prompt_none = false;
        self
    }
}

/// The randomness of one authorization request: `state`, `nonce` and the PKCE verifier.
#[derive(Clone)]
pub struct AuthorizationEntropy([u8; 64]);

impl AuthorizationEntropy {
    /// From 64 caller-drawn random bytes.
    pub fn from_bytes(bytes: [u8; 64]) -> Self {
        Self(bytes)
    }

    /// Draws fresh entropy.
    ///
    /// # Errors
    ///
    /// [`EnvironmentError::Random`].
    pub fn generate(random: &dyn SecureRandom) -> Result<Self, Error> {
        let mut bytes = [0_u8; 64];
        random.fill(&mut bytes).map_err(|_| EnvironmentError::Random)?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for AuthorizationEntropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationEntropy([redacted])")
    }
}

/// What must survive between the redirect to the operator and the callback.
#[derive(Clone)]
pub struct PendingAuthorization {
    state: Secret<String>,
    nonce: Secret<String>,
    code_verifier: Secret<String>,
    redirect_uri: String,
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            state: _,
            nonce: _,
            code_verifier: _,
            redirect_uri,
        } = self;
        f.debug_struct("PendingAuthorization")
            .field("state", &"[redacted]")
            .field("nonce", &"[redacted]")
            .field("code_verifier", &"[redacted]")
            .field("redirect_uri", redirect_uri)
            .finish()
    }
}

/// Builds the authorize URL (`response_type=code`, `prompt=none`, `state`, `nonce`, PKCE S256).
///
/// # Errors
///
/// [`UsageError::MissingProviderValue`] without an authorization endpoint, or without the JWKS
/// that the ID token of the code exchange is always checked with (refused here, before the user
/// is sent anywhere, rather than when the code comes back).
pub fn authorization_url(
    client: &ClientConfig,
    provider: &ProviderConfig,
    request: &AuthorizationRequest,
    entropy: &AuthorizationEntropy,
) -> Result<(Url, PendingAuthorization), Error> {
    let mut url = provider
        .authorization_endpoint
        .clone()
        .ok_or(UsageError::MissingProviderValue("an authorization endpoint"))?;
    if provider.jwks.is_none() {
        return Err(UsageError::MissingProviderValue("the jwks to check id tokens").into());
    }
    let state = URL_SAFE_NO_PAD.encode(&entropy.0[..16]);
    let nonce = URL_SAFE_NO_PAD.encode(&entropy.0[16..32]);
    let code_verifier = URL_SAFE_NO_PAD.encode(&entropy.0[32..]);
    let challenge = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, code_verifier.as_bytes()));
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &client.client_id)
            .append_pair("redirect_uri", request.redirect_uri.as_str())
            .append_pair("scope", &request.scope.to_string())
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if request.prompt_none {
            query.append_pair("prompt", "none");
        }
        if let Some(hint) = &request.login_hint {
            query.append_pair("login_hint", &hint.expose_value());
        }
    }
    let pending = PendingAuthorization {
        state: Secret::new(state),
        nonce: Secret::new(nonce),
        code_verifier: Secret::new(code_verifier),
        redirect_uri: request.redirect_uri.as_str().to_owned(),
    };
    Ok((url, pending))
}

impl PendingAuthorization {
    /// Checks the callback's query string (`code=…&state=…`, or `error=…`) and returns the session
    /// that exchanges the code.
    ///
    /// # Errors
    ///
    /// [`Error::OAuth`] with status 0 for an error redirect (`login_required`,
    /// `interaction_required`, `access_denied`, …); [`FlowError::StateMismatch`] for a missing or
    /// foreign `state` or an `iss` (RFC 9207) naming another issuer; [`UsageError::InvalidParameter`]
    /// without a `code`.
    pub fn handle_callback(
        self,
        client: Arc<ClientConfig>,
        provider: Arc<ProviderConfig>,
        query: &str,
    ) -> Result<TokenRequestSession, Error> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut code = None;
        let mut state = None;
        let mut error = None;
        let mut description = None;
        let mut issuer = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "code" => code = Some(value.into_owned()),
                "state" => state = Some(value.into_owned()),
                "error" => error = Some(value.into_owned()),
                "error_description" => description = Some(value.into_owned()),
                "iss" => issuer = Some(value.into_owned()),
                _ => {}
            }
        }
        if state.as_deref().is_none_or(|state| !self.state.ct_eq(state)) {
            return Err(FlowError::StateMismatch.into());
        }
        if issuer.is_some_and(|issuer| issuer != provider.issuer) {
            return Err(FlowError::StateMismatch.into());
        }
        if let Some(error) = error {
            let mut error = OAuthError::new(0, OAuthErrorCode::from_wire(&error));
            error.description = description;
            return Err(error.into());
        }
        let code = code.ok_or(UsageError::InvalidParameter {
            name: "code",
            reason: "the callback carries neither a code nor an error".to_owned(),
        })?;
        Ok(TokenRequestSession::authorization_code(
            client,
            provider,
            Secret::new(code),
            self.redirect_uri,
            self.code_verifier,
            self.nonce,
        ))
    }
}

#[cfg(test)]
mod tests;
