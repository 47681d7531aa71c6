//! The pure checks of a received LogoutRequest or LogoutResponse: one parse, the signature on the
//! root (or the query signature), Destination, Issuer, then the request's time and session or the
//! response's InResponseTo and status.

use std::time::SystemTime;

use uppsala::{Document, NodeId};

use super::request::DEFAULT_LOGOUT_LIFETIME;
use super::response::{PARTIAL_LOGOUT, SUCCESS};
use super::{
    LogoutSession, LogoutVerifier, Received, UnconsumedLogout, VerifiedLogout, VerifiedLogoutRequest,
    VerifiedLogoutResponse,
};
use crate::error::{Check, Error, reject};
use crate::response::decode_base64;
use crate::response::structure::{check_unique_ids, only_children, require_version, required_attr};
use crate::signature::{self, short};
use crate::xml::{self, NS_DS, NS_SAML, NS_SAMLP, add};

const UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// The children SAML Core's schema allows in a LogoutRequest.
const REQUEST_CHILDREN: &[(&str, &str)] = &[
    (NS_SAML, "Issuer"),
    (NS_DS, "Signature"),
    (NS_SAMLP, "Extensions"),
    (NS_SAML, "BaseID"),
    (NS_SAML, "NameID"),
    (NS_SAML, "EncryptedID"),
    (NS_SAMLP, "SessionIndex"),
];

/// The children SAML Core's schema allows in a LogoutResponse.
const RESPONSE_CHILDREN: &[(&str, &str)] = &[
    (NS_SAML, "Issuer"),
    (NS_DS, "Signature"),
    (NS_SAMLP, "Extensions"),
    (NS_SAMLP, "Status"),
];

/// What every logout message carries, read and checked before the kind-specific checks.
struct Header {
    id: String,
    issuer: String,
    issued: SystemTime,
}

/// Which logout message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Request,
    Response,
}

impl Kind {
    fn element(self) -> &'static str {
        match self {
            Self::Request => "LogoutRequest",
            Self::Response => "LogoutResponse",
        }
    }

    fn param(self) -> &'static str {
        match self {
            Self::Request => "SAMLRequest",
            Self::Response => "SAMLResponse",
        }
    }
}

/// The message a Redirect query carries, by its parameter name (covered by the query signature).
pub(super) fn redirect_kind(query: &str) -> Result<Kind, Error> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let has = |param: &str| {
        query
            .split('&')
            .any(|pair| pair.split_once('=').map_or(pair, |(k, _)| k) == param)
    };
    match (has("SAMLRequest"), has("SAMLResponse")) {
        (true, false) => Ok(Kind::Request),
        (false, true) => Ok(Kind::Response),
        (true, true) => reject(
            Check::Schema,
            "the query carries both SAMLRequest and SAMLResponse",
        ),
        (false, false) => reject(Check::Schema, "the query has no SAMLRequest or SAMLResponse"),
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|_| Error::reject(Check::Encoding, "message is not UTF-8"))
}

/// NameID formats compare equal when both are absent or `unspecified`, or the same URI.
fn same_format(a: Option<&str>, b: Option<&str>) -> bool {
    a.filter(|f| *f != UNSPECIFIED) == b.filter(|f| *f != UNSPECIFIED)
}

impl LogoutVerifier {
    pub(super) fn check_message(
        &self,
        received: Received<'_>,
        want: Option<Kind>,
        session: Option<&LogoutSession>,
        now: SystemTime,
    ) -> Result<UnconsumedLogout, Error> {
        let max = self.inner.max_bytes();
        let (text, expected, binding_signed) = match received {
            Received::Redirect(query) => {
                let kind = redirect_kind(query)?;
                let xml = self.inner.verified_redirect_message(query, kind.param())?;
                (utf8(xml)?, Some(kind), true)
            }
            Received::Post(value) => (utf8(decode_base64(value, max)?)?, None, false),
            Received::Xml(bytes) if bytes.len() > max => {
                return reject(Check::Size, format!("message exceeds {max} bytes"));
            }
            Received::Xml(bytes) => (utf8(bytes.to_vec())?, None, false),
        };
        self.check_text(&text, [expected, want], binding_signed, session, now)
    }

    /// Every pure check on the message text. `expected`: the kind the Redirect parameter names
    /// and the kind the caller wants, when known. `binding_signed`: the query signature of the
    /// HTTP-Redirect binding already authenticated the whole message.
    pub(crate) fn check_text(
        &self,
        text: &str,
        expected: [Option<Kind>; 2],
        binding_signed: bool,
        session: Option<&LogoutSession>,
        now: SystemTime,
    ) -> Result<UnconsumedLogout, Error> {
        let doc = xml::parse(text)?;
        let root = doc
            .document_element()
            .ok_or_else(|| Error::reject(Check::Schema, "empty document"))?;
        let kind = if xml::is(&doc, root, NS_SAMLP, "LogoutRequest") {
            Kind::Request
        } else if xml::is(&doc, root, NS_SAMLP, "LogoutResponse") {
            Kind::Response
        } else {
            return reject(
                Check::Schema,
                "the root element is not samlp:LogoutRequest or samlp:LogoutResponse",
            );
        };
        if let Some(other) = expected.into_iter().flatten().find(|e| *e != kind) {
            return reject(
                Check::Schema,
                format!("expected a {}, got a {}", other.element(), kind.element()),
            );
        }
        let whose = kind.element();
        require_version(&doc, root, whose)?;
        let id = required_attr(&doc, root, "ID", whose)?.to_owned();
        let issued = xml::parse_instant(required_attr(&doc, root, "IssueInstant", whose)?, "IssueInstant")?;
        let children = match kind {
            Kind::Request => REQUEST_CHILDREN,
            Kind::Response => RESPONSE_CHILDREN,
        };
        only_children(&doc, root, whose, children)?;
        check_unique_ids(&[&doc])?;
        // Before anything is decrypted or compared: a tampered message stops here.
        let signed = signature::verify(
            &doc,
            root,
            Some(root),
            None,
            self.inner.keys(),
            self.inner.allows_sha1(),
        )?;
        if !(signed.response || binding_signed) {
            return reject(Check::Signature, format!("the {whose} is not signed"));
        }
        match xml::attr(&doc, root, "Destination") {
            Some(d) if d == self.slo_url => {}
            Some(d) => {
                return reject(
                    Check::Destination,
                    format!("Destination {} is not the SLO URL {}", short(d), self.slo_url),
                );
            }
            None => {
                return reject(
                    Check::Destination,
                    format!("a signed {whose} must carry a Destination"),
                );
            }
        }
        let issuer = xml::optional_child(&doc, root, NS_SAML, "Issuer")?
            .ok_or_else(|| Error::reject(Check::Issuer, format!("the {whose} has no Issuer")))?;
        self.inner.check_issuer(&doc, issuer, whose)?;
        let issuer = self.inner.identity_provider().entity_id.clone();
        let header = Header { id, issuer, issued };
        match kind {
            Kind::Request => self.request(&doc, root, header, session, now),
            Kind::Response => response(&doc, root, header, now),
        }
    }

    fn request(
        &self,
        doc: &Document<'_>,
        root: NodeId,
        Header { id, issuer, issued }: Header,
        session: Option<&LogoutSession>,
        now: SystemTime,
    ) -> Result<UnconsumedLogout, Error> {
        let session = session
            .ok_or_else(|| Error::config("a LogoutRequest is checked against a session: none was given"))?;
        let skew = self.inner.skew();
        // Without NotOnOrAfter a request still has an age limit, which also bounds how long its
        // ID must stay in the replay cache.
        let not_on_or_after = match xml::attr(doc, root, "NotOnOrAfter") {
            Some(t) => xml::parse_instant(t, "NotOnOrAfter")?,
            None => add(issued, DEFAULT_LOGOUT_LIFETIME),
        };
        if now >= add(not_on_or_after, skew) {
            return reject(Check::Conditions, "the LogoutRequest has expired");
        }
        if issued > add(now, skew) {
            return reject(Check::Conditions, "the LogoutRequest is issued in the future");
        }
        if xml::optional_child(doc, root, NS_SAML, "BaseID")?.is_some() {
            return reject(Check::Schema, "a BaseID is not supported (NameID or EncryptedID)");
        }
        let name_id = self.inner.name_id(doc, root)?;
        let mut session_indexes = Vec::new();
        for index in xml::children_named(doc, root, NS_SAMLP, "SessionIndex") {
            session_indexes.push(xml::full_text(doc, index)?.trim().to_owned());
        }
        if name_id.value.expose_pii() != session.name_id.value.expose_pii()
            || !same_format(name_id.format.as_deref(), session.name_id.format.as_deref())
        {
            return reject(Check::Session, "the NameID is not the session's");
        }
        if !session_indexes.is_empty()
            && !session
                .session_index
                .as_ref()
                .is_some_and(|s| session_indexes.contains(s))
        {
            return reject(Check::Session, "no SessionIndex is the session's");
        }
        let request = VerifiedLogoutRequest {
            id,
            issuer,
            name_id,
            session_indexes,
            reason: xml::attr(doc, root, "Reason").map(str::to_owned),
            not_on_or_after,
        };
        Ok(UnconsumedLogout::new(
            VerifiedLogout::Request(request),
            add(not_on_or_after, skew),
            now,
        ))
    }
}

fn response(
    doc: &Document<'_>,
    root: NodeId,
    Header { id, issuer, .. }: Header,
    now: SystemTime,
) -> Result<UnconsumedLogout, Error> {
    let in_response_to = xml::attr(doc, root, "InResponseTo")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::reject(Check::InResponseTo, "the LogoutResponse has no InResponseTo"))?
        .to_owned();
    let status = xml::optional_child(doc, root, NS_SAMLP, "Status")?
        .ok_or_else(|| Error::reject(Check::Status, "the LogoutResponse has no Status"))?;
    let code = xml::optional_child(doc, status, NS_SAMLP, "StatusCode")?
        .ok_or_else(|| Error::reject(Check::Status, "the Status has no StatusCode"))?;
    match xml::attr(doc, code, "Value") {
        Some(SUCCESS) => {}
        Some(other) => return reject(Check::Status, format!("status is {}", short(other))),
        None => return reject(Check::Status, "the StatusCode has no Value"),
    }
    let partial = xml::optional_child(doc, code, NS_SAMLP, "StatusCode")?
        .is_some_and(|second| xml::attr(doc, second, "Value") == Some(PARTIAL_LOGOUT));
    let response = VerifiedLogoutResponse {
        id,
        issuer,
        in_response_to,
        partial,
    };
    Ok(UnconsumedLogout::new(
        VerifiedLogout::Response(response),
        now,
        now,
    ))
}
