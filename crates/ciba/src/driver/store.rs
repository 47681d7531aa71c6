//! The port of a token store shared by several instances, beside the in-process [`TokenCache`].
//!
//! A [`TokenCache`] given a store (see [`TokenCache::with_store`]) looks there before it asks a
//! user again, and leaves each reusable token there for the other instances. Entries are keyed by
//! [`TokenKey`]: operator (issuer), client, subject and scope set. A store is a cache, never an
//! authority: when it fails, the cache goes on with its own flow.
//!
//! [`TokenCache`]: super::TokenCache
//! [`TokenCache::with_store`]: super::TokenCache::with_store

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use async_trait::async_trait;
use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::secret::Secret;
use netid_core::store::StoreError;
use netid_core::token::{AccessToken, RefreshToken};

use crate::tokens::TokenSet;

/// Whether a token may be used for more than one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Reuse {
    /// Reusable until it expires (SIM Swap, KYC Match tokens).
    #[default]
    Reusable,
    /// Single-use: never cached anywhere (CAMARA Number Verification tokens are single-use, never
    /// refreshed, at most 300 s).
    SingleUse,
}

/// What identifies one cached token: the operator (issuer), the client, the subject and the scope
/// set. The subject is the login hint in one canonical form (the two forms of a phone number hint
/// name one subscriber); scope order and repetitions do not matter.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenKey {
    issuer: String,
    client_id: String,
    subject: Secret<String>,
    scopes: Vec<String>,
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            issuer,
            client_id,
            subject: _,
            scopes,
        } = self;
        f.debug_struct("TokenKey")
            .field("issuer", issuer)
            .field("client_id", client_id)
            .field("subject", &"[redacted]")
            .field("scopes", scopes)
            .finish()
    }
}

impl TokenKey {
    /// The key of `login_hint` and `scope` for `client_id` at the provider `issuer`.
    pub fn new(issuer: &str, client_id: &str, login_hint: &LoginHint, scope: &Scope) -> Self {
        let (subject, scopes) = super::cache::key(login_hint, scope);
        Self {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            subject: Secret::new(subject),
            scopes,
        }
    }

    /// The provider's issuer.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scope tokens, sorted and without repetition.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The subject in its canonical form (`tel:+E164`, or the hint's wire value).
    ///
    /// # Security
    ///
    /// Personal data (usually a phone number): derive a store key from it (a keyed hash), never
    /// store or log it as is.
    pub fn expose_subject(&self) -> &str {
        self.subject.expose_secret()
    }
}

/// A token a store may keep: reusable, with a known expiry.
#[derive(Clone)]
pub struct StoredToken {
    access_token: AccessToken,
    refresh_token: Option<RefreshToken>,
    expires_at: SystemTime,
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            access_token,
            refresh_token,
            expires_at,
        } = self;
        f.debug_struct("StoredToken")
            .field("access_token", access_token)
            .field("refresh_token", refresh_token)
            .field("expires_at", expires_at)
            .finish()
    }
}

impl StoredToken {
    /// What of `tokens` a store may keep: `None` for a single-use token, which is never cached,
    /// and for a token without `expires_in`, whose lifetime is unknown.
    pub fn from_token_set(tokens: &TokenSet, reuse: Reuse) -> Option<Self> {
        match reuse {
            Reuse::SingleUse => None,
            Reuse::Reusable => Some(Self {
                access_token: tokens.access_token.clone(),
                refresh_token: tokens.refresh_token.clone(),
                expires_at: tokens.expires_at?,
            }),
        }
    }

    /// A token read back from a store by an adapter.
    pub fn new(
        access_token: AccessToken,
        refresh_token: Option<RefreshToken>,
        expires_at: SystemTime,
    ) -> Self {
        Self {
            access_token,
            refresh_token,
            expires_at,
        }
    }

    /// The access token.
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    /// The refresh token, when the provider issued one.
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// When the access token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    pub(crate) fn into_token_set(self) -> TokenSet {
        TokenSet {
            access_token: self.access_token,
            refresh_token: self.refresh_token,
            expires_at: Some(self.expires_at),
            scope: None,
            id_token: None,
        }
    }
}

/// Tokens shared by several instances, each entry expiring with its access token.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The token stored under `key`, if one is there and unexpired at `now`.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be consulted.
    async fn get(&self, key: &TokenKey, now: SystemTime) -> Result<Option<StoredToken>, StoreError>;

    /// Stores `token` under `key` until it expires (the adapter may keep a margin).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be consulted.
    async fn put(&self, key: &TokenKey, token: &StoredToken, now: SystemTime) -> Result<(), StoreError>;

    /// Forgets the token under `key` (for example after a 401 from the API).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store cannot be consulted.
    async fn remove(&self, key: &TokenKey) -> Result<(), StoreError>;
}

/// The in-memory key: issuer, client id, subject, scopes.
type MapKey = (String, String, String, Vec<String>);

/// An in-memory [`TokenStore`] (one process; for tests and single-instance deployments).
#[derive(Default)]
pub struct InMemoryTokenStore {
    entries: Mutex<BTreeMap<MapKey, StoredToken>>,
}

impl fmt::Debug for InMemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryTokenStore")
            .field("len", &self.len())
            .finish()
    }
}

impl InMemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many entries the store holds, expired ones included until the next write.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn map_key(key: &TokenKey) -> MapKey {
    (
        key.issuer.clone(),
        key.client_id.clone(),
        key.subject.expose_secret().clone(),
        key.scopes.clone(),
    )
}

#[async_trait]
impl TokenStore for InMemoryTokenStore {
    async fn get(&self, key: &TokenKey, now: SystemTime) -> Result<Option<StoredToken>, StoreError> {
        // A poisoned lock only means another caller panicked during a single insert or remove.
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(entries
            .get(&map_key(key))
            .filter(|token| token.expires_at > now)
            .cloned())
    }

    async fn put(&self, key: &TokenKey, token: &StoredToken, now: SystemTime) -> Result<(), StoreError> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, token| token.expires_at > now);
        entries.insert(map_key(key), token.clone());
        Ok(())
    }

    async fn remove(&self, key: &TokenKey) -> Result<(), StoreError> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&map_key(key));
        Ok(())
    }
}
