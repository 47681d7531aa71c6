//! The authorization-code flow with `prompt=none`, for the APIs whose profile names it (Number
//! Verification without a TS.43 token): the device itself must open the authorization URL over the
//! mobile network, so the facade splits the flow in two calls around it, as the OIDC code flow does.
//!
//! 1. [`Operator::authorize`] gives the URL to send the device to, and an [`Authorization`] to keep
//!    (a session store, say) until the device comes back to the redirect URI;
//! 2. [`Operator::complete_authorization`] takes the redirect's query, checks `state`, exchanges the
//!    code with `private_key_jwt` and PKCE, checks the ID token and its `nonce`, and returns the
//!    token for [`Subject::with_access_token`](crate::Subject::with_access_token).

use netid_ciba::code_flow::{self, AuthorizationEntropy, AuthorizationRequest, PendingAuthorization};
use netid_ciba::tokens::TokenSet;
use netid_core::login_hint::LoginHint;

use crate::Operator;
use crate::error::Error;
use crate::operation::Operation;

/// What to keep between [`Operator::authorize`] and [`Operator::complete_authorization`]: the
/// request's `state`, `nonce` and PKCE verifier (redacted in `Debug`), and the operation it is for.
#[derive(Debug, Clone)]
pub struct Authorization {
    url: String,
    operation: Operation,
    pending: PendingAuthorization,
}

impl Authorization {
    /// The URL the device opens over the mobile network.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The operation the token will be for.
    #[must_use]
    pub fn operation(&self) -> Operation {
        self.operation
    }
}

impl Operator {
    /// Starts the authorization-code flow for `operation`: the scope the profile writes for it,
    /// `prompt=none`, PKCE S256, a fresh `state` and `nonce`, and the redirect back to
    /// `redirect_uri` (registered with the operator). `hint` names the device when the operator
    /// takes one.
    ///
    /// # Errors
    ///
    /// An [`Error`] when the API is not described, the provider cannot be set up or has no
    /// authorization endpoint (`authorization-url` with explicit endpoints), or the redirect URI is
    /// not an `https` (or loopback `http`) URL.
    pub async fn authorize(
        &self,
        operation: Operation,
        redirect_uri: &str,
        hint: Option<LoginHint>,
    ) -> Result<Authorization, Error> {
        let inner = &self.inner;
        let scope = self.scope(operation)?;
        let client = inner.client_config()?;
        let ready = inner
            .provider_of(operation.api())?
            .get(&inner.driver, client)
            .await?;
        let mut request = AuthorizationRequest::new(scope, redirect_uri).map_err(input)?;
        if let Some(hint) = hint {
            request = request.with_login_hint(hint);
        }
        let entropy = AuthorizationEntropy::generate(inner.random.as_ref()).map_err(input)?;
        let (url, pending) =
            code_flow::authorization_url(client, ready.provider.config(), &request, &entropy)
                .map_err(input)?;
        Ok(Authorization {
            url: url.into(),
            operation,
            pending,
        })
    }

    /// Completes the flow [`authorize`](Self::authorize) started, with the query of the redirect
    /// back (`code=…&state=…`, or an OAuth `error`).
    ///
    /// # Errors
    ///
    /// [`Error::Token`]: a `state` that does not match, an OAuth error from the operator (a device
    /// it could not recognise over its network answers `login_required`), a failed code exchange, an
    /// ID token whose signature or `nonce` does not check.
    pub async fn complete_authorization(
        &self,
        authorization: Authorization,
        callback_query: &str,
    ) -> Result<TokenSet, Error> {
        let inner = &self.inner;
        let client = inner.client_config()?;
        let ready = inner
            .provider_of(authorization.operation.api())?
            .get(&inner.driver, client)
            .await?;
        let token_error = |source| Error::Token { source, polls: None };
        let session = authorization
            .pending
            .handle_callback(client.clone(), ready.provider.config().clone(), callback_query)
            .map_err(token_error)?;
        inner.driver.exchange(session).await.map_err(token_error)
    }
}

fn input(error: netid_ciba::Error) -> Error {
    Error::Input(error.to_string())
}
