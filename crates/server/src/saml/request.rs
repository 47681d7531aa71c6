//! The `AuthnRequest` the SSO endpoint reads: the HTTP-Redirect binding's decoding (Base64, raw
//! DEFLATE, bounded) and a parser of the few fields the IdP needs, refusing DTDs.

use std::io::Read as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use quick_xml::events::Event;

use super::MAX_REQUEST;

/// What the SSO endpoint reads from an `AuthnRequest`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct AuthnRequest {
    pub(super) id: String,
    pub(super) issuer: String,
    pub(super) acs_url: Option<String>,
    pub(super) name_id_format: Option<String>,
}

/// Base64, raw DEFLATE, bounded inflation (SAML HTTP-Redirect binding §3.4.4.1).
pub(super) fn decode_redirect(saml_request: &str) -> Result<String, &'static str> {
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
pub(super) fn parse_authn_request(xml: &str) -> Result<AuthnRequest, &'static str> {
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
    use crate::saml::PERSISTENT;
    use quick_xml::escape::escape;

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
