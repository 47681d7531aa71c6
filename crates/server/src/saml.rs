//! A SAML 2.0 identity provider in the style of the Orange Authentication API: an SSO endpoint
//! taking an `AuthnRequest` by HTTP-Redirect and answering with an auto-submitting POST form that
//! carries a signed `Response` (enveloped XML-DSig on the `Assertion`, RSA-SHA256, exclusive C14N),
//! a `NameID` (persistent: pairwise per service provider; transient: random per response), the
//! `OrangeAPIToken` attribute and the profile attributes of the operator page.
//!
//! The signature is made by `bergshamra` (`bergshamra::sign` fills a template's empty
//! `DigestValue` and `SignatureValue`). The signing key is the committed, public test key
//! `data/saml/idp-test.key` with its self-signed certificate `data/saml/idp-test.crt`.
//!
//! Not implemented: signed `AuthnRequest` checks (a signature on the request is ignored), the
//! HTTP-POST request binding, single logout, encrypted assertions. The user is whoever the
//! simulated mobile network sees ([`crate::ServerConfig::with_network_subscriber`]); there is no
//! login page.

use std::io::Read as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_core::kyc::KycClaims;
use netid_core::ports::random_id;
use quick_xml::escape::escape;
use quick_xml::events::Event;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::state::{AuthMethod, Grant, Shared, lock, unix};
use crate::subscribers::Subscriber;

/// The IdP's signing key: TEST ONLY, committed and public.
const IDP_KEY_PEM: &str = include_str!("../data/saml/idp-test.key");
/// The IdP's self-signed certificate matching [`IDP_KEY_PEM`].
pub(crate) const IDP_CERT_PEM: &str = include_str!("../data/saml/idp-test.crt");

/// Largest inflated `AuthnRequest` accepted.
const MAX_REQUEST: u64 = 64 * 1024;
/// Validity of an assertion.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

/// What the SSO endpoint reads from an `AuthnRequest`.
#[derive(Debug, Default, PartialEq, Eq)]
struct AuthnRequest {
    id: String,
    issuer: String,
    acs_url: Option<String>,
    name_id_format: Option<String>,
}

/// Why a request was refused before a trusted ACS URL is known (shown as a 400 page).
fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("SAML request refused: {message}\n"),
    )
        .into_response()
}

/// Base64, raw DEFLATE, bounded inflation (SAML HTTP-Redirect binding §3.4.4.1).
fn decode_redirect(saml_request: &str) -> Result<String, &'static str> {
    let compact: String = saml_request.chars().filter(|c| !c.is_whitespace()).collect();
    let deflated = STANDARD
        .decode(compact)
        .map_err(|_| "SAMLRequest is not Base64")?;
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice())
        .take(MAX_REQUEST + 1)
        .read_to_string(&mut xml)
        .map_err(|_| "SAMLRequest is not DEFLATE-compressed UTF-8")?;
    if xml.len() as u64 > MAX_REQUEST {
        return Err("SAMLRequest is too large");
    }
    Ok(xml)
}

/// Handles one element start of an `AuthnRequest`; returns whether it is the `Issuer`.
fn element(
    e: &quick_xml::events::BytesStart<'_>,
    depth: usize,
    request: &mut AuthnRequest,
    seen_root: &mut bool,
) -> Result<bool, &'static str> {
    let name = e.local_name();
    if depth == 0 {
        if name.as_ref() != b"AuthnRequest" || *seen_root {
            return Err("the message is not an AuthnRequest");
        }
        *seen_root = true;
        for attr in e.attributes() {
            let attr = attr.map_err(|_| "AuthnRequest has a malformed attribute")?;
            let value = attr
                .unescape_value()
                .map_err(|_| "AuthnRequest has a malformed attribute")?
                .into_owned();
            match attr.key.local_name().as_ref() {
                b"ID" => request.id = value,
                b"AssertionConsumerServiceURL" => request.acs_url = Some(value),
                _ => {}
            }
        }
        return Ok(false);
    }
    if depth == 1 && name.as_ref() == b"NameIDPolicy" {
        for attr in e.attributes().flatten() {
            if attr.key.local_name().as_ref() == b"Format" {
                request.name_id_format = attr.unescape_value().ok().map(|v| v.into_owned());
            }
        }
    }
    Ok(depth == 1 && name.as_ref() == b"Issuer")
}

/// Reads the fields the IdP needs; refuses DTDs.
fn parse_authn_request(xml: &str) -> Result<AuthnRequest, &'static str> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut request = AuthnRequest::default();
    let mut depth = 0usize;
    let mut in_issuer = false;
    let mut seen_root = false;
    loop {
        match reader
            .read_event()
            .map_err(|_| "AuthnRequest is not well-formed XML")?
        {
            Event::DocType(_) => return Err("AuthnRequest must not carry a DTD"),
            Event::Start(e) => {
                in_issuer = element(&e, depth, &mut request, &mut seen_root)?;
                depth += 1;
            }
            Event::Empty(e) => {
                element(&e, depth, &mut request, &mut seen_root)?;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                in_issuer = false;
            }
            Event::Text(t) if in_issuer => {
                request
                    .issuer
                    .push_str(&t.decode().map_err(|_| "Issuer is not UTF-8")?);
            }
            Event::GeneralRef(r) if in_issuer => {
                let bad = "Issuer has an unknown entity reference";
                match r.resolve_char_ref().map_err(|_| bad)? {
                    Some(ch) => request.issuer.push(ch),
                    None => {
                        let name = r.decode().map_err(|_| bad)?;
                        let text = quick_xml::escape::resolve_predefined_entity(&name).ok_or(bad)?;
                        request.issuer.push_str(text);
                    }
                }
            }
            Event::Eof if depth == 0 && seen_root => break,
            Event::Eof => return Err("AuthnRequest is not well-formed XML"),
            _ => {}
        }
    }
    request.issuer = request.issuer.trim().to_owned();
    if request.id.is_empty() || request.issuer.is_empty() {
        return Err("AuthnRequest needs an ID and an Issuer");
    }
    Ok(request)
}

/// `xs:dateTime` in UTC, whole seconds.
fn instant(t: SystemTime) -> String {
    i64::try_from(unix(t))
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| String::from("1970-01-01T00:00:00Z"))
}

/// The certificate's DER in Base64 (the content of `ds:X509Certificate`).
fn certificate_base64() -> String {
    IDP_CERT_PEM.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// The profile attributes of the Orange Authentication page, from the KYC record.
fn profile(subscriber: &Subscriber) -> Vec<(&'static str, String)> {
    let kyc: &KycClaims = subscriber.kyc();
    let text = |v: &Option<netid_core::secret::Pii<String>>| v.as_ref().map(|p| p.expose_pii().clone());
    let mut out = Vec::new();
    if let Some(gender) = &kyc.gender {
        out.push(("gender", gender.as_str().to_owned()));
    }
    let display = text(&kyc.name).or_else(|| match (text(&kyc.given_name), text(&kyc.family_name)) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (g, f) => g.or(f),
    });
    out.extend(display.map(|d| ("displayname", d)));
    out.extend(text(&kyc.given_name).map(|v| ("givenname", v)));
    out.extend(text(&kyc.family_name).map(|v| ("surname", v)));
    out.extend(
        kyc.email
            .as_ref()
            .map(|e| ("emailaddress", e.expose_pii().to_owned())),
    );
    let street = text(&kyc.address).or_else(|| match (text(&kyc.street_number), text(&kyc.street_name)) {
        (Some(n), Some(s)) => Some(format!("{n} {s}")),
        (n, s) => s.or(n),
    });
    out.extend(street.map(|v| ("streetaddress", v)));
    out.extend(text(&kyc.postal_code).map(|v| ("postalcode", v)));
    out.extend(text(&kyc.locality).map(|v| ("locality", v)));
    out.extend(kyc.country.as_ref().map(|c| ("country", c.as_str().to_owned())));
    out.extend(
        kyc.birthdate
            .as_ref()
            .map(|d| ("dateofbirth", d.expose_pii().to_string())),
    );
    out.push(("mobilephone", subscriber.phone_number().expose_e164().to_owned()));
    out.push(("usertype", String::from("mobile")));
    out
}

/// Everything a Response needs.
struct ResponseParts<'a> {
    request: &'a AuthnRequest,
    acs_url: &'a str,
    idp_entity_id: &'a str,
    now: SystemTime,
    response_id: String,
    assertion_id: String,
    name_id: String,
    name_id_format: &'static str,
    api_token: String,
    attributes: Vec<(&'static str, String)>,
}

/// The signature template of the assertion (enveloped, exclusive C14N, RSA-SHA256, SHA-256).
fn signature_template(assertion_id: &str) -> String {
    format!(
        concat!(
            r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#,
            r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
            r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>"#,
            r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
            r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>"#,
            r#"<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
            r#"<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>"#,
            r#"<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data>"#,
            r#"<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"#,
        ),
        id = assertion_id,
        cert = certificate_base64(),
    )
}

/// The unsigned Response with the signature template in its Assertion.
fn response_template(p: &ResponseParts<'_>) -> String {
    let now = instant(p.now);
    let until = instant(p.now + ASSERTION_LIFETIME);
    let acs = escape(p.acs_url);
    let in_response_to = escape(&p.request.id);
    let issuer = escape(p.idp_entity_id);
    let mut attributes = String::new();
    let mut attribute = |name: &str, value: &str| {
        attributes.push_str(&format!(
            concat!(
                r#"<saml:Attribute Name="{}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">"#,
                r#"<saml:AttributeValue xsi:type="xs:string">{}</saml:AttributeValue></saml:Attribute>"#
            ),
            name,
            escape(value)
        ));
    };
    attribute("OrangeAPIToken", &p.api_token);
    for (name, value) in &p.attributes {
        attribute(name, value);
    }
    format!(
        concat!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{rid}" Version="2.0" IssueInstant="{now}" Destination="{acs}" InResponseTo="{irt}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>"#,
            r#"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#,
            r#"<saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{aid}" Version="2.0" IssueInstant="{now}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<saml:Subject><saml:NameID Format="{format}">{name_id}</saml:NameID>"#,
            r#"<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">"#,
            r#"<saml:SubjectConfirmationData InResponseTo="{irt}" Recipient="{acs}" NotOnOrAfter="{until}"/>"#,
            r#"</saml:SubjectConfirmation></saml:Subject>"#,
            r#"<saml:Conditions NotBefore="{now}" NotOnOrAfter="{until}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>"#,
            r#"<saml:AuthnStatement AuthnInstant="{now}" SessionIndex="{aid}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:MobileNetwork</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"#,
            r#"<saml:AttributeStatement>{attributes}</saml:AttributeStatement>"#,
            r#"</saml:Assertion></samlp:Response>"#,
        ),
        rid = p.response_id,
        aid = p.assertion_id,
        now = now,
        until = until,
        acs = acs,
        irt = in_response_to,
        issuer = issuer,
        signature = signature_template(&p.assertion_id),
        format = p.name_id_format,
        name_id = escape(&p.name_id),
        audience = escape(&p.request.issuer),
        attributes = attributes,
    )
}

/// An unsigned error Response (`Responder`/`AuthnFailed`): nothing in it is to be trusted.
fn error_response(request: &AuthnRequest, acs_url: &str, issuer: &str, id: &str, now: SystemTime) -> String {
    format!(
        concat!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{acs}" InResponseTo="{irt}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">"#,
            r#"<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>"#,
            r#"<samlp:StatusMessage>the device is not connected through the mobile network</samlp:StatusMessage></samlp:Status></samlp:Response>"#
        ),
        id = id,
        now = instant(now),
        acs = escape(acs_url),
        irt = escape(&request.id),
        issuer = escape(issuer),
    )
}

/// Signs the template with the IdP key through bergshamra.
fn sign(template: &str) -> Result<String, String> {
    let key =
        bergshamra::keys::loader::load_rsa_private_pem(IDP_KEY_PEM.as_bytes()).map_err(|e| e.to_string())?;
    let mut keys = bergshamra::KeysManager::new();
    keys.add_key(key);
    let ctx = bergshamra::DsigContext::new(keys);
    bergshamra::sign(&ctx, template).map_err(|e| e.to_string())
}

/// The auto-submitting form that POSTs the Response to the service provider.
fn post_form(acs_url: &str, saml_response: &str, relay_state: Option<&str>) -> Response {
    let relay = relay_state
        .map(|r| {
            format!(
                r#"<input type="hidden" name="RelayState" value="{}"/>"#,
                escape(r)
            )
        })
        .unwrap_or_default();
    let html = format!(
        concat!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>netid sandbox SAML IdP</title></head>",
            "<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"{action}\">",
            "<input type=\"hidden\" name=\"SAMLResponse\" value=\"{response}\"/>{relay}",
            "<noscript><input type=\"submit\" value=\"Continue\"/></noscript></form></body></html>\n"
        ),
        action = escape(acs_url),
        response = STANDARD.encode(saml_response),
        relay = relay,
    );
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// The IdP entity id: `<issuer>/saml`.
pub(crate) fn idp_entity_id(shared: &Shared) -> String {
    shared.endpoint("/saml")
}

/// `GET /saml/sso`: the HTTP-Redirect binding of the SSO service.
pub(crate) async fn sso(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let mut saml_request = None;
    let mut relay_state = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "SAMLRequest" => saml_request = Some(value.into_owned()),
            "RelayState" => relay_state = Some(value.into_owned()),
            _ => {}
        }
    }
    let Some(saml_request) = saml_request else {
        return bad_request("missing SAMLRequest");
    };
    let request = match decode_redirect(&saml_request).and_then(|xml| parse_authn_request(&xml)) {
        Ok(r) => r,
        Err(message) => return bad_request(message),
    };
    let Some(sp) = shared
        .config
        .saml_service_providers
        .iter()
        .find(|sp| sp.entity_id == request.issuer)
    else {
        return bad_request("unknown service provider (Issuer)");
    };
    let acs_url = match &request.acs_url {
        Some(url) if sp.acs_urls.contains(url) => url.clone(),
        Some(_) => return bad_request("AssertionConsumerServiceURL is not registered"),
        None => match sp.acs_urls.first() {
            Some(url) => url.clone(),
            None => return bad_request("the service provider has no ACS URL"),
        },
    };
    let now = shared.now();
    let rng = shared.config.rng.as_ref();
    let id = |rng: &dyn netid_core::ports::SecureRandom| {
        random_id(rng, 16).map(|t| format!("_{}", t.replace(['-', '_'], "x")))
    };
    let (Ok(response_id), Ok(assertion_id)) = (id(rng), id(rng)) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "random source failed").into_response();
    };
    let idp = idp_entity_id(&shared);
    let store = &shared.config.subscribers;
    let Some(subscriber) = shared
        .config
        .network_subscriber
        .as_ref()
        .and_then(|n| store.by_phone_number(n))
    else {
        let xml = error_response(&request, &acs_url, &idp, &response_id, now);
        return post_form(&acs_url, &xml, relay_state.as_deref());
    };
    let persistent = request.name_id_format.as_deref() == Some(PERSISTENT);
    let name_id = if persistent {
        shared.pairwise_sub(&sp.entity_id, subscriber.id())
    } else {
        match random_id(rng, 24) {
            Ok(t) => t,
            Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "random source failed").into_response(),
        }
    };
    let Ok(api_token) = random_id(rng, 32) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "random source failed").into_response();
    };
    let grant = Grant {
        client_id: sp.entity_id.clone(),
        subscriber: Some(subscriber.phone_number().clone()),
        scope: "openid".parse().unwrap_or_default(),
        method: AuthMethod::SamlSso,
        expires: now + shared.config.access_token_lifetime,
    };
    lock(&shared.state).insert_token(api_token.clone(), grant, now);
    let parts = ResponseParts {
        request: &request,
        acs_url: &acs_url,
        idp_entity_id: &idp,
        now,
        response_id,
        assertion_id,
        name_id,
        name_id_format: if persistent { PERSISTENT } else { TRANSIENT },
        api_token,
        attributes: profile(subscriber),
    };
    match sign(&response_template(&parts)) {
        Ok(signed) => post_form(&acs_url, &signed, relay_state.as_deref()),
        Err(error) => {
            tracing::warn!(%error, "SAML response signing failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "signing failed").into_response()
        }
    }
}

/// `GET /saml/metadata`: the IdP's SAML metadata (entity id, signing certificate, SSO URL).
pub(crate) async fn metadata(State(shared): State<Arc<Shared>>) -> Response {
    let xml = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity}">"#,
            r#"<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
            r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
            r#"<md:NameIDFormat>{persistent}</md:NameIDFormat><md:NameIDFormat>{transient}</md:NameIDFormat>"#,
            r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/>"#,
            r#"</md:IDPSSODescriptor></md:EntityDescriptor>"#,
            "\n"
        ),
        entity = escape(idp_entity_id(&shared)),
        cert = certificate_base64(),
        persistent = PERSISTENT,
        transient = TRANSIENT,
        sso = escape(shared.endpoint("/saml/sso")),
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/samlmetadata+xml")],
        xml,
    )
        .into_response()
}

/// Fuzzing entry point: the redirect decoding and the `AuthnRequest` parser on arbitrary input.
/// Properties: an accepted request has an ID and a trimmed, non-empty Issuer, and parses the same
/// when it arrives through the binding (DEFLATE and Base64) as when read directly.
pub(crate) fn fuzz(data: &[u8]) {
    fn check(request: &AuthnRequest) {
        assert!(!request.id.is_empty(), "accepted an AuthnRequest without ID");
        assert!(
            !request.issuer.is_empty() && request.issuer.trim() == request.issuer,
            "accepted an empty or untrimmed Issuer"
        );
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let direct = parse_authn_request(text);
        if let Ok(request) = &direct {
            check(request);
        }
        if let Ok(request) = decode_redirect(text).and_then(|xml| parse_authn_request(&xml)) {
            check(&request);
        }
        if data.len() as u64 <= MAX_REQUEST {
            let bound = decode_redirect(&deflate_base64(data)).and_then(|xml| parse_authn_request(&xml));
            assert_eq!(
                bound.as_ref().ok(),
                direct.as_ref().ok(),
                "the binding changes what the request says"
            );
        }
    }
    // The bytes as a DEFLATE stream, as the binding carries it.
    if let Ok(request) = decode_redirect(&STANDARD.encode(data)).and_then(|xml| parse_authn_request(&xml)) {
        check(&request);
    }
}

/// DEFLATE then Base64, as a service provider encodes an HTTP-Redirect message.
fn deflate_base64(data: &[u8]) -> String {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    STANDARD.encode(encoder.finish().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_input_gives_a_request_or_an_error(text in ".{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_authn_request(&text);
            fuzz(text.as_bytes());
            fuzz(&bytes);
        }

        #[test]
        fn issuer_and_id_round_trip(id in "[A-Za-z_][A-Za-z0-9_.-]{0,40}", issuer in "[ -~]{1,60}") {
            let xml = format!(
                r#"<AuthnRequest ID="{}"><Issuer>{}</Issuer></AuthnRequest>"#,
                escape(&id),
                escape(&issuer)
            );
            let parsed = parse_authn_request(&xml);
            if issuer.trim().is_empty() {
                prop_assert!(parsed.is_err());
            } else {
                let parsed = parsed.unwrap();
                prop_assert_eq!(parsed.id, id);
                prop_assert_eq!(parsed.issuer, issuer.trim());
            }
        }
    }

    fn check(xml: &str, expected: Result<AuthnRequest, &str>) {
        assert_eq!(parse_authn_request(xml), expected, "{xml}");
    }

    #[test]
    fn parses_authn_requests() {
        // The Orange Authentication page's example.
        check(
            r#"<AuthnRequest xmlns="urn:oasis:names:tc:SAML:2.0:protocol"  ID="_b050e0f4c673ec2572fc65d95359afe6"
Version="2.0" IssueInstant="2007-01-16T16:54:00Z" >
     <Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">http://mysp</Issuer>
</AuthnRequest>"#,
            Ok(AuthnRequest {
                id: String::from("_b050e0f4c673ec2572fc65d95359afe6"),
                issuer: String::from("http://mysp"),
                acs_url: None,
                name_id_format: None,
            }),
        );
        check(
            r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1" AssertionConsumerServiceURL="http://127.0.0.1/saml/acs?a=1&amp;b=2"><saml:Issuer>sp</saml:Issuer><samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" AllowCreate="true"/></samlp:AuthnRequest>"#,
            Ok(AuthnRequest {
                id: String::from("a1"),
                issuer: String::from("sp"),
                acs_url: Some(String::from("http://127.0.0.1/saml/acs?a=1&b=2")),
                name_id_format: Some(String::from(PERSISTENT)),
            }),
        );
        check(
            r#"<!DOCTYPE x [<!ENTITY e "x">]><AuthnRequest ID="a"><Issuer>&e;</Issuer></AuthnRequest>"#,
            Err("AuthnRequest must not carry a DTD"),
        );
        // Regression (proptest): entity and character references in the Issuer were dropped.
        check(
            r#"<AuthnRequest ID="a"><Issuer>a&amp;b&#x41;</Issuer></AuthnRequest>"#,
            Ok(AuthnRequest {
                id: String::from("a"),
                issuer: String::from("a&bA"),
                acs_url: None,
                name_id_format: None,
            }),
        );
        check(
            r#"<AuthnRequest ID="a"><Issuer>&custom;</Issuer></AuthnRequest>"#,
            Err("Issuer has an unknown entity reference"),
        );
        check(r#"<Response ID="a"/>"#, Err("the message is not an AuthnRequest"));
        check(
            r#"<AuthnRequest ID="a"></AuthnRequest>"#,
            Err("AuthnRequest needs an ID and an Issuer"),
        );
        check(
            r#"<AuthnRequest ID="a"><Issuer>x</Issuer>"#,
            Err("AuthnRequest is not well-formed XML"),
        );
    }

    #[test]
    fn decodes_the_redirect_binding() {
        assert_eq!(decode_redirect("%%%"), Err("SAMLRequest is not Base64"));
        assert_eq!(
            decode_redirect("aGVsbG8="),
            Err("SAMLRequest is not DEFLATE-compressed UTF-8")
        );
    }
}
