//! The operator's state behind the handlers: registered clients, pending CIBA requests keyed by
//! `auth_req_id`, authorization codes, issued access tokens and used assertion `jti`s.
//!
//! Every operation takes `now` as an argument; the handlers read it from the configured
//! [`Clock`](netid_core::ports::Clock) once per request. Expired entries are purged on insertion, so
//! memory stays bounded by the live requests and tokens.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use netid_core::phone::PhoneNumber;
use netid_core::scope::Scope;
use sha2::{Digest, Sha256};

use crate::camara::consent_capture::Captures;
use crate::config::{DEMO_CLIENT_ID, DEMO_REDIRECT_URIS, Fault, ServerConfig};
use crate::error::ServerError;
use crate::keys::{DemoClient, Es256KeyPair, b64url};
use crate::registration::ClientRegistration;
use crate::subscribers::CibaBehaviour;

/// How the subscriber was authenticated, which Number Verification cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    /// CIBA with a phone number hint: the subscriber approved on a device, not through the network.
    CibaPhoneNumber,
    /// CIBA with a TS.43 operator token, or the authorization endpoint on the mobile network.
    MobileNetwork,
    /// `client_credentials`: no subscriber.
    TwoLegged,
    /// SAML single sign-on (the `OrangeAPIToken` of the IdP's Response).
    SamlSso,
}

/// A CIBA request waiting for the subscriber.
#[derive(Debug, Clone)]
pub(crate) struct PendingAuth {
    pub(crate) client_id: String,
    pub(crate) subscriber: PhoneNumber,
    pub(crate) scope: Scope,
    pub(crate) method: AuthMethod,
    pub(crate) created: SystemTime,
    pub(crate) expires: SystemTime,
    pub(crate) behaviour: CibaBehaviour,
    pub(crate) slow_downs_sent: u32,
    pub(crate) interval: Duration,
    pub(crate) last_poll: Option<SystemTime>,
}

/// An authorization code waiting for its exchange.
#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) subscriber: PhoneNumber,
    pub(crate) scope: Scope,
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) expires: SystemTime,
}

/// The longest life of a single-use token: Number Verification tokens live at most 300 s.
pub(crate) const SINGLE_USE_MAX_LIFETIME: Duration = Duration::from_secs(300);

/// The scopes whose tokens are single-use: Number Verification's. Such a token is never refreshed,
/// lives at most [`SINGLE_USE_MAX_LIFETIME`], and is spent by its first answered Number
/// Verification call.
const SINGLE_USE_SCOPES: [&str; 2] = [
    "number-verification:verify",
    "number-verification:device-phone-number:read",
];

/// Whether a token of `scope` is single-use.
pub(crate) fn is_single_use(scope: &Scope) -> bool {
    SINGLE_USE_SCOPES.iter().any(|s| scope.contains(s))
}

/// The lifetime of a token of `scope`: `configured`, at most [`SINGLE_USE_MAX_LIFETIME`] for a
/// single-use one.
pub(crate) fn token_lifetime(scope: &Scope, configured: Duration) -> Duration {
    if is_single_use(scope) {
        configured.min(SINGLE_USE_MAX_LIFETIME)
    } else {
        configured
    }
}

/// What an access token grants.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) subscriber: Option<PhoneNumber>,
    pub(crate) scope: Scope,
    pub(crate) method: AuthMethod,
    pub(crate) expires: SystemTime,
}

/// The answer to one CIBA token poll.
#[derive(Debug)]
pub(crate) enum PollOutcome {
    Unknown,
    Pending,
    SlowDown,
    Denied,
    Expired,
    Approved(PendingAuth),
}

/// The mutable part of the operator.
#[derive(Debug, Default)]
pub(crate) struct OpState {
    /// Consent Info's capture URLs and the consents given through them.
    pub(crate) captures: Captures,
    pending: BTreeMap<String, PendingAuth>,
    codes: BTreeMap<String, IssuedCode>,
    tokens: BTreeMap<String, Grant>,
    used_jtis: BTreeMap<(String, String), SystemTime>,
}

impl OpState {
    pub(crate) fn insert_pending(&mut self, id: String, auth: PendingAuth, now: SystemTime) {
        self.pending.retain(|_, p| p.expires > now);
        self.pending.insert(id, auth);
    }

    pub(crate) fn insert_code(&mut self, code: String, issued: IssuedCode, now: SystemTime) {
        self.codes.retain(|_, c| c.expires > now);
        self.codes.insert(code, issued);
    }

    /// Removes and returns the code: codes are single-use whatever the outcome of the exchange.
    pub(crate) fn take_code(&mut self, code: &str) -> Option<IssuedCode> {
        self.codes.remove(code)
    }

    pub(crate) fn insert_token(&mut self, token: String, grant: Grant, now: SystemTime) {
        self.tokens.retain(|_, g| g.expires > now);
        self.tokens.insert(token, grant);
    }

    pub(crate) fn grant(&self, token: &str) -> Option<&Grant> {
        self.tokens.get(token)
    }

    /// Spends a single-use token: removes it; `false` when it was already gone (spent by a
    /// concurrent call, or never issued), so exactly one call succeeds with it.
    pub(crate) fn spend(&mut self, token: &str) -> bool {
        self.tokens.remove(token).is_some()
    }

    /// Records a client assertion's `jti` until `exp`; `false` when it was already used.
    pub(crate) fn use_jti(&mut self, client_id: &str, jti: &str, exp: SystemTime, now: SystemTime) -> bool {
        self.used_jtis.retain(|_, until| *until > now);
        let key = (client_id.to_owned(), jti.to_owned());
        if self.used_jtis.contains_key(&key) {
            return false;
        }
        self.used_jtis.insert(key, exp);
        true
    }

    /// One poll of the token endpoint for `auth_req_id` by `client_id` at `now`.
    ///
    /// A final answer (approval, denial, expiry) removes the request, so a later poll of the same id
    /// gets [`PollOutcome::Unknown`] (`invalid_grant`), as panva's oidc-provider does.
    pub(crate) fn poll(
        &mut self,
        auth_req_id: &str,
        client_id: &str,
        now: SystemTime,
        enforce_interval: bool,
    ) -> PollOutcome {
        let Some(auth) = self.pending.get_mut(auth_req_id) else {
            return PollOutcome::Unknown;
        };
        if auth.client_id != client_id {
            return PollOutcome::Unknown;
        }
        if now >= auth.expires {
            self.pending.remove(auth_req_id);
            return PollOutcome::Expired;
        }
        let previous = auth.last_poll.replace(now);
        if enforce_interval
            && previous.is_some_and(|p| now.duration_since(p).unwrap_or_default() < auth.interval)
        {
            // RFC 8628 §3.5: the client must add 5 s to its interval from now on.
            auth.interval += Duration::from_secs(5);
            return PollOutcome::SlowDown;
        }
        let elapsed = now.duration_since(auth.created).unwrap_or_default();
        match auth.behaviour {
            CibaBehaviour::Never => PollOutcome::Pending,
            CibaBehaviour::Deny { after } if elapsed >= after => {
                self.pending.remove(auth_req_id);
                PollOutcome::Denied
            }
            CibaBehaviour::SlowDown { times, .. } if auth.slow_downs_sent < times => {
                auth.slow_downs_sent += 1;
                PollOutcome::SlowDown
            }
            CibaBehaviour::Approve { after } | CibaBehaviour::SlowDown { after, .. } if elapsed >= after => {
                match self.pending.remove(auth_req_id) {
                    Some(auth) => PollOutcome::Approved(auth),
                    None => PollOutcome::Unknown,
                }
            }
            _ => PollOutcome::Pending,
        }
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) issuer: String,
    pub(crate) config: ServerConfig,
    pub(crate) signing_key: Es256KeyPair,
    pub(crate) pairwise_salt: [u8; 32],
    pub(crate) clients: BTreeMap<String, ClientRegistration>,
    pub(crate) state: Mutex<OpState>,
    pub(crate) faults: Mutex<BTreeMap<String, Fault>>,
}

/// Locks a mutex, recovering the data if a handler panicked while holding it: every critical
/// section leaves the maps consistent between statements, so the data is still valid.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Generates the keys from the configured random source and registers the clients (the demo
    /// client's key pair is returned to its holder): everything [`crate::Server::start`] serves,
    /// without a socket, so the fuzz entry points run the handlers on the same state.
    pub(crate) fn build(
        config: ServerConfig,
        issuer: String,
    ) -> Result<(Self, Option<DemoClient>), ServerError> {
        let rng = config.rng.clone();
        let signing_key = Es256KeyPair::generate(rng.as_ref())?;
        let mut pairwise_salt = [0u8; 32];
        rng.fill(&mut pairwise_salt)?;
        let mut clients: BTreeMap<String, ClientRegistration> = config
            .clients
            .iter()
            .map(|c| (c.client_id.clone(), c.clone()))
            .collect();
        let demo_client = if config.demo_client {
            let key = Es256KeyPair::generate(rng.as_ref())?;
            let demo = DemoClient::new(
                DEMO_CLIENT_ID.to_owned(),
                key,
                DEMO_REDIRECT_URIS.iter().map(|s| (*s).to_owned()).collect(),
            );
            clients.insert(
                DEMO_CLIENT_ID.to_owned(),
                ClientRegistration {
                    client_id: DEMO_CLIENT_ID.to_owned(),
                    keys: vec![demo.public_jwk().clone()],
                    redirect_uris: demo.redirect_uris().to_vec(),
                    jwks_url: None,
                },
            );
            Some(demo)
        } else {
            None
        };
        let faults = Mutex::new(config.faults.clone());
        let shared = Self {
            issuer,
            config,
            signing_key,
            pairwise_salt,
            clients,
            state: Mutex::new(OpState::default()),
            faults,
        };
        Ok((shared, demo_client))
    }

    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// The pairwise subject of `subscriber_id` for `client_id` (OpenID Connect Core §8.1: a hash of
    /// the sector, the local account id and a secret salt), so clients never see the number.
    pub(crate) fn pairwise_sub(&self, client_id: &str, subscriber_id: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.pairwise_salt);
        hasher.update(client_id.as_bytes());
        hasher.update([0]);
        hasher.update(subscriber_id.as_bytes());
        b64url(&hasher.finalize())
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }
}

/// Seconds since the Unix epoch (0 before it).
pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(behaviour: CibaBehaviour, at: SystemTime) -> PendingAuth {
        PendingAuth {
            client_id: String::from("c"),
            subscriber: PhoneNumber::parse_strict("+33699901040").unwrap(),
            scope: "openid".parse().unwrap(),
            method: AuthMethod::CibaPhoneNumber,
            created: at,
            expires: at + Duration::from_secs(10),
            behaviour,
            slow_downs_sent: 0,
            interval: Duration::from_secs(2),
            last_poll: None,
        }
    }

    /// Polls once per entry of `at` (seconds after creation) and compares the outcomes' names.
    fn check(behaviour: CibaBehaviour, enforce: bool, at: &[u64], expected: &[&str]) {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let mut state = OpState::default();
        state.insert_pending(String::from("id"), pending(behaviour, t0), t0);
        let got: Vec<String> = at
            .iter()
            .map(|s| {
                let outcome = state.poll("id", "c", t0 + Duration::from_secs(*s), enforce);
                let name = format!("{outcome:?}");
                name.split('(').next().unwrap_or_default().to_owned()
            })
            .collect();
        assert_eq!(got, expected, "{behaviour:?}");
    }

    #[test]
    fn scripted_behaviours() {
        let secs = Duration::from_secs;
        check(
            CibaBehaviour::Approve { after: secs(3) },
            false,
            &[1, 3, 4],
            &["Pending", "Approved", "Unknown"],
        );
        check(
            CibaBehaviour::Deny { after: secs(1) },
            false,
            &[0, 1, 2],
            &["Pending", "Denied", "Unknown"],
        );
        check(
            CibaBehaviour::Never,
            false,
            &[1, 9, 10, 11],
            &["Pending", "Pending", "Expired", "Unknown"],
        );
        check(
            CibaBehaviour::SlowDown {
                times: 2,
                after: secs(0),
            },
            false,
            &[0, 1, 2],
            &["SlowDown", "SlowDown", "Approved"],
        );
        check(
            CibaBehaviour::Approve { after: secs(5) },
            true,
            &[0, 1, 8],
            &["Pending", "SlowDown", "Approved"],
        );
    }

    #[test]
    fn wrong_client_and_jti_reuse() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let mut state = OpState::default();
        state.insert_pending(String::from("id"), pending(CibaBehaviour::Never, t0), t0);
        assert!(matches!(
            state.poll("id", "other", t0, false),
            PollOutcome::Unknown
        ));
        let exp = t0 + Duration::from_secs(60);
        assert!(state.use_jti("c", "j", exp, t0));
        assert!(!state.use_jti("c", "j", exp, t0));
        assert!(state.use_jti("d", "j", exp, t0));
        // After expiry the entry is purged (the assertion itself would be refused as expired).
        assert!(state.use_jti("c", "j", exp, exp));
    }
}
