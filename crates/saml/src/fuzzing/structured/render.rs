//! Renders a [`StructuredResponse`] as XML, signs the element it names, then adds the assertions
//! placed after signing; records which assertions the signature covers.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::{
    AssertionSpec, AudienceChoice, Confirmation, IdChoice, Instant, InstantForm, IssuerChoice, MAX_ITEMS,
    MAX_TEXT, OUTSTANDING, Placement, Prefix, ReferenceChoice, RequestChoice, SignedChoice,
    StructuredResponse, Text, TextForm, UrlChoice, now,
};
use crate::SoftwareSigner;
use crate::outgoing::{sign_enveloped, signature_template};
use crate::xml::{NS_SAML, NS_SAMLP};

/// The entity IDs and URLs of the fuzzing verifier (`super::super::verifier`).
pub(super) const IDP: &str = "https://idp.example/saml";
pub(super) const SP: &str = "https://sp.example/saml";
pub(super) const ACS: &str = "https://sp.example/saml/acs";

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
fn placements(input: &StructuredResponse) -> Vec<Placement> {
    let used = input.assertions.iter().take(MAX_ITEMS);
    used.enumerate()
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
    let places = placements(input);
    let n = places.len();
    // An assertion is in the signed document unless it or an Advice ancestor is added later.
    let mut before: Vec<bool> = Vec::with_capacity(n);
    for (k, p) in places.iter().enumerate() {
        let inherited = *p != Placement::Advice || before[k - 1];
        before.push(inherited && !after_signing(*p));
    }
    let ids: Vec<String> = input.assertions.iter().take(n).map(|a| id(a.id)).collect();
    let response_id = id(input.id);
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
        if let Some(d) = input.destination {
            let _ = write!(out, r#" Destination="{}""#, url(d));
        }
        if let Some(r) = input.in_response_to {
            let _ = write!(out, r#" InResponseTo="{}""#, request(r));
        }
        out.push('>');
        self.placed(Placement::BeforeIssuer, &mut out);
        if let Some(issuer) = input.issuer {
            out.push_str(&issuer_element(
                "saml:",
                &format!(r#" xmlns:saml="{NS_SAML}""#),
                issuer,
            ));
        }
        if self.signed == Some(None) {
            out.push_str(self.template);
        }
        if self.places.contains(&Placement::Extensions) {
            let _ = write!(out, "<{p}Extensions>");
            self.placed(Placement::Extensions, &mut out);
            let _ = write!(out, "</{p}Extensions>");
        }
        let status = if input.success { "Success" } else { "Requester" };
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
        let a: &AssertionSpec = &self.input.assertions[k];
        let (p, decl) = names(a.prefix, NS_SAML, "saml");
        let _ = write!(
            out,
            r#"<{p}Assertion{decl} ID="{}" Version="2.0" IssueInstant="{}">"#,
            self.ids[k],
            stamp()
        );
        if let Some(issuer) = a.issuer {
            out.push_str(&issuer_element(&p, "", issuer));
        }
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
        for c in a.confirmations.iter().take(MAX_ITEMS) {
            confirmation(&p, c, out);
        }
        let _ = write!(out, "</{p}Subject>");
        if let Some(c) = &a.conditions {
            let _ = write!(
                out,
                "<{p}Conditions{}{}>",
                time_attr("NotBefore", c.not_before),
                time_attr("NotOnOrAfter", c.not_on_or_after)
            );
            for r in c.restrictions.iter().take(MAX_ITEMS) {
                let _ = write!(out, "<{p}AudienceRestriction>");
                for aud in r.iter().take(MAX_ITEMS) {
                    let _ = write!(out, "<{p}Audience>{}</{p}Audience>", audience(*aud));
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
            for attr in a.attributes.iter().take(MAX_ITEMS) {
                let name: String = attr.name.chars().take(MAX_TEXT).collect();
                let _ = write!(out, r#"<{p}Attribute Name="{}">"#, escape(&name, true));
                for v in attr.values.iter().take(MAX_ITEMS) {
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
    let method = if c.bearer { "bearer" } else { "holder-of-key" };
    let _ = write!(
        out,
        r#"<{p}SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:{method}">"#
    );
    if c.data {
        let _ = write!(out, "<{p}SubjectConfirmationData");
        if let Some(r) = c.recipient {
            let _ = write!(out, r#" Recipient="{}""#, url(r));
        }
        out.push_str(&time_attr("NotBefore", c.not_before));
        out.push_str(&time_attr("NotOnOrAfter", c.not_on_or_after));
        if let Some(r) = c.in_response_to {
            let _ = write!(out, r#" InResponseTo="{}""#, request(r));
        }
        out.push_str("/>");
    }
    let _ = write!(out, "</{p}SubjectConfirmation>");
}

/// The prefix (with its colon) and the namespace declaration of an element in `ns`.
fn names(prefix: Prefix, ns: &str, standard: &str) -> (String, String) {
    match prefix {
        Prefix::Standard => (format!("{standard}:"), format!(r#" xmlns:{standard}="{ns}""#)),
        Prefix::Custom => ("x:".to_owned(), format!(r#" xmlns:x="{ns}""#)),
        Prefix::Default => (String::new(), format!(r#" xmlns="{ns}""#)),
    }
}

fn issuer_element(p: &str, decl: &str, issuer: IssuerChoice) -> String {
    let (format, value) = match issuer {
        IssuerChoice::Idp => ("", IDP.to_owned()),
        IssuerChoice::IdpPadded => ("", format!("\n  {IDP} \t")),
        IssuerChoice::EntityFormat => (
            r#" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity""#,
            IDP.to_owned(),
        ),
        IssuerChoice::OtherFormat => (
            r#" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified""#,
            IDP.to_owned(),
        ),
        IssuerChoice::Other => ("", "https://other.example/saml".to_owned()),
    };
    format!("<{p}Issuer{decl}{format}>{value}</{p}Issuer>")
}

pub(super) fn id(choice: IdChoice) -> String {
    match choice {
        IdChoice::Id(n) => format!("_id{}", n % 4),
        IdChoice::Empty => String::new(),
        IdChoice::NotAnNcName => "1-not:an-ncname".to_owned(),
    }
}

fn url(choice: UrlChoice) -> String {
    match choice {
        UrlChoice::Acs => ACS.to_owned(),
        UrlChoice::AcsSlash => format!("{ACS}/"),
        UrlChoice::Other => "https://other.example/acs".to_owned(),
    }
}

fn request(choice: RequestChoice) -> &'static str {
    match choice {
        RequestChoice::Outstanding => OUTSTANDING,
        RequestChoice::Unknown => "_req-unknown",
    }
}

fn audience(choice: AudienceChoice) -> String {
    match choice {
        AudienceChoice::Sp => SP.to_owned(),
        AudienceChoice::SpPadded => format!(" \n{SP}\n "),
        AudienceChoice::Other => "https://other.example/saml".to_owned(),
        AudienceChoice::Empty => String::new(),
    }
}

/// `now` as the IssueInstant and AuthnInstant.
fn stamp() -> String {
    OffsetDateTime::from(now()).format(&Rfc3339).unwrap_or_default()
}

/// The instant the grammar means (`None` for a value that is not a date).
pub(super) fn instant(i: Instant) -> Option<SystemTime> {
    let at = if i.offset >= 0 {
        now() + Duration::from_secs(i.offset.unsigned_abs().into())
    } else {
        now() - Duration::from_secs(i.offset.unsigned_abs().into())
    };
    match i.form {
        InstantForm::Garbage => None,
        InstantForm::Fraction => Some(at + Duration::from_millis(500)),
        InstantForm::Utc | InstantForm::Offset => Some(at),
    }
}

fn time_attr(name: &str, i: Option<Instant>) -> String {
    let Some(i) = i else { return String::new() };
    let value = match (i.form, instant(i)) {
        (InstantForm::Offset, Some(at)) => OffsetDateTime::from(at)
            .to_offset(UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC))
            .format(&Rfc3339)
            .unwrap_or_default(),
        (_, Some(at)) => OffsetDateTime::from(at).format(&Rfc3339).unwrap_or_default(),
        (_, None) => "soon".to_owned(),
    };
    format!(r#" {name}="{value}""#)
}

/// XML text (or, with `attr`, an attribute value) that reads back as `s`: markup characters and
/// the whitespace a parser would normalise are written as references.
fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\t' | '\n' if attr => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// A text value in its grammar form.
fn text(t: &Text) -> String {
    let value = t.used();
    match t.form {
        TextForm::Plain => escape(&value, false),
        TextForm::Padded => format!("\n  {} \t\n", escape(&value, false)),
        TextForm::CharRefs => value.chars().fold(String::new(), |mut out, c| {
            let _ = write!(out, "&#x{:x};", u32::from(c));
            out
        }),
        TextForm::CData => format!(
            "<![CDATA[{}]]>",
            value
                .replace("]]>", "]]]]><![CDATA[>")
                .replace('\r', "]]>&#13;<![CDATA[")
        ),
        TextForm::Comment(at) => {
            let at = usize::from(at) % (value.chars().count() + 1);
            let (head, tail): (String, String) =
                (value.chars().take(at).collect(), value.chars().skip(at).collect());
            format!("{}<!--x-->{}", escape(&head, false), escape(&tail, false))
        }
    }
}
