//! `GET {routing}/routing`: an operator's routing table (Open-Gateway-Documents, chapter 5,
//! "Telco Routing API" and "Routing Rule Format"), and the pure resolver a finder runs over it.
//!
//! A rule names ranges (MSISDN prefixes, IPv4/IPv6 CIDR ranges, MCC-MNC network ids) and an
//! action: a static operator, or a second-level finder to ask (multi-brand operators). The most
//! specific range wins: the longest MSISDN prefix, the longest CIDR prefix; on a tie, the first
//! rule.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::{Ipv4Net, Ipv6Net};
use netid_core::correlator::XCorrelator;
use netid_core::phone::PhoneNumber;
use netid_core::token::AccessToken;
use netid_transport::{HttpRequest, HttpResponse};
use serde_json::Value;

use super::search::{Cacheable, SearchTarget, cache_control_ttl, request};
use super::{InvalidId, OperatorId};
use crate::endpoint::decode_response;
use crate::error::{CamaraError, DecodeError, InvalidRequest};
use crate::profile::Tolerance;

/// The path of the routing table below the routing API's base URL (`…/telco-routing/v1`).
pub const ROUTING_PATH: &str = "/routing";

/// An MSISDN prefix starting with the country code (`+100234`): `+` and 1 to 15 digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsisdnPrefix(String);

impl MsisdnPrefix {
    /// The prefix, `+` included.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `number` starts with this prefix.
    #[must_use]
    pub fn matches(&self, number: &PhoneNumber) -> bool {
        number.expose_e164().starts_with(&self.0)
    }

    /// The number of digits: the longer, the more specific.
    #[must_use]
    pub fn digits(&self) -> usize {
        self.0.len() - 1
    }
}

impl FromStr for MsisdnPrefix {
    type Err = InvalidId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = text.strip_prefix('+').ok_or(InvalidId::MsisdnPrefix)?;
        let valid = (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidId::MsisdnPrefix)
        }
    }
}

// A prefix names a block of numbers, not a subscriber: shown as it is.
impl fmt::Debug for MsisdnPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MsisdnPrefix({})", self.0)
    }
}

/// A network id, MCC and MNC of the IMSI (3GPP TS 23.003): 5 or 6 digits (`23405`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NetworkId(String);

impl NetworkId {
    /// The digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for NetworkId {
    type Err = InvalidId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if (5..=6).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidId::NetworkId)
        }
    }
}

/// A static route: the operator itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct StaticRoute {
    /// `operatorId`.
    pub operator_id: OperatorId,
    /// `apiRoot`: the root URL of the operator's API gateway.
    pub api_root: String,
    /// `authProviderConfiguration`: the operator's OpenID discovery URL.
    pub auth_provider_configuration: Option<String>,
}

impl StaticRoute {
    /// A static route to `operator_id` at `api_root`.
    #[must_use]
    pub fn new(operator_id: OperatorId, api_root: impl Into<String>) -> Self {
        Self {
            operator_id,
            api_root: api_root.into(),
            auth_provider_configuration: None,
        }
    }

    /// Sets the discovery URL.
    #[must_use]
    pub fn with_auth_provider_configuration(mut self, url: impl Into<String>) -> Self {
        self.auth_provider_configuration = Some(url.into());
        self
    }
}

/// A dynamic route: a second-level finder resolves the target among the operator's brands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DynamicRoute {
    /// `telcoFinder`: the base URL of the second-level finder (`…/telco-finder/v1`).
    pub telco_finder: String,
    /// `authProviderConfiguration`: where to obtain a token for it.
    pub auth_provider_configuration: Option<String>,
}

impl DynamicRoute {
    /// A route to the second-level finder whose base URL is `telco_finder`.
    #[must_use]
    pub fn new(telco_finder: impl Into<String>) -> Self {
        Self {
            telco_finder: telco_finder.into(),
            auth_provider_configuration: None,
        }
    }

    /// Sets the discovery URL of the provider of the second-level finder's tokens.
    #[must_use]
    pub fn with_auth_provider_configuration(mut self, url: impl Into<String>) -> Self {
        self.auth_provider_configuration = Some(url.into());
        self
    }
}

/// What a matching rule says to do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoutingAction {
    /// The operator is known.
    Static(StaticRoute),
    /// Ask another finder.
    Dynamic(DynamicRoute),
}

/// One routing rule: ranges and an action. At least one range is present.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RoutingRule {
    /// `ipv4`: CIDR ranges.
    pub ipv4: Vec<Ipv4Net>,
    /// `ipv6`: CIDR ranges.
    pub ipv6: Vec<Ipv6Net>,
    /// `msisdnPrefix`: number prefixes (countries without portability).
    pub msisdn_prefix: Vec<MsisdnPrefix>,
    /// `network`: MCC-MNC ids (countries with portability, after a Network Id lookup).
    pub network: Vec<NetworkId>,
    /// The action.
    pub action: RoutingAction,
}

impl RoutingRule {
    /// A rule with no range yet and `action`.
    #[must_use]
    pub fn new(action: RoutingAction) -> Self {
        Self {
            ipv4: Vec::new(),
            ipv6: Vec::new(),
            msisdn_prefix: Vec::new(),
            network: Vec::new(),
            action,
        }
    }

    /// Whether the rule names no range (such a rule matches nothing and is refused on the wire).
    #[must_use]
    pub fn has_no_range(&self) -> bool {
        self.ipv4.is_empty()
            && self.ipv6.is_empty()
            && self.msisdn_prefix.is_empty()
            && self.network.is_empty()
    }
}

/// An operator's routing table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RoutingTable {
    /// The rules, in the order received.
    pub rules: Vec<RoutingRule>,
}

impl RoutingTable {
    /// A table of `rules`.
    #[must_use]
    pub fn new(rules: Vec<RoutingRule>) -> Self {
        Self { rules }
    }

    /// The action of the most specific rule matching `target`: the longest MSISDN prefix of a
    /// phone number, the longest CIDR prefix holding an address. `None` when nothing matches
    /// (a finder answers `NotSupported`). A number's network id is not known here: see
    /// [`resolve_network`](Self::resolve_network).
    #[must_use]
    pub fn resolve(&self, target: &SearchTarget) -> Option<&RoutingAction> {
        match target {
            SearchTarget::PhoneNumber(number) => self.best(|rule| {
                rule.msisdn_prefix
                    .iter()
                    .filter(|prefix| prefix.matches(number))
                    .map(MsisdnPrefix::digits)
                    .max()
            }),
            SearchTarget::Ipv4 { public_address, .. } => {
                self.best(|rule| longest_v4(&rule.ipv4, *public_address))
            }
            SearchTarget::Ipv6 { public_address, .. } => {
                self.best(|rule| longest_v6(&rule.ipv6, *public_address))
            }
        }
    }

    /// The action of the first rule naming `network`.
    #[must_use]
    pub fn resolve_network(&self, network: &NetworkId) -> Option<&RoutingAction> {
        self.rules
            .iter()
            .find(|rule| rule.network.contains(network))
            .map(|rule| &rule.action)
    }

    /// The rule with the greatest `specificity`; the first one on a tie.
    fn best(&self, specificity: impl Fn(&RoutingRule) -> Option<usize>) -> Option<&RoutingAction> {
        let mut best: Option<(usize, &RoutingAction)> = None;
        for rule in &self.rules {
            if let Some(score) = specificity(rule)
                && best.is_none_or(|(known, _)| score > known)
            {
                best = Some((score, &rule.action));
            }
        }
        best.map(|(_, action)| action)
    }

    /// The JSON array of the published shape.
    #[must_use]
    pub fn to_json(&self) -> Value {
        Value::Array(self.rules.iter().map(wire::rule_json).collect())
    }

    /// Decodes a JSON routing table, naming the path of the first invalid value.
    ///
    /// # Errors
    ///
    /// [`DecodeError`] for a body that is not the published shape, a rule without a range, or a
    /// rule with neither or both of `static` and `dynamic`.
    pub fn from_json(status: u16, body: &bytes::Bytes) -> Result<Self, DecodeError> {
        wire::decode_table(status, body).map(|rules| Self { rules })
    }
}

fn longest_v4(nets: &[Ipv4Net], address: Ipv4Addr) -> Option<usize> {
    nets.iter()
        .filter(|net| net.contains(&address))
        .map(|net| usize::from(net.prefix_len()))
        .max()
}

fn longest_v6(nets: &[Ipv6Net], address: Ipv6Addr) -> Option<usize> {
    nets.iter()
        .filter(|net| net.contains(&address))
        .map(|net| usize::from(net.prefix_len()))
        .max()
}

/// The HTTP request for the routing table of the routing API at `base_url`
/// (`https://operator.example/telco-routing/v1`, without a trailing `/`).
///
/// # Errors
///
/// [`InvalidRequest::InvalidUri`], [`InvalidRequest::InvalidHeader`].
pub fn to_http_request(
    base_url: &str,
    token: &AccessToken,
    correlator: &XCorrelator,
) -> Result<HttpRequest, InvalidRequest> {
    request(
        http::Method::GET,
        &format!("{base_url}{ROUTING_PATH}"),
        token,
        correlator,
    )?
    .body(bytes::Bytes::new())
    .map_err(|_| InvalidRequest::InvalidUri)
}

/// Decodes the answer to [`to_http_request`], with the lifetime `Cache-Control` gives.
///
/// # Errors
///
/// [`CamaraError::Operator`] for an error status, [`CamaraError::Decode`] for a body that is not
/// a routing table.
pub fn from_http_response(response: &HttpResponse) -> Result<Cacheable<RoutingTable>, CamaraError> {
    // The error statuses go through the shared CAMARA error decoding; the table has its own reader.
    decode_response::<Value>(response, Tolerance::lenient(), wire::no_normalize)?;
    let table = RoutingTable::from_json(response.status().as_u16(), response.body())?;
    Ok(Cacheable {
        value: table,
        ttl: cache_control_ttl(response),
    })
}

#[cfg(test)]
mod tests;
mod wire;
