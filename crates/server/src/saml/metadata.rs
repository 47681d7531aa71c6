//! `GET /saml/metadata`: the IdP's metadata, signed (enveloped XML-DSig, RSA-SHA256, exclusive
//! C14N) by the metadata key, with `validUntil` and `cacheDuration`, listing the signing
//! certificate, or the current and the next one during a key rollover.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::escape::escape;

use super::document::{certificate_base64, instant, sign, signature_template};
use super::{IDP_CERT_PEM, IDP_NEXT_CERT_PEM, METADATA_KEY, PERSISTENT, TRANSIENT, idp_entity_id};
use crate::state::Shared;

/// How long published metadata stays valid (`validUntil` = now + this).
pub(crate) const METADATA_VALIDITY: Duration = Duration::from_secs(2 * 24 * 3600);
/// How long an SP may cache the metadata before fetching it again (`cacheDuration`).
pub(crate) const METADATA_CACHE_DURATION: &str = "PT1H";
/// The ID the metadata's signature references.
const METADATA_ID: &str = "_netid-sandbox-idp-metadata";

/// `GET /saml/metadata`: the IdP's signed SAML metadata (entity id, signing certificates, SSO and SLO URLs).
pub(crate) async fn metadata(State(shared): State<Arc<Shared>>) -> Response {
    let signing: &[&str] = if shared.config.saml_key_rollover {
        &[IDP_CERT_PEM, IDP_NEXT_CERT_PEM]
    } else {
        &[IDP_CERT_PEM]
    };
    let template = metadata_template(
        &idp_entity_id(&shared),
        &shared.endpoint("/saml/sso"),
        &shared.endpoint("/saml/slo"),
        shared.now(),
        signing,
    );
    match sign(&template, METADATA_KEY) {
        Ok(xml) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/samlmetadata+xml")],
            xml,
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(%error, "SAML metadata signing failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "signing failed").into_response()
        }
    }
}

/// The metadata with an empty signature template right after the root's start tag (the schema
/// position of `ds:Signature`).
fn metadata_template(
    entity_id: &str,
    sso_url: &str,
    slo_url: &str,
    now: SystemTime,
    signing: &[&str],
) -> String {
    let keys: String = signing
        .iter()
        .map(|pem| {
            format!(
                r#"<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#,
                certificate_base64(pem)
            )
        })
        .collect();
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="{id}" entityID="{entity}" validUntil="{until}" cacheDuration="{cache}">"#,
            "{signature}",
            r#"<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">"#,
            "{keys}",
            r#"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{slo}"/>"#,
            r#"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{slo}"/>"#,
            r#"<md:NameIDFormat>{persistent}</md:NameIDFormat><md:NameIDFormat>{transient}</md:NameIDFormat>"#,
            r#"<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/>"#,
            r#"</md:IDPSSODescriptor></md:EntityDescriptor>"#,
            "\n"
        ),
        id = METADATA_ID,
        entity = escape(entity_id),
        until = instant(now + METADATA_VALIDITY),
        cache = METADATA_CACHE_DURATION,
        signature = signature_template(METADATA_ID, METADATA_KEY.cert_pem),
        keys = keys,
        persistent = PERSISTENT,
        transient = TRANSIENT,
        sso = escape(sso_url),
        slo = escape(slo_url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_signed_and_lists_every_signing_certificate() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        for signing in [&[IDP_CERT_PEM][..], &[IDP_CERT_PEM, IDP_NEXT_CERT_PEM]] {
            let template = metadata_template(
                "https://idp.example/saml",
                "https://idp.example/sso",
                "https://idp.example/slo",
                now,
                signing,
            );
            let signed = sign(&template, METADATA_KEY).unwrap();
            assert_eq!(
                signed.matches(r#"<md:KeyDescriptor use="signing">"#).count(),
                signing.len()
            );
            assert!(signed.contains(r#"validUntil="2026-01-03T00:00:00Z" cacheDuration="PT1H""#));
            assert!(
                !signed.contains("<ds:SignatureValue></ds:SignatureValue>"),
                "{signed}"
            );
            assert!(signed.contains(r##"<ds:Reference URI="#_netid-sandbox-idp-metadata">"##));
        }
    }
}
