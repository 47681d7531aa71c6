//! The `Resp` template: every value of a SAML Response with honest defaults, rendered to XML and
//! signed by `xmlsec1` as its `sign` field says.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use super::tools::xmlsec1_sign;
use super::{ACS, IDP, REQ, SP};

/// Which elements carry a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Sign {
    Assertion,
    Response,
    Both,
    Nothing,
}

pub(crate) const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub(crate) const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub(crate) const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub(crate) const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// Every value of a Response, with honest defaults.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Resp {
    pub(crate) sign: Sign,
    pub(crate) key: &'static str,
    pub(crate) sig_alg: String,
    pub(crate) digest: String,
    pub(crate) reference_uri: Option<String>,
    pub(crate) extra_reference: bool,
    /// The Reference's Transform algorithms, in order.
    pub(crate) transforms: Vec<String>,
    pub(crate) response_id: String,
    pub(crate) assertion_id: String,
    pub(crate) destination: Option<String>,
    pub(crate) response_irt: Option<String>,
    pub(crate) response_issuer: Option<String>,
    pub(crate) response_issuer_format: Option<String>,
    pub(crate) status: String,
    pub(crate) version: String,
    pub(crate) assertion_version: String,
    pub(crate) assertion_issuer: Option<String>,
    pub(crate) assertion_issuer_format: Option<String>,
    pub(crate) name_id: String,
    pub(crate) name_id_format: String,
    pub(crate) method: String,
    pub(crate) recipient: Option<String>,
    pub(crate) scd_irt: Option<String>,
    pub(crate) scd_not_on_or_after: Option<String>,
    pub(crate) scd_not_before: Option<String>,
    pub(crate) not_before: String,
    pub(crate) not_on_or_after: String,
    pub(crate) audiences: Vec<Vec<String>>,
    pub(crate) attributes: BTreeMap<String, Vec<String>>,
}

impl Default for Resp {
    fn default() -> Self {
        let mut attributes = BTreeMap::new();
        for (k, v) in [
            (
                "OrangeAPIToken",
                "B64W7ElXGlIgvEdGOqlH9zuQQoSu1CS4QOSv9/NoPtNva4psRc+\n      c5BFR3z0xc3DkZrelwNonn+fVG41RDBWZfdYovGxJv\nXZ9NTSLkMZeQwmN08=|sau=UNAVAILABLE|ted=\n1200503587|oJ\n      kued8sD2qnZiMj2HIDyLrpkhM=",
            ),
            ("gender", "Female"),
            ("displayname", "Alice L."),
            ("givenname", "Alice"),
            ("surname", "Liddell"),
            ("emailaddress", "alice@example.com"),
            ("mobilephone", "0033 6 99 90 10 40"),
            ("usertype", "internet&mobile"),
        ] {
            attributes.insert(k.to_owned(), vec![v.to_owned()]);
        }
        attributes.insert("role".to_owned(), vec!["reader".to_owned(), "writer".to_owned()]);
        Self {
            sign: Sign::Assertion,
            key: "idp",
            sig_alg: RSA_SHA256.to_owned(),
            digest: SHA256.to_owned(),
            reference_uri: None,
            extra_reference: false,
            transforms: vec![ENVELOPED.to_owned(), EXC_C14N.to_owned()],
            response_id: "_resp1".to_owned(),
            assertion_id: "_assert1".to_owned(),
            destination: Some(ACS.to_owned()),
            response_irt: Some(REQ.to_owned()),
            response_issuer: Some(IDP.to_owned()),
            response_issuer_format: None,
            status: "urn:oasis:names:tc:SAML:2.0:status:Success".to_owned(),
            version: "2.0".to_owned(),
            assertion_version: "2.0".to_owned(),
            assertion_issuer: Some(IDP.to_owned()),
            assertion_issuer_format: None,
            name_id: "4b124ae2-0126-102b-8852-001a641049bb".to_owned(),
            name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".to_owned(),
            method: "urn:oasis:names:tc:SAML:2.0:cm:bearer".to_owned(),
            recipient: Some(ACS.to_owned()),
            scd_irt: Some(REQ.to_owned()),
            scd_not_on_or_after: Some("2026-01-01T00:10:00Z".to_owned()),
            scd_not_before: None,
            not_before: "2025-12-31T23:59:00Z".to_owned(),
            not_on_or_after: "2026-01-01T00:10:00Z".to_owned(),
            audiences: vec![vec![SP.to_owned()]],
            attributes,
        }
    }
}

fn opt_attr(name: &str, v: &Option<String>) -> String {
    v.as_ref().map(|v| format!(" {name}=\"{v}\"")).unwrap_or_default()
}

impl Resp {
    pub(crate) fn signature_template(&self, id: &str) -> String {
        let uri = self.reference_uri.clone().unwrap_or_else(|| format!("#{id}"));
        let transforms: String = self
            .transforms
            .iter()
            .map(|t| format!("<ds:Transform Algorithm=\"{t}\"/>"))
            .collect();
        let reference = |uri: &str| {
            format!(
                "<ds:Reference URI=\"{uri}\"><ds:Transforms>{transforms}</ds:Transforms><ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue></ds:DigestValue></ds:Reference>",
                self.digest
            )
        };
        let mut refs = reference(&uri);
        if self.extra_reference {
            refs.push_str(&reference(&format!("#{}", self.response_id)));
        }
        let hmac = self.sig_alg.contains("hmac");
        let key_info = if hmac {
            String::new()
        } else {
            "<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>".to_owned()
        };
        format!(
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"{}\"/>{refs}</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>{key_info}</ds:Signature>",
            self.sig_alg
        )
    }

    /// The template; `assertion_sig`/`response_sig` insert empty signature templates.
    pub(crate) fn render(&self, assertion_sig: bool, response_sig: bool) -> String {
        let mut attrs = String::new();
        for (name, values) in &self.attributes {
            attrs.push_str(&format!(
                "<saml:Attribute Name=\"{name}\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\">"
            ));
            for v in values {
                attrs.push_str(&format!(
                    "<saml:AttributeValue xsi:type=\"xs:string\">{}</saml:AttributeValue>",
                    v.replace('&', "&amp;")
                ));
            }
            attrs.push_str("</saml:Attribute>");
        }
        let audiences: String = self
            .audiences
            .iter()
            .map(|list| {
                let inner: String = list
                    .iter()
                    .map(|a| format!("<saml:Audience>{a}</saml:Audience>"))
                    .collect();
                format!("<saml:AudienceRestriction>{inner}</saml:AudienceRestriction>")
            })
            .collect();
        let issuer = |value: &Option<String>, format: &Option<String>| {
            value
                .as_ref()
                .map(|i| format!("<saml:Issuer{}>{i}</saml:Issuer>", opt_attr("Format", format)))
                .unwrap_or_default()
        };
        let response_issuer = issuer(&self.response_issuer, &self.response_issuer_format);
        let assertion_issuer = issuer(&self.assertion_issuer, &self.assertion_issuer_format);
        format!(
            concat!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"{rid}\" Version=\"{ver}\" IssueInstant=\"2026-01-01T00:00:00Z\"{dest}{rirt}>",
                "{riss}{rsig}<samlp:Status><samlp:StatusCode Value=\"{status}\"/></samlp:Status>",
                "<saml:Assertion xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"{aid}\" Version=\"{aver}\" IssueInstant=\"2026-01-01T00:00:00Z\">",
                "{aiss}{asig}",
                "<saml:Subject><saml:NameID Format=\"{nidf}\">{nid}</saml:NameID>",
                "<saml:SubjectConfirmation Method=\"{method}\"><saml:SubjectConfirmationData{recipient}{scdnoa}{scdnb}{scdirt}/></saml:SubjectConfirmation></saml:Subject>",
                "<saml:Conditions NotBefore=\"{nb}\" NotOnOrAfter=\"{noa}\">{aud}</saml:Conditions>",
                "<saml:AuthnStatement AuthnInstant=\"2026-01-01T00:00:00Z\" SessionIndex=\"_session1\"><saml:AuthnContext><saml:AuthnContextClassRef>\n  urn:oasis:names:tc:SAML:2.0:ac:classes:Password\n</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>",
                "<saml:AttributeStatement>{attrs}</saml:AttributeStatement>",
                "</saml:Assertion></samlp:Response>\n"
            ),
            rid = self.response_id,
            ver = self.version,
            dest = opt_attr("Destination", &self.destination),
            rirt = opt_attr("InResponseTo", &self.response_irt),
            riss = response_issuer,
            rsig = if response_sig {
                self.signature_template(&self.response_id)
            } else {
                String::new()
            },
            status = self.status,
            aid = self.assertion_id,
            aver = self.assertion_version,
            aiss = assertion_issuer,
            asig = if assertion_sig {
                self.signature_template(&self.assertion_id)
            } else {
                String::new()
            },
            nidf = self.name_id_format,
            nid = self.name_id,
            method = self.method,
            recipient = opt_attr("Recipient", &self.recipient),
            scdnoa = opt_attr("NotOnOrAfter", &self.scd_not_on_or_after),
            scdnb = opt_attr("NotBefore", &self.scd_not_before),
            scdirt = opt_attr("InResponseTo", &self.scd_irt),
            nb = self.not_before,
            noa = self.not_on_or_after,
            aud = audiences,
            attrs = attrs,
        )
    }

    /// The response signed by `xmlsec1` as `self.sign` says (cached per template).
    pub(crate) fn signed(&self) -> String {
        static CACHE: OnceLock<Mutex<BTreeMap<Resp, String>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(hit) = cache.lock().unwrap().get(self) {
            return hit.clone();
        }
        let out = match self.sign {
            Sign::Nothing => self.render(false, false),
            Sign::Assertion => xmlsec1_sign(&self.render(true, false), self.key, &self.sig_alg),
            Sign::Response => xmlsec1_sign(&self.render(false, true), self.key, &self.sig_alg),
            Sign::Both => {
                // xmlsec1 fills the first signature only: sign the Assertion, then add the
                // Response template (which comes first in document order) and sign again.
                let inner = xmlsec1_sign(&self.render(true, false), self.key, &self.sig_alg);
                let anchor = "<samlp:Status>";
                let with_template = inner.replacen(
                    anchor,
                    &format!("{}{anchor}", self.signature_template(&self.response_id)),
                    1,
                );
                xmlsec1_sign(&with_template, self.key, &self.sig_alg)
            }
        };
        cache.lock().unwrap().insert(self.clone(), out.clone());
        out
    }
}
