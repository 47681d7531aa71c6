//! One route of the sandbox's Telco Finder: the ranges it covers (MSISDN prefixes, IPv4/IPv6 CIDR
//! ranges, MCC-MNC network ids) and where they lead (an operator, or a second-level finder).

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use netid_core::phone::PhoneNumber;

/// One route of the sandbox's Telco Finder.
#[derive(Clone, PartialEq, Eq)]
pub struct TelcoRoute {
    pub(crate) operator_id: String,
    pub(crate) msisdn_prefixes: Vec<String>,
    pub(crate) ip_ranges: Vec<IpNet>,
    pub(crate) networks: Vec<String>,
    pub(crate) api_root: Option<String>,
    pub(crate) issuer: Option<String>,
    pub(crate) second_level_finder: Option<String>,
}

// Prefixes and ranges name blocks of numbers and addresses, not subscribers; the operator's URLs
// are public.
impl fmt::Debug for TelcoRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            operator_id,
            msisdn_prefixes,
            ip_ranges,
            networks,
            api_root,
            issuer,
            second_level_finder,
        } = self;
        f.debug_struct("TelcoRoute")
            .field("operator_id", operator_id)
            .field("msisdn_prefixes", msisdn_prefixes)
            .field("ip_ranges", ip_ranges)
            .field("networks", networks)
            .field("api_root", api_root)
            .field("issuer", issuer)
            .field("second_level_finder", second_level_finder)
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
    /// No prefix at all ([`TelcoRoute::new`]).
    #[error("a route needs at least one msisdn prefix")]
    NoPrefix,
    /// An IP range that is not an IPv4 or IPv6 CIDR range (`192.0.2.0/24`, `2001:db8::/32`).
    #[error("ip range {index} is not an ipv4 or ipv6 cidr range")]
    IpRange {
        /// Its position in the route.
        index: usize,
    },
    /// A network id that is not 5 or 6 digits (MCC and MNC).
    #[error("network {index} is not 5 or 6 digits (mcc and mnc)")]
    Network {
        /// Its position in the route.
        index: usize,
    },
    /// No range of any kind ([`TelcoRoute::from_ranges`]).
    #[error("a route needs at least one msisdn prefix, ip range or network")]
    NoRange,
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
        let prefixes: Vec<String> = prefixes.into_iter().map(Into::into).collect();
        let operator_id = operator_id.into();
        if !operator_id.trim().is_empty() && prefixes.is_empty() {
            return Err(TelcoRouteError::NoPrefix);
        }
        Self::from_ranges(operator_id, prefixes, Vec::<String>::new(), Vec::<String>::new())
    }

    /// A route of `operator_id` for numbers starting with one of `prefixes`, devices whose public
    /// address is in one of `ip_ranges` (CIDR, `198.51.100.0/24`; a bare address is a host range),
    /// and the MCC-MNC `networks` (`21407`, listed in the routing table).
    ///
    /// # Errors
    ///
    /// [`TelcoRouteError`] for an empty id, no range at all, or a malformed one.
    pub fn from_ranges(
        operator_id: impl Into<String>,
        prefixes: impl IntoIterator<Item = impl Into<String>>,
        ip_ranges: impl IntoIterator<Item = impl AsRef<str>>,
        networks: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Self, TelcoRouteError> {
        let operator_id = operator_id.into();
        if operator_id.trim().is_empty() {
            return Err(TelcoRouteError::OperatorId);
        }
        let msisdn_prefixes: Vec<String> = prefixes.into_iter().map(Into::into).collect();
        for (index, prefix) in msisdn_prefixes.iter().enumerate() {
            let digits = prefix.strip_prefix('+').unwrap_or_default();
            if !(1..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TelcoRouteError::Prefix { index });
            }
        }
        let ip_ranges = ip_ranges
            .into_iter()
            .enumerate()
            .map(|(index, range)| parse_range(range.as_ref()).ok_or(TelcoRouteError::IpRange { index }))
            .collect::<Result<Vec<_>, _>>()?;
        let networks: Vec<String> = networks.into_iter().map(Into::into).collect();
        for (index, network) in networks.iter().enumerate() {
            if !(5..=6).contains(&network.len()) || !network.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TelcoRouteError::Network { index });
            }
        }
        if msisdn_prefixes.is_empty() && ip_ranges.is_empty() && networks.is_empty() {
            return Err(TelcoRouteError::NoRange);
        }
        Ok(Self {
            operator_id,
            msisdn_prefixes,
            ip_ranges,
            networks,
            api_root: None,
            issuer: None,
            second_level_finder: None,
        })
    }

    /// The operator's API root (this server's base URL when not given).
    #[must_use]
    pub fn with_api_root(mut self, api_root: impl Into<String>) -> Self {
        self.api_root = Some(api_root.into().trim_end_matches('/').to_owned());
        self
    }

    /// The operator's issuer (this server when not given); its discovery URL is below it. For a
    /// route to a second-level finder, the issuer of that finder's tokens.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into().trim_end_matches('/').to_owned());
        self
    }

    /// Makes the route dynamic: its targets are resolved by the second-level Telco Finder at
    /// `finder` (its base URL, `…/telco-finder/v1`), which the client asks next, authenticating
    /// at the route's issuer. The routing table lists it as a `dynamic` rule; a search answers
    /// `{"telcoFinder": …, "authProviderConfiguration": …}` instead of an operator.
    #[must_use]
    pub fn with_second_level_finder(mut self, finder: impl Into<String>) -> Self {
        self.second_level_finder = Some(finder.into().trim_end_matches('/').to_owned());
        self
    }

    /// How specific the route is for `number`: the length of its longest matching prefix.
    pub(crate) fn number_specificity(&self, number: &PhoneNumber) -> Option<usize> {
        self.msisdn_prefixes
            .iter()
            .filter(|prefix| number.expose_e164().starts_with(prefix.as_str()))
            .map(String::len)
            .max()
    }

    /// How specific the route is for `address`: the length of its longest CIDR prefix holding it.
    pub(crate) fn address_specificity(&self, address: IpAddr) -> Option<usize> {
        self.ip_ranges
            .iter()
            .filter(|range| range.contains(&address))
            .map(|range| usize::from(range.prefix_len()))
            .max()
    }
}

/// A CIDR range, or a bare address as a host range.
fn parse_range(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
        // `192.0.2.1/24` names the range, not the host: normalised to `192.0.2.0/24`.
        .map(|range| range.trunc())
}

/// The route with the greatest `specificity`; the first one on a tie.
pub(crate) fn best(
    routes: &[TelcoRoute],
    specificity: impl Fn(&TelcoRoute) -> Option<usize>,
) -> Option<&TelcoRoute> {
    let mut best: Option<(usize, &TelcoRoute)> = None;
    for route in routes {
        if let Some(score) = specificity(route)
            && best.is_none_or(|(known, _)| score > known)
        {
            best = Some((score, route));
        }
    }
    best.map(|(_, route)| route)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_cidr_prefix_wins_for_an_address() {
        let routes = vec![
            TelcoRoute::from_ranges("wide", [] as [&str; 0], ["198.51.100.0/22"], [] as [&str; 0])
                .expect("route"),
            TelcoRoute::from_ranges("narrow", ["+34"], ["198.51.100.7/24", "2001:db8::/32"], ["21407"])
                .expect("route"),
            TelcoRoute::from_ranges("host", [] as [&str; 0], ["198.51.101.9"], [] as [&str; 0])
                .expect("route"),
        ];
        // (address, expected route)
        let cases = [
            ("198.51.100.7", Some("narrow")),
            ("198.51.102.1", Some("wide")),
            ("198.51.101.9", Some("host")),
            ("2001:db8::1", Some("narrow")),
            ("203.0.113.1", None),
            ("2001:db9::1", None),
        ];
        for (address, expected) in cases {
            let address: IpAddr = address.parse().expect("address");
            let found = best(&routes, |route| route.address_specificity(address))
                .map(|route| route.operator_id.as_str());
            assert_eq!(found, expected, "{address}");
        }
        assert_eq!(
            routes[1].ip_ranges[0].to_string(),
            "198.51.100.0/24",
            "a range is kept by its network address"
        );
    }

    #[test]
    fn malformed_ranges_are_refused_by_position() {
        let none: [&str; 0] = [];
        let cases = [
            (
                TelcoRoute::from_ranges("x", none, none, none),
                TelcoRouteError::NoRange,
            ),
            (
                TelcoRoute::from_ranges("x", none, ["10.0.0.0/8", "10.0.0.0/33"], none),
                TelcoRouteError::IpRange { index: 1 },
            ),
            (
                TelcoRoute::from_ranges("x", none, ["example.org"], none),
                TelcoRouteError::IpRange { index: 0 },
            ),
            (
                TelcoRoute::from_ranges("x", none, none, ["2140"]),
                TelcoRouteError::Network { index: 0 },
            ),
            (
                TelcoRoute::from_ranges("x", none, none, ["21407", "21407a"]),
                TelcoRouteError::Network { index: 1 },
            ),
            (
                TelcoRoute::from_ranges(" ", ["+34"], none, none),
                TelcoRouteError::OperatorId,
            ),
        ];
        for (built, expected) in cases {
            assert_eq!(built, Err(expected.clone()), "{expected}");
        }
    }
}
