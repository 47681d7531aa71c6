//! The GSMA Open Gateway Telco Finder (`POST /telco-finder/v1/search`) and Telco Routing
//! (`GET /telco-routing/v1/routing`) of the sandbox, computed from its routes: each route names an
//! operator, the MSISDN prefixes it serves, and where its APIs and OpenID Provider are (this
//! server unless given). Both need a token with the `telcofinder` scope.
//!
//! Built from the published shape (Open-Gateway-Documents, chapter 5): a number outside every
//! route is `404 NOT_SUPPORTED`; IP address targets are answered `NOT_SUPPORTED` too, the sandbox
//! routing no address range.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use netid_core::error_info::ErrorCode;
use netid_core::phone::PhoneNumber;
use serde_json::{Value, json};

use crate::camara::{ApiError, bearer, correlator, echo, object, require_scope};
use crate::config::ServerConfig;
use crate::state::Shared;
use crate::subscribers::SubscriberStore;

/// The scope the finder and the routing table require.
pub const TELCO_FINDER_SCOPE: &str = "telcofinder";

/// The operator id of the default route: the sandbox itself.
pub const SANDBOX_OPERATOR_ID: &str = "netid-sandbox";

/// How long clients may reuse an answer by default (`Cache-Control: max-age`).
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(60);

/// One route of the sandbox's Telco Finder.
#[derive(Clone, PartialEq, Eq)]
pub struct TelcoRoute {
    pub(crate) operator_id: String,
    pub(crate) msisdn_prefixes: Vec<String>,
    pub(crate) api_root: Option<String>,
    pub(crate) issuer: Option<String>,
}

// Prefixes name blocks of numbers, not subscribers; the operator's URLs are public.
impl fmt::Debug for TelcoRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelcoRoute")
            .field("operator_id", &self.operator_id)
            .field("msisdn_prefixes", &self.msisdn_prefixes)
            .field("api_root", &self.api_root)
            .field("issuer", &self.issuer)
            .finish()
    }
}

/// Why a route was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TelcoRouteError {
    /// An empty operator id.
    #[error("a route needs a non-empty operator id")]
    OperatorId,
    /// A prefix that is not `+` and 1 to 15 digits.
    #[error("msisdn prefix {index} is not `+` followed by 1 to 15 digits")]
    Prefix {
        /// Its position in the route.
        index: usize,
    },
    /// No prefix at all.
    #[error("a route needs at least one msisdn prefix")]
    NoPrefix,
}

impl TelcoRoute {
    /// A route of `operator_id` for numbers starting with one of `prefixes` (`+3465`), served by
    /// this server unless [`with_api_root`](Self::with_api_root) and
    /// [`with_issuer`](Self::with_issuer) say otherwise.
    ///
    /// # Errors
    ///
    /// [`TelcoRouteError`] for an empty id, no prefix, or a malformed prefix.
    pub fn new(
        operator_id: impl Into<String>,
        prefixes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Self, TelcoRouteError> {
        let operator_id = operator_id.into();
        if operator_id.trim().is_empty() {
            return Err(TelcoRouteError::OperatorId);
        }
        let msisdn_prefixes: Vec<String> = prefixes.into_iter().map(Into::into).collect();
        if msisdn_prefixes.is_empty() {
            return Err(TelcoRouteError::NoPrefix);
        }
        for (index, prefix) in msisdn_prefixes.iter().enumerate() {
            let digits = prefix.strip_prefix('+').unwrap_or_default();
            if !(1..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TelcoRouteError::Prefix { index });
            }
        }
        Ok(Self {
            operator_id,
            msisdn_prefixes,
            api_root: None,
            issuer: None,
        })
    }

    /// The operator's API root (this server's base URL when not given).
    #[must_use]
    pub fn with_api_root(mut self, api_root: impl Into<String>) -> Self {
        self.api_root = Some(api_root.into().trim_end_matches('/').to_owned());
        self
    }

    /// The operator's issuer (this server when not given); its discovery URL is below it.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into().trim_end_matches('/').to_owned());
        self
    }

    /// The default route: the sandbox itself, for the country codes of `subscribers`.
    pub(crate) fn sandbox(subscribers: &SubscriberStore) -> Vec<Self> {
        let prefixes: BTreeSet<String> = subscribers
            .iter()
            .map(|subscriber| format!("+{}", subscriber.phone_number().country_code().value()))
            .collect();
        if prefixes.is_empty() {
            return Vec::new();
        }
        vec![Self {
            operator_id: SANDBOX_OPERATOR_ID.to_owned(),
            msisdn_prefixes: prefixes.into_iter().collect(),
            api_root: None,
            issuer: None,
        }]
    }

    fn api_root<'a>(&'a self, shared: &'a Shared) -> &'a str {
        self.api_root.as_deref().unwrap_or(&shared.issuer)
    }

    fn discovery_url(&self, shared: &Shared) -> String {
        let issuer = self.issuer.as_deref().unwrap_or(&shared.issuer);
        format!("{issuer}/.well-known/openid-configuration")
    }
}

/// The routes a server whose issuer is `issuer` answers with: its hosted operators first (so they
/// win a tie on prefix length), then the configured routes, or the default route without any;
/// every URL made absolute, so that the hosted operators, sharing this table, answer the same.
pub(crate) fn table(config: &ServerConfig, issuer: &str) -> Vec<TelcoRoute> {
    let hosted = config.operators.iter().map(|operator| operator.route(issuer));
    let configured = match &config.telco_routes {
        Some(routes) => routes.clone(),
        None => TelcoRoute::sandbox(&config.subscribers),
    };
    hosted
        .chain(configured.into_iter().map(|route| {
            let api_root = route.api_root.clone().unwrap_or_else(|| issuer.to_owned());
            let route_issuer = route.issuer.clone().unwrap_or_else(|| issuer.to_owned());
            route.with_api_root(api_root).with_issuer(route_issuer)
        }))
        .collect()
}

/// The routes the server answers with.
fn routes(shared: &Shared) -> &[TelcoRoute] {
    &shared.telco_routes
}

/// What the sandbox's `GET /` index shows of the finder: its scope and routes (prefixes name
/// blocks of numbers, not subscribers).
pub(crate) fn index(shared: &Shared) -> Value {
    let routes: Vec<Value> = routes(shared)
        .iter()
        .map(|route| {
            json!({
                "operator_id": route.operator_id,
                "msisdn_prefixes": route.msisdn_prefixes,
                "api_root": route.api_root(shared),
                "discovery_url": route.discovery_url(shared),
            })
        })
        .collect();
    json!({ "scope": TELCO_FINDER_SCOPE, "routes": routes })
}

/// The route whose prefix matching `number` is the longest; the first on a tie.
fn route_for<'r>(routes: &'r [TelcoRoute], number: &PhoneNumber) -> Option<&'r TelcoRoute> {
    let mut best: Option<(usize, &TelcoRoute)> = None;
    for route in routes {
        let longest = route
            .msisdn_prefixes
            .iter()
            .filter(|prefix| number.expose_e164().starts_with(prefix.as_str()))
            .map(String::len)
            .max();
        if let Some(length) = longest
            && best.is_none_or(|(known, _)| length > known)
        {
            best = Some((length, route));
        }
    }
    best.map(|(_, route)| route)
}

fn not_supported() -> ApiError {
    ApiError::new(
        404,
        ErrorCode::NotSupported,
        "no supported operator serves the target",
    )
}

/// Answers `handler`'s JSON with the correlator echoed and the cache lifetime, or its error.
async fn respond(headers: &HeaderMap, handler: impl AsyncFnOnce() -> Result<Value, ApiError>) -> Response {
    let correlator = match correlator(headers) {
        Ok(correlator) => correlator,
        Err(error) => return error.into_response_with(None),
    };
    match handler().await {
        Ok(value) => {
            let mut response = Json(value).into_response();
            let max_age = format!("max-age={}", DEFAULT_MAX_AGE.as_secs());
            if let Ok(value) = HeaderValue::from_str(&max_age) {
                response.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            echo(&mut response, correlator.as_ref());
            response
        }
        Err(error) => error.into_response_with(correlator.as_ref()),
    }
}

/// `POST /telco-finder/v1/search`.
pub(crate) async fn search(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    respond(&headers, async || {
        let grant = bearer(&shared, &headers, shared.now()).await?;
        require_scope(&grant, &[TELCO_FINDER_SCOPE])?;
        let body = object(&headers, &body)?;
        let flag = |name: &str| match body.get(name) {
            None => Ok(false),
            Some(Value::Bool(value)) => Ok(*value),
            Some(_) => Err(ApiError::invalid_argument(&format!("{name} must be a boolean"))),
        };
        let (include_root, include_auth) =
            (flag("includeApiRoot")?, flag("includeAuthProviderConfiguration")?);
        match body.get("portabilitySearchMode") {
            None => {}
            Some(Value::String(mode)) if mode == "SHALLOW" || mode == "DEEP" => {}
            Some(_) => {
                return Err(ApiError::invalid_argument(
                    "portabilitySearchMode must be SHALLOW or DEEP",
                ));
            }
        }
        let target = body
            .get("target")
            .and_then(Value::as_object)
            .ok_or_else(|| ApiError::invalid_argument("target is required"))?;
        let number = match (
            target.get("phoneNumber"),
            target.get("ipv4Address"),
            target.get("ipv6Address"),
        ) {
            (Some(Value::String(number)), None, None) => PhoneNumber::parse_strict(number)
                .map_err(|_| ApiError::invalid_argument("target.phoneNumber must be E.164 with +"))?,
            // No address range is routed: an address is never served.
            (None, Some(Value::Object(_)), None) | (None, None, Some(Value::Object(_))) => {
                return Err(not_supported());
            }
            _ => {
                return Err(ApiError::invalid_argument(
                    "target needs exactly one of phoneNumber, ipv4Address, ipv6Address",
                ));
            }
        };
        let routes = routes(&shared);
        let route = route_for(routes, &number).ok_or_else(not_supported)?;
        let mut answer = json!({ "operatorId": route.operator_id });
        if include_root {
            answer["apiRoot"] = Value::from(route.api_root(&shared));
        }
        if include_auth {
            answer["authProviderConfiguration"] = Value::from(route.discovery_url(&shared));
        }
        Ok(answer)
    })
    .await
}

/// `GET /telco-routing/v1/routing`: every route as a static routing rule.
pub(crate) async fn routing(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    respond(&headers, async || {
        let grant = bearer(&shared, &headers, shared.now()).await?;
        require_scope(&grant, &[TELCO_FINDER_SCOPE])?;
        let rules: Vec<Value> = routes(&shared)
            .iter()
            .map(|route| {
                json!({
                    "msisdnPrefix": route.msisdn_prefixes,
                    "static": {
                        "operatorId": route.operator_id,
                        "apiRoot": route.api_root(&shared),
                        "authProviderConfiguration": route.discovery_url(&shared),
                    },
                })
            })
            .collect();
        Ok(Value::Array(rules))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins_and_routes_are_checked() {
        let routes = vec![
            TelcoRoute::new("short", ["+34"]).expect("route"),
            TelcoRoute::new("long", ["+3465", "+1"]).expect("route"),
            TelcoRoute::new("tie", ["+3465"]).expect("route"),
        ];
        let check = |number: &str, expected: Option<&str>| {
            let number = PhoneNumber::parse_strict(number).expect("number");
            let found = route_for(&routes, &number).map(|route| route.operator_id.as_str());
            assert_eq!(found, expected, "{number:?}");
        };
        check("+34654654654", Some("long"));
        check("+34600000002", Some("short"));
        check("+447709558432", None);
        assert_eq!(TelcoRoute::new("", ["+1"]), Err(TelcoRouteError::OperatorId));
        assert_eq!(
            TelcoRoute::new("x", Vec::<String>::new()),
            Err(TelcoRouteError::NoPrefix)
        );
        assert_eq!(
            TelcoRoute::new("x", ["+1", "34"]),
            Err(TelcoRouteError::Prefix { index: 1 })
        );
        let default = TelcoRoute::sandbox(&SubscriberStore::default_set());
        assert_eq!(default.len(), 1);
        assert!(default[0].msisdn_prefixes.contains(&"+34".to_owned()));
        assert!(!default[0].msisdn_prefixes.contains(&"+44".to_owned()));
    }
}
