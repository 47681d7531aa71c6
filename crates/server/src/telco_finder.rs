//! The GSMA Open Gateway Telco Finder (`POST /telco-finder/v1/search`) and Telco Routing
//! (`GET /telco-routing/v1/routing`) of the sandbox, computed from its routes: each route names an
//! operator, the MSISDN prefixes, IPv4/IPv6 ranges and MCC-MNC networks it serves, and where its
//! APIs and OpenID Provider are (this server unless given), or a second-level finder to ask
//! instead. Both need a token with the `telcofinder` scope.
//!
//! Built from the published shape (Open-Gateway-Documents, chapter 5): a number or device address
//! outside every route is `404 NOT_SUPPORTED`; the most specific route wins (longest prefix,
//! longest CIDR prefix). Networks are listed in the routing table only: a search target names no
//! network. A route to a second-level finder answers a search with the routing rule's `dynamic`
//! action (`telcoFinder`, `authProviderConfiguration`), which netid's client follows.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use netid_core::error_info::ErrorCode;
use netid_core::phone::PhoneNumber;
use serde_json::{Map, Value, json};

use crate::camara::{ApiError, bearer, correlator, echo, object, require_scope};
use crate::config::ServerConfig;
use crate::state::Shared;
use crate::subscribers::SubscriberStore;

mod route;

pub use route::{TelcoRoute, TelcoRouteError};

/// The scope the finder and the routing table require.
pub const TELCO_FINDER_SCOPE: &str = "telcofinder";

/// The operator id of the default route: the sandbox itself.
pub const SANDBOX_OPERATOR_ID: &str = "netid-sandbox";

/// How long clients may reuse an answer by default (`Cache-Control: max-age`).
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(60);

impl TelcoRoute {
    /// The default route: the sandbox itself, for the country codes of `subscribers`.
    pub(crate) fn sandbox(subscribers: &SubscriberStore) -> Vec<Self> {
        let prefixes: BTreeSet<String> = subscribers
            .iter()
            .map(|subscriber| format!("+{}", subscriber.phone_number().country_code().value()))
            .collect();
        if prefixes.is_empty() {
            return Vec::new();
        }
        Self::new(SANDBOX_OPERATOR_ID, prefixes).into_iter().collect()
    }

    fn api_root<'a>(&'a self, shared: &'a Shared) -> &'a str {
        self.api_root.as_deref().unwrap_or(&shared.issuer)
    }

    fn discovery_url(&self, shared: &Shared) -> String {
        let issuer = self.issuer.as_deref().unwrap_or(&shared.issuer);
        format!("{issuer}/.well-known/openid-configuration")
    }

    /// The route's action in the routing table: `static` (the operator) or `dynamic` (a
    /// second-level finder).
    fn action(&self, shared: &Shared) -> (&'static str, Value) {
        match &self.second_level_finder {
            Some(finder) => (
                "dynamic",
                json!({
                    "telcoFinder": finder,
                    "authProviderConfiguration": self.discovery_url(shared),
                }),
            ),
            None => (
                "static",
                json!({
                    "operatorId": self.operator_id,
                    "apiRoot": self.api_root(shared),
                    "authProviderConfiguration": self.discovery_url(shared),
                }),
            ),
        }
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
            let mut entry = json!({
                "operator_id": route.operator_id,
                "msisdn_prefixes": route.msisdn_prefixes,
                "api_root": route.api_root(shared),
                "discovery_url": route.discovery_url(shared),
            });
            // Shown only when used, so the index of a prefix-only finder stays as it was.
            if !route.ip_ranges.is_empty() {
                entry["ip_ranges"] = json!(
                    route
                        .ip_ranges
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                );
            }
            if !route.networks.is_empty() {
                entry["networks"] = json!(route.networks);
            }
            if let Some(finder) = &route.second_level_finder {
                entry["second_level_finder"] = json!(finder);
            }
            entry
        })
        .collect();
    json!({ "scope": TELCO_FINDER_SCOPE, "routes": routes })
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

/// The `publicAddress` of a target's `ipv4Address`/`ipv6Address` object (`publicPort`, when given,
/// must be a port number; behind carrier-grade NAT it tells devices apart, but every route of the
/// sandbox covers whole ranges, so it does not change the answer).
fn device_address(
    value: &Value,
    name: &str,
    parse: impl Fn(&str) -> Option<IpAddr>,
) -> Result<IpAddr, ApiError> {
    let invalid =
        || ApiError::invalid_argument(&format!("target.{name} needs a publicAddress of its family"));
    let object = value.as_object().ok_or_else(invalid)?;
    let address = object
        .get("publicAddress")
        .and_then(Value::as_str)
        .and_then(parse)
        .ok_or_else(invalid)?;
    match object.get("publicPort") {
        None => {}
        Some(port) if port.as_u64().is_some_and(|port| port <= u64::from(u16::MAX)) => {}
        Some(_) => {
            return Err(ApiError::invalid_argument(&format!(
                "target.{name}.publicPort must be a port number"
            )));
        }
    }
    Ok(address)
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
        let routes = routes(&shared);
        let route = match (
            target.get("phoneNumber"),
            target.get("ipv4Address"),
            target.get("ipv6Address"),
        ) {
            (Some(Value::String(number)), None, None) => {
                let number = PhoneNumber::parse_strict(number)
                    .map_err(|_| ApiError::invalid_argument("target.phoneNumber must be E.164 with +"))?;
                route::best(routes, |route| route.number_specificity(&number))
            }
            (None, Some(address), None) => {
                let address = device_address(address, "ipv4Address", |text| {
                    text.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
                })?;
                route::best(routes, |route| route.address_specificity(address))
            }
            (None, None, Some(address)) => {
                let address = device_address(address, "ipv6Address", |text| {
                    text.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
                })?;
                route::best(routes, |route| route.address_specificity(address))
            }
            _ => {
                return Err(ApiError::invalid_argument(
                    "target needs exactly one of phoneNumber, ipv4Address, ipv6Address",
                ));
            }
        };
        let route = route.ok_or_else(not_supported)?;
        if let Some(finder) = &route.second_level_finder {
            // A second-level finder resolves the target: the client asks it next.
            return Ok(json!({
                "telcoFinder": finder,
                "authProviderConfiguration": route.discovery_url(&shared),
            }));
        }
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

/// `GET /telco-routing/v1/routing`: every route as a routing rule, `static` or `dynamic`.
pub(crate) async fn routing(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    respond(&headers, async || {
        let grant = bearer(&shared, &headers, shared.now()).await?;
        require_scope(&grant, &[TELCO_FINDER_SCOPE])?;
        let rules: Vec<Value> = routes(&shared)
            .iter()
            .map(|route| {
                let mut rule = Map::new();
                let (ipv4, ipv6): (Vec<&IpNet>, Vec<&IpNet>) = route
                    .ip_ranges
                    .iter()
                    .partition(|range| matches!(range, IpNet::V4(_)));
                let ranges = [
                    ("msisdnPrefix", json!(route.msisdn_prefixes)),
                    (
                        "ipv4",
                        json!(ipv4.iter().map(ToString::to_string).collect::<Vec<_>>()),
                    ),
                    (
                        "ipv6",
                        json!(ipv6.iter().map(ToString::to_string).collect::<Vec<_>>()),
                    ),
                    ("network", json!(route.networks)),
                ];
                // Only the kinds of range the rule has: an empty list would match nothing anyway.
                for (name, list) in ranges {
                    if list.as_array().is_some_and(|list| !list.is_empty()) {
                        rule.insert(name.to_owned(), list);
                    }
                }
                let (action, value) = route.action(&shared);
                rule.insert(action.to_owned(), value);
                Value::Object(rule)
            })
            .collect();
        Ok(Value::Array(rules))
    })
    .await
}

#[cfg(test)]
mod tests;
