//! Following a chain of Telco Finders: a first-level finder may name a second-level finder (a
//! multi-brand operator's) instead of an operator; the client asks it next, authenticating at its
//! provider with the same client credentials, and stops at a loop or after
//! [`MAX_SECOND_LEVEL`] hops.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use netid_camara::CallOptions;
use netid_camara::telco_finder::{SearchOutcome, SearchRequest, SearchTarget, TelcoFinderClient};
use netid_ciba::grant::TokenRequestSession;
use netid_core::token::AccessToken;

use super::operator::DISCOVERY_PATH;
use super::{Resolved, TelcoFinder};
use crate::error::Error;

/// How many second-level finders one resolution follows at most.
pub const MAX_SECOND_LEVEL: usize = 3;

/// How long before expiry a finder's token is no longer used.
const TOKEN_MARGIN: Duration = Duration::from_secs(30);

/// A chain of Telco Finders that cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoutingError {
    /// A finder named a finder already asked in this resolution.
    #[error("the telco finder at {finder} was named twice in one resolution (a loop of finders)")]
    Loop {
        /// The base URL of the finder named again.
        finder: String,
    },
    /// More second-level finders than [`MAX_SECOND_LEVEL`].
    #[error("more than {max} second-level telco finders in one resolution")]
    TooDeep {
        /// The bound.
        max: usize,
    },
}

/// Where a resolution asks next: a finder's client and the issuer of its tokens.
struct Hop {
    client: TelcoFinderClient,
    issuer: Option<String>,
}

impl TelcoFinder {
    pub(super) async fn resolve_target(&self, target: SearchTarget) -> Result<Resolved, Error> {
        let inner = &self.inner;
        let mut request = SearchRequest::full(target);
        if let Some(mode) = inner.mode {
            request = request.with_portability_search_mode(mode);
        }
        let mut hop = Hop {
            client: inner.client.clone(),
            issuer: inner.issuer.clone(),
        };
        let mut asked = vec![normalised(inner.client.base_url())];
        loop {
            let issuer = hop.issuer.as_deref().ok_or_else(|| {
                Error::Incomplete("[telco-finder] needs an issuer (or the top-level issuer)".to_owned())
            })?;
            let token = self.token(issuer).await?;
            let lookup = match hop.client.search(&token, &request, CallOptions::new()).await {
                Ok(lookup) => lookup,
                Err(error) => {
                    // A refused token is not reused: the next call obtains another.
                    if error.status() == Some(401) {
                        inner.tokens.lock().await.remove(issuer);
                    }
                    return Err(Error::Call(error));
                }
            };
            let found = match lookup.value {
                SearchOutcome::Found(found) => found,
                SearchOutcome::Delegated(route) => {
                    let finder = normalised(&route.telco_finder);
                    if asked.contains(&finder) {
                        return Err(RoutingError::Loop { finder }.into());
                    }
                    if asked.len() > MAX_SECOND_LEVEL {
                        return Err(RoutingError::TooDeep {
                            max: MAX_SECOND_LEVEL,
                        }
                        .into());
                    }
                    // Without its own provider, the second finder takes the first one's tokens.
                    let issuer = match &route.auth_provider_configuration {
                        Some(url) => Some(issuer_of(url)?.to_owned()),
                        None => hop.issuer.clone(),
                    };
                    tracing::debug!(depth = asked.len(), "following a second-level telco finder");
                    hop = Hop {
                        client: self.second_level(&finder),
                        issuer,
                    };
                    asked.push(finder);
                    continue;
                }
                _ => return Err(Error::NotSupported),
            };
            let missing = |what: &str| {
                Error::Incomplete(format!(
                    "the telco finder named operator {} without its {what}",
                    found.operator_id
                ))
            };
            let api_root = found.api_root.clone().ok_or_else(|| missing("apiRoot"))?;
            let discovery_url = found
                .auth_provider_configuration
                .clone()
                .ok_or_else(|| missing("authProviderConfiguration"))?;
            return Ok(Resolved {
                operator_id: found.operator_id,
                api_root,
                discovery_url,
                from_cache: lookup.from_cache,
            });
        }
    }

    /// The client of the second-level finder at `base_url`, kept so its cache lives on.
    fn second_level(&self, base_url: &str) -> TelcoFinderClient {
        let inner = &self.inner;
        let mut clients = inner.second_level.lock().unwrap_or_else(PoisonError::into_inner);
        clients
            .entry(base_url.to_owned())
            .or_insert_with(|| inner.client.for_finder(base_url))
            .clone()
    }

    /// A finder token of `issuer`: the one kept while it is fresh, else a new client-credentials
    /// grant there, with the description's client.
    async fn token(&self, issuer: &str) -> Result<AccessToken, Error> {
        let inner = &self.inner;
        // One lock over the grant: concurrent resolutions share one token request.
        let mut tokens = inner.tokens.lock().await;
        let now = inner.ports.clock.now();
        if let Some((token, expires)) = tokens.get(issuer)
            && expires.is_none_or(|expires| now + TOKEN_MARGIN < expires)
        {
            return Ok(token.clone());
        }
        let credentials = inner.credentials.clone().ok_or_else(|| {
            Error::Credentials(
                "the telco finder needs the client id and key: give client-id and key".to_owned(),
            )
        })?;
        let provider = {
            let mut providers = inner.providers.lock().await;
            match providers.get(issuer) {
                Some(provider) => provider.clone(),
                None => {
                    let provider = inner
                        .driver
                        .discover(issuer)
                        .await
                        .map(Arc::new)
                        .map_err(|source| Error::Token { source, polls: None })?;
                    providers.insert(issuer.to_owned(), provider.clone());
                    provider
                }
            }
        };
        let session = TokenRequestSession::client_credentials(credentials, provider, inner.scope.clone());
        let granted = inner
            .driver
            .exchange(session)
            .await
            .map_err(|source| Error::Token { source, polls: None })?;
        tokens.insert(
            issuer.to_owned(),
            (granted.access_token.clone(), granted.expires_at),
        );
        Ok(granted.access_token)
    }
}

/// A finder's base URL without a trailing `/`, so one finder is one entry.
fn normalised(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}

/// The issuer of a discovery URL (`{issuer}/.well-known/openid-configuration`).
fn issuer_of(discovery_url: &str) -> Result<&str, Error> {
    discovery_url
        .strip_suffix(DISCOVERY_PATH)
        .filter(|issuer| !issuer.is_empty())
        .ok_or_else(|| {
            Error::Incomplete(format!(
                "the discovery url of a second-level telco finder does not end in {DISCOVERY_PATH}"
            ))
        })
}
