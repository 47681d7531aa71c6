//! The XML the IdP answers with: the Assertion (signed or not), optionally encrypted for the SP,
//! inside a Response (signed or not), as the service provider's registration asks; and the
//! unsigned error Response.
//!
//! Signing and encryption nest as SAML expects: the Assertion is signed on its own first, then
//! encrypted, then the Response around it is signed, so a Response signature covers the
//! `EncryptedAssertion` and an Assertion signature is found again after decryption. Exclusive
//! C14N makes the Assertion's signature independent of the Response it is later placed in.

use std::time::SystemTime;

use netid_core::kyc::KycClaims;
use netid_core::ports::SecureRandom;
use quick_xml::escape::escape;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::request::AuthnRequest;
use super::{ASSERTION_LIFETIME, SigningPair, encrypt};
use crate::registration::{SamlAttributeNameFormat, SamlServiceProvider, SamlSigning};
use crate::state::unix;
use crate::subscribers::Subscriber;

const BASIC: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";
const URI: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
/// The claims namespace whose claim names the profile attributes are (see
/// [`SamlAttributeNameFormat::Uri`]).
const CLAIMS: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

/// `xs:dateTime` in UTC, whole seconds.
pub(super) fn instant(t: SystemTime) -> String {
    i64::try_from(unix(t))
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| String::from("1970-01-01T00:00:00Z"))
}

/// A PEM certificate's DER in Base64 (the content of `ds:X509Certificate`).
pub(super) fn certificate_base64(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// The profile attributes of the Orange Authentication page, from the KYC record.
pub(super) fn profile(subscriber: &Subscriber) -> Vec<(&'static str, String)> {
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
pub(super) struct ResponseParts<'a> {
    pub(super) request: &'a AuthnRequest,
    pub(super) acs_url: &'a str,
    pub(super) idp_entity_id: &'a str,
    pub(super) now: SystemTime,
    pub(super) response_id: String,
    pub(super) assertion_id: String,
    pub(super) name_id: String,
    pub(super) name_id_format: &'static str,
    pub(super) api_token: String,
    pub(super) attributes: Vec<(&'static str, String)>,
    /// The key the Assertion and Response are signed with.
    pub(super) key: SigningPair,
}

/// The signature template of the element with ID `id` (enveloped, exclusive C14N, RSA-SHA256,
/// SHA-256), naming the certificate `cert_pem` in its `KeyInfo`.
pub(super) fn signature_template(id: &str, cert_pem: &str) -> String {
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
        id = id,
        cert = certificate_base64(cert_pem),
    )
}

/// One attribute with one string value, named as `format` asks.
fn attribute(out: &mut String, format: SamlAttributeNameFormat, name: &str, value: &str) {
    let (prefix, name_format) = match format {
        SamlAttributeNameFormat::Basic => ("", BASIC),
        SamlAttributeNameFormat::Uri => (CLAIMS, URI),
    };
    out.push_str(&format!(
        concat!(
            r#"<saml:Attribute Name="{}{}" NameFormat="{}">"#,
            r#"<saml:AttributeValue xsi:type="xs:string">{}</saml:AttributeValue></saml:Attribute>"#
        ),
        prefix,
        escape(name),
        name_format,
        escape(value)
    ));
}

/// The Assertion as a standalone element (it declares every namespace it uses, so it can be
/// signed and encrypted on its own), with a signature template when `signed`.
fn assertion_template(p: &ResponseParts<'_>, format: SamlAttributeNameFormat, signed: bool) -> String {
    let now = instant(p.now);
    let until = instant(p.now + ASSERTION_LIFETIME);
    let mut attributes = String::new();
    attribute(&mut attributes, format, "OrangeAPIToken", &p.api_token);
    for (name, value) in &p.attributes {
        attribute(&mut attributes, format, name, value);
    }
    format!(
        concat!(
            r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{aid}" Version="2.0" IssueInstant="{now}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<saml:Subject><saml:NameID Format="{format}">{name_id}</saml:NameID>"#,
            r#"<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">"#,
            r#"<saml:SubjectConfirmationData InResponseTo="{irt}" Recipient="{acs}" NotOnOrAfter="{until}"/>"#,
            r#"</saml:SubjectConfirmation></saml:Subject>"#,
            r#"<saml:Conditions NotBefore="{now}" NotOnOrAfter="{until}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>"#,
            r#"<saml:AuthnStatement AuthnInstant="{now}" SessionIndex="{aid}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:MobileNetwork</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"#,
            r#"<saml:AttributeStatement>{attributes}</saml:AttributeStatement>"#,
            r#"</saml:Assertion>"#,
        ),
        aid = p.assertion_id,
        now = now,
        until = until,
        acs = escape(p.acs_url),
        irt = escape(&p.request.id),
        issuer = escape(p.idp_entity_id),
        signature = if signed {
            signature_template(&p.assertion_id, p.key.cert_pem)
        } else {
            String::new()
        },
        format = p.name_id_format,
        name_id = escape(&p.name_id),
        audience = escape(&p.request.issuer),
        attributes = attributes,
    )
}

/// The Response around `assertion` (an Assertion or an EncryptedAssertion element), with a
/// signature template when `signed`.
fn response_template(p: &ResponseParts<'_>, assertion: &str, signed: bool) -> String {
    format!(
        concat!(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{rid}" Version="2.0" IssueInstant="{now}" Destination="{acs}" InResponseTo="{irt}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#,
            r#"{assertion}</samlp:Response>"#,
        ),
        rid = p.response_id,
        now = instant(p.now),
        acs = escape(p.acs_url),
        irt = escape(&p.request.id),
        issuer = escape(p.idp_entity_id),
        signature = if signed {
            signature_template(&p.response_id, p.key.cert_pem)
        } else {
            String::new()
        },
        assertion = assertion,
    )
}

/// The successful Response for `sp`: signed and encrypted as its registration asks.
pub(super) fn success_response(
    p: &ResponseParts<'_>,
    sp: &SamlServiceProvider,
    rng: &dyn SecureRandom,
) -> Result<String, String> {
    let sign_assertion = matches!(sp.signing, SamlSigning::Assertion | SamlSigning::Both);
    let sign_response = matches!(sp.signing, SamlSigning::Response | SamlSigning::Both);
    let mut assertion = assertion_template(p, sp.attribute_name_format, sign_assertion);
    if sign_assertion {
        assertion = sign(&assertion, p.key)?;
    }
    if let Some(encryption) = &sp.encryption {
        assertion = encrypt::encrypted_assertion(&assertion, encryption, rng).map_err(|e| e.to_string())?;
    }
    // bergshamra signs the first signature template in document order: the Response's comes
    // before the (already signed) Assertion's.
    let response = response_template(p, &assertion, sign_response);
    if sign_response {
        sign(&response, p.key)
    } else {
        Ok(response)
    }
}

/// An unsigned error Response (`Responder`/`AuthnFailed`): nothing in it is to be trusted.
pub(super) fn error_response(
    request: &AuthnRequest,
    acs_url: &str,
    issuer: &str,
    id: &str,
    now: SystemTime,
) -> String {
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

/// Signs the first signature template of `template` with `pair`'s key through bergshamra.
pub(super) fn sign(template: &str, pair: SigningPair) -> Result<String, String> {
    let key =
        bergshamra::keys::loader::load_rsa_private_pem(pair.key_pem.as_bytes()).map_err(|e| e.to_string())?;
    let mut keys = bergshamra::KeysManager::new();
    keys.add_key(key);
    let ctx = bergshamra::DsigContext::new(keys);
    bergshamra::sign(&ctx, template).map_err(|e| e.to_string())
}
