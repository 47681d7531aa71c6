//! Operators hosted beside the root operator on the same server, so that "resolve the number,
//! then call the right operator" runs on one machine.
//!
//! Each hosted operator is the whole operator router again under `/operators/{operator_id}`, with
//! its own state ([`Shared`](crate::state::Shared)): its own issuer
//! (`{base}/operators/{operator_id}`), signing key, pairwise salt, subscribers, pending CIBA
//! requests and tokens, so a token one operator issued is unknown to every other. What it does not
//! override (CIBA timings, token settings, the simulated network, the SAML service providers, the
//! clock and the random source) comes from the root's [`ServerConfig`](crate::ServerConfig).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use crate::config::ServerConfig;
use crate::error::ServerError;
use crate::registration::ClientRegistration;
use crate::state::Shared;
use crate::subscribers::SubscriberStore;
use crate::telco_finder::{SANDBOX_OPERATOR_ID, TelcoRoute, TelcoRouteError};

/// The path below the server's base URL under which hosted operators are served.
pub(crate) const OPERATORS_PATH: &str = "/operators";

/// An operator the sandbox hosts beside the root operator (see
/// [`ServerConfig::with_operator`](crate::ServerConfig::with_operator)).
///
/// By default it has the root's subscribers whose numbers start with one of its prefixes, and
/// the root's client registrations, the demo client's included: one application key then works
/// with every hosted operator, as with operators that federate their client registrations.
/// [`with_subscribers`](Self::with_subscribers) and [`with_client`](Self::with_client) replace
/// either.
#[derive(Clone)]
pub struct HostedOperator {
    pub(crate) route: TelcoRoute,
    pub(crate) subscribers: Option<SubscriberStore>,
    pub(crate) clients: Option<Vec<ClientRegistration>>,
}

// The subscribers are personal data: only their count is shown.
impl fmt::Debug for HostedOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            route,
            subscribers,
            clients,
        } = self;
        f.debug_struct("HostedOperator")
            .field("operator_id", &route.operator_id)
            .field("msisdn_prefixes", &route.msisdn_prefixes)
            .field("subscribers", &subscribers.as_ref().map(SubscriberStore::len))
            .field("clients", clients)
            .finish()
    }
}

/// Why a hosted operator was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostedOperatorError {
    /// Its id or prefixes are not a valid Telco Finder route.
    #[error(transparent)]
    Route(#[from] TelcoRouteError),
    /// Its id cannot be a path segment of its URLs.
    #[error(
        "a hosted operator id is 1 to 64 lowercase letters, digits, '-', '_' or '.', not starting with '.'"
    )]
    PathSegment,
}

impl HostedOperator {
    /// An operator `operator_id`, served at `/operators/{operator_id}`, that the Telco Finder
    /// answers for numbers starting with one of `prefixes` (`+34`).
    ///
    /// # Errors
    ///
    /// [`HostedOperatorError::Route`] for no prefix or a malformed one;
    /// [`HostedOperatorError::PathSegment`] for an id that is not a plain path segment.
    pub fn new(
        operator_id: impl Into<String>,
        prefixes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Self, HostedOperatorError> {
        let route = TelcoRoute::new(operator_id, prefixes)?;
        let id = &route.operator_id;
        let plain = id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
        if id.len() > 64 || !plain || id.starts_with('.') {
            return Err(HostedOperatorError::PathSegment);
        }
        Ok(Self {
            route,
            subscribers: None,
            clients: None,
        })
    }

    /// Replaces its subscribers (by default the root's within its prefixes).
    #[must_use]
    pub fn with_subscribers(mut self, store: SubscriberStore) -> Self {
        self.subscribers = Some(store);
        self
    }

    /// Registers a client with this operator only. The first call replaces the root's client
    /// registrations (the demo client's included) with the ones given here.
    #[must_use]
    pub fn with_client(mut self, client: ClientRegistration) -> Self {
        self.clients.get_or_insert_with(Vec::new).push(client);
        self
    }

    /// The operator id.
    pub fn operator_id(&self) -> &str {
        &self.route.operator_id
    }

    /// The MSISDN prefixes the Telco Finder routes to it.
    pub fn msisdn_prefixes(&self) -> &[String] {
        &self.route.msisdn_prefixes
    }

    /// Its path below the server's base URL, `/operators/{operator_id}`.
    pub(crate) fn path(&self) -> String {
        format!("{OPERATORS_PATH}/{}", self.route.operator_id)
    }

    /// Its issuer, which is also its API root, on a server whose issuer is `root_issuer`.
    pub(crate) fn issuer(&self, root_issuer: &str) -> String {
        format!("{root_issuer}{}", self.path())
    }

    /// Its subscribers: its own, or those of `root` within its prefixes.
    pub(crate) fn subscribers_within(&self, root: &SubscriberStore) -> SubscriberStore {
        match &self.subscribers {
            Some(own) => own.clone(),
            None => root.within_prefixes(&self.route.msisdn_prefixes),
        }
    }

    /// Its Telco Finder route on a server whose issuer is `root_issuer`.
    pub(crate) fn route(&self, root_issuer: &str) -> TelcoRoute {
        let issuer = self.issuer(root_issuer);
        self.route
            .clone()
            .with_api_root(issuer.clone())
            .with_issuer(issuer)
    }
}

/// A hosted operator of a running server, as [`ServerHandle::hosted_operators`](crate::ServerHandle::hosted_operators)
/// lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostedOperatorInfo {
    /// The operator id, as the Telco Finder answers it.
    pub operator_id: String,
    /// The MSISDN prefixes the Telco Finder routes to it.
    pub msisdn_prefixes: Vec<String>,
    /// Its issuer (`{base}/operators/{operator_id}`), which is also its API root: discovery is
    /// at `{issuer}/.well-known/openid-configuration`, SIM Swap at `{issuer}/sim-swap/v2`.
    pub issuer: String,
    /// How many subscribers it has.
    pub subscribers: usize,
}

/// Refuses two hosted operators with one id, or one with the root's.
pub(crate) fn check_ids(config: &ServerConfig) -> Result<(), ServerError> {
    let mut seen = BTreeSet::from([SANDBOX_OPERATOR_ID]);
    for operator in &config.operators {
        if !seen.insert(operator.operator_id()) {
            return Err(ServerError::DuplicateOperator(operator.operator_id().to_owned()));
        }
    }
    Ok(())
}

/// The state of each operator `root` hosts, with its path: a configuration derived from the
/// root's, its own keys (generated from the root's random source), and the root's client
/// registrations and Telco Finder table unless it has its own clients.
pub(crate) fn build(root: &Shared) -> Result<Vec<(String, Arc<Shared>)>, ServerError> {
    root.config
        .operators
        .iter()
        .map(|operator| {
            let mut config = root.config.clone();
            config.subscribers = operator.subscribers_within(&root.config.subscribers);
            config.clients = operator.clients.clone().unwrap_or_default();
            config.demo_client = false;
            // Faults are the root's, keyed by full path: its middleware sees every request.
            config.faults = BTreeMap::new();
            config.operators = Vec::new();
            let (mut shared, _) = Shared::build(config, operator.issuer(&root.issuer))?;
            if operator.clients.is_none() {
                shared.clients = root.clients.clone();
            }
            shared.telco_routes = root.telco_routes.clone();
            Ok((operator.path(), Arc::new(shared)))
        })
        .collect()
}

/// What [`crate::ServerHandle::hosted_operators`] lists.
pub(crate) fn info(root: &Shared) -> Vec<HostedOperatorInfo> {
    root.config
        .operators
        .iter()
        .map(|operator| HostedOperatorInfo {
            operator_id: operator.operator_id().to_owned(),
            msisdn_prefixes: operator.msisdn_prefixes().to_vec(),
            issuer: operator.issuer(&root.issuer),
            subscribers: operator.subscribers_within(&root.config.subscribers).len(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_path_segments() {
        let check = |id: &str, expected: Result<(), HostedOperatorError>| {
            let got = HostedOperator::new(id, ["+34"]).map(|_| ());
            assert_eq!(got, expected, "{id:?}");
        };
        check("operator-es", Ok(()));
        check("op_2.fr", Ok(()));
        check("", Err(TelcoRouteError::OperatorId.into()));
        check("Operator", Err(HostedOperatorError::PathSegment));
        check("a/b", Err(HostedOperatorError::PathSegment));
        check("..", Err(HostedOperatorError::PathSegment));
        check("a b", Err(HostedOperatorError::PathSegment));
        check(&"a".repeat(65), Err(HostedOperatorError::PathSegment));
        assert_eq!(
            HostedOperator::new("x", ["34"]).map(|_| ()),
            Err(TelcoRouteError::Prefix { index: 0 }.into())
        );
    }

    #[test]
    fn default_subscribers_are_the_roots_within_the_prefixes() {
        let root = SubscriberStore::default_set();
        let hosted = HostedOperator::new("es", ["+34"]).expect("operator");
        let within = hosted.subscribers_within(&root);
        assert!(!within.is_empty());
        assert!(
            within
                .iter()
                .all(|s| s.phone_number().expose_e164().starts_with("+34"))
        );
        assert_eq!(
            within.len(),
            root.iter()
                .filter(|s| s.phone_number().country_code().value() == 34)
                .count()
        );
        let own = hosted.with_subscribers(SubscriberStore::default());
        assert!(own.subscribers_within(&root).is_empty());
    }

    #[test]
    fn urls_are_below_the_root_issuer() {
        let hosted = HostedOperator::new("operator-es", ["+34"]).expect("operator");
        assert_eq!(
            hosted.issuer("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/operators/operator-es"
        );
        let route = hosted.route("http://127.0.0.1:8080");
        assert_eq!(
            route.api_root.as_deref(),
            Some("http://127.0.0.1:8080/operators/operator-es")
        );
    }
}
