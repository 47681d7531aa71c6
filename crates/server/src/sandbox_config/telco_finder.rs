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
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct TelcoFinderSettings {
    /// The routes, most specific prefix first when they overlap (the longest prefix wins anyway).
    #[serde(default)]
    pub routes: Vec<RouteSettings>,
}

/// `[[telco-finder.routes]]`: one operator and the numbers it serves.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct RouteSettings {
    /// The operator id answered.
    pub operator_id: String,
    /// The MSISDN prefixes (`+3465`) it serves.
    pub msisdn_prefixes: Vec<String>,
    /// Its API root; this sandbox when absent.
    pub api_root: Option<String>,
    /// Its issuer; this sandbox when absent.
    pub issuer: Option<String>,
}

impl TelcoFinderSettings {
    /// Adds the routes to `config`.
    pub(crate) fn apply(&self, mut config: ServerConfig) -> Result<ServerConfig, SandboxConfigError> {
        for route in &self.routes {
            let mut built = TelcoRoute::new(route.operator_id.clone(), route.msisdn_prefixes.clone())
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
}
