//! Tokens the way each profile says: the caller's, CIBA through the shared cache, or JWT-bearer;
//! and a bare CIBA flow for a caller that wants the whole token set.

use std::ops::ControlFlow;
use std::sync::Arc;

use netid_ciba::ciba::{BackchannelRequest, CibaSession};
use netid_ciba::client::ClientConfig;
use netid_ciba::driver::{Reuse, TokenOrigin};
use netid_ciba::grant::TokenRequestSession;
use netid_ciba::provider::ProviderConfig;
use netid_ciba::tokens::TokenSet;
use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::token::AccessToken;

use crate::call::{Call, ProgressFn, TokenInfo, TokenSource};
use crate::error::Error;
use crate::operation::Operation;
use crate::operator::{ApiRuntime, Inner};
use crate::profile::{HintForm, TokenFlow};
use crate::{Operator, Progress};

impl Inner {
    /// The client registration, needed by every token flow.
    pub(crate) fn client_config(&self) -> Result<&Arc<ClientConfig>, Error> {
        self.client.as_ref().ok_or_else(|| {
            Error::Credentials(
                "a token flow needs the client id and key: give client-id (or client-id-env) and key (or key-env)"
                    .to_owned(),
            )
        })
    }

    /// The CIBA request options of the description (binding message, requested expiry).
    fn backchannel_request(&self, scope: Scope, hint: LoginHint) -> Result<BackchannelRequest, Error> {
        let mut request = BackchannelRequest::new(scope, hint);
        let invalid = |error: netid_ciba::Error| Error::Input(error.to_string());
        if let Some(message) = &self.request.binding_message {
            request = request.with_binding_message(message.clone()).map_err(invalid)?;
        }
        if let Some(seconds) = self.request.requested_expiry {
            request = request
                .with_requested_expiry(std::time::Duration::from_secs(seconds))
                .map_err(invalid)?;
        }
        Ok(request)
    }
}

/// The login hint for a call: the subject's own, or its number in the profile's preferred form;
/// refused when the profile does not accept its form.
fn hint_for(
    runtime: &ApiRuntime,
    call_hint: Option<&LoginHint>,
    number: Option<&netid_core::phone::PhoneNumber>,
) -> Result<LoginHint, Error> {
    let hints = runtime.resolved.profile().hints();
    let hint = match (call_hint, number) {
        (Some(hint), _) => hint.clone(),
        (None, Some(number)) => hints.preferred().for_number(number).ok_or_else(|| {
            Error::Input(format!(
                "this operator authenticates {} by its {} hint: give the login hint",
                runtime.resolved.profile().api(),
                hints.preferred()
            ))
        })?,
        (None, None) => {
            return Err(Error::Input(
                "no subscriber: give a phone number, a login hint or an access token".to_owned(),
            ));
        }
    };
    match HintForm::of(&hint) {
        Some(form) if hints.accepts(form) => Ok(hint),
        form => Err(Error::Input(format!(
            "profile {} does not accept {} login hints (accepted: {})",
            runtime.resolved.profile().name(),
            form.map_or("these", HintForm::as_str),
            hints
                .accepted()
                .iter()
                .map(|form| form.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

impl<A> Call<'_, A> {
    /// The token of this call for `operation`: the subject's, or one obtained the profile's way.
    pub(crate) async fn token(&mut self, operation: Operation) -> Result<(AccessToken, TokenInfo), Error> {
        let inner = &self.operator.inner;
        let runtime = inner.runtime(operation.api())?;
        if let Some((token, _)) = &self.subject.access_token {
            let info = TokenInfo {
                source: TokenSource::Given,
                scope: None,
            };
            return Ok((token.clone(), info));
        }
        let flow = runtime.resolved.profile().flow();
        if flow == TokenFlow::AuthorizationCode {
            return Err(Error::TokenFromCaller { api: operation.api() });
        }
        let hint = hint_for(
            runtime,
            self.subject.login_hint.as_ref(),
            self.subject.phone_number.as_ref(),
        )?;
        let scope = runtime.resolved.scope(operation, &inner.purpose);
        let client = inner.client_config()?;
        let provider = runtime
            .provider
            .and_then(|index| inner.providers.get(index))
            .ok_or_else(|| {
                Error::Incomplete(format!(
                    "no provider for {}: give issuer, or bc-authorize-url and token-url",
                    operation.api()
                ))
            })?;
        let ready = provider.get(&inner.driver, client).await?;
        let (result, source) = match flow {
            TokenFlow::JwtBearer => {
                let session = TokenRequestSession::jwt_bearer(
                    client.clone(),
                    ready.provider.config().clone(),
                    hint,
                    scope.clone(),
                )
                .map_err(|error| Error::Input(error.to_string()))?;
                let result = inner.driver.exchange(session).await;
                (result.map(|tokens| tokens.access_token), TokenSource::JwtBearer)
            }
            _ => {
                let request = inner.backchannel_request(scope.clone(), hint)?;
                let progress = progress_or_continue(&mut self.progress);
                // A single-use token (Number Verification) goes through a cache that keeps
                // nothing: every call runs its own flow.
                let reuse = runtime.resolved.profile().reuse();
                let lookup = ready.cache(reuse).lookup_request(request, progress).await;
                if let Some(error) = &lookup.store_error {
                    // The store is a cache, never an authority: the call goes on without it.
                    tracing::warn!(%error, "the shared token store failed");
                }
                (lookup.result, source_of(lookup.origin))
            }
        };
        let polls = match source {
            TokenSource::Ciba { polls } => Some(polls),
            _ => None,
        };
        let token = result.map_err(|source| Error::Token { source, polls })?;
        Ok((
            token,
            TokenInfo {
                source,
                scope: Some(scope),
            },
        ))
    }
}

/// What the caller is told of where a cache's token came from.
fn source_of(origin: TokenOrigin) -> TokenSource {
    match origin {
        TokenOrigin::Refreshed => TokenSource::Refreshed,
        TokenOrigin::Flow { polls } => TokenSource::Ciba { polls },
        // Another caller's flow, here or on another instance, or an earlier one.
        _ => TokenSource::Cached,
    }
}

fn progress_or_continue<'p>(
    progress: &'p mut Option<ProgressFn<'_>>,
) -> impl FnMut(Progress) -> ControlFlow<()> + Send + 'p {
    move |report| match progress {
        Some(callback) => callback(report),
        None => ControlFlow::Continue(()),
    }
}

/// Who a bare CIBA flow authenticates and for what scope.
#[derive(Debug, Clone)]
pub struct CibaRequest {
    hint: LoginHint,
    scope: Scope,
}

impl CibaRequest {
    /// A request for `hint` with `scope`.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] for a scope without `openid` (CIBA is an OpenID Connect flow).
    pub fn new(hint: LoginHint, scope: Scope) -> Result<Self, Error> {
        if !scope.contains("openid") {
            return Err(Error::Input(
                "the scope must include openid: CIBA is an OpenID Connect flow".to_owned(),
            ));
        }
        Ok(Self { hint, scope })
    }

    /// The scope asked for.
    #[must_use]
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A whole CIBA flow outside the cache, for a caller that wants every token (ID token, refresh
/// token) and the number of polls: what `netid token` runs.
#[derive(Debug)]
#[non_exhaustive]
pub struct CibaGrant {
    /// The tokens, or the flow's error.
    pub result: Result<TokenSet, netid_ciba::Error>,
    /// Token requests sent.
    pub polls: u32,
}

/// An access token through the operator's token cache ([`Operator::cached_token`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct CachedGrant {
    /// The access token, or the error of the flow that should have given it.
    pub result: Result<AccessToken, netid_ciba::Error>,
    /// Where it came from: the cache (this process's, the shared store, or another instance's
    /// flow), a refresh, or a CIBA flow this call ran.
    pub source: TokenSource,
}

impl Inner {
    /// The provider of `api`'s tokens.
    pub(crate) fn provider_of(
        &self,
        api: netid_camara::Api,
    ) -> Result<&crate::provider::ProviderSlot, Error> {
        self.runtime(api)?
            .provider
            .and_then(|index| self.providers.get(index))
            .ok_or_else(|| {
                Error::Incomplete(format!(
                    "no provider for {api}: give issuer, or bc-authorize-url and token-url"
                ))
            })
    }

    /// The provider of bare token requests: the description's top-level one, or the provider of
    /// its APIs when they all share one.
    fn default_slot(&self) -> Result<&crate::provider::ProviderSlot, Error> {
        let only_api = || {
            let mut providers = self.apis.values().filter_map(|runtime| runtime.provider);
            let first = providers.next();
            first.filter(|first| providers.all(|other| other == *first))
        };
        self.default_provider
            .or_else(only_api)
            .and_then(|index| self.providers.get(index))
            .ok_or_else(|| Error::Incomplete("give issuer, or bc-authorize-url and token-url".to_owned()))
    }
}

impl Operator {
    /// The configuration of the provider of bare token requests (see [`ciba`](Self::ciba)), set up
    /// now if it was not yet: discovered, its keys fetched.
    ///
    /// # Errors
    ///
    /// An [`Error`] when the provider cannot be set up (no provider, no credentials, a discovery
    /// or JWKS request that fails).
    pub async fn provider(&self) -> Result<Arc<ProviderConfig>, Error> {
        let inner = &self.inner;
        let ready = inner
            .default_slot()?
            .get(&inner.driver, inner.client_config()?)
            .await?;
        Ok(ready.provider.config().clone())
    }

    /// Runs one CIBA flow for `hint` and `scope` with the description's top-level provider (or the
    /// provider of its only API), calling `progress` before every wait. Nothing is cached.
    ///
    /// # Errors
    ///
    /// An [`Error`] when the flow cannot start (no provider, no credentials, a provider that cannot
    /// be set up); the flow's own outcome is in [`CibaGrant::result`].
    pub async fn ciba(
        &self,
        request: CibaRequest,
        progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<CibaGrant, Error> {
        let CibaRequest { hint, scope } = request;
        let inner = &self.inner;
        let client = inner.client_config()?;
        let provider = inner.default_slot()?;
        let ready = provider.get(&inner.driver, client).await?;
        let request = inner.backchannel_request(scope, hint)?;
        let mut session = CibaSession::new(client.clone(), ready.provider.clone(), request);
        let result = inner.driver.run_ciba(&mut session, progress).await;
        Ok(CibaGrant {
            result,
            polls: session.progress().polls,
        })
    }

    /// An access token for `request`'s subject and scope, reusable, through the operator's token
    /// cache: a live token (here, or in the shared [token store](crate::OperatorBuilder::token_store)),
    /// a refresh, or a CIBA flow (one per subject and scope across the
    /// [shared flight](crate::OperatorBuilder::shared_flight)) whose token is kept. Only the access
    /// token comes back; [`ciba`](Self::ciba) runs a bare flow for every token.
    ///
    /// # Errors
    ///
    /// An [`Error`] when no flow can start (see [`ciba`](Self::ciba)); the token's own failure is in
    /// [`CachedGrant::result`].
    pub async fn cached_token(
        &self,
        request: CibaRequest,
        progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<CachedGrant, Error> {
        let CibaRequest { hint, scope } = request;
        let inner = &self.inner;
        let client = inner.client_config()?;
        let ready = inner.default_slot()?.get(&inner.driver, client).await?;
        let request = inner.backchannel_request(scope, hint)?;
        let lookup = ready
            .cache(Reuse::Reusable)
            .lookup_request(request, progress)
            .await;
        if let Some(error) = &lookup.store_error {
            tracing::warn!(%error, "the shared token store failed");
        }
        Ok(CachedGrant {
            result: lookup.result,
            source: source_of(lookup.origin),
        })
    }
}
