//! A SAML 2.0 identity provider in the style of the Orange Authentication API: an SSO endpoint
//! taking an `AuthnRequest` by HTTP-Redirect and answering with an auto-submitting POST form that
//! carries a signed `Response`, a `NameID` (persistent: pairwise per service provider; transient:
//! random per response), the `OrangeAPIToken` attribute and the profile attributes of the
//! operator page.
//!
//! Per service provider ([`crate::SamlServiceProvider`]): the Assertion, the Response or both are
//! signed (enveloped XML-DSig, RSA-SHA256, exclusive C14N; the Assertion by default), the
//! attributes have the `basic` or `uri` NameFormat, and with a registered encryption certificate
//! the signed Assertion travels as a `saml:EncryptedAssertion` (AES-GCM or AES-CBC, RSA-OAEP key
//! transport; see `document` and `encrypt`).
//!
//! The signature is made by `bergshamra` (`bergshamra::sign` fills a template's empty
//! `DigestValue` and `SignatureValue`). The signing key is the committed, public test key
//! `data/saml/idp-test.key` with its self-signed certificate `data/saml/idp-test.crt`; during a
//! key rollover ([`crate::ServerConfig::with_saml_key_rollover`]) Responses are signed by
//! `data/saml/idp-test-next.key` and the metadata lists both certificates. The metadata is signed
//! by a key of its own, `data/saml/metadata-test.key` (see `metadata`).
//!
//! A service provider registered with a signing certificate
//! ([`crate::SamlServiceProvider::with_certificate_pem`]) must sign its requests with the
//! HTTP-Redirect query signature, `rsa-sha256` or `ecdsa-sha256` (see `query_signature`); an
//! unsigned, SHA-1 or badly signed request is refused with the 400 page before any sign-in. Requests
//! of a service provider without a certificate are not checked.
//!
//! Single Logout (`/saml/slo`, `/saml/slo/initiate`), in both directions and both bindings, is in
//! `logout`.
//!
//! Not implemented: the HTTP-POST binding for `AuthnRequest`s. The user is whoever the simulated mobile network
//! sees ([`crate::ServerConfig::with_network_subscriber`]); there is no login page.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_core::ports::random_id;
use quick_xml::escape::escape;

use self::document::{ResponseParts, error_response, profile, success_response};
pub(crate) use self::metadata::metadata;
use self::request::{decode_redirect, parse_authn_request};
use crate::state::{AuthMethod, Grant, Shared};

mod document;
mod encrypt;
mod logout;
mod metadata;
mod query_signature;
mod request;

pub(crate) use self::logout::{fuzz as fuzz_logout, slo_initiate, slo_post, slo_redirect};
pub(crate) use self::query_signature::fuzz as fuzz_query_signature;
pub(crate) use self::request::fuzz;

/// An RSA private key and its self-signed certificate, PEM: TEST ONLY, committed and public.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SigningPair {
    pub(crate) key_pem: &'static str,
    pub(crate) cert_pem: &'static str,
}

/// The IdP's signing key.
const IDP_KEY: SigningPair = SigningPair {
    key_pem: include_str!("../data/saml/idp-test.key"),
    cert_pem: include_str!("../data/saml/idp-test.crt"),
};
/// The IdP's next signing key, which signs Responses during a key rollover.
const IDP_NEXT_KEY: SigningPair = SigningPair {
    key_pem: include_str!("../data/saml/idp-test-next.key"),
    cert_pem: include_str!("../data/saml/idp-test-next.crt"),
};
/// The key signing the IdP's metadata: the SP trusts its certificate out of band.
const METADATA_KEY: SigningPair = SigningPair {
    key_pem: include_str!("../data/saml/metadata-test.key"),
    cert_pem: include_str!("../data/saml/metadata-test.crt"),
};
/// The IdP's self-signed certificate (outside a rollover, the one that signs Responses).
pub(crate) const IDP_CERT_PEM: &str = IDP_KEY.cert_pem;
/// The IdP's next certificate (signs Responses during a rollover).
pub(crate) const IDP_NEXT_CERT_PEM: &str = IDP_NEXT_KEY.cert_pem;
/// The metadata signer's certificate.
pub(crate) const METADATA_CERT_PEM: &str = METADATA_KEY.cert_pem;

/// The key Responses are signed with: the next one during a rollover.
fn response_key(shared: &Shared) -> SigningPair {
    if shared.config.saml_key_rollover {
        IDP_NEXT_KEY
    } else {
        IDP_KEY
    }
}

/// Largest inflated `AuthnRequest` accepted.
const MAX_REQUEST: u64 = 64 * 1024;
/// Validity of an assertion.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

pub(crate) const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
pub(crate) const TRANSIENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

/// Why a request was refused before a trusted ACS URL is known (shown as a 400 page).
fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("SAML request refused: {message}\n"),
    )
        .into_response()
}

/// The auto-submitting form that POSTs `xml` (Base64) as the form field `param` (`SAMLResponse`
/// or `SAMLRequest`) to the service provider.
fn post_form(acs_url: &str, param: &str, xml: &str, relay_state: Option<&str>) -> Response {
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
            "<input type=\"hidden\" name=\"{param}\" value=\"{response}\"/>{relay}",
            "<noscript><input type=\"submit\" value=\"Continue\"/></noscript></form></body></html>\n"
        ),
        action = escape(acs_url),
        param = param,
        response = STANDARD.encode(xml),
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
    let raw = match query_signature::split(&query) {
        Ok(raw) => raw,
        Err(message) => return bad_request(message),
    };
    let Some(saml_request) = raw.saml_request.map(query_signature::decode) else {
        return bad_request("missing SAMLRequest");
    };
    let relay_state = raw.relay_state.map(query_signature::decode);
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
    // An SP that registered a signing certificate must sign every request: otherwise anyone could
    // start a sign-in in its name (and choose its ACS URL among the registered ones).
    if let Some(certificate) = &sp.certificate_der
        && let Err(message) = query_signature::verify(&raw, certificate)
    {
        return bad_request(message);
    }
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
        return post_form(&acs_url, "SAMLResponse", &xml, relay_state.as_deref());
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
    // The SP calls the APIs with this token: a Response carrying one the store does not hold
    // would be a sign-in that fails later, so the IdP answers 503 instead.
    if let Err(error) = shared.store.insert_token(&api_token, grant, now).await {
        tracing::warn!(%error, "the sandbox state store failed");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the operator's state is unavailable",
        )
            .into_response();
    }
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
        key: response_key(&shared),
    };
    match success_response(&parts, sp, rng) {
        Ok(signed) => post_form(&acs_url, "SAMLResponse", &signed, relay_state.as_deref()),
        Err(error) => {
            tracing::warn!(%error, "SAML response signing or encryption failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "signing failed").into_response()
        }
    }
}
