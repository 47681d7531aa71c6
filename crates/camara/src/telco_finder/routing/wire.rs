//! The wire form of routing tables: the published JSON shape to [`RoutingTable`] rules and back.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{DynamicRoute, RoutingAction, RoutingRule, StaticRoute};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::profile::Tolerance;
use crate::telco_finder::OperatorId;

#[cfg(doc)]
use super::RoutingTable;

/// Decodes the rules of a JSON routing table, naming the path of the first invalid value.
pub(super) fn decode_table(status: u16, body: &Bytes) -> Result<Vec<RoutingRule>, DecodeError> {
    let (raw, _) = crate::wire::decode::<Vec<RawRule>>(status, body, Tolerance::lenient(), no_normalize)?;
    let fail = |path: String, detail: &str| {
        DecodeError::new(
            status,
            path,
            DecodeErrorKind::Data,
            detail.to_owned(),
            body.clone(),
        )
    };
    let mut rules = Vec::with_capacity(raw.len());
    for (index, raw) in raw.into_iter().enumerate() {
        let at = |member: &str, item: usize| format!("$[{index}].{member}[{item}]");
        let action = match (raw.static_route, raw.dynamic) {
            (Some(route), None) => RoutingAction::Static(StaticRoute {
                operator_id: OperatorId::new(route.operator_id)
                    .map_err(|_| fail(format!("$[{index}].static.operatorId"), "an empty operator id"))?,
                api_root: route.api_root,
                auth_provider_configuration: route.auth_provider_configuration,
            }),
            (None, Some(route)) => RoutingAction::Dynamic(DynamicRoute {
                telco_finder: route.telco_finder,
                auth_provider_configuration: route.auth_provider_configuration,
            }),
            _ => {
                return Err(fail(
                    format!("$[{index}]"),
                    "a rule needs one of static or dynamic",
                ));
            }
        };
        let mut rule = RoutingRule::new(action);
        rule.ipv4 = parse_all(&raw.ipv4, |i| at("ipv4", i), &fail, "an IPv4 CIDR range")?;
        rule.ipv6 = parse_all(&raw.ipv6, |i| at("ipv6", i), &fail, "an IPv6 CIDR range")?;
        rule.msisdn_prefix = parse_all(
            &raw.msisdn_prefix,
            |i| at("msisdnPrefix", i),
            &fail,
            "an MSISDN prefix",
        )?;
        rule.network = parse_all(&raw.network, |i| at("network", i), &fail, "an MCC-MNC network id")?;
        if rule.has_no_range() {
            return Err(fail(format!("$[{index}]"), "a rule needs at least one range"));
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn parse_all<T: std::str::FromStr>(
    texts: &[String],
    path: impl Fn(usize) -> String,
    fail: &impl Fn(String, &str) -> DecodeError,
    expected: &str,
) -> Result<Vec<T>, DecodeError> {
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| {
            text.parse()
                .map_err(|_| fail(path(index), &format!("expected {expected}")))
        })
        .collect()
}

pub(super) fn rule_json(rule: &RoutingRule) -> Value {
    let mut map = serde_json::Map::new();
    let strings = |items: Vec<String>| Value::from(items);
    if !rule.ipv4.is_empty() {
        map.insert(
            "ipv4".into(),
            strings(rule.ipv4.iter().map(ToString::to_string).collect()),
        );
    }
    if !rule.ipv6.is_empty() {
        map.insert(
            "ipv6".into(),
            strings(rule.ipv6.iter().map(ToString::to_string).collect()),
        );
    }
    if !rule.msisdn_prefix.is_empty() {
        let prefixes = rule.msisdn_prefix.iter().map(|p| p.as_str().to_owned()).collect();
        map.insert("msisdnPrefix".into(), strings(prefixes));
    }
    if !rule.network.is_empty() {
        let networks = rule.network.iter().map(|n| n.as_str().to_owned()).collect();
        map.insert("network".into(), strings(networks));
    }
    match &rule.action {
        RoutingAction::Static(route) => {
            let mut value = json!({ "operatorId": route.operator_id.as_str(), "apiRoot": route.api_root });
            if let Some(url) = &route.auth_provider_configuration {
                value["authProviderConfiguration"] = Value::from(url.as_str());
            }
            map.insert("static".into(), value);
        }
        RoutingAction::Dynamic(route) => {
            let mut value = json!({ "telcoFinder": route.telco_finder });
            if let Some(url) = &route.auth_provider_configuration {
                value["authProviderConfiguration"] = Value::from(url.as_str());
            }
            map.insert("dynamic".into(), value);
        }
    }
    Value::Object(map)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    #[serde(default)]
    ipv4: Vec<String>,
    #[serde(default)]
    ipv6: Vec<String>,
    #[serde(default)]
    msisdn_prefix: Vec<String>,
    #[serde(default)]
    network: Vec<String>,
    #[serde(rename = "static")]
    static_route: Option<RawStatic>,
    dynamic: Option<RawDynamic>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStatic {
    operator_id: String,
    api_root: String,
    auth_provider_configuration: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDynamic {
    telco_finder: String,
    auth_provider_configuration: Option<String>,
}

pub(super) fn no_normalize(_: &mut Value, _: &mut crate::wire::Normalizer<'_>) -> Result<(), DecodeError> {
    Ok(())
}
