//! `GET /`: the index of the sandbox — endpoints, the APIs per client profile, the Telco Finder's
//! routes, the registered parties and the subscribers — as JSON (default) or as a small HTML page
//! for a browser.
//!
//! Subscribers appear with masked numbers and without their operator token or KYC record; clients
//! with their id and redirect URIs, never a key.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Json, Response};
use serde_json::{Value, json};

use crate::config::AccessTokenFormat;
use crate::mounts;
use crate::registration::{SamlAttributeNameFormat, SamlDataEncryption, SamlKeyTransport, SamlSigning};
use crate::state::Shared;
use crate::subscribers::{CibaBehaviour, Subscriber};
use crate::telco_finder;

/// The handler.
pub(crate) async fn index(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let document = document(&shared);
    if wants_html(&headers) {
        Html(html(&document)).into_response()
    } else {
        Json(document).into_response()
    }
}

/// HTML when the client lists `text/html` before (or without) `application/json`: what browsers
/// send. Anything else, no `Accept` included, gets JSON.
fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    match (accept.find("text/html"), accept.find("application/json")) {
        (Some(html), Some(json)) => html < json,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The JSON index.
pub(crate) fn document(shared: &Shared) -> Value {
    let config = &shared.config;
    let apis: Vec<Value> = mounts::api_mounts()
        .into_iter()
        .map(|mount| {
            let base_url = shared.endpoint(&mount.base_path);
            json!({
                "api": mount.api,
                "profile": mount.profile,
                "version": mount.version,
                "base_url": base_url,
                "operations": mount.operations.iter().map(|op| format!("{base_url}{op}")).collect::<Vec<_>>(),
            })
        })
        .collect();
    let clients: Vec<Value> = shared
        .clients
        .values()
        .map(|client| {
            json!({
                "client_id": client.client_id,
                "keys": client.keys.len(),
                "jwks_url": client.jwks_url.as_ref().map(url::Url::as_str),
                "redirect_uris": client.redirect_uris,
            })
        })
        .collect();
    let service_providers: Vec<Value> = config
        .saml_service_providers
        .iter()
        .map(|sp| {
            json!({
                "entity_id": sp.entity_id,
                "acs_urls": sp.acs_urls,
                "certificate": sp.certificate_der.is_some(),
                "signing": match sp.signing {
                    SamlSigning::Assertion => "assertion",
                    SamlSigning::Response => "response",
                    SamlSigning::Both => "both",
                },
                "attribute_name_format": match sp.attribute_name_format {
                    SamlAttributeNameFormat::Basic => "basic",
                    SamlAttributeNameFormat::Uri => "uri",
                },
                "encryption": sp.encryption().map(|e| json!({
                    "algorithm": match e.data {
                        SamlDataEncryption::Aes128Gcm => "aes128-gcm",
                        SamlDataEncryption::Aes256Gcm => "aes256-gcm",
                        SamlDataEncryption::Aes128Cbc => "aes128-cbc",
                        SamlDataEncryption::Aes256Cbc => "aes256-cbc",
                    },
                    "key_transport": match e.key_transport {
                        SamlKeyTransport::RsaOaepMgf1p => "rsa-oaep-mgf1p",
                        SamlKeyTransport::RsaOaep => "rsa-oaep",
                    },
                })),
            })
        })
        .collect();
    json!({
        "name": "netid sandbox",
        "issuer": shared.issuer,
        "endpoints": {
            "discovery": shared.endpoint("/.well-known/openid-configuration"),
            "jwks": shared.endpoint("/jwks"),
            "backchannel_authentication": shared.endpoint("/bc-authorize"),
            "token": shared.endpoint("/token"),
            "authorization": shared.endpoint("/authorize"),
            "saml_sso": shared.endpoint("/saml/sso"),
            "saml_metadata": shared.endpoint("/saml/metadata"),
            "saml_slo": shared.endpoint("/saml/slo"),
            "telco_finder_search": shared.endpoint("/telco-finder/v1/search"),
            "telco_routing": shared.endpoint("/telco-routing/v1/routing"),
        },
        "apis": apis,
        "telco_finder": telco_finder::index(shared),
        "operators": operators(shared),
        "ciba": {
            "interval_secs": config.ciba_interval.as_secs(),
            "expires_in_secs": config.ciba_expires_in.as_secs(),
            "approve_after_secs": config.approve_delay_override.map(|d| d.as_secs()),
            "slow_down_on_early_poll": config.enforce_poll_interval,
        },
        "tokens": {
            "access_token_lifetime_secs": config.access_token_lifetime.as_secs(),
            "access_token_format": match config.access_token_format {
                AccessTokenFormat::Opaque => "opaque",
                AccessTokenFormat::Jwt => "jwt",
            },
        },
        "network_subscriber": config.network_subscriber.as_ref().map(ToString::to_string),
        "clients": clients,
        "saml_service_providers": service_providers,
        "subscribers": config.subscribers.iter().map(subscriber).collect::<Vec<_>>(),
    })
}

/// The hosted operators: where each one is and who its subscribers are (numbers masked).
fn operators(shared: &Shared) -> Vec<Value> {
    let config = &shared.config;
    config
        .operators
        .iter()
        .map(|operator| {
            let issuer = operator.issuer(&shared.issuer);
            json!({
                "operator_id": operator.operator_id(),
                "msisdn_prefixes": operator.msisdn_prefixes(),
                "issuer": issuer,
                "discovery": format!("{issuer}/.well-known/openid-configuration"),
                "api_root": issuer,
                "subscribers": operator
                    .subscribers_within(&config.subscribers)
                    .iter()
                    .map(subscriber)
                    .collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn subscriber(subscriber: &Subscriber) -> Value {
    json!({
        "id": subscriber.id(),
        // Display masks the number: country code and last two digits.
        "phone_number": subscriber.phone_number().to_string(),
        "operator_token": subscriber.has_operator_token(),
        "opted_out": subscriber.opted_out(),
        "ciba": ciba(subscriber.ciba()),
    })
}

fn ciba(behaviour: CibaBehaviour) -> String {
    match behaviour {
        CibaBehaviour::Approve { after } => format!("approves after {} s", after.as_secs()),
        CibaBehaviour::Deny { after } => format!("denies after {} s", after.as_secs()),
        CibaBehaviour::Never => String::from("never answers"),
        CibaBehaviour::SlowDown { times, after } => {
            format!("slow_down {times} times, approves after {} s", after.as_secs())
        }
    }
}

/// The HTML page: the JSON index as tables.
fn html(document: &Value) -> String {
    let text = |value: &Value| match value {
        Value::String(s) => escape(s),
        Value::Null => String::from("-"),
        other => escape(&other.to_string()),
    };
    let mut page = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>netid sandbox</title>\
         <style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}</style>\
         </head><body>\n<h1>netid sandbox</h1>\n",
    );
    let _ = writeln!(
        page,
        "<p>Issuer <code>{}</code> · JSON: <code>curl -H 'Accept: application/json' {}/</code></p>",
        text(&document["issuer"]),
        text(&document["issuer"])
    );
    page.push_str("<h2>Endpoints</h2>\n<table>\n");
    if let Some(endpoints) = document["endpoints"].as_object() {
        for (name, url) in endpoints {
            let _ = writeln!(
                page,
                "<tr><th>{}</th><td><code>{}</code></td></tr>",
                escape(name),
                text(url)
            );
        }
    }
    page.push_str("</table>\n<h2>APIs</h2>\n<table>\n<tr><th>API</th><th>profile</th><th>version</th><th>base URL</th></tr>\n");
    for api in document["apis"].as_array().into_iter().flatten() {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            text(&api["api"]),
            text(&api["profile"]),
            text(&api["version"]),
            text(&api["base_url"])
        );
    }
    let _ = writeln!(
        page,
        "</table>\n<h2>Telco Finder routes</h2>\n<p>Scope <code>{}</code></p>\n<table>\n\
         <tr><th>operator</th><th>prefixes</th><th>API root</th><th>discovery</th></tr>",
        text(&document["telco_finder"]["scope"])
    );
    for route in document["telco_finder"]["routes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let prefixes: Vec<&str> = route["msisdn_prefixes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            text(&route["operator_id"]),
            escape(&prefixes.join(" ")),
            text(&route["api_root"]),
            text(&route["discovery_url"])
        );
    }
    page.push_str("</table>\n");
    let operators: Vec<&Value> = document["operators"].as_array().into_iter().flatten().collect();
    if !operators.is_empty() {
        page.push_str(
            "<h2>Hosted operators</h2>\n<table>\n<tr><th>operator</th><th>prefixes</th>\
             <th>issuer and API root</th><th>subscribers</th></tr>\n",
        );
        for operator in operators {
            let list = |key: &str| -> Vec<String> {
                operator[key].as_array().into_iter().flatten().map(text).collect()
            };
            let numbers: Vec<String> = operator["subscribers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|subscriber| text(&subscriber["phone_number"]))
                .collect();
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                text(&operator["operator_id"]),
                list("msisdn_prefixes").join(" "),
                text(&operator["issuer"]),
                numbers.join(" ")
            );
        }
        page.push_str("</table>\n");
    }
    page.push_str("<h2>Clients</h2>\n<ul>\n");
    for client in document["clients"].as_array().into_iter().flatten() {
        let _ = writeln!(page, "<li><code>{}</code></li>", text(&client["client_id"]));
    }
    page.push_str("</ul>\n<h2>Subscribers</h2>\n<table>\n<tr><th>id</th><th>number</th><th>CIBA</th><th>opted out</th></tr>\n");
    for subscriber in document["subscribers"].as_array().into_iter().flatten() {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            text(&subscriber["id"]),
            text(&subscriber["phone_number"]),
            text(&subscriber["ciba"]),
            text(&subscriber["opted_out"])
        );
    }
    page.push_str("</table>\n</body></html>\n");
    page
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn browsers_get_html_and_everyone_else_json() {
        let cases = [
            (None, false),
            (Some("application/json"), false),
            (Some("*/*"), false),
            (
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                true,
            ),
            (Some("application/json, text/html"), false),
            (Some("text/html, application/json"), true),
        ];
        for (accept, html) in cases {
            let mut headers = HeaderMap::new();
            if let Some(accept) = accept {
                headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
            }
            assert_eq!(wants_html(&headers), html, "{accept:?}");
        }
    }

    #[test]
    fn html_lists_hosted_operators_only_when_there_are_some() {
        let operator = json!({
            "operator_id": "operator-es",
            "msisdn_prefixes": ["+34", "+3491"],
            "issuer": "http://127.0.0.1:1/operators/operator-es",
            "subscribers": [{ "phone_number": "+34*******54" }],
        });
        let page = html(&json!({ "operators": [operator] }));
        assert!(
            page.contains("<h2>Hosted operators</h2>")
                && page.contains(
                    "<tr><td>operator-es</td><td>+34 +3491</td>\
                     <td><code>http://127.0.0.1:1/operators/operator-es</code></td><td>+34*******54</td></tr>"
                ),
            "{page}"
        );
        let page = html(&json!({ "operators": [] }));
        assert!(!page.contains("Hosted operators"), "{page}");
    }

    #[test]
    fn html_escapes_every_value() {
        let page = html(&json!({ "issuer": "<script>", "clients": [{ "client_id": "a&b" }] }));
        assert!(
            page.contains("&lt;script&gt;") && page.contains("a&amp;b"),
            "{page}"
        );
        assert!(!page.contains("<script>"), "{page}");
    }
}
