//! The OpenID Providers of an operator: where each API's tokens come from, set up once (discovery and
//! keys fetched on first use) and shared by every API that names the same provider, with one token
//! cache each.

use std::sync::Arc;
use std::time::Duration;

use netid_ciba::client::ClientConfig;
use netid_ciba::driver::{Driver, FlightPolicy, Reuse, SharedFlight, TokenCache, TokenStore};
use netid_ciba::provider::{CibaProvider, IdTokenPolicy, ProviderConfig};
use tokio::sync::OnceCell;

use crate::description::ProviderDescription;
use crate::error::Error;
use crate::profile::{IdTokenRule, ProviderDefaults};

/// How long before expiry a cached token is no longer handed out: more than the providers' clock
/// skew, so a token is never sent in its last seconds.
const CACHE_MARGIN: Duration = Duration::from_secs(30);

/// Where a provider's configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProviderSource {
    /// Discovery from the issuer (its JWKS included).
    Discovery {
        issuer: String,
        id_token: Option<IdTokenRule>,
    },
    /// Endpoints given; the issuer is the token URL's origin unless given.
    Explicit {
        issuer: Option<String>,
        bc_authorize_url: String,
        token_url: String,
        jwks_url: Option<String>,
        authorization_url: Option<String>,
        id_token: Option<IdTokenRule>,
    },
}

impl ProviderSource {
    /// The provider the description names at its top level, else the one `defaults` documents.
    pub(crate) fn choose(
        description: &ProviderDescription,
        defaults: Option<&ProviderDefaults>,
    ) -> Result<Option<Self>, Error> {
        if description.is_empty() {
            return Ok(defaults.map(|defaults| Self::Explicit {
                issuer: None,
                bc_authorize_url: defaults.bc_authorize_url.to_owned(),
                token_url: defaults.token_url.to_owned(),
                jwks_url: None,
                authorization_url: None,
                id_token: Some(defaults.id_token),
            }));
        }
        let d = description;
        match (&d.issuer, &d.bc_authorize_url, &d.token_url) {
            (Some(issuer), None, None) => Ok(Some(Self::Discovery {
                issuer: issuer.clone(),
                id_token: d.id_token,
            })),
            (issuer, Some(bc), Some(token)) => Ok(Some(Self::Explicit {
                issuer: issuer.clone(),
                bc_authorize_url: bc.clone(),
                token_url: token.clone(),
                jwks_url: d.jwks_url.clone(),
                authorization_url: d.authorization_url.clone(),
                id_token: d.id_token.or(defaults.map(|defaults| defaults.id_token)),
            })),
            (_, Some(_), None) | (_, None, Some(_)) => Err(Error::Incomplete(
                "bc-authorize-url and token-url go together".to_owned(),
            )),
            (None, None, None) => Err(Error::Incomplete(
                "give issuer, or bc-authorize-url and token-url".to_owned(),
            )),
        }
    }

    /// The provider's configuration: discovered, or built from the endpoints (and its JWKS
    /// fetched when its ID tokens must or may be validated).
    async fn configure(&self, driver: &Driver) -> Result<CibaProvider, netid_ciba::Error> {
        match self {
            Self::Discovery { issuer, id_token } => {
                let provider = driver.discover(issuer).await?;
                CibaProvider::from_discovered(apply(provider, id_token.unwrap_or(IdTokenRule::Required)))
            }
            Self::Explicit {
                issuer,
                bc_authorize_url,
                token_url,
                jwks_url,
                authorization_url,
                id_token,
            } => {
                let issuer = match issuer {
                    Some(issuer) => issuer.clone(),
                    None => origin(token_url).ok_or_else(|| netid_ciba::error::UsageError::InvalidUrl {
                        what: "token endpoint",
                        reason: "not an absolute URL".to_owned(),
                    })?,
                };
                let mut provider = ProviderConfig::new(&issuer, token_url)?;
                if let Some(url) = authorization_url {
                    provider = provider.with_authorization_endpoint(url)?;
                }
                // Without keys, an ID token cannot be checked: it is then optional unless the
                // description says to drop it.
                let rule = id_token.unwrap_or(if jwks_url.is_some() {
                    IdTokenRule::Required
                } else {
                    IdTokenRule::Optional
                });
                if let Some(url) = jwks_url {
                    provider = driver.fetch_jwks(provider.with_jwks_uri(url)?).await?;
                }
                CibaProvider::new(apply(provider, rule), bc_authorize_url)
            }
        }
    }
}

fn apply(provider: ProviderConfig, rule: IdTokenRule) -> ProviderConfig {
    match rule {
        IdTokenRule::Required => provider.with_id_token_policy(IdTokenPolicy::Required),
        IdTokenRule::Optional => provider.with_id_token_policy(IdTokenPolicy::Optional),
        IdTokenRule::InsecureIgnore => provider.insecure_ignore_id_token(),
    }
}

/// `scheme://host[:port]` of an absolute URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().filter(|a| !a.is_empty())?;
    Some(format!("{scheme}://{authority}"))
}

/// The token store and shared flight an operator's token caches use, when given.
pub(crate) type TokenSharing = (Option<Arc<dyn TokenStore>>, Option<Arc<dyn SharedFlight>>);

/// A provider set up on first use, with its token caches.
#[derive(Debug)]
pub(crate) struct ProviderSlot {
    source: ProviderSource,
    store: Option<Arc<dyn TokenStore>>,
    flight: Option<Arc<dyn SharedFlight>>,
    ready: OnceCell<Ready>,
}

/// A configured provider and the caches of tokens it issued.
#[derive(Debug)]
pub(crate) struct Ready {
    pub(crate) provider: CibaProvider,
    /// Reusable tokens, shared through the store when there is one.
    reusable: TokenCache,
    /// Single-use tokens: kept nowhere, but concurrent flows for one subject and scope still wait
    /// for each other, so a user is not asked twice at once.
    single_use: TokenCache,
}

impl Ready {
    /// The cache of tokens whose reuse rule is `reuse`. One provider may serve APIs with both
    /// rules (Number Verification and SIM Swap), hence one cache per rule.
    pub(crate) fn cache(&self, reuse: Reuse) -> &TokenCache {
        match reuse {
            Reuse::SingleUse => &self.single_use,
            _ => &self.reusable,
        }
    }
}

impl ProviderSlot {
    /// A slot for `source`, whose reusable tokens are shared through `store` and obtained through
    /// `flight` when given.
    pub(crate) fn new(source: ProviderSource, (store, flight): TokenSharing) -> Self {
        Self {
            source,
            store,
            flight,
            ready: OnceCell::new(),
        }
    }

    pub(crate) fn source(&self) -> &ProviderSource {
        &self.source
    }

    /// The provider, configured by the first caller (concurrent first callers wait for it; a
    /// failed set-up is tried again by the next caller).
    pub(crate) async fn get(&self, driver: &Driver, client: &Arc<ClientConfig>) -> Result<&Ready, Error> {
        self.ready
            .get_or_try_init(|| async {
                let provider = self
                    .source
                    .configure(driver)
                    .await
                    .map_err(|source| Error::Token { source, polls: None })?;
                let cache =
                    || TokenCache::new(driver.clone(), client.clone(), provider.clone(), CACHE_MARGIN);
                let mut reusable = cache();
                if let Some(store) = &self.store {
                    reusable = reusable.with_store(store.clone());
                }
                if let Some(flight) = &self.flight {
                    reusable = reusable.with_flight(flight.clone(), FlightPolicy::default());
                }
                let single_use = cache().reuse(Reuse::SingleUse);
                Ok(Ready {
                    provider,
                    reusable,
                    single_use,
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_token_urls() {
        let check = |url: &str, expected: Option<&str>| assert_eq!(origin(url).as_deref(), expected, "{url}");
        check("https://op.example/oauth/token", Some("https://op.example"));
        check("http://127.0.0.1:8080/token?x=1", Some("http://127.0.0.1:8080"));
        check("https://op.example", Some("https://op.example"));
        check("op.example/token", None);
        check("https:///token", None);
    }

    #[test]
    fn the_description_wins_over_the_profile() {
        let defaults = ProviderDefaults {
            bc_authorize_url: "https://op.example/bc",
            token_url: "https://op.example/token",
            id_token: IdTokenRule::Optional,
        };
        let empty = ProviderDescription::default();
        let chosen = ProviderSource::choose(&empty, Some(&defaults)).expect("defaults");
        assert!(
            matches!(chosen, Some(ProviderSource::Explicit { ref token_url, .. }) if token_url == "https://op.example/token")
        );
        assert_eq!(ProviderSource::choose(&empty, None).expect("none"), None);
        let issuer = ProviderDescription {
            issuer: Some("https://other.example".to_owned()),
            ..ProviderDescription::default()
        };
        assert!(matches!(
            ProviderSource::choose(&issuer, Some(&defaults)),
            Ok(Some(ProviderSource::Discovery { .. }))
        ));
        let half = ProviderDescription {
            token_url: Some("https://op.example/token".to_owned()),
            ..ProviderDescription::default()
        };
        assert_eq!(
            ProviderSource::choose(&half, None).expect_err("half").to_string(),
            "bc-authorize-url and token-url go together"
        );
        let jwks_only = ProviderDescription {
            jwks_url: Some("https://op.example/jwks".to_owned()),
            ..ProviderDescription::default()
        };
        assert_eq!(
            ProviderSource::choose(&jwks_only, None)
                .expect_err("no endpoints")
                .to_string(),
            "give issuer, or bc-authorize-url and token-url"
        );
    }
}
