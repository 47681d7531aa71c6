//! The SP's own metadata document.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use crate::authn_request::{Binding, NameIdFormat};
use crate::config::ServiceProvider;
use crate::decrypt;
use crate::error::Error;
use crate::xml::{NS_DS, NS_MD};

/// Options for the SP's metadata document.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SpMetadata {
    /// DER certificate the SP signs AuthnRequests with (published as a signing `KeyDescriptor`).
    pub signing_certificate: Option<Vec<u8>>,
    /// DER certificates of the SP's [`DecryptionKey`](crate::DecryptionKey)s, each published as an
    /// encryption `KeyDescriptor` listing the accepted `EncryptionMethod`s (two during a key
    /// rollover, the new one first).
    pub encryption_certificates: Vec<Vec<u8>>,
    /// Sets `AuthnRequestsSigned="true"`.
    pub authn_requests_signed: bool,
    /// Sets `WantAssertionsSigned="true"`.
    pub want_assertions_signed: bool,
    /// `NameIDFormat` elements, in order.
    pub name_id_formats: Vec<NameIdFormat>,
}

impl SpMetadata {
    /// Writes the SP's `md:EntityDescriptor` with one `SPSSODescriptor` and an HTTP-POST
    /// AssertionConsumerService at `sp.acs_url`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the entity ID or ACS URL holds a character XML cannot carry in an
    /// attribute (a control character or a noncharacter), or if the XML writer fails.
    pub fn to_xml(&self, sp: &ServiceProvider) -> Result<String, Error> {
        for (what, value) in [("entity ID", &sp.entity_id), ("ACS URL", &sp.acs_url)] {
            // XML 1.0 §2.2 has no escape for most control characters, and parsers normalise the
            // others (tab, line breaks) in attribute values: either way the peer would read
            // another value than the one configured.
            if value
                .chars()
                .any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
            {
                return Err(Error::config(format!(
                    "the SP {what} holds a character XML cannot carry"
                )));
            }
        }
        let io = |e: std::io::Error| Error::config(format!("cannot write XML: {e}"));
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        let mut root = BytesStart::new("md:EntityDescriptor");
        root.push_attribute(("xmlns:md", NS_MD));
        root.push_attribute(("xmlns:ds", NS_DS));
        root.push_attribute(("entityID", sp.entity_id.as_str()));
        w.write_event(Event::Start(root)).map_err(io)?;
        let mut sso = BytesStart::new("md:SPSSODescriptor");
        sso.push_attribute(("AuthnRequestsSigned", bool_str(self.authn_requests_signed)));
        sso.push_attribute(("WantAssertionsSigned", bool_str(self.want_assertions_signed)));
        sso.push_attribute((
            "protocolSupportEnumeration",
            "urn:oasis:names:tc:SAML:2.0:protocol",
        ));
        w.write_event(Event::Start(sso)).map_err(io)?;
        if let Some(cert) = &self.signing_certificate {
            key_descriptor(&mut w, "signing", cert, &[]).map_err(io)?;
        }
        // The methods this SP decrypts (SAML Metadata §2.4.1.1), strongest first.
        let methods: Vec<&str> = decrypt::data_algorithm_uris()
            .chain(decrypt::KEY_TRANSPORT_URIS)
            .collect();
        for cert in &self.encryption_certificates {
            key_descriptor(&mut w, "encryption", cert, &methods).map_err(io)?;
        }
        if let Some(slo) = &sp.slo_url {
            // SSODescriptorType's order: after the KeyDescriptors, before NameIDFormat. Both
            // bindings share one endpoint.
            for binding in [Binding::HttpRedirect, Binding::HttpPost] {
                let mut e = BytesStart::new("md:SingleLogoutService");
                e.push_attribute(("Binding", binding.uri()));
                e.push_attribute(("Location", slo.as_str()));
                w.write_event(Event::Empty(e)).map_err(io)?;
            }
        }
        for f in &self.name_id_formats {
            w.write_event(Event::Start(BytesStart::new("md:NameIDFormat")))
                .map_err(io)?;
            w.write_event(Event::Text(BytesText::new(f.uri()))).map_err(io)?;
            w.write_event(Event::End(BytesEnd::new("md:NameIDFormat")))
                .map_err(io)?;
        }
        let mut acs = BytesStart::new("md:AssertionConsumerService");
        acs.push_attribute(("Binding", Binding::HttpPost.uri()));
        acs.push_attribute(("Location", sp.acs_url.as_str()));
        acs.push_attribute(("index", "0"));
        acs.push_attribute(("isDefault", "true"));
        w.write_event(Event::Empty(acs)).map_err(io)?;
        w.write_event(Event::End(BytesEnd::new("md:SPSSODescriptor")))
            .map_err(io)?;
        w.write_event(Event::End(BytesEnd::new("md:EntityDescriptor")))
            .map_err(io)?;
        String::from_utf8(w.into_inner()).map_err(|_| Error::config("non UTF-8 XML output"))
    }
}

/// One `md:KeyDescriptor` with an X.509 certificate and, for encryption, its methods.
fn key_descriptor(
    w: &mut Writer<Vec<u8>>,
    usage: &str,
    cert: &[u8],
    methods: &[&str],
) -> std::io::Result<()> {
    let mut kd = BytesStart::new("md:KeyDescriptor");
    kd.push_attribute(("use", usage));
    w.write_event(Event::Start(kd))?;
    for name in ["ds:KeyInfo", "ds:X509Data", "ds:X509Certificate"] {
        w.write_event(Event::Start(BytesStart::new(name)))?;
    }
    w.write_event(Event::Text(BytesText::new(&STANDARD.encode(cert))))?;
    for name in ["ds:X509Certificate", "ds:X509Data", "ds:KeyInfo"] {
        w.write_event(Event::End(BytesEnd::new(name)))?;
    }
    for method in methods {
        let mut m = BytesStart::new("md:EncryptionMethod");
        m.push_attribute(("Algorithm", *method));
        w.write_event(Event::Empty(m))?;
    }
    w.write_event(Event::End(BytesEnd::new("md:KeyDescriptor")))?;
    Ok(())
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml;

    /// Found by the `saml_metadata` fuzz target: a control character in the entity ID was written
    /// as is, giving metadata that no XML parser accepts.
    #[test]
    fn fuzz_regression_sp_metadata_refuses_control_characters() {
        for (entity_id, acs_url) in [
            ("control\u{1}character", "https://sp.example/acs"),
            ("https://sp.example", "https://sp.example/acs\t"),
            ("line\nbreak", "https://sp.example/acs"),
            ("\u{fffe}", "https://sp.example/acs"),
        ] {
            let error = SpMetadata::default()
                .to_xml(&ServiceProvider::new(entity_id, acs_url))
                .unwrap_err();
            assert!(
                error.to_string().contains("XML cannot carry"),
                "{entity_id:?} {acs_url:?}: {error}"
            );
        }
        let written = SpMetadata::default()
            .to_xml(&ServiceProvider::new(
                "https://sp.example/a&b\"c",
                "https://sp.example/acs",
            ))
            .unwrap();
        let doc = xml::parse(&written).unwrap();
        let root = doc.document_element().unwrap();
        assert_eq!(
            xml::attr(&doc, root, "entityID"),
            Some("https://sp.example/a&b\"c")
        );
    }
}
