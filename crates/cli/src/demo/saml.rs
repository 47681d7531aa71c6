//! The `saml-sign-in` step: an `AuthnRequest` by HTTP-Redirect to the sandbox IdP, its
//! auto-submitting form read as a browser would, and the `Response` verified by
//! [`ResponseVerifier`] (`netid-saml`, through the facade's re-export).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid::crates::saml::{
    AuthnRequestBuilder, IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore,
    NameIdFormat, NameIdPolicy, ResponseVerifier, ServiceProvider, VerifiedAssertion,
};
use netid::crates::transport::HttpTransport;
use netid_core::ports::OsRandom;
use netid_core::secret::Pii;
use netid_server::{DEMO_SAML_ACS_URLS, DEMO_SAML_SP_ENTITY_ID, ServerHandle};
use serde_json::Value;

use super::record::{Done, Failed, StepResult, expect};

/// Signs in at the sandbox IdP of `server`, with `browser` fetching the IdP's page.
pub(super) async fn sign_in(browser: &dyn HttpTransport, server: &ServerHandle) -> StepResult {
    let sso_url = format!("{}saml/sso", server.base_url());
    let sp = ServiceProvider::new(DEMO_SAML_SP_ENTITY_ID, DEMO_SAML_ACS_URLS[0]);
    let requests = InMemoryRequestStore::new();
    let replay = InMemoryReplayCache::new();
    let request = AuthnRequestBuilder::new(&sp, sso_url)
        .name_id_policy(Some(NameIdPolicy::new(NameIdFormat::Persistent, true)))
        .build(SystemTime::now(), &OsRandom)?;
    request.record(&requests, Duration::from_secs(300))?;
    let url = request.redirect_url(Some("netid-demo"))?;

    // The browser's part: follow the redirect to the IdP and read the auto-submitting form.
    let get = http::Request::get(url).body(Bytes::new())?;
    let response = browser.send(get).await?;
    if response.status() != http::StatusCode::OK {
        return Err(Failed::from(format!(
            "the IdP answered HTTP {}",
            response.status()
        )));
    }
    let html =
        std::str::from_utf8(response.body()).map_err(|_| Failed::from("the IdP's page is not UTF-8"))?;
    let saml_response =
        form_field(html, "SAMLResponse").ok_or_else(|| Failed::from("no SAMLResponse in the IdP's form"))?;
    let relay_state = form_field(html, "RelayState");

    let certificate = IdpCertificate::from_pem(server.saml_idp_certificate_pem().as_bytes())?;
    let idp = IdentityProvider::new(server.saml_idp_entity_id(), vec![certificate]);
    let verifier = ResponseVerifier::new(idp, sp);
    let assertion = verifier.verify_post(saml_response.as_bytes(), SystemTime::now(), &requests, &replay)?;
    let answers_request = assertion.in_response_to.as_deref() == Some(request.id());
    let done = describe(&assertion, answers_request, relay_state);
    expect(done, answers_request, "a Response to the AuthnRequest sent")
}

/// The step's report of a verified assertion: NameID and attribute values masked, token-like
/// attributes redacted.
fn describe(assertion: &VerifiedAssertion, answers_request: bool, relay_state: Option<String>) -> Done {
    let name_id = mask(&assertion.name_id.value);
    let format = assertion.name_id.format.clone().unwrap_or_default();
    let attributes: BTreeMap<String, Value> = assertion
        .attributes
        .iter()
        .map(|(name, values)| {
            let shown: Vec<String> = values
                .iter()
                .map(|value| {
                    if name.to_ascii_lowercase().contains("token") {
                        String::from("[redacted]")
                    } else {
                        mask(value)
                    }
                })
                .collect();
            (name.clone(), Value::from(shown))
        })
        .collect();
    let mut table = vec![[
        String::from("attribute"),
        String::from("values"),
        String::from("value (masked)"),
    ]];
    table.push([
        String::from("NameID"),
        format.rsplit(':').next().unwrap_or_default().to_owned(),
        name_id.clone(),
    ]);
    for (name, values) in &attributes {
        let shown = values
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let count = values.as_array().map_or(0, Vec::len);
        table.push([name.clone(), count.to_string(), shown]);
    }
    let summary = format!(
        "signed assertion from {} · NameID {name_id} · {} attribute(s)",
        assertion.issuer,
        attributes.len()
    );
    Done {
        summary,
        table,
        ..Done::default()
    }
    .detail("issuer", assertion.issuer.clone())
    .detail("name_id", name_id)
    .detail("name_id_format", format)
    .detail("attributes", serde_json::Map::from_iter(attributes))
    .detail("assertion_signed", assertion.assertion_signed)
    .detail("response_signed", assertion.response_signed)
    .detail("answers_request", answers_request)
    .detail("relay_state", relay_state)
}

fn mask(value: &Pii<String>) -> String {
    crate::mask(value.expose_pii())
}

/// The `value` of the hidden `<input name="…">` of the IdP's auto-submitting form.
///
/// A string search, not an HTML parser: the form is the sandbox's own, fixed markup, its values
/// are Base64 or the RelayState sent (HTML-escaped: `&`, `<`, `>`, `"` and `'` are unescaped here).
fn form_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    let value = html[start..end]
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_read_from_the_idp_page() {
        let html = r#"<form method="post" action="http://127.0.0.1/saml/acs"><input type="hidden" name="SAMLResponse" value="PHNhbWxwOl=="/><input type="hidden" name="RelayState" value="a&amp;b"/></form>"#;
        let check = |name: &str, expected: Option<&str>| {
            assert_eq!(form_field(html, name).as_deref(), expected, "{name}");
        };
        check("SAMLResponse", Some("PHNhbWxwOl=="));
        check("RelayState", Some("a&b"));
        check("Missing", None);
        assert_eq!(
            form_field(r#"name="SAMLResponse" value="unterminated"#, "SAMLResponse"),
            None
        );
    }
}
