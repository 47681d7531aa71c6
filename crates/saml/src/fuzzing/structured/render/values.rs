//! The leaf values of the rendering: names, IDs, URLs, instants and escaped text.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::super::{
    AudienceChoice, IdChoice, Instant, InstantForm, IssuerChoice, OUTSTANDING, Prefix, RequestChoice, Text,
    TextForm, UrlChoice, now,
};

/// The entity IDs and URLs of the fuzzing verifier (`fuzzing::verifier`).
const IDP: &str = "https://idp.example/saml";
const SP: &str = "https://sp.example/saml";
const ACS: &str = "https://sp.example/saml/acs";

/// The prefix (with its colon) and the namespace declaration of an element in `ns`.
pub(super) fn names(prefix: Prefix, ns: &str, standard: &str) -> (String, String) {
    match prefix {
        Prefix::Standard => (format!("{standard}:"), format!(r#" xmlns:{standard}="{ns}""#)),
        Prefix::Custom => ("x:".to_owned(), format!(r#" xmlns:x="{ns}""#)),
        Prefix::Default => (String::new(), format!(r#" xmlns="{ns}""#)),
    }
}

pub(super) fn issuer_element(p: &str, decl: &str, issuer: IssuerChoice) -> String {
    let (format, value) = match issuer {
        IssuerChoice::Absent => return String::new(),
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

/// The ID of the Response (`shift` 0) or of assertion `shift - 1`.
pub(in crate::fuzzing::structured) fn id(choice: IdChoice, shift: usize) -> String {
    match choice {
        IdChoice::Id(n) => format!("_id{}", (usize::from(n) + shift) % 4),
        IdChoice::Empty => String::new(),
        IdChoice::NotAnNcName => "1-not:an-ncname".to_owned(),
    }
}

pub(super) fn url_attr(name: &str, choice: UrlChoice) -> String {
    let value = match choice {
        UrlChoice::Acs => ACS.to_owned(),
        UrlChoice::AcsSlash => format!("{ACS}/"),
        UrlChoice::Other => "https://other.example/acs".to_owned(),
        UrlChoice::Absent => return String::new(),
    };
    format!(r#" {name}="{value}""#)
}

pub(super) fn request(choice: RequestChoice) -> &'static str {
    match choice {
        RequestChoice::Outstanding => OUTSTANDING,
        RequestChoice::Unknown => "_req-unknown",
    }
}

pub(super) fn audience(choice: AudienceChoice) -> String {
    match choice {
        AudienceChoice::Sp => SP.to_owned(),
        AudienceChoice::SpPadded => format!(" \n{SP}\n "),
        AudienceChoice::Other => "https://other.example/saml".to_owned(),
        AudienceChoice::Empty => String::new(),
    }
}

/// `now` as the IssueInstant and AuthnInstant.
pub(super) fn stamp() -> String {
    OffsetDateTime::from(now()).format(&Rfc3339).unwrap_or_default()
}

/// The instant the grammar means (`None` for a value that is not a date).
pub(in crate::fuzzing::structured) fn instant(i: Instant) -> Option<SystemTime> {
    let at = if i.offset >= 0 {
        now() + Duration::from_secs(i.offset.unsigned_abs().into())
    } else {
        now() - Duration::from_secs(i.offset.unsigned_abs().into())
    };
    match i.form {
        InstantForm::Garbage | InstantForm::Absent => None,
        InstantForm::Fraction => Some(at + Duration::from_millis(500)),
        InstantForm::Utc | InstantForm::Offset => Some(at),
    }
}

pub(super) fn time_attr(name: &str, i: Instant) -> String {
    if i.form == InstantForm::Absent {
        return String::new();
    }
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
pub(super) fn escape(s: &str, attr: bool) -> String {
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
pub(super) fn text(t: &Text) -> String {
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
