//! `[telco-finder]`: the routes of the sandbox's Telco Finder.

use serde::Deserialize;

use super::SandboxConfigError;
use crate::config::ServerConfig;
use crate::telco_finder::TelcoRoute;

/// `[telco-finder]`: without it, or with no route, the finder routes the country codes of the
/// subscribers to the sandbox itself (operator id `netid-sandbox`).
///
/// ```toml
/// [[telco-finder.routes]]
/// operator-id = "netid-sandbox"
/// msisdn-prefixes = ["+34", "+33"]
///
/// [[telco-finder.routes]]
/// operator-id = "other-operator"            # another sandbox, started with its own document
/// msisdn-prefixes = ["+4477"]
/// api-root = "http://127.0.0.1:9091"
/// issuer = "http://127.0.0.1:9091"
///
/// [[telco-finder.routes]]
/// operator-id = "netid-sandbox"             # devices by public address, networks by MCC-MNC
/// ip-ranges = ["198.51.100.0/24", "2001:db8::/32"]
/// networks = ["21407"]
///
/// [[telco-finder.routes]]
/// operator-id = "brands"                    # a second-level finder resolves these numbers
/// msisdn-prefixes = ["+4478"]
/// telco-finder = "http://127.0.0.1:9092/telco-finder/v1"
/// issuer = "http://127.0.0.1:9092"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct TelcoFinderSettings {
    /// The routes, most specific prefix first when they overlap (the longest prefix wins anyway).
    #[serde(default)]
    pub routes: Vec<RouteSettings>,
}

/// `[[telco-finder.routes]]`: one operator and the numbers, addresses and networks it serves (at
/// least one of them).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct RouteSettings {
    /// The operator id answered.
    pub operator_id: String,
    /// The MSISDN prefixes (`+3465`) it serves.
    #[serde(default)]
    pub msisdn_prefixes: Vec<String>,
    /// The IPv4/IPv6 CIDR ranges (`198.51.100.0/24`) of the devices it serves.
    #[serde(default)]
    pub ip_ranges: Vec<String>,
    /// The MCC-MNC network ids (`21407`) it serves, listed in the routing table.
    #[serde(default)]
    pub networks: Vec<String>,
    /// A second-level Telco Finder (`…/telco-finder/v1`) resolving the route's targets instead.
    pub telco_finder: Option<String>,
    /// Its API root; this sandbox when absent.
    pub api_root: Option<String>,
    /// Its issuer; this sandbox when absent.
    pub issuer: Option<String>,
}

impl TelcoFinderSettings {
    /// Adds the routes to `config`.
    pub(crate) fn apply(&self, mut config: ServerConfig) -> Result<ServerConfig, SandboxConfigError> {
        for route in &self.routes {
            let mut built = TelcoRoute::from_ranges(
                route.operator_id.clone(),
                route.msisdn_prefixes.clone(),
                &route.ip_ranges,
                route.networks.clone(),
            )
            .map_err(|error| SandboxConfigError::Setting {
                key: "telco-finder.routes",
                reason: error.to_string(),
            })?;
            if let Some(root) = &route.api_root {
                built = built.with_api_root(root.clone());
            }
            if let Some(issuer) = &route.issuer {
                built = built.with_issuer(issuer.clone());
            }
            if let Some(finder) = &route.telco_finder {
                built = built.with_second_level_finder(finder.clone());
            }
            config = config.with_telco_route(built);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::super::SandboxConfig;

    #[test]
    fn routes_are_read_and_checked() {
        let document = r#"
            [[telco-finder.routes]]
            operator-id = "other"
            msisdn-prefixes = ["+4477"]
            api-root = "http://127.0.0.1:9091/"
        "#;
        let config = SandboxConfig::from_toml_str(document)
            .and_then(|config| config.to_server_config(&mut |_| Err(String::new())))
            .expect("valid");
        let routes = config.telco_routes.expect("routes");
        assert_eq!(routes[0].api_root.as_deref(), Some("http://127.0.0.1:9091"));
        let bad = document.replace("+4477", "4477");
        let error = SandboxConfig::from_toml_str(&bad)
            .and_then(|config| config.to_server_config(&mut |_| Err(String::new())))
            .expect_err("prefix without +");
        assert_eq!(
            error.to_string(),
            "sandbox configuration: telco-finder.routes: msisdn prefix 0 is not `+` followed by 1 to 15 digits"
        );
    }

    #[test]
    fn address_network_and_finder_routes_are_read() {
        let document = r#"
            [[telco-finder.routes]]
            operator-id = "by-address"
            ip-ranges = ["198.51.100.0/24", "2001:db8::/32"]
            networks = ["21407"]

            [[telco-finder.routes]]
            operator-id = "brands"
            msisdn-prefixes = ["+4478"]
            telco-finder = "http://127.0.0.1:9092/telco-finder/v1/"
        "#;
        let read = |document: &str| {
            SandboxConfig::from_toml_str(document)
                .and_then(|config| config.to_server_config(&mut |_| Err(String::new())))
        };
        let routes = read(document).expect("valid").telco_routes.expect("routes");
        assert_eq!(routes[0].ip_ranges.len(), 2);
        assert_eq!(routes[0].networks, ["21407"]);
        assert_eq!(
            routes[1].second_level_finder.as_deref(),
            Some("http://127.0.0.1:9092/telco-finder/v1")
        );
        let error = read(&document.replace("198.51.100.0/24", "198.51.100.0/40")).expect_err("bad range");
        assert_eq!(
            error.to_string(),
            "sandbox configuration: telco-finder.routes: ip range 0 is not an ipv4 or ipv6 cidr range"
        );
        let error = read("[[telco-finder.routes]]\noperator-id = \"x\"\n").expect_err("no range");
        assert_eq!(
            error.to_string(),
            "sandbox configuration: telco-finder.routes: a route needs at least one msisdn prefix, ip range or network"
        );
    }
}
