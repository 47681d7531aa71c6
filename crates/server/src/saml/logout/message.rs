//! The logout messages of the sandbox IdP: reading the SP's `LogoutRequest` and `LogoutResponse`
//! (a small reader of the fields the IdP needs, DTDs refused), checking an HTTP-POST message's
//! enveloped XML signature with the SP's certificate, and writing the IdP's own signed ones.

use std::time::{Duration, SystemTime};

use bergshamra::{DsigContext, KeysManager, VerifyResult};
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};

use super::super::SigningPair;
use super::super::document::{instant, sign, signature_template};

pub(crate) const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const REQUESTER: &str = "urn:oasis:names:tc:SAML:2.0:status:Requester";
/// How long the IdP's LogoutRequest is valid (`NotOnOrAfter`).
pub(crate) const LOGOUT_LIFETIME: Duration = Duration::from_secs(300);

/// Which logout message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Kind {
    #[default]
    Request,
    Response,
}

/// What the IdP reads from a logout message.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Logout {
    pub(crate) kind: Kind,
    pub(crate) id: String,
    pub(crate) issuer: String,
    pub(crate) destination: Option<String>,
    pub(crate) in_response_to: Option<String>,
    pub(crate) name_id: Option<String>,
    pub(crate) status: Option<String>,
    /// Number of `ds:Signature` children of the root.
    pub(crate) signatures: usize,
}

/// Which text the reader is inside.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    None,
    Issuer,
    NameId,
}

fn root(e: &BytesStart<'_>, out: &mut Logout) -> Result<(), &'static str> {
    out.kind = match e.local_name().as_ref() {
        b"LogoutRequest" => Kind::Request,
        b"LogoutResponse" => Kind::Response,
        _ => return Err("the message is not a LogoutRequest or LogoutResponse"),
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|_| "the message has a malformed attribute")?;
        let value = attr
            .unescape_value()
            .map_err(|_| "the message has a malformed attribute")?
            .into_owned();
        match attr.key.local_name().as_ref() {
            b"ID" => out.id = value,
            b"Destination" => out.destination = Some(value),
            b"InResponseTo" => out.in_response_to = Some(value),
            _ => {}
        }
    }
    Ok(())
}

/// Handles one element start at `depth`; returns the text it opens.
fn element(
    e: &BytesStart<'_>,
    depth: usize,
    out: &mut Logout,
    seen_root: &mut bool,
) -> Result<Text, &'static str> {
    if depth == 0 {
        if *seen_root {
            return Err("the message has two root elements");
        }
        *seen_root = true;
        root(e, out)?;
        return Ok(Text::None);
    }
    match (depth, e.local_name().as_ref()) {
        (1, b"Issuer") => return Ok(Text::Issuer),
        (1, b"NameID") => return Ok(Text::NameId),
        (1, b"Signature") => out.signatures += 1,
        (2, b"StatusCode") => {
            let value = e
                .attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == b"Value");
            out.status = value
                .and_then(|a| a.unescape_value().ok())
                .map(|v| v.into_owned());
        }
        _ => {}
    }
    Ok(Text::None)
}

/// Reads a logout message; refuses DTDs.
pub(crate) fn parse(xml: &str) -> Result<Logout, &'static str> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Logout::default();
    let (mut depth, mut text, mut seen_root) = (0usize, Text::None, false);
    loop {
        match reader
            .read_event()
            .map_err(|_| "the message is not well-formed XML")?
        {
            Event::DocType(_) => return Err("the message must not carry a DTD"),
            Event::Start(e) => {
                text = element(&e, depth, &mut out, &mut seen_root)?;
                depth += 1;
            }
            Event::Empty(e) => {
                element(&e, depth, &mut out, &mut seen_root)?;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                text = Text::None;
            }
            Event::Text(t) if text != Text::None => {
                let t = t.decode().map_err(|_| "the message holds a malformed text")?;
                let slot = match text {
                    Text::Issuer => &mut out.issuer,
                    _ => out.name_id.get_or_insert_with(String::new),
                };
                slot.push_str(&t);
            }
            Event::GeneralRef(_) if text != Text::None => {
                // Entity references in SAML identifiers are not worth supporting here.
                return Err("the message uses an entity reference in a value");
            }
            Event::Eof if depth == 0 && seen_root => break,
            Event::Eof => return Err("the message is not well-formed XML"),
            _ => {}
        }
    }
    out.issuer = out.issuer.trim().to_owned();
    out.name_id = out.name_id.map(|n| n.trim().to_owned());
    if out.id.is_empty() || out.issuer.is_empty() {
        return Err("the message needs an ID and an Issuer");
    }
    Ok(out)
}

/// Checks the enveloped XML signature of an HTTP-POST message with the SP's certificate: one
/// signature, a child of the root, with one reference to the root's ID, valid under that key only.
pub(crate) fn verify_signature(
    xml: &str,
    message: &Logout,
    certificate_der: &[u8],
) -> Result<(), &'static str> {
    if message.signatures != 1 {
        return Err("the service provider signs its messages: one enveloped Signature is required");
    }
    let key = bergshamra::keys::loader::load_x509_cert_der(certificate_der)
        .map_err(|_| "the service provider's certificate does not parse")?;
    let mut keys = KeysManager::new();
    keys.add_key(key);
    let ctx = DsigContext::new(keys);
    match bergshamra::dsig::verify::verify(&ctx, xml) {
        Ok(VerifyResult::Valid { references, .. }) => match references.as_slice() {
            [r] if r.digest_verified && r.uri.strip_prefix('#') == Some(message.id.as_str()) => Ok(()),
            _ => Err("the signature must reference the message itself"),
        },
        _ => Err("the message signature does not verify with the service provider's certificate"),
    }
}

/// The IdP's signed LogoutResponse to the SP's request `in_response_to`.
pub(crate) fn response(
    id: &str,
    issuer: &str,
    destination: &str,
    in_response_to: &str,
    success: bool,
    now: SystemTime,
    key: SigningPair,
) -> Result<String, String> {
    let template = format!(
        concat!(
            r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" "#,
            r#"ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{destination}" InResponseTo="{irt}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status></samlp:LogoutResponse>"#,
        ),
        id = id,
        now = instant(now),
        destination = escape(destination),
        irt = escape(in_response_to),
        issuer = escape(issuer),
        signature = signature_template(id, key.cert_pem),
        status = if success { SUCCESS } else { REQUESTER },
    );
    sign(&template, key)
}

/// The IdP's signed LogoutRequest for the SP's session of `name_id`.
pub(crate) fn request(
    id: &str,
    issuer: &str,
    destination: &str,
    name_id: (&str, &str),
    session_index: Option<&str>,
    now: SystemTime,
    key: SigningPair,
) -> Result<String, String> {
    let (value, format) = name_id;
    let index = session_index
        .map(|s| format!("<samlp:SessionIndex>{}</samlp:SessionIndex>", escape(s)))
        .unwrap_or_default();
    let template = format!(
        concat!(
            r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" "#,
            r#"ID="{id}" Version="2.0" IssueInstant="{now}" NotOnOrAfter="{until}" Destination="{destination}">"#,
            r#"<saml:Issuer>{issuer}</saml:Issuer>{signature}"#,
            r#"<saml:NameID Format="{format}">{value}</saml:NameID>{index}</samlp:LogoutRequest>"#,
        ),
        id = id,
        now = instant(now),
        until = instant(now + LOGOUT_LIFETIME),
        destination = escape(destination),
        issuer = escape(issuer),
        signature = signature_template(id, key.cert_pem),
        format = escape(format),
        value = escape(value),
        index = index,
    );
    sign(&template, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saml::IDP_KEY;

    #[test]
    fn reads_logout_messages_and_refuses_dtds() {
        let request = parse(
            r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r" Destination="https://idp/slo"><saml:Issuer> sp </saml:Issuer><saml:NameID Format="f">alice</saml:NameID></samlp:LogoutRequest>"#,
        )
        .unwrap();
        assert_eq!(
            (request.kind, request.id.as_str(), request.issuer.as_str()),
            (Kind::Request, "_r", "sp")
        );
        assert_eq!(request.name_id.as_deref(), Some("alice"));
        assert_eq!(request.destination.as_deref(), Some("https://idp/slo"));
        let response = parse(
            r#"<LogoutResponse ID="_a" InResponseTo="_r"><Issuer>sp</Issuer><Status><StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></Status></LogoutResponse>"#,
        )
        .unwrap();
        assert_eq!(response.kind, Kind::Response);
        assert_eq!(response.status.as_deref(), Some(SUCCESS));
        assert_eq!(response.in_response_to.as_deref(), Some("_r"));
        for (xml, error) in [
            (
                r#"<!DOCTYPE x><LogoutRequest ID="a"><Issuer>sp</Issuer></LogoutRequest>"#,
                "the message must not carry a DTD",
            ),
            (
                r#"<AuthnRequest ID="a"><Issuer>sp</Issuer></AuthnRequest>"#,
                "the message is not a LogoutRequest or LogoutResponse",
            ),
            (
                r#"<LogoutRequest ID="a"></LogoutRequest>"#,
                "the message needs an ID and an Issuer",
            ),
        ] {
            assert_eq!(parse(xml), Err(error), "{xml}");
        }
    }

    #[test]
    fn the_idp_signs_what_the_signature_check_accepts() {
        use base64::Engine as _;
        let cert = base64::engine::general_purpose::STANDARD
            .decode(super::super::super::document::certificate_base64(
                IDP_KEY.cert_pem,
            ))
            .unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let xml = request(
            "_l1",
            "idp",
            "https://sp/slo",
            ("alice", "f"),
            Some("_s"),
            now,
            IDP_KEY,
        )
        .unwrap();
        let parsed = parse(&xml).unwrap();
        assert_eq!(parsed.signatures, 1);
        assert_eq!(verify_signature(&xml, &parsed, &cert), Ok(()));
        let tampered = xml.replace(">alice<", ">mallory<");
        assert!(verify_signature(&tampered, &parse(&tampered).unwrap(), &cert).is_err());
        let xml = response("_l2", "idp", "https://sp/slo", "_l1", true, now, IDP_KEY).unwrap();
        assert_eq!(verify_signature(&xml, &parse(&xml).unwrap(), &cert), Ok(()));
    }
}
