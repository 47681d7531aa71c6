//! Reading an IdP's `md:EntityDescriptor`, trusted as configuration (unsigned).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use uppsala::{Document, NodeId};

use crate::authn_request::Binding;
use crate::config::{IdentityProvider, IdpCertificate};
use crate::error::Error;
use crate::xml::{self, NS_DS, NS_MD};

/// Reads an IdP's `md:EntityDescriptor`: entity ID, HTTP-Redirect SSO URL, signing
/// certificates (`KeyDescriptor` with `use="signing"` or no `use`).
///
/// # Errors
///
/// [`Error::Config`] when the document is not IdP metadata, has no signing certificate, or a
/// certificate does not parse.
pub fn parse_idp_metadata(metadata: &str) -> Result<IdentityProvider, Error> {
    let bad = |what: &str| Error::config(format!("IdP metadata: {what}"));
    let doc = xml::parse(metadata).map_err(|_| bad("not well-formed XML (DTDs are refused)"))?;
    let root = doc.document_element().ok_or_else(|| bad("empty document"))?;
    if !xml::is(&doc, root, NS_MD, "EntityDescriptor") {
        return Err(bad("the root is not md:EntityDescriptor"));
    }
    read_entity(&doc, root, &bad)
}

/// Reads the IdP described by the `md:EntityDescriptor` element `entity`; `bad` turns what is
/// wrong into the caller's error (a configuration error for trusted files, a rejection for
/// verified metadata).
pub(super) fn read_entity(
    doc: &Document<'_>,
    entity: NodeId,
    bad: &dyn Fn(&str) -> Error,
) -> Result<IdentityProvider, Error> {
    let entity_id = xml::attr(doc, entity, "entityID")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("no entityID"))?;
    let idp = xml::children_named(doc, entity, NS_MD, "IDPSSODescriptor")
        .next()
        .ok_or_else(|| bad("no IDPSSODescriptor"))?;
    let mut certificates = Vec::new();
    for kd in xml::children_named(doc, idp, NS_MD, "KeyDescriptor") {
        if !matches!(xml::attr(doc, kd, "use"), None | Some("signing")) {
            continue;
        }
        for ki in xml::children_named(doc, kd, NS_DS, "KeyInfo") {
            for data in xml::children_named(doc, ki, NS_DS, "X509Data") {
                for c in xml::children_named(doc, data, NS_DS, "X509Certificate") {
                    let text = xml::full_text(doc, c).map_err(|_| bad("malformed X509Certificate"))?;
                    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                    let der = STANDARD
                        .decode(compact)
                        .map_err(|_| bad("X509Certificate is not Base64"))?;
                    certificates.push(
                        IdpCertificate::from_der(&der).map_err(|_| bad("unusable signing certificate"))?,
                    );
                }
            }
        }
    }
    if certificates.is_empty() {
        return Err(bad("no signing certificate"));
    }
    let sso_url = xml::children_named(doc, idp, NS_MD, "SingleSignOnService")
        .find(|s| xml::attr(doc, *s, "Binding") == Some(Binding::HttpRedirect.uri()))
        .and_then(|s| xml::attr(doc, s, "Location"))
        .map(str::to_owned);
    let slo_url = xml::children_named(doc, idp, NS_MD, "SingleLogoutService")
        .find(|s| xml::attr(doc, *s, "Binding") == Some(Binding::HttpRedirect.uri()))
        .and_then(|s| xml::attr(doc, s, "Location"))
        .map(str::to_owned);
    let mut out = IdentityProvider::new(entity_id, certificates);
    out.sso_url = sso_url;
    out.slo_url = slo_url;
    Ok(out)
}
