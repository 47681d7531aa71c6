//! A token cache keyed by subject and scope, with single-flight CIBA flows.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::store::StoreError;
use netid_core::token::AccessToken;
use tokio::sync::Mutex;

use super::Driver;
use super::flight::{FlightPolicy, SharedFlight};
use super::store::{Reuse, StoredToken, TokenKey, TokenStore};
use crate::ciba::{BackchannelRequest, CibaSession, Progress};
use crate::client::ClientConfig;
use crate::error::Error;
use crate::grant::TokenRequestSession;
use crate::provider::CibaProvider;
use crate::tokens::TokenSet;

mod shared;

/// Cache key: the login hint's wire form and the scope's tokens, sorted.
type Key = (String, Vec<String>);

/// The key of `login_hint` and `scope`: scope token order and repetitions do not matter, and the
/// two forms of a phone number hint (`tel:+34…` and the bare MSISDN `34…`) name one subscriber.
pub(super) fn key(login_hint: &LoginHint, scope: &Scope) -> Key {
    let mut scopes: Vec<String> = scope.iter().map(str::to_owned).collect();
    scopes.sort();
    scopes.dedup();
    let subject = match login_hint.phone_number() {
        Some(number) => format!("tel:{}", number.expose_e164()),
        None => login_hint.expose_value(),
    };
    (subject, scopes)
}

type Slot = Arc<SlotState>;

/// Where a token of [`TokenCache::lookup`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenOrigin {
    /// A live token of an earlier flow.
    Cached,
    /// The refresh grant, with an earlier flow's refresh token.
    Refreshed,
    /// A CIBA flow this call ran, after `polls` token requests.
    Flow {
        /// Token requests sent.
        polls: u32,
    },
    /// Another caller's flow for the same subject and scopes (here, or on another instance
    /// through the shared flight), which this call waited on and which failed.
    SharedFlow,
    /// The flow another instance ran for the same subject and scopes, through the shared flight
    /// ([`TokenCache::with_flight`]), which this call waited on.
    OtherInstance,
}

/// What [`TokenCache::lookup`] found: the token or the error, and where it came from.
#[derive(Debug)]
#[non_exhaustive]
pub struct Lookup {
    /// The access token, or the error of the flow that should have given it.
    pub result: Result<AccessToken, Error>,
    /// Where it came from.
    pub origin: TokenOrigin,
    /// The failure of the shared [`TokenStore`] or [`SharedFlight`], when it could not be
    /// consulted or written: the lookup went on without it (a warning for the caller to log, not
    /// an error).
    pub store_error: Option<StoreError>,
}

impl Lookup {
    fn new(result: Result<AccessToken, Error>, origin: TokenOrigin) -> Self {
        Self {
            result,
            origin,
            store_error: None,
        }
    }

    fn with_store_error(mut self, error: Option<StoreError>) -> Self {
        self.store_error = error;
        self
    }
}

/// One (subject, scope set): what the last flow left, behind the lock that makes flows single-flight.
#[derive(Default)]
struct SlotState {
    /// How many flows of this slot have failed so far. Written under `entry`'s lock, read before
    /// waiting for it: a caller that finds it grown once it holds the lock waited on a flow that
    /// failed meanwhile.
    failures: AtomicU64,
    entry: Mutex<Entry>,
}

#[derive(Default)]
struct Entry {
    tokens: Option<TokenSet>,
    /// The error of the last failed flow and its number (the value `failures` took then).
    failure: Option<(u64, Error)>,
}

/// Access tokens per (subject, scope set), reused until `margin` before expiry, refreshed with the
/// refresh token when one was issued, and obtained by one CIBA flow per key at a time: concurrent
/// callers for the same subject and scope wait for that flow instead of starting their own (and
/// notifying the user twice).
///
/// When that flow fails (the user denies, the request expires, the provider answers 5xx, …), every
/// caller that was waiting on it gets a clone of its error rather than starting a flow of its own,
/// which would notify the user again for each of them. A caller arriving after the failed flow
/// ended starts a new flow. A flow whose caller dropped its future (cancellation) records nothing:
/// one of the waiting callers starts the next flow.
///
/// A token whose response had no `expires_in` is never reused.
///
/// # Memory
///
/// The map holds one entry per (subject, scope set) and is pruned on every lookup: an entry is
/// dropped when no caller holds it and it keeps nothing reusable (no token, or an expired token
/// without a refresh token). What stays is bounded by the subjects with a live access token or
/// a refresh token; a refresh token is kept until a refresh fails or [`TokenCache::invalidate`]
/// is called, since its lifetime is not announced.
pub struct TokenCache {
    driver: Driver,
    client: Arc<ClientConfig>,
    provider: CibaProvider,
    margin: Duration,
    slots: std::sync::Mutex<BTreeMap<Key, Slot>>,
    store: Option<Arc<dyn TokenStore>>,
    flight: Option<(Arc<dyn SharedFlight>, FlightPolicy)>,
    reuse: Reuse,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.slots.lock().map_or(0, |slots| slots.len());
        f.debug_struct("TokenCache")
            .field("client_id", &self.client.client_id)
            .field("issuer", &self.provider.config.issuer)
            .field("margin", &self.margin)
            .field("entries", &entries)
            .field("store", &self.store)
            .field("flight", &self.flight)
            .field("reuse", &self.reuse)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache that keeps `margin` (for example 30 s, at least the provider's clock skew) in reserve
    /// before a token's expiry.
    pub fn new(driver: Driver, client: Arc<ClientConfig>, provider: CibaProvider, margin: Duration) -> Self {
        Self {
            driver,
            client,
            provider,
            margin,
            slots: std::sync::Mutex::new(BTreeMap::new()),
            store: None,
            flight: None,
            reuse: Reuse::Reusable,
        }
    }

    /// Shares tokens with other instances through `store`: a lookup that finds no live token here
    /// looks there before running a flow, and every reusable token obtained here is left there.
    /// A store that fails is reported in [`Lookup::store_error`] and otherwise ignored.
    #[must_use]
    pub fn with_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Runs at most one CIBA flow per subject and scope set across every instance sharing
    /// `flight` (see [`SharedFlight`]): a caller that finds another instance's flow running waits
    /// for its token or its error instead of notifying the user again. A flight that fails is
    /// logged (`tracing::warn!`), reported in [`Lookup::store_error`], and the lookup runs a flow
    /// of this instance. Single-use tokens never go through it.
    #[must_use]
    pub fn with_flight(mut self, flight: Arc<dyn SharedFlight>, policy: FlightPolicy) -> Self {
        self.flight = Some((flight, policy));
        self
    }

    /// Whether tokens may be reused (default [`Reuse::Reusable`]). Single-use tokens are kept
    /// neither here nor in the store: each lookup runs its own flow.
    #[must_use]
    pub fn reuse(mut self, reuse: Reuse) -> Self {
        self.reuse = reuse;
        self
    }

    fn store_key(&self, request: &BackchannelRequest) -> TokenKey {
        TokenKey::new(
            &self.provider.config.issuer,
            &self.client.client_id,
            request.login_hint(),
            request.scope(),
        )
    }

    /// Leaves `tokens` in the shared store, when there is one and they are reusable.
    async fn share(&self, key: &TokenKey, tokens: &TokenSet) -> Option<StoreError> {
        let store = self.store.as_ref()?;
        let stored = StoredToken::from_token_set(tokens, self.reuse)?;
        store.put(key, &stored, self.driver.clock.now()).await.err()
    }

    fn slot(&self, key: Key) -> Slot {
        let now = self.driver.clock.now();
        // A poisoned lock only means another caller panicked while inserting; the map is intact.
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Prune what nobody waits on and nothing can be reused from. A slot locked by a flow in
        // progress (`try_lock` fails) or shared with a waiting caller stays.
        slots.retain(|_, slot| {
            Arc::strong_count(slot) > 1
                || slot.entry.try_lock().map_or(true, |entry| {
                    entry.tokens.as_ref().is_some_and(|tokens| {
                        tokens.refresh_token.is_some() || tokens.is_fresh(now, self.margin)
                    })
                })
        });
        slots.entry(key).or_default().clone()
    }

    /// How many (subject, scope set) entries the cache holds.
    pub fn len(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An access token for `login_hint` and `scope`: cached, refreshed, or from a new CIBA flow.
    ///
    /// # Errors
    ///
    /// The CIBA flow's error; also when this call waited on another caller's flow for the same
    /// subject and scope set and that flow failed (a clone of its error). A failed refresh falls
    /// back to a new CIBA flow.
    pub async fn access_token(&self, login_hint: &LoginHint, scope: &Scope) -> Result<AccessToken, Error> {
        self.lookup(login_hint, scope, |_| ControlFlow::Continue(()))
            .await
            .result
    }

    /// [`access_token`](Self::access_token), calling `progress` before every wait of a CIBA flow
    /// this call runs (returning [`ControlFlow::Break`] cancels it), and saying where the token came
    /// from.
    pub async fn lookup<F>(&self, login_hint: &LoginHint, scope: &Scope, progress: F) -> Lookup
    where
        F: FnMut(Progress) -> ControlFlow<()> + Send,
    {
        let request = BackchannelRequest::new(scope.clone(), login_hint.clone());
        self.lookup_request(request, progress).await
    }

    /// [`lookup`](Self::lookup) for the subject and scope of `request`, whose other parameters
    /// (binding message, requested expiry) a CIBA flow this call runs sends. They are not part of
    /// the key: a live token for the subject and scope is reused whatever message obtained it.
    pub async fn lookup_request<F>(&self, request: BackchannelRequest, progress: F) -> Lookup
    where
        F: FnMut(Progress) -> ControlFlow<()> + Send,
    {
        let slot = self.slot(key(request.login_hint(), request.scope()));
        // Read before waiting for the lock, so that a flow failing while we wait is told apart
        // from one that had already failed when we arrived.
        let failures_seen = slot.failures.load(Ordering::SeqCst);
        let mut entry = slot.entry.lock().await;
        if let Some((failure, error)) = &entry.failure
            && *failure > failures_seen
        {
            return Lookup::new(Err(error.clone()), TokenOrigin::SharedFlow);
        }
        let now = self.driver.clock.now();
        if let Some(tokens) = entry
            .tokens
            .as_ref()
            .filter(|tokens| tokens.is_fresh(now, self.margin))
        {
            return Lookup::new(Ok(tokens.access_token.clone()), TokenOrigin::Cached);
        }
        let store_key = self.store_key(&request);
        let mut store_error = None;
        if let Some(store) = self.store.as_ref().filter(|_| self.reuse == Reuse::Reusable) {
            match store.get(&store_key, now).await {
                Ok(Some(stored)) => {
                    let tokens = stored.into_token_set();
                    if tokens.is_fresh(now, self.margin) {
                        let access_token = tokens.access_token.clone();
                        entry.tokens = Some(tokens);
                        entry.failure = None;
                        return Lookup::new(Ok(access_token), TokenOrigin::Cached);
                    }
                    // Expiring soon: its refresh token (if any) saves a flow below.
                    if entry.tokens.is_none() {
                        entry.tokens = Some(tokens);
                    }
                }
                Ok(None) => {}
                Err(error) => store_error = Some(error),
            }
        }
        if let Some(refresh_token) = entry.tokens.take().and_then(|tokens| tokens.refresh_token) {
            let session = TokenRequestSession::refresh(
                self.client.clone(),
                self.provider.config.clone(),
                refresh_token.clone(),
                None,
            );
            if let Ok(mut tokens) = self.driver.exchange(session).await {
                // Providers that do not rotate refresh tokens omit them from the answer.
                tokens.refresh_token = tokens.refresh_token.or(Some(refresh_token));
                let access_token = tokens.access_token.clone();
                store_error = self.share(&store_key, &tokens).await.or(store_error);
                if self.reuse == Reuse::Reusable {
                    entry.tokens = Some(tokens);
                }
                entry.failure = None;
                return Lookup::new(Ok(access_token), TokenOrigin::Refreshed).with_store_error(store_error);
            }
        }
        let flight = self.flight.as_ref().filter(|_| self.reuse == Reuse::Reusable);
        let fence = match flight {
            Some((flight, policy)) => {
                let joined = self.join_flight(flight.as_ref(), policy, &store_key).await;
                match self.take(joined, &slot, &mut entry, &mut store_error) {
                    ControlFlow::Continue(fence) => fence,
                    ControlFlow::Break(lookup) => return lookup.with_store_error(store_error),
                }
            }
            None => None,
        };
        let mut session = CibaSession::new(self.client.clone(), self.provider.clone(), request);
        let result = match (flight, &fence) {
            (Some((flight, policy)), Some(fence)) => {
                let result = self
                    .lead(flight.as_ref(), policy, &store_key, fence, &mut session, progress)
                    .await;
                let settled = self.settle(flight.as_ref(), &store_key, fence, &result).await;
                store_error = store_error.or(settled);
                result
            }
            _ => self.driver.run_ciba(&mut session, progress).await,
        };
        let origin = TokenOrigin::Flow {
            polls: session.progress().polls,
        };
        match result {
            Ok(tokens) => {
                let access_token = tokens.access_token.clone();
                store_error = self.share(&store_key, &tokens).await.or(store_error);
                if self.reuse == Reuse::Reusable {
                    entry.tokens = Some(tokens);
                }
                entry.failure = None;
                Lookup::new(Ok(access_token), origin).with_store_error(store_error)
            }
            Err(error) => {
                // Still under the lock: callers already waiting read the old count and get this
                // error; callers arriving from now on read the new one and may start a new flow.
                let failure = slot.failures.fetch_add(1, Ordering::SeqCst).saturating_add(1);
                entry.failure = Some((failure, error.clone()));
                Lookup::new(Err(error), origin).with_store_error(store_error)
            }
        }
    }

    /// Forgets the token of `login_hint` and `scope` (for example after a 401 from the API).
    ///
    /// The shared store's entry is removed too; a store that fails then is ignored, its entry
    /// expiring with the token.
    pub async fn invalidate(&self, login_hint: &LoginHint, scope: &Scope) {
        if let Some(store) = &self.store {
            let request = BackchannelRequest::new(scope.clone(), login_hint.clone());
            let _ = store.remove(&self.store_key(&request)).await;
        }
        let key = key(login_hint, scope);
        let slot = self.slot(key.clone());
        // Only the token: callers waiting on a failed flow still get its error.
        slot.entry.lock().await.tokens = None;
        drop(slot);
        // Forget the entry itself unless another caller has taken it meanwhile.
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slots.get(&key).is_some_and(|slot| Arc::strong_count(slot) == 1) {
            slots.remove(&key);
        }
    }
}
