//! SAML IdP.

use base64::Engine as _;
use reqwest::StatusCode;

use crate::support::{Env, start, start_with};

/// The HTTP-Redirect binding of an AuthnRequest: the query of `/saml/sso`.
fn redirect_query(authn_request: &str, relay_state: Option<&str>) -> String {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(authn_request.as_bytes()).unwrap();
    let deflated = encoder.finish().unwrap();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair(
        "SAMLRequest",
        &base64::engine::general_purpose::STANDARD.encode(deflated),
    );
    if let Some(relay) = relay_state {
        query.append_pair("RelayState", relay);
    }
    query.finish()
}

fn authn_request(issuer: &str, acs: Option<&str>, format: Option<&str>) -> String {
    let acs = acs
        .map(|a| format!(r#" AssertionConsumerServiceURL="{a}""#))
        .unwrap_or_default();
    let policy = format
        .map(|f| format!(r#"<samlp:NameIDPolicy Format="{f}" AllowCreate="true"/>"#))
        .unwrap_or_default();
    format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_req1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"{acs}><saml:Issuer>{issuer}</saml:Issuer>{policy}</samlp:AuthnRequest>"#
    )
}

/// Runs the SSO endpoint; returns the status, the HTML form's action, the decoded Response XML and
/// the RelayState.
async fn sso(env: &Env, query: &str) -> (StatusCode, String, String, Option<String>) {
    let response = env
        .http
        .get(format!("{}?{query}", env.url("/saml/sso")))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();
    let field = |marker: &str| {
        html.split_once(marker)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(value, _)| value.replace("&amp;", "&"))
    };
    let action = field(r#"action=""#).unwrap_or_default();
    let xml = field(r#"name="SAMLResponse" value=""#)
        .map(|b64| String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap())
        .unwrap_or_default();
    (status, action, xml, field(r#"name="RelayState" value=""#))
}

fn verify_saml(env: &Env, xml: &str) -> bool {
    let key = bergshamra::keys::loader::load_x509_cert_pem(env.server.saml_idp_certificate_pem().as_bytes())
        .unwrap();
    let mut keys = bergshamra::KeysManager::new();
    keys.add_key(key);
    let mut ctx = bergshamra::DsigContext::new(keys);
    ctx.trusted_keys_only = true;
    matches!(
        bergshamra::verify(&ctx, xml),
        Ok(bergshamra::dsig::verify::VerifyResult::Valid { .. })
    )
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    xml.split_once(open)
        .and_then(|(_, rest)| rest.split_once(close))
        .map(|(v, _)| v)
        .unwrap_or_default()
}

#[tokio::test]
async fn saml_sso_answers_a_signed_response() {
    let env = start().await;
    let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    let query = redirect_query(
        &authn_request(
            "netid-demo-sp",
            Some("http://127.0.0.1/saml/acs"),
            Some(persistent),
        ),
        Some("back/to?page=1"),
    );
    let (status, action, xml, relay) = sso(&env, &query).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(action, "http://127.0.0.1/saml/acs");
    assert_eq!(relay.as_deref(), Some("back/to?page=1"));
    assert!(verify_saml(&env, &xml), "{xml}");
    assert!(xml.contains(r#"InResponseTo="_req1""#));
    assert!(xml.contains(r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>"#));
    assert_eq!(
        between(&xml, "<saml:Audience>", "</saml:Audience>"),
        "netid-demo-sp"
    );
    assert_eq!(
        between(&xml, "<saml:Issuer>", "</saml:Issuer>"),
        env.server.saml_idp_entity_id()
    );
    assert!(xml.contains(&format!(r#"<saml:NameID Format="{persistent}">"#)));
    let name_id = between(&xml, ">", "</saml:NameID>")
        .rsplit('>')
        .next()
        .unwrap()
        .to_owned();
    assert!(!name_id.contains("699901040"));
    for attribute in [
        "OrangeAPIToken",
        "displayname",
        "givenname",
        "surname",
        "emailaddress",
        "streetaddress",
        "postalcode",
        "locality",
        "country",
        "dateofbirth",
        "mobilephone",
        "usertype",
    ] {
        assert!(xml.contains(&format!(r#"Name="{attribute}""#)), "{attribute}");
    }
    assert!(xml.contains(">Peter Lefebvre<"));
    assert!(xml.contains(">14 boulevard de Perrier<"));

    // Tampering breaks the signature.
    let tampered = xml.replace(">Peter<", ">Pierre<");
    assert_ne!(tampered, xml);
    assert!(!verify_saml(&env, &tampered));

    // The persistent NameID is stable; a transient one is fresh every time.
    let (_, _, again, _) = sso(&env, &query).await;
    assert!(again.contains(&format!(">{name_id}</saml:NameID>")));
    let transient = redirect_query(&authn_request("netid-demo-sp", None, None), None);
    let (_, action, first, relay) = sso(&env, &transient).await;
    let (_, _, second, _) = sso(&env, &transient).await;
    assert_eq!(action, "http://127.0.0.1/saml/acs", "first registered ACS");
    assert_eq!(relay, None);
    assert!(first.contains("nameid-format:transient"));
    let nid = |x: &str| between(x, "nameid-format:transient\">", "<").to_owned();
    assert_ne!(nid(&first), nid(&second));
    assert!(verify_saml(&env, &first));
}

#[tokio::test]
async fn saml_sso_errors() {
    let env = start().await;
    let check = async |query: String, expected: &str| {
        let response = env
            .http
            .get(format!("{}?{query}", env.url("/saml/sso")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.text().await.unwrap(),
            format!("SAML request refused: {expected}\n")
        );
    };
    check(String::new(), "missing SAMLRequest").await;
    check(String::from("SAMLRequest=%25%25"), "SAMLRequest is not Base64").await;
    check(
        redirect_query(&authn_request("stranger-sp", None, None), None),
        "unknown service provider (Issuer)",
    )
    .await;
    check(
        redirect_query(
            &authn_request("netid-demo-sp", Some("http://evil.example/acs"), None),
            None,
        ),
        "AssertionConsumerServiceURL is not registered",
    )
    .await;
    check(
        redirect_query(
            r#"<!DOCTYPE a><AuthnRequest ID="x"><Issuer>netid-demo-sp</Issuer></AuthnRequest>"#,
            None,
        ),
        "AuthnRequest must not carry a DTD",
    )
    .await;

    // Off the mobile network: an unsigned failure Response still goes back to the SP.
    let off_network =
        start_with(|c| {
            c.with_network_subscriber(None).with_saml_service_provider(
                netid_server::SamlServiceProvider::new("other-sp", "http://127.0.0.1:9/acs"),
            )
        })
        .await;
    let (status, action, xml, _) = sso(
        &off_network,
        &redirect_query(&authn_request("other-sp", None, None), None),
    )
    .await;
    assert_eq!(
        (status, action.as_str()),
        (StatusCode::OK, "http://127.0.0.1:9/acs")
    );
    assert!(
        xml.contains("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"),
        "{xml}"
    );
    assert!(!xml.contains("Assertion"));
}

#[tokio::test]
async fn saml_metadata_publishes_the_certificate() {
    let env = start().await;
    let response = env.http.get(env.url("/saml/metadata")).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/samlmetadata+xml");
    let xml = response.text().await.unwrap();
    let cert: String = env
        .server
        .saml_idp_certificate_pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert!(xml.contains(&format!("<ds:X509Certificate>{cert}</ds:X509Certificate>")));
    assert!(xml.contains(&format!(r#"entityID="{}""#, env.server.saml_idp_entity_id())));
    assert!(xml.contains(&format!(r#"Location="{}""#, env.url("/saml/sso"))));
}
