//! What every message the SP sends shares: a random ID, the HTTP-Redirect encoding (DEFLATE,
//! Base64, percent-encoding, optional query signature) and the HTTP-POST encoding (Base64 of the
//! XML, signed with an enveloped XML signature).

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bergshamra::{DsigContext, KeysManager};
use flate2::Compression;
use flate2::write::DeflateEncoder;
use netid_core::ports::SecureRandom;

use crate::authn_request::{RedirectSigner, SoftwareSigner};
use crate::error::Error;
use crate::redirect::encode_component;

/// A message ID: 20 random bytes as `_` + 40 hex digits (an `xs:ID` starts with a letter or `_`).
pub(crate) fn new_id(rng: &dyn SecureRandom) -> Result<String, Error> {
    let mut bytes = [0u8; 20];
    rng.fill(&mut bytes).map_err(Error::Random)?;
    let mut id = String::with_capacity(41);
    id.push('_');
    for b in bytes {
        id.push_str(&format!("{b:02x}"));
    }
    Ok(id)
}

/// The HTTP-Redirect value of `xml`: DEFLATE (raw), Base64, percent-encoded.
pub(crate) fn deflate_encoded(xml: &str) -> Result<String, Error> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
    enc.write_all(xml.as_bytes())
        .and_then(|()| enc.finish())
        .map(|deflated| encode_component(&STANDARD.encode(deflated)))
        .map_err(|e| Error::config(format!("cannot deflate: {e}")))
}

/// The HTTP-Redirect URL `<destination>?<param>=…[&RelayState=…][&SigAlg=…&Signature=…]`; the
/// signature covers the exact query octets before `&Signature` (SAML Bindings §3.4.4.1).
pub(crate) fn redirect_url(
    destination: &str,
    param: &str,
    xml: &str,
    relay_state: Option<&str>,
    signer: Option<&dyn RedirectSigner>,
) -> Result<String, Error> {
    let mut query = format!("{param}={}", deflate_encoded(xml)?);
    if let Some(rs) = relay_state {
        query.push_str("&RelayState=");
        query.push_str(&encode_component(rs));
    }
    if let Some(signer) = signer {
        query.push_str("&SigAlg=");
        query.push_str(&encode_component(signer.algorithm().uri()));
        let signature = signer.sign(query.as_bytes())?;
        query.push_str("&Signature=");
        query.push_str(&encode_component(&STANDARD.encode(signature)));
    }
    let sep = if destination.contains('?') { '&' } else { '?' };
    Ok(format!("{destination}{sep}{query}"))
}

/// The empty enveloped signature template for the element with ID `id`: exclusive C14N, the
/// signer's algorithm, SHA-256, enveloped-signature then exc-c14n (the profile the verifiers of
/// this crate accept). No KeyInfo: the receiver uses the key it trusts, never one sent along.
pub(crate) fn signature_template(id: &str, signer: &SoftwareSigner) -> String {
    format!(
        concat!(
            r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#,
            r#"<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#,
            r#"<ds:SignatureMethod Algorithm="{alg}"/>"#,
            r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
            r#"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>"#,
            r#"<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>"#,
            r#"<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>"#,
            r#"<ds:SignatureValue></ds:SignatureValue></ds:Signature>"#,
        ),
        alg = signer.algorithm().uri(),
        id = id,
    )
}

/// Fills the one signature template of `template` with `signer`'s key (bergshamra's template
/// signer: digest, then SignatureValue).
pub(crate) fn sign_enveloped(template: &str, signer: &SoftwareSigner) -> Result<String, Error> {
    let mut keys = KeysManager::new();
    keys.add_key(signer.key().clone());
    bergshamra::sign(&DsigContext::new(keys), template).map_err(|e| Error::Signing {
        reason: format!("XML signature failed: {e}"),
    })
}

/// A built outgoing message: its ID, where it goes, its XML and the binding parameter it travels
/// in (`SAMLRequest` or `SAMLResponse`).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Outgoing {
    pub(crate) id: String,
    pub(crate) destination: String,
    pub(crate) param: &'static str,
    /// The unsigned XML, with the position of its signature template (right after the Issuer).
    pub(crate) xml: String,
    pub(crate) signature_at: usize,
}

impl Outgoing {
    /// The unsigned XML.
    pub(crate) fn xml(&self) -> &str {
        &self.xml
    }

    pub(crate) fn redirect_url(
        &self,
        relay_state: Option<&str>,
        signer: Option<&dyn RedirectSigner>,
    ) -> Result<String, Error> {
        redirect_url(&self.destination, self.param, &self.xml, relay_state, signer)
    }

    /// The XML with an enveloped signature right after the Issuer (SAML's schema position).
    pub(crate) fn signed_xml(&self, signer: &SoftwareSigner) -> Result<String, Error> {
        let (head, tail) = self
            .xml
            .split_at_checked(self.signature_at)
            .ok_or_else(|| Error::config("the signature position is outside the message"))?;
        let template = format!("{head}{}{tail}", signature_template(&self.id, signer));
        sign_enveloped(&template, signer)
    }

    /// The HTTP-POST form value: Base64 of the signed XML.
    pub(crate) fn signed_post_value(&self, signer: &SoftwareSigner) -> Result<String, Error> {
        Ok(STANDARD.encode(self.signed_xml(signer)?))
    }
}
