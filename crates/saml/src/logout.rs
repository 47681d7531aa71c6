//! Single Logout (SAML Core §3.7, Profiles §4.4) on the SP, SP-initiated and IdP-initiated, over
//! HTTP-Redirect and HTTP-POST: building and signing `LogoutRequest`s and `LogoutResponse`s
//! (`request`, `response`), and verifying received ones (`verify`, `consume`).
//!
//! Every message the SP sends is signed (a query signature for HTTP-Redirect, an enveloped
//! XML-DSig for HTTP-POST), and every message it receives must be: a logout nobody can
//! authenticate is a denial of service on the user's session.

mod consume;
mod request;
mod response;
#[cfg(test)]
mod tests;
pub(crate) mod verify;

use std::time::SystemTime;

pub use self::consume::{UnconsumedLogout, VerifiedLogout};
pub use self::request::{DEFAULT_LOGOUT_LIFETIME, LogoutRequest, LogoutRequestBuilder};
pub use self::response::{LogoutResponse, LogoutResponseBuilder, LogoutStatus};
use self::verify::Kind;
use crate::error::{Check, Error, reject};
use crate::response::{NameId, ResponseVerifier, VerifiedAssertion};
use crate::store::{ReplayCache, RequestStore};

/// The session a logout is about, as the SP remembers it from the verified assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogoutSession {
    /// The subject's NameID (value and Format, compared exactly).
    pub name_id: NameId,
    /// The AuthnStatement's SessionIndex, when the IdP sent one.
    pub session_index: Option<String>,
}

impl LogoutSession {
    /// A session of `name_id`, with its SessionIndex when known.
    pub fn new(name_id: NameId, session_index: Option<String>) -> Self {
        Self {
            name_id,
            session_index,
        }
    }

    /// The session a verified assertion opened.
    pub fn from_assertion(assertion: &VerifiedAssertion) -> Self {
        Self::new(assertion.name_id.clone(), assertion.session_index.clone())
    }
}

/// A received logout message, as its binding delivered it. `Debug` shows the binding and the
/// length only: a LogoutRequest carries a NameID.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Received<'a> {
    /// The raw HTTP-Redirect query string, exactly as received (with or without `?`): a
    /// `SAMLRequest` or a `SAMLResponse`, with `SigAlg` and `Signature`.
    Redirect(&'a str),
    /// The HTTP-POST `SAMLRequest` or `SAMLResponse` form value (Base64, already form-decoded).
    Post(&'a [u8]),
    /// The message XML (already Base64-decoded), received over HTTP-POST.
    Xml(&'a [u8]),
}

impl std::fmt::Debug for Received<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (binding, len) = match self {
            Self::Redirect(q) => ("Redirect", q.len()),
            Self::Post(v) => ("Post", v.len()),
            Self::Xml(x) => ("Xml", x.len()),
        };
        f.debug_struct("Received")
            .field("binding", &binding)
            .field("len", &len)
            .finish()
    }
}

/// A verified LogoutRequest from the IdP (IdP-initiated logout): end the session, then answer
/// with a [`LogoutResponseBuilder`] whose `InResponseTo` is [`id`](Self::id).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedLogoutRequest {
    /// The request ID (recorded in the replay cache; the answer's `InResponseTo`).
    pub id: String,
    /// The Issuer (the configured IdP entity ID).
    pub issuer: String,
    /// The NameID, in the clear or decrypted from an EncryptedID. Personal data.
    pub name_id: NameId,
    /// The SessionIndex values; empty means every session of the subject.
    pub session_indexes: Vec<String>,
    /// The `Reason` URI, when given.
    pub reason: Option<String>,
    /// Until when the request was valid (its NotOnOrAfter, or the default age limit).
    pub not_on_or_after: SystemTime,
}

/// A verified LogoutResponse from the IdP, answering a LogoutRequest of this SP.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedLogoutResponse {
    /// The response ID.
    pub id: String,
    /// The Issuer (the configured IdP entity ID).
    pub issuer: String,
    /// The LogoutRequest it answers (taken from the outstanding-request store).
    pub in_response_to: String,
    /// True when the IdP reports a `PartialLogout`: other sessions may still be open.
    pub partial: bool,
}

/// Verifies LogoutRequests and LogoutResponses from one IdP, addressed to this SP's
/// SingleLogoutService: a pure function of (bytes, expectations, now), like
/// [`ResponseVerifier`], whose policy (certificates, clock skew, SHA-1, size cap, decryption keys)
/// it uses.
///
/// Checks, in order: size and encoding; for HTTP-Redirect the query signature over the exact
/// received octets; XML without DTD; root `samlp:LogoutRequest` or `samlp:LogoutResponse` (the
/// one the Redirect parameter names), version 2.0, ID, IssueInstant, allowed children, unique IDs;
/// the XML-Signature profile on the root (required unless the query was signed); Destination =
/// the SP's SLO URL (required); Issuer = the IdP (required). For a request: NotOnOrAfter with the
/// clock skew (or an IssueInstant at most [`DEFAULT_LOGOUT_LIFETIME`] old); the NameID (decrypted
/// from an EncryptedID with the SP keys) and the SessionIndex against the caller's session;
/// then, through [`UnconsumedLogout`], the replay cache. For a response: InResponseTo present,
/// status Success; then the outstanding logout request, taken once.
#[derive(Debug)]
pub struct LogoutVerifier {
    inner: ResponseVerifier,
    slo_url: String,
}

impl LogoutVerifier {
    /// A verifier with `verifier`'s IdP and policy, for the SP's SingleLogoutService
    /// ([`ServiceProvider::slo_url`](crate::ServiceProvider::slo_url)).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the SP has no SLO URL.
    pub fn new(verifier: ResponseVerifier) -> Result<Self, Error> {
        let slo_url = verifier
            .service_provider()
            .slo_url
            .clone()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| Error::config("the service provider has no SingleLogoutService URL"))?;
        Ok(Self {
            inner: verifier,
            slo_url,
        })
    }

    /// Every check of a received logout message that needs no state. A LogoutRequest is checked
    /// against `session`; one received with `session: None` is refused ([`Error::Config`]).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`].
    pub fn check(
        &self,
        received: Received<'_>,
        session: Option<&LogoutSession>,
        now: SystemTime,
    ) -> Result<UnconsumedLogout, Error> {
        self.check_message(received, None, session, now)
    }

    /// Verifies an IdP's LogoutRequest against `session` and records its ID in `replay`.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`] ([`Check::Schema`] for a
    /// LogoutResponse).
    pub fn verify_request(
        &self,
        received: Received<'_>,
        session: &LogoutSession,
        now: SystemTime,
        replay: &dyn ReplayCache,
    ) -> Result<VerifiedLogoutRequest, Error> {
        let unconsumed = self.check_message(received, Some(Kind::Request), Some(session), now)?;
        match unconsumed.consume_sync(&NoRequests, replay)? {
            VerifiedLogout::Request(request) => Ok(request),
            VerifiedLogout::Response(_) => reject(Check::Schema, "expected a LogoutRequest"),
        }
    }

    /// Verifies an IdP's LogoutResponse and takes the LogoutRequest it answers from `requests`.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`] ([`Check::Schema`] for a
    /// LogoutRequest).
    pub fn verify_response(
        &self,
        received: Received<'_>,
        now: SystemTime,
        requests: &dyn RequestStore,
    ) -> Result<VerifiedLogoutResponse, Error> {
        let unconsumed = self.check_message(received, Some(Kind::Response), None, now)?;
        match unconsumed.consume_sync(requests, &NoReplay)? {
            VerifiedLogout::Response(response) => Ok(response),
            VerifiedLogout::Request(_) => reject(Check::Schema, "expected a LogoutResponse"),
        }
    }
}

/// Stands in for the store a message kind never consults; any use is a refusal.
#[derive(Debug)]
struct NoRequests;

impl RequestStore for NoRequests {
    fn insert(&self, _: &str, _: SystemTime, _: SystemTime) -> bool {
        false
    }

    fn take(&self, _: &str, _: SystemTime) -> bool {
        false
    }
}

/// Stands in for the replay cache a LogoutResponse never consults; any use is a refusal.
#[derive(Debug)]
struct NoReplay;

impl ReplayCache for NoReplay {
    fn check_and_insert(&self, _: &str, _: SystemTime, _: SystemTime) -> crate::ReplayVerdict {
        crate::ReplayVerdict::Unavailable
    }
}
