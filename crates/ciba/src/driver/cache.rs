//! A token cache keyed by subject and scope, with single-flight CIBA flows.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::token::AccessToken;
use tokio::sync::Mutex;

use super::Driver;
use crate::ciba::BackchannelRequest;
use crate::client::ClientConfig;
use crate::error::Error;
use crate::grant::TokenRequestSession;
use crate::provider::ProviderConfig;
use crate::tokens::TokenSet;

/// Cache key: the login hint's wire form and the scope's tokens, sorted.
type Key = (String, Vec<String>);

type Slot = Arc<Mutex<Option<TokenSet>>>;

/// Access tokens per (subject, scope set), reused until `margin` before expiry, refreshed with the
/// refresh token when one was issued, and obtained by one CIBA flow per key at a time: concurrent
/// callers for the same subject and scope wait for that flow instead of starting their own (and
/// notifying the user twice).
///
/// A token whose response had no `expires_in` is never reused.
pub struct TokenCache {
    driver: Driver,
    client: Arc<ClientConfig>,
    provider: Arc<ProviderConfig>,
    margin: Duration,
    slots: std::sync::Mutex<BTreeMap<Key, Slot>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.slots.lock().map_or(0, |slots| slots.len());
        f.debug_struct("TokenCache")
            .field("client_id", &self.client.client_id)
            .field("issuer", &self.provider.issuer)
            .field("margin", &self.margin)
            .field("entries", &entries)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache that keeps `margin` (for example 30 s, at least the provider's clock skew) in reserve
    /// before a token's expiry.
    pub fn new(
        driver: Driver,
        client: Arc<ClientConfig>,
        provider: Arc<ProviderConfig>,
        margin: Duration,
    ) -> Self {
        Self {
            driver,
            client,
            provider,
            margin,
            slots: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    fn slot(&self, key: Key) -> Slot {
        // A poisoned lock only means another caller panicked while inserting; the map is intact.
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slots.entry(key).or_default().clone()
    }

    /// An access token for `login_hint` and `scope`: cached, refreshed, or from a new CIBA flow.
    ///
    /// # Errors
    ///
    /// The CIBA flow's error. A failed refresh falls back to a new CIBA flow.
    pub async fn access_token(&self, login_hint: &LoginHint, scope: &Scope) -> Result<AccessToken, Error> {
        let mut scopes: Vec<String> = scope.iter().map(str::to_owned).collect();
        scopes.sort();
        scopes.dedup();
        let slot = self.slot((login_hint.expose_value(), scopes));
        let mut entry = slot.lock().await;
        let now = self.driver.clock.now();
        if let Some(tokens) = entry.as_ref().filter(|tokens| tokens.is_fresh(now, self.margin)) {
            return Ok(tokens.access_token.clone());
        }
        if let Some(refresh_token) = entry.take().and_then(|tokens| tokens.refresh_token) {
            let session = TokenRequestSession::refresh(
                self.client.clone(),
                self.provider.clone(),
                refresh_token.clone(),
                None,
            );
            if let Ok(mut tokens) = self.driver.exchange(session).await {
                // Providers that do not rotate refresh tokens omit them from the answer.
                tokens.refresh_token = tokens.refresh_token.or(Some(refresh_token));
                let access_token = tokens.access_token.clone();
                *entry = Some(tokens);
                return Ok(access_token);
            }
        }
        let request = BackchannelRequest::new(scope.clone(), login_hint.clone());
        let tokens = self
            .driver
            .ciba(self.client.clone(), self.provider.clone(), request)
            .await?;
        let access_token = tokens.access_token.clone();
        *entry = Some(tokens);
        Ok(access_token)
    }

    /// Forgets the token of `login_hint` and `scope` (for example after a 401 from the API).
    pub async fn invalidate(&self, login_hint: &LoginHint, scope: &Scope) {
        let mut scopes: Vec<String> = scope.iter().map(str::to_owned).collect();
        scopes.sort();
        scopes.dedup();
        let slot = self.slot((login_hint.expose_value(), scopes));
        *slot.lock().await = None;
    }
}
