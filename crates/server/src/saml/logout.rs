//! Single Logout on the sandbox IdP, in both directions and both bindings.
//!
//! - SP-initiated: `GET /saml/slo` (HTTP-Redirect) or `POST /saml/slo` (HTTP-POST) carries the
//!   SP's `LogoutRequest`. The IdP checks the Issuer (a registered SP with an SLO URL), the
//!   Destination (this endpoint) and, when the SP registered a certificate, the signature (the
//!   query signature, or the enveloped XML signature); then answers with a signed
//!   `LogoutResponse` to the SP's SLO URL in the same binding: a redirect with a query signature,
//!   or an auto-submitting form with an XML signature.
//! - IdP-initiated: `GET /saml/slo/initiate?sp=…&name_id=…[&session_index=…][&format=…][&binding=post]`
//!   sends a signed `LogoutRequest` for that session to the SP's SLO URL (redirect by default) and
//!   records its ID; the SP's `LogoutResponse` comes back to `/saml/slo`, where it is checked as
//!   above and its `InResponseTo` taken once.
//!
//! The sandbox keeps no SSO sessions, so logging out ends nothing but the exchange itself.

mod message;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use netid_core::ports::random_id;

use self::message::{Kind, LOGOUT_LIFETIME, Logout, SUCCESS};
use super::request::decode_redirect;
use super::{PERSISTENT, SigningPair, bad_request, idp_entity_id, post_form, query_signature, response_key};
use crate::registration::SamlServiceProvider;
use crate::state::{Shared, lock};

/// How the SP's message arrived, and so how the IdP answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Binding {
    Redirect,
    Post,
}

/// `GET /saml/slo`: a LogoutRequest or LogoutResponse by HTTP-Redirect.
pub(crate) async fn slo_redirect(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let raw = match query_signature::split(&query) {
        Ok(raw) => raw,
        Err(message) => return bad_request(message),
    };
    let Some(encoded) = raw.saml_request.or(raw.saml_response) else {
        return bad_request("missing SAMLRequest or SAMLResponse");
    };
    let relay_state = raw.relay_state.map(query_signature::decode);
    let xml = match decode_redirect(&query_signature::decode(encoded)) {
        Ok(xml) => xml,
        Err(message) => return bad_request(message),
    };
    let checked = checked(&shared, &xml, |sp, message| {
        let Some(certificate) = &sp.certificate_der else {
            return Ok(());
        };
        // The parameter name is covered by the signature; the message must be what it names.
        if (message.kind == Kind::Request) != raw.saml_request.is_some() {
            return Err("the message is not what its query parameter names");
        }
        query_signature::verify(&raw, certificate)
    });
    handle(&shared, checked, Binding::Redirect, relay_state.as_deref())
}

/// `POST /saml/slo`: a LogoutRequest or LogoutResponse by HTTP-POST.
pub(crate) async fn slo_post(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let mut encoded = None;
    let mut relay_state = None;
    for (key, value) in url::form_urlencoded::parse(&body) {
        let slot = match &*key {
            "SAMLRequest" | "SAMLResponse" => &mut encoded,
            "RelayState" => &mut relay_state,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return bad_request("a form field is repeated");
        }
    }
    let Some(encoded) = encoded else {
        return bad_request("missing SAMLRequest or SAMLResponse");
    };
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(xml) = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, compact)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
    else {
        return bad_request("the message is not Base64 UTF-8");
    };
    let checked = checked(&shared, &xml, |sp, message| match &sp.certificate_der {
        Some(certificate) => message::verify_signature(&xml, message, certificate),
        None => Ok(()),
    });
    handle(&shared, checked, Binding::Post, relay_state.as_deref())
}

/// The registered SP a message comes from, once its Issuer, Destination and signature passed.
fn checked<'s>(
    shared: &'s Shared,
    xml: &str,
    signature: impl FnOnce(&SamlServiceProvider, &Logout) -> Result<(), &'static str>,
) -> Result<(&'s SamlServiceProvider, Logout), &'static str> {
    let message = message::parse(xml)?;
    let sp = shared
        .config
        .saml_service_providers
        .iter()
        .find(|sp| sp.entity_id == message.issuer)
        .ok_or("unknown service provider (Issuer)")?;
    signature(sp, &message)?;
    if message.destination.as_deref() != Some(shared.endpoint("/saml/slo").as_str()) {
        return Err("Destination is not this SingleLogoutService");
    }
    Ok((sp, message))
}

fn handle(
    shared: &Shared,
    checked: Result<(&SamlServiceProvider, Logout), &'static str>,
    binding: Binding,
    relay_state: Option<&str>,
) -> Response {
    let (sp, message) = match checked {
        Ok(found) => found,
        Err(message) => return bad_request(message),
    };
    let Some(slo_url) = &sp.slo_url else {
        return bad_request("the service provider has no SingleLogoutService URL");
    };
    let now = shared.now();
    if message.kind == Kind::Response {
        let taken = message
            .in_response_to
            .as_deref()
            .is_some_and(|id| lock(&shared.logout_requests).take(id, &sp.entity_id, now));
        if !taken {
            return bad_request("InResponseTo names no outstanding LogoutRequest");
        }
        if message.status.as_deref() != Some(SUCCESS) {
            return text(StatusCode::OK, "the service provider reports a failed logout");
        }
        return text(StatusCode::OK, "logged out of the service provider");
    }
    let Ok(id) = new_id(shared) else {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "random source failed");
    };
    let idp = idp_entity_id(shared);
    let xml = message::response(&id, &idp, slo_url, &message.id, true, now, response_key(shared));
    send(
        xml,
        binding,
        slo_url,
        "SAMLResponse",
        relay_state,
        response_key(shared),
    )
}

/// `GET /saml/slo/initiate`: IdP-initiated logout of one session at one SP.
pub(crate) async fn slo_initiate(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let (Some(entity_id), Some(name_id)) = (param("sp"), param("name_id")) else {
        return bad_request("sp and name_id are required");
    };
    let Some(sp) = shared
        .config
        .saml_service_providers
        .iter()
        .find(|sp| sp.entity_id == entity_id)
    else {
        return bad_request("unknown service provider");
    };
    let Some(slo_url) = &sp.slo_url else {
        return bad_request("the service provider has no SingleLogoutService URL");
    };
    let binding = if param("binding").as_deref() == Some("post") {
        Binding::Post
    } else {
        Binding::Redirect
    };
    let Ok(id) = new_id(&shared) else {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "random source failed");
    };
    let now = shared.now();
    let format = param("format").unwrap_or_else(|| PERSISTENT.to_owned());
    let xml = message::request(
        &id,
        &idp_entity_id(&shared),
        slo_url,
        (&name_id, &format),
        param("session_index").as_deref(),
        now,
        response_key(&shared),
    );
    lock(&shared.logout_requests).insert(id, sp.entity_id.clone(), now + LOGOUT_LIFETIME, now);
    send(
        xml,
        binding,
        slo_url,
        "SAMLRequest",
        param("relay_state").as_deref(),
        response_key(&shared),
    )
}

fn new_id(shared: &Shared) -> Result<String, ()> {
    random_id(shared.config.rng.as_ref(), 16)
        .map(|t| format!("_{}", t.replace(['-', '_'], "x")))
        .map_err(|_| ())
}

/// Sends a signed message to the SP: a redirect whose query is signed, or a form whose XML is.
fn send(
    signed_xml: Result<String, String>,
    binding: Binding,
    destination: &str,
    param: &str,
    relay_state: Option<&str>,
    key: SigningPair,
) -> Response {
    let xml = match signed_xml {
        Ok(xml) => xml,
        Err(error) => {
            tracing::warn!(%error, "SAML logout message signing failed");
            return text(StatusCode::INTERNAL_SERVER_ERROR, "signing failed");
        }
    };
    if binding == Binding::Post {
        return post_form(destination, param, &xml, relay_state);
    }
    // The query signature authenticates the redirect; the XML signature inside is left as is.
    let url = redirect_query(&xml, param, relay_state).and_then(|query| query_signature::sign(&query, key));
    match url {
        Ok(query) => {
            let sep = if destination.contains('?') { '&' } else { '?' };
            let location = format!("{destination}{sep}{query}");
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        Err(error) => {
            tracing::warn!(%error, "SAML logout redirect signing failed");
            text(StatusCode::INTERNAL_SERVER_ERROR, "signing failed")
        }
    }
}

/// `param=<DEFLATE, Base64, percent-encoded>[&RelayState=…]`.
fn redirect_query(xml: &str, param: &str, relay_state: Option<&str>) -> Result<String, String> {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(xml.as_bytes()).map_err(|e| e.to_string())?;
    let deflated = encoder.finish().map_err(|e| e.to_string())?;
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, deflated);
    let component = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut query = format!("{param}={}", component(&encoded));
    if let Some(rs) = relay_state {
        query.push_str("&RelayState=");
        query.push_str(&component(rs));
    }
    Ok(query)
}

/// Fuzzing entry point of the logout message reader. Properties: an accepted message has an ID and
/// a trimmed, non-empty Issuer, and counts no signature it does not hold.
pub(crate) fn fuzz(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(message) = message::parse(text) {
        assert!(!message.id.is_empty(), "accepted a logout message without ID");
        assert!(
            !message.issuer.is_empty() && message.issuer.trim() == message.issuer,
            "accepted an empty or untrimmed Issuer"
        );
        assert!(
            message.signatures <= text.matches("Signature").count(),
            "counted a signature that is not there"
        );
    }
}

fn text(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{body}\n"),
    )
        .into_response()
}
