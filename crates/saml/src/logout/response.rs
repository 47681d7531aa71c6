//! Building the SP's `samlp:LogoutResponse` (SAML Core §3.7.2) to an IdP's LogoutRequest.

use std::time::SystemTime;

use netid_core::ports::SecureRandom;
use quick_xml::escape::escape;

use crate::authn_request::{RedirectSigner, SoftwareSigner};
use crate::config::ServiceProvider;
use crate::error::Error;
use crate::outgoing::{self, Outgoing};
use crate::xml::{NS_SAML, NS_SAMLP, format_instant};

pub(super) const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
pub(super) const PARTIAL_LOGOUT: &str = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";
const REQUESTER: &str = "urn:oasis:names:tc:SAML:2.0:status:Requester";
const RESPONDER: &str = "urn:oasis:names:tc:SAML:2.0:status:Responder";

/// The outcome a LogoutResponse reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogoutStatus {
    /// The session ended (`status:Success`).
    Success,
    /// Logged out here, but not everywhere (`Success` with the `PartialLogout` second-level code).
    PartialLogout,
    /// The request was refused as invalid (`status:Requester`).
    Requester,
    /// The SP failed to log out (`status:Responder`).
    Responder,
}

impl LogoutStatus {
    /// The top-level and optional second-level StatusCode URIs.
    fn codes(self) -> (&'static str, Option<&'static str>) {
        match self {
            Self::Success => (SUCCESS, None),
            Self::PartialLogout => (SUCCESS, Some(PARTIAL_LOGOUT)),
            Self::Requester => (REQUESTER, None),
            Self::Responder => (RESPONDER, None),
        }
    }
}

/// Builds the SP's LogoutResponse to one LogoutRequest of the IdP.
#[derive(Debug, Clone)]
pub struct LogoutResponseBuilder {
    issuer: String,
    destination: String,
    in_response_to: String,
    status: LogoutStatus,
}

impl LogoutResponseBuilder {
    /// A builder issuing as `sp.entity_id` to the IdP's SingleLogoutService `slo_url`, answering
    /// the request `in_response_to` (the verified LogoutRequest's ID) with
    /// [`LogoutStatus::Success`].
    pub fn new(sp: &ServiceProvider, slo_url: impl Into<String>, in_response_to: impl Into<String>) -> Self {
        Self {
            issuer: sp.entity_id.clone(),
            destination: slo_url.into(),
            in_response_to: in_response_to.into(),
            status: LogoutStatus::Success,
        }
    }

    /// Sets the reported status.
    #[must_use]
    pub fn status(mut self, status: LogoutStatus) -> Self {
        self.status = status;
        self
    }

    /// Builds the response: ID from 20 random bytes, IssueInstant `now`.
    ///
    /// # Errors
    ///
    /// [`Error::Random`] when the RNG fails; [`Error::Config`] when `now` cannot be formatted.
    pub fn build(&self, now: SystemTime, rng: &dyn SecureRandom) -> Result<LogoutResponse, Error> {
        let id = outgoing::new_id(rng)?;
        let head = format!(
            concat!(
                r#"<samlp:LogoutResponse xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
                r#"IssueInstant="{now}" Destination="{destination}" InResponseTo="{irt}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer>"#,
            ),
            samlp = NS_SAMLP,
            saml = NS_SAML,
            id = id,
            now = format_instant(now)?,
            destination = escape(&self.destination),
            irt = escape(&self.in_response_to),
            issuer = escape(&self.issuer),
        );
        let (top, second) = self.status.codes();
        let mut xml = head.clone();
        xml.push_str(&format!(r#"<samlp:Status><samlp:StatusCode Value="{top}">"#));
        if let Some(second) = second {
            xml.push_str(&format!(r#"<samlp:StatusCode Value="{second}"/>"#));
        }
        xml.push_str("</samlp:StatusCode></samlp:Status></samlp:LogoutResponse>");
        Ok(LogoutResponse {
            message: Outgoing {
                id,
                destination: self.destination.clone(),
                param: "SAMLResponse",
                xml,
                signature_at: head.len(),
            },
        })
    }
}

/// A built LogoutResponse (no personal data in it).
#[derive(Clone, PartialEq, Eq)]
pub struct LogoutResponse {
    message: Outgoing,
}

impl std::fmt::Debug for LogoutResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogoutResponse")
            .field("id", &self.message.id)
            .field("destination", &self.message.destination)
            .finish_non_exhaustive()
    }
}

impl LogoutResponse {
    /// The response ID.
    pub fn id(&self) -> &str {
        &self.message.id
    }

    /// The `Destination`: the IdP's SingleLogoutService URL.
    pub fn destination(&self) -> &str {
        &self.message.destination
    }

    /// The unsigned response XML.
    pub fn xml(&self) -> &str {
        self.message.xml()
    }

    /// The signed HTTP-Redirect URL: `<destination>?SAMLResponse=…[&RelayState=…]&SigAlg=…&Signature=…`
    /// (echo the RelayState the request came with).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the signer fails; [`Error::Config`] if compression fails.
    pub fn signed_redirect_url(
        &self,
        relay_state: Option<&str>,
        signer: &dyn RedirectSigner,
    ) -> Result<String, Error> {
        self.message.redirect_url(relay_state, Some(signer))
    }

    /// The response XML with an enveloped XML signature after the Issuer (the HTTP-POST binding).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the key cannot sign.
    pub fn signed_xml(&self, signer: &SoftwareSigner) -> Result<String, Error> {
        self.message.signed_xml(signer)
    }

    /// The HTTP-POST `SAMLResponse` form value: Base64 of [`signed_xml`](Self::signed_xml).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the key cannot sign.
    pub fn signed_post_value(&self, signer: &SoftwareSigner) -> Result<String, Error> {
        self.message.signed_post_value(signer)
    }
}
