//! The in-memory state store: one process, one operator, state lost at shutdown (the default).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::SystemTime;

use async_trait::async_trait;
use netid_core::store::StoreError;

use super::{Grant, IssuedCode, OpStore, PendingAuth, PollOutcome, PollWrite, lock, poll_step};
use crate::camara::consent_capture::PendingCapture;

/// The maps behind the [`MemoryStore`]'s mutex. Expired entries are purged on insertion, so
/// memory stays bounded by the live requests and tokens: at once for the rare codes and captures,
/// and when the map has doubled since its last purge for the pending requests, tokens and used
/// `jti`s, whose readers check expiry themselves (a purge on every insertion made a burst of n
/// CIBA flows cost O(n²) under the one lock).
#[derive(Debug, Default)]
struct Maps {
    pending: BTreeMap<String, PendingAuth>,
    pending_sweep: Sweep,
    codes: BTreeMap<String, IssuedCode>,
    tokens: BTreeMap<String, Grant>,
    tokens_sweep: Sweep,
    used_jtis: BTreeMap<(String, String), SystemTime>,
    used_jtis_sweep: Sweep,
    captures: BTreeMap<String, PendingCapture>,
    /// (subscriber id, purpose) → the scopes consented to on a capture page.
    consents: BTreeMap<(String, String), BTreeSet<String>>,
}

/// When to purge a map of its expired entries: once it holds twice as many entries as after its
/// last purge (and at least [`Sweep::FLOOR`]), so purging costs O(1) amortised per insertion and
/// the map holds at most about twice its live entries.
#[derive(Debug, Default)]
struct Sweep {
    next_at: usize,
}

impl Sweep {
    const FLOOR: usize = 64;

    /// Purges `map` with `keep` if it is due.
    fn run<K: Ord, V>(&mut self, map: &mut BTreeMap<K, V>, keep: impl FnMut(&K, &mut V) -> bool) {
        if map.len() >= self.next_at.max(Self::FLOOR) {
            map.retain(keep);
            self.next_at = map.len().saturating_mul(2);
        }
    }
}

/// The state of one process behind one mutex. Never fails, and its futures never wait, so the
/// fuzz entry points can run the handlers to their end in a single poll.
#[derive(Debug, Default)]
pub(crate) struct MemoryStore(Mutex<Maps>);

#[async_trait]
impl OpStore for MemoryStore {
    async fn insert_pending(&self, id: &str, auth: PendingAuth, now: SystemTime) -> Result<(), StoreError> {
        let mut maps = lock(&self.0);
        let Maps {
            pending,
            pending_sweep,
            ..
        } = &mut *maps;
        pending_sweep.run(pending, |_, p| p.expires > now);
        pending.insert(id.to_owned(), auth);
        Ok(())
    }

    async fn poll(
        &self,
        auth_req_id: &str,
        client_id: &str,
        now: SystemTime,
        enforce_interval: bool,
    ) -> Result<PollOutcome, StoreError> {
        let mut maps = lock(&self.0);
        let Some(auth) = maps.pending.get_mut(auth_req_id) else {
            return Ok(PollOutcome::Unknown);
        };
        let (outcome, write) = poll_step(auth, client_id, now, enforce_interval);
        if write == PollWrite::Remove {
            maps.pending.remove(auth_req_id);
        }
        Ok(outcome)
    }

    async fn insert_code(&self, code: &str, issued: IssuedCode, now: SystemTime) -> Result<(), StoreError> {
        let mut maps = lock(&self.0);
        maps.codes.retain(|_, c| c.expires > now);
        maps.codes.insert(code.to_owned(), issued);
        Ok(())
    }

    async fn take_code(&self, code: &str) -> Result<Option<IssuedCode>, StoreError> {
        Ok(lock(&self.0).codes.remove(code))
    }

    async fn insert_token(&self, token: &str, grant: Grant, now: SystemTime) -> Result<(), StoreError> {
        let mut maps = lock(&self.0);
        let Maps {
            tokens, tokens_sweep, ..
        } = &mut *maps;
        tokens_sweep.run(tokens, |_, g| g.expires > now);
        tokens.insert(token.to_owned(), grant);
        Ok(())
    }

    async fn grant(&self, token: &str) -> Result<Option<Grant>, StoreError> {
        Ok(lock(&self.0).tokens.get(token).cloned())
    }

    async fn spend_token(&self, token: &str) -> Result<bool, StoreError> {
        Ok(lock(&self.0).tokens.remove(token).is_some())
    }

    async fn use_jti(
        &self,
        client_id: &str,
        jti: &str,
        exp: SystemTime,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        let mut maps = lock(&self.0);
        let Maps {
            used_jtis,
            used_jtis_sweep,
            ..
        } = &mut *maps;
        used_jtis_sweep.run(used_jtis, |_, until| *until > now);
        let key = (client_id.to_owned(), jti.to_owned());
        // An entry not yet purged counts only while it is valid, as if purged at once.
        if used_jtis.get(&key).is_some_and(|until| *until > now) {
            return Ok(false);
        }
        used_jtis.insert(key, exp);
        Ok(true)
    }

    async fn insert_capture(
        &self,
        id: &str,
        capture: PendingCapture,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        let mut maps = lock(&self.0);
        maps.captures.retain(|_, c| c.expires > now);
        maps.captures.insert(id.to_owned(), capture);
        Ok(())
    }

    async fn capture(&self, id: &str, now: SystemTime) -> Result<Option<PendingCapture>, StoreError> {
        Ok(lock(&self.0)
            .captures
            .get(id)
            .filter(|c| c.expires > now)
            .cloned())
    }

    async fn take_capture(&self, id: &str, now: SystemTime) -> Result<Option<PendingCapture>, StoreError> {
        Ok(lock(&self.0).captures.remove(id).filter(|c| c.expires > now))
    }

    async fn give_consent(
        &self,
        subscriber_id: &str,
        purpose: &str,
        scopes: &[String],
    ) -> Result<(), StoreError> {
        lock(&self.0)
            .consents
            .entry((subscriber_id.to_owned(), purpose.to_owned()))
            .or_default()
            .extend(scopes.iter().cloned());
        Ok(())
    }

    async fn consented_scopes(
        &self,
        subscriber_id: &str,
        purpose: &str,
    ) -> Result<BTreeSet<String>, StoreError> {
        Ok(lock(&self.0)
            .consents
            .get(&(subscriber_id.to_owned(), purpose.to_owned()))
            .cloned()
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use netid_core::phone::PhoneNumber;

    use super::*;
    use crate::camara::consent_capture::CAPTURE_LIFETIME;
    use crate::state::AuthMethod;
    use crate::subscribers::CibaBehaviour;

    /// Runs a store future, which never waits.
    fn now_or_never<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        match future
            .as_mut()
            .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
        {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("the memory store waited"),
        }
    }

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
        let state = MemoryStore::default();
        now_or_never(state.insert_pending("id", pending(behaviour, t0), t0)).unwrap();
        let got: Vec<String> = at
            .iter()
            .map(|s| {
                let outcome =
                    now_or_never(state.poll("id", "c", t0 + Duration::from_secs(*s), enforce)).unwrap();
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
    fn a_token_is_spent_once() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let state = MemoryStore::default();
        let grant = Grant {
            client_id: String::from("c"),
            subscriber: None,
            scope: "number-verification:verify".parse().unwrap(),
            method: AuthMethod::MobileNetwork,
            expires: t0 + Duration::from_secs(300),
        };
        now_or_never(state.insert_token("t", grant, t0)).unwrap();
        let spend = |token| now_or_never(state.spend_token(token)).unwrap();
        assert!(!spend("never-issued"));
        assert!(spend("t"));
        assert!(!spend("t"), "spent twice");
        assert!(now_or_never(state.grant("t")).unwrap().is_none());
    }

    #[test]
    fn a_jti_is_refused_while_valid_and_expired_entries_are_purged_in_bulk() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let state = MemoryStore::default();
        let use_jti = |jti: &str, exp, now| now_or_never(state.use_jti("c", jti, exp, now)).unwrap();
        assert!(use_jti("a", t0 + Duration::from_secs(60), t0));
        assert!(
            !use_jti("a", t0 + Duration::from_secs(60), t0 + Duration::from_secs(59)),
            "replayed"
        );
        // Past its `exp` the entry no longer counts, purged or not (as when every insertion purged).
        assert!(use_jti(
            "a",
            t0 + Duration::from_secs(200),
            t0 + Duration::from_secs(60)
        ));
        // Thousands of short-lived jtis: the map never holds much more than twice the live ones.
        for i in 0..5_000u64 {
            let now = t0 + Duration::from_secs(1_000 + i);
            assert!(use_jti(&format!("j{i}"), now + Duration::from_secs(2), now));
            assert!(lock(&state.0).used_jtis.len() <= 2 * Sweep::FLOOR + 2, "at {i}");
        }
    }

    #[test]
    fn expired_tokens_are_purged_in_bulk_and_never_granted() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let state = MemoryStore::default();
        for i in 0..1_000u64 {
            let now = t0 + Duration::from_secs(i);
            let grant = Grant {
                client_id: String::from("c"),
                subscriber: None,
                scope: "sim-swap".parse().unwrap(),
                method: AuthMethod::MobileNetwork,
                expires: now + Duration::from_secs(1),
            };
            now_or_never(state.insert_token(&format!("t{i}"), grant, now)).unwrap();
            assert!(lock(&state.0).tokens.len() <= 2 * Sweep::FLOOR + 2, "at {i}");
        }
    }

    /// Confirms capture `id` as the capture page does: takes it, then records its consent.
    fn confirm(state: &MemoryStore, id: &str, now: SystemTime) -> bool {
        let Some(capture) = now_or_never(state.take_capture(id, now)).unwrap() else {
            return false;
        };
        now_or_never(state.give_consent(&capture.subscriber_id, &capture.purpose, &capture.scopes)).unwrap();
        true
    }

    #[test]
    fn a_capture_is_confirmed_once_before_it_expires() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let capture = |scopes: &[&str]| PendingCapture {
            subscriber_id: "peter".to_owned(),
            purpose: "dpv:A".to_owned(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires: now + CAPTURE_LIFETIME,
        };
        let state = MemoryStore::default();
        let is_given = |subscriber, purpose, scope| {
            now_or_never(state.consented_scopes(subscriber, purpose))
                .unwrap()
                .contains(scope)
        };
        now_or_never(state.insert_capture("one", capture(&["s:a", "s:b"]), now)).unwrap();
        now_or_never(state.insert_capture("late", capture(&["s:c"]), now)).unwrap();
        assert!(!is_given("peter", "dpv:A", "s:a"));
        assert!(now_or_never(state.capture("one", now)).unwrap().is_some());
        assert!(confirm(&state, "one", now));
        assert!(!confirm(&state, "one", now), "single use");
        assert!(is_given("peter", "dpv:A", "s:a"));
        assert!(is_given("peter", "dpv:A", "s:b"));
        assert!(!is_given("peter", "dpv:B", "s:a"), "another purpose");
        assert!(!is_given("maria", "dpv:A", "s:a"), "another subscriber");
        let after = now + CAPTURE_LIFETIME;
        assert!(now_or_never(state.capture("late", after)).unwrap().is_none());
        assert!(!confirm(&state, "late", after), "expired");
        assert!(!is_given("peter", "dpv:A", "s:c"));
        assert!(!confirm(&state, "never-issued", now));
    }

    #[test]
    fn wrong_client_and_jti_reuse() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let state = MemoryStore::default();
        now_or_never(state.insert_pending("id", pending(CibaBehaviour::Never, t0), t0)).unwrap();
        assert!(matches!(
            now_or_never(state.poll("id", "other", t0, false)),
            Ok(PollOutcome::Unknown)
        ));
        let exp = t0 + Duration::from_secs(60);
        let use_jti = |client, at| now_or_never(state.use_jti(client, "j", exp, at)).unwrap();
        assert!(use_jti("c", t0));
        assert!(!use_jti("c", t0));
        assert!(use_jti("d", t0));
        // After expiry the entry is purged (the assertion itself would be refused as expired).
        assert!(use_jti("c", exp));
    }
}
