//! Renders a [`StructuredResponse`] as XML, signs the element it names, then adds the assertions
//! placed after signing; records which assertions the signature covers.

use std::fmt::Write as _;

use super::{
    AssertionSpec, Confirmation, MAX_TEXT, Method, Placement, ReferenceChoice, SignedChoice, StatusChoice,
    StructuredResponse,
};
use crate::SoftwareSigner;
use crate::outgoing::{sign_enveloped, signature_template};
use crate::xml::{NS_SAML, NS_SAMLP};

mod values;

use values::{audience, escape, issuer_element, names, request, stamp, text, time_attr, url_attr};
pub(super) use values::{id, instant};

/// The rendered, signed Response and what the grammar knows about it.
pub(super) struct Built {
    /// The XML given to the verifier.
    pub(super) xml: String,
    /// Per used assertion, in input order.
    pub(super) assertions: Vec<Placed>,
    /// No two ID attributes of the document are equal.
    pub(super) ids_unique: bool,
}

/// Where an assertion ended up.
pub(super) struct Placed {
    /// Its ID attribute.
    pub(super) id: String,
    /// The signature was made with it inside the element its Reference names.
    pub(super) covered: bool,
    /// It is a child of the Response.
    pub(super) direct: bool,
}

/// The assertions used, with their effective placement (`Advice` of the first one is `Response`).
fn placements(assertions: &[&AssertionSpec]) -> Vec<Placement> {
    assertions
        .iter()
        .enumerate()
        .map(|(k, a)| match a.placement {
            Placement::Advice if k == 0 => Placement::Response,
            p => p,
        })
        .collect()
}

fn after_signing(p: Placement) -> bool {
    matches!(p, Placement::SignatureObject | Placement::AfterSigning)
}

/// Renders, signs and completes the document.
pub(super) fn build(input: &StructuredResponse, signer: &SoftwareSigner) -> Built {
    let assertions = input.assertions();
    let places = placements(&assertions);
    let n = places.len();
    // An assertion is in the signed document unless it or an Advice ancestor is added later.
    let mut before: Vec<bool> = Vec::with_capacity(n);
    for (k, p) in places.iter().enumerate() {
        let inherited = *p != Placement::Advice || before[k - 1];
        before.push(inherited && !after_signing(*p));
    }
    let ids: Vec<String> = (0..n).map(|k| id(assertions[k].id, k + 1)).collect();
    let response_id = id(input.id, 0);
    let signed = match input.signed {
        SignedChoice::Nothing => None,
        SignedChoice::Response => Some(None),
        SignedChoice::Assertion(_) if n == 0 => None,
        SignedChoice::Assertion(k) => {
            let k = usize::from(k) % n;
            before[k].then_some(Some(k))
        }
    };
    let reference = match input.reference {
        ReferenceChoice::Parent => signed.map(|s| s.map_or(response_id.clone(), |k| ids[k].clone())),
        ReferenceChoice::Response => Some(response_id.clone()),
        ReferenceChoice::Assertion(_) if n == 0 => Some("_nowhere".to_owned()),
        ReferenceChoice::Assertion(j) => Some(ids[usize::from(j) % n].clone()),
        ReferenceChoice::Unknown => Some("_nowhere".to_owned()),
        ReferenceChoice::Empty => Some(String::new()),
    }
    .unwrap_or_default();
    let template = signature_template(&reference, signer).replace("URI=\"#\"", "URI=\"\"");
    let r = Renderer {
        input,
        assertions: &assertions,
        places: &places,
        ids: &ids,
        signed,
        template: &template,
    };
    let (rp, rdecl) = names(input.prefix, NS_SAMLP, "samlp");
    let mut xml = r.response(&rp, &rdecl, &response_id);
    let produced = signed.is_some()
        && match sign_enveloped(&xml, signer) {
            Ok(signed_xml) => {
                xml = signed_xml;
                true
            }
            Err(_) => false,
        };
    for k in (0..n).filter(|k| after_signing(places[*k])) {
        let mut a = String::new();
        r.assertion(k, &mut a);
        let object = format!("<ds:Object>{a}</ds:Object>");
        let sig_end = "</ds:SignatureValue>";
        match (places[k], xml.find(sig_end)) {
            (Placement::SignatureObject, Some(at)) => xml.insert_str(at + sig_end.len(), &object),
            _ => {
                let at = xml.rfind(&format!("</{rp}Response>")).unwrap_or(xml.len());
                xml.insert_str(at, &a);
            }
        }
    }

    // What the Reference named when the signature was made: one element of the signed document.
    let signed_ids = std::iter::once(&response_id).chain((0..n).filter(|k| before[*k]).map(|k| &ids[k]));
    let unique_target = signed_ids.filter(|i| **i == reference).count() == 1;
    let covers = |k: usize| -> bool {
        if !(produced && before[k] && unique_target) {
            return false;
        }
        if reference == response_id {
            return true;
        }
        // Assertion k, or one of its Advice ancestors, carries the referenced ID.
        let mut at = k;
        loop {
            if ids[at] == reference && before[at] {
                return true;
            }
            if places[at] != Placement::Advice || at == 0 {
                return false;
            }
            at -= 1;
        }
    };
    let assertions = (0..n)
        .map(|k| Placed {
            id: ids[k].clone(),
            covered: covers(k),
            direct: matches!(
                places[k],
                Placement::Response | Placement::BeforeIssuer | Placement::AfterSigning
            ),
        })
        .collect();
    let mut all: Vec<&String> = std::iter::once(&response_id).chain(&ids).collect();
    all.sort();
    let ids_unique = all.windows(2).all(|w| w[0] != w[1]);
    Built {
        xml,
        assertions,
        ids_unique,
    }
}

struct Renderer<'a> {
    input: &'a StructuredResponse,
    assertions: &'a [&'a AssertionSpec],
    places: &'a [Placement],
    ids: &'a [String],
    /// `Some(None)`: the Response is signed; `Some(Some(k))`: assertion k.
    signed: Option<Option<usize>>,
    template: &'a str,
}

impl Renderer<'_> {
    fn response(&self, p: &str, decl: &str, id: &str) -> String {
        let input = self.input;
        let mut out = format!(
            r#"<{p}Response{decl} ID="{id}" Version="2.0" IssueInstant="{}""#,
            stamp()
        );
        out.push_str(&url_attr("Destination", input.destination));
        if let Some(r) = input.in_response_to {
            let _ = write!(out, r#" InResponseTo="{}""#, request(r));
        }
        out.push('>');
        self.placed(Placement::BeforeIssuer, &mut out);
        let decl = format!(r#" xmlns:saml="{NS_SAML}""#);
        out.push_str(&issuer_element("saml:", &decl, input.issuer));
        if self.signed == Some(None) {
            out.push_str(self.template);
        }
        if self.places.contains(&Placement::Extensions) {
            let _ = write!(out, "<{p}Extensions>");
            self.placed(Placement::Extensions, &mut out);
            let _ = write!(out, "</{p}Extensions>");
        }
        let status = match input.status {
            StatusChoice::Success => "Success",
            StatusChoice::Requester => "Requester",
        };
        let _ = write!(
            out,
            r#"<{p}Status><{p}StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:{status}"/></{p}Status>"#
        );
        self.placed(Placement::Response, &mut out);
        let _ = write!(out, "</{p}Response>");
        out
    }

    /// The assertions placed at `placement` (not nested ones).
    fn placed(&self, placement: Placement, out: &mut String) {
        for k in (0..self.places.len()).filter(|k| self.places[*k] == placement) {
            self.assertion(k, out);
        }
    }

    fn assertion(&self, k: usize, out: &mut String) {
        let a = self.assertions[k];
        let (p, decl) = names(a.prefix, NS_SAML, "saml");
        let _ = write!(
            out,
            r#"<{p}Assertion{decl} ID="{}" Version="2.0" IssueInstant="{}">"#,
            self.ids[k],
            stamp()
        );
        out.push_str(&issuer_element(&p, "", a.issuer));
        if self.signed == Some(Some(k)) {
            out.push_str(self.template);
        }
        let format = if a.name_id_format {
            r#" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent""#
        } else {
            ""
        };
        let _ = write!(
            out,
            "<{p}Subject><{p}NameID{format}>{}</{p}NameID>",
            text(&a.name_id)
        );
        for c in a.confirmations() {
            confirmation(&p, c, out);
        }
        let _ = write!(out, "</{p}Subject>");
        if !a.conditions.absent {
            let c = &a.conditions;
            let _ = write!(
                out,
                "<{p}Conditions{}{}>",
                time_attr("NotBefore", c.not_before),
                time_attr("NotOnOrAfter", c.not_on_or_after)
            );
            for r in c.restrictions() {
                let _ = write!(out, "<{p}AudienceRestriction>");
                for aud in r.audiences() {
                    let _ = write!(out, "<{p}Audience>{}</{p}Audience>", audience(aud));
                }
                let _ = write!(out, "</{p}AudienceRestriction>");
            }
            let _ = write!(out, "</{p}Conditions>");
        }
        if self.places.get(k + 1) == Some(&Placement::Advice) {
            let _ = write!(out, "<{p}Advice>");
            self.assertion(k + 1, out);
            let _ = write!(out, "</{p}Advice>");
        }
        let _ = write!(
            out,
            concat!(
                r#"<{p}AuthnStatement AuthnInstant="{t}" SessionIndex="_s1"><{p}AuthnContext>"#,
                "<{p}AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                "</{p}AuthnContextClassRef></{p}AuthnContext></{p}AuthnStatement>"
            ),
            p = p,
            t = stamp()
        );
        if !a.attributes.is_empty() {
            let _ = write!(out, "<{p}AttributeStatement>");
            for attr in a.attributes() {
                let name: String = attr.name.chars().take(MAX_TEXT).collect();
                let _ = write!(out, r#"<{p}Attribute Name="{}">"#, escape(&name, true));
                for v in attr.values() {
                    let _ = write!(out, "<{p}AttributeValue>{}</{p}AttributeValue>", text(v));
                }
                let _ = write!(out, "</{p}Attribute>");
            }
            let _ = write!(out, "</{p}AttributeStatement>");
        }
        let _ = write!(out, "</{p}Assertion>");
    }
}

fn confirmation(p: &str, c: &Confirmation, out: &mut String) {
    let method = match c.method {
        Method::Bearer => "bearer",
        Method::HolderOfKey => "holder-of-key",
    };
    let _ = write!(
        out,
        r#"<{p}SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:{method}">"#
    );
    if !c.no_data {
        let _ = write!(out, "<{p}SubjectConfirmationData");
        out.push_str(&url_attr("Recipient", c.recipient));
        out.push_str(&time_attr("NotBefore", c.not_before));
        out.push_str(&time_attr("NotOnOrAfter", c.not_on_or_after));
        if let Some(r) = c.in_response_to {
            let _ = write!(out, r#" InResponseTo="{}""#, request(r));
        }
        out.push_str("/>");
    }
    let _ = write!(out, "</{p}SubjectConfirmation>");
}
