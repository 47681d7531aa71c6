//! Building the SP's `samlp:LogoutRequest` (SAML Core §3.7.1) for the IdP's SingleLogoutService.

use std::fmt;
use std::time::{Duration, SystemTime};

use netid_core::ports::SecureRandom;
use quick_xml::escape::escape;

use super::LogoutSession;
use crate::authn_request::{RedirectSigner, SoftwareSigner};
use crate::config::ServiceProvider;
use crate::error::Error;
use crate::outgoing::{self, Outgoing};
use crate::store::RequestStore;
use crate::store::shared::AsyncRequestStore;
use crate::xml::{NS_SAML, NS_SAMLP, add, format_instant};

/// Default validity of a LogoutRequest (its `NotOnOrAfter` after the IssueInstant).
pub const DEFAULT_LOGOUT_LIFETIME: Duration = Duration::from_secs(300);

/// Builds the SP's LogoutRequests for one session: its NameID and SessionIndex, sent to the IdP's
/// SingleLogoutService URL (both the `Destination` and the address the message goes to).
#[derive(Debug, Clone)]
pub struct LogoutRequestBuilder {
    issuer: String,
    destination: String,
    session: LogoutSession,
    lifetime: Duration,
}

impl LogoutRequestBuilder {
    /// A builder issuing as `sp.entity_id` to the IdP's SingleLogoutService `slo_url`, ending
    /// `session` (its NameID, and its SessionIndex when it has one).
    pub fn new(sp: &ServiceProvider, slo_url: impl Into<String>, session: LogoutSession) -> Self {
        Self {
            issuer: sp.entity_id.clone(),
            destination: slo_url.into(),
            session,
            lifetime: DEFAULT_LOGOUT_LIFETIME,
        }
    }

    /// Sets how long after its IssueInstant the request is valid (`NotOnOrAfter`; default
    /// [`DEFAULT_LOGOUT_LIFETIME`]).
    #[must_use]
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Builds the request: ID from 20 random bytes, IssueInstant `now`.
    ///
    /// # Errors
    ///
    /// [`Error::Random`] when the RNG fails; [`Error::Config`] when `now` cannot be formatted.
    pub fn build(&self, now: SystemTime, rng: &dyn SecureRandom) -> Result<LogoutRequest, Error> {
        let id = outgoing::new_id(rng)?;
        let not_on_or_after = add(now, self.lifetime);
        let name_id = &self.session.name_id;
        let format = name_id
            .format
            .as_deref()
            .map(|f| format!(r#" Format="{}""#, escape(f)))
            .unwrap_or_default();
        let head = format!(
            concat!(
                r#"<samlp:LogoutRequest xmlns:samlp="{samlp}" xmlns:saml="{saml}" ID="{id}" Version="2.0" "#,
                r#"IssueInstant="{now}" Destination="{destination}" NotOnOrAfter="{until}">"#,
                r#"<saml:Issuer>{issuer}</saml:Issuer>"#,
            ),
            samlp = NS_SAMLP,
            saml = NS_SAML,
            id = id,
            now = format_instant(now)?,
            destination = escape(&self.destination),
            until = format_instant(not_on_or_after)?,
            issuer = escape(&self.issuer),
        );
        let mut xml = head.clone();
        xml.push_str(&format!(
            "<saml:NameID{format}>{}</saml:NameID>",
            escape(name_id.value.expose_pii())
        ));
        if let Some(index) = &self.session.session_index {
            xml.push_str(&format!(
                "<samlp:SessionIndex>{}</samlp:SessionIndex>",
                escape(index)
            ));
        }
        xml.push_str("</samlp:LogoutRequest>");
        Ok(LogoutRequest {
            issue_instant: now,
            not_on_or_after,
            message: Outgoing {
                id,
                destination: self.destination.clone(),
                param: "SAMLRequest",
                xml,
                signature_at: head.len(),
            },
        })
    }
}

/// A built LogoutRequest. Its XML holds the session's NameID (personal data): `Debug` shows only
/// the ID and the destination.
#[derive(Clone, PartialEq, Eq)]
pub struct LogoutRequest {
    issue_instant: SystemTime,
    not_on_or_after: SystemTime,
    message: Outgoing,
}

impl fmt::Debug for LogoutRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogoutRequest")
            .field("id", &self.message.id)
            .field("destination", &self.message.destination)
            .field("not_on_or_after", &self.not_on_or_after)
            .finish_non_exhaustive()
    }
}

impl LogoutRequest {
    /// The request ID (expected back as the LogoutResponse's `InResponseTo`).
    pub fn id(&self) -> &str {
        &self.message.id
    }

    /// The `Destination`: the IdP's SingleLogoutService URL.
    pub fn destination(&self) -> &str {
        &self.message.destination
    }

    /// The `NotOnOrAfter`.
    pub fn not_on_or_after(&self) -> SystemTime {
        self.not_on_or_after
    }

    /// The unsigned request XML. Holds the NameID: personal data.
    pub fn xml(&self) -> &str {
        self.message.xml()
    }

    /// Records the ID as an outstanding logout request in `store` for `lifetime` from the
    /// IssueInstant, so that [`LogoutVerifier`](crate::LogoutVerifier) accepts one
    /// LogoutResponse to it. A store of its own (not the AuthnRequest store) keeps a Response
    /// from answering a LogoutRequest and the other way round.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the store refuses it (full).
    pub fn record(&self, store: &dyn RequestStore, lifetime: Duration) -> Result<(), Error> {
        if store.insert(self.id(), add(self.issue_instant, lifetime), self.issue_instant) {
            Ok(())
        } else {
            Err(Error::config("the request store is full"))
        }
    }

    /// [`record`](Self::record) in a store shared by several SP instances.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the store refuses it (full); [`Error::Store`] when the store cannot
    /// be consulted.
    pub async fn record_async(&self, store: &dyn AsyncRequestStore, lifetime: Duration) -> Result<(), Error> {
        let expires = add(self.issue_instant, lifetime);
        if store
            .insert_request(self.id(), expires, self.issue_instant)
            .await
            .map_err(Error::Store)?
        {
            Ok(())
        } else {
            Err(Error::config("the request store is full"))
        }
    }

    /// The signed HTTP-Redirect URL: `<destination>?SAMLRequest=…[&RelayState=…]&SigAlg=…&Signature=…`.
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

    /// The request XML with an enveloped XML signature after the Issuer (the HTTP-POST binding).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the key cannot sign.
    pub fn signed_xml(&self, signer: &SoftwareSigner) -> Result<String, Error> {
        self.message.signed_xml(signer)
    }

    /// The HTTP-POST `SAMLRequest` form value: Base64 of [`signed_xml`](Self::signed_xml).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the key cannot sign.
    pub fn signed_post_value(&self, signer: &SoftwareSigner) -> Result<String, Error> {
        self.message.signed_post_value(signer)
    }
}
