//! Building an `AuthnRequest` and encoding it for the HTTP-Redirect binding.

use std::fmt;
use std::time::{Duration, SystemTime};

use bergshamra::Key;
use netid_core::ports::SecureRandom;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use crate::config::ServiceProvider;
use crate::error::Error;
use crate::outgoing;
use crate::signature::SignatureAlgorithm;
use crate::store::RequestStore;
use crate::store::shared::AsyncRequestStore;
use crate::xml::{NS_SAML, NS_SAMLP, format_instant};

/// A SAML binding URI, as used in `ProtocolBinding` and metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Binding {
    /// HTTP-POST (`urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST`).
    HttpPost,
    /// HTTP-Redirect (`urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect`).
    HttpRedirect,
}

impl Binding {
    /// The binding's URI.
    pub fn uri(self) -> &'static str {
        match self {
            Binding::HttpPost => "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
            Binding::HttpRedirect => "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
        }
    }
}

/// A NameID format the SP may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameIdFormat {
    /// `urn:oasis:names:tc:SAML:2.0:nameid-format:persistent` (Orange: a stable per-SP pseudonym).
    Persistent,
    /// `urn:oasis:names:tc:SAML:2.0:nameid-format:transient` (Orange's page misspells it
    /// `nameidformat:transient`; the SP always sends the correct URI).
    Transient,
}

impl NameIdFormat {
    /// The format's URI.
    pub fn uri(self) -> &'static str {
        match self {
            NameIdFormat::Persistent => "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            NameIdFormat::Transient => "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
        }
    }
}

/// The optional `NameIDPolicy` of an AuthnRequest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameIdPolicy {
    /// The requested format.
    pub format: NameIdFormat,
    /// Whether the IdP may create a new identifier (`AllowCreate`).
    pub allow_create: bool,
}

impl NameIdPolicy {
    /// A policy asking for `format`, with `AllowCreate`.
    pub fn new(format: NameIdFormat, allow_create: bool) -> Self {
        Self { format, allow_create }
    }
}

/// Builds AuthnRequests for one SP and one IdP SSO endpoint (SAML 2.0 Core §3.4.1).
///
/// The SSO URL is given once, to [`new`](Self::new): it is both the request's `Destination`
/// (which SAML Bindings §3.4.5.2 requires on a signed request) and the address
/// [`AuthnRequest::redirect_url`] sends the user to, so the two cannot disagree.
///
/// Holds no clock and no RNG: [`build`](Self::build) takes `now` and a [`SecureRandom`].
#[derive(Debug, Clone)]
pub struct AuthnRequestBuilder {
    issuer: String,
    acs_url: Option<String>,
    destination: String,
    protocol_binding: Option<Binding>,
    name_id_policy: Option<NameIdPolicy>,
}

impl AuthnRequestBuilder {
    /// A builder issuing as `sp.entity_id` to the IdP's SSO endpoint `sso_url` (the `Destination`
    /// and the redirect target), asking for the answer at `sp.acs_url` over HTTP-POST.
    pub fn new(sp: &ServiceProvider, sso_url: impl Into<String>) -> Self {
        Self {
            issuer: sp.entity_id.clone(),
            acs_url: Some(sp.acs_url.clone()),
            destination: sso_url.into(),
            protocol_binding: Some(Binding::HttpPost),
            name_id_policy: None,
        }
    }

    /// Sets or clears `AssertionConsumerServiceURL` (Orange's minimal sample sends none).
    #[must_use]
    pub fn acs_url(mut self, url: Option<String>) -> Self {
        self.acs_url = url;
        self
    }

    /// Sets or clears `ProtocolBinding`.
    #[must_use]
    pub fn protocol_binding(mut self, binding: Option<Binding>) -> Self {
        self.protocol_binding = binding;
        self
    }

    /// Sets or clears `NameIDPolicy`.
    #[must_use]
    pub fn name_id_policy(mut self, policy: Option<NameIdPolicy>) -> Self {
        self.name_id_policy = policy;
        self
    }

    /// Builds a request: ID from 20 random bytes (`_` + 40 hex digits), IssueInstant `now`.
    ///
    /// # Errors
    ///
    /// [`Error::Random`] when the RNG fails; [`Error::Config`] when `now` cannot be formatted.
    pub fn build(&self, now: SystemTime, rng: &dyn SecureRandom) -> Result<AuthnRequest, Error> {
        let id = outgoing::new_id(rng)?;
        let instant = format_instant(now)?;

        let mut root = BytesStart::new("samlp:AuthnRequest");
        root.push_attribute(("xmlns:samlp", NS_SAMLP));
        root.push_attribute(("xmlns:saml", NS_SAML));
        root.push_attribute(("ID", id.as_str()));
        root.push_attribute(("Version", "2.0"));
        root.push_attribute(("IssueInstant", instant.as_str()));
        root.push_attribute(("Destination", self.destination.as_str()));
        if let Some(acs) = &self.acs_url {
            root.push_attribute(("AssertionConsumerServiceURL", acs.as_str()));
        }
        if let Some(b) = self.protocol_binding {
            root.push_attribute(("ProtocolBinding", b.uri()));
        }
        let mut w = Writer::new(Vec::new());
        let io = |e: std::io::Error| Error::config(format!("cannot write XML: {e}"));
        w.write_event(Event::Start(root)).map_err(io)?;
        w.write_event(Event::Start(BytesStart::new("saml:Issuer")))
            .map_err(io)?;
        w.write_event(Event::Text(BytesText::new(&self.issuer)))
            .map_err(io)?;
        w.write_event(Event::End(BytesEnd::new("saml:Issuer")))
            .map_err(io)?;
        if let Some(p) = self.name_id_policy {
            let mut e = BytesStart::new("samlp:NameIDPolicy");
            e.push_attribute(("Format", p.format.uri()));
            e.push_attribute(("AllowCreate", if p.allow_create { "true" } else { "false" }));
            w.write_event(Event::Empty(e)).map_err(io)?;
        }
        w.write_event(Event::End(BytesEnd::new("samlp:AuthnRequest")))
            .map_err(io)?;
        let xml = String::from_utf8(w.into_inner()).map_err(|_| Error::config("non UTF-8 XML output"))?;
        Ok(AuthnRequest {
            id,
            issue_instant: now,
            destination: self.destination.clone(),
            xml,
        })
    }
}

/// A built AuthnRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRequest {
    id: String,
    issue_instant: SystemTime,
    destination: String,
    xml: String,
}

impl AuthnRequest {
    /// The request ID (expected back as `InResponseTo`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The IssueInstant.
    pub fn issue_instant(&self) -> SystemTime {
        self.issue_instant
    }

    /// The `Destination`: the IdP's SSO URL the redirect URLs point at.
    pub fn destination(&self) -> &str {
        &self.destination
    }

    /// The request XML.
    pub fn xml(&self) -> &str {
        &self.xml
    }

    /// Records the ID as outstanding in `store` for `lifetime` from the IssueInstant.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the store refuses it (full).
    pub fn record(&self, store: &dyn RequestStore, lifetime: Duration) -> Result<(), Error> {
        let expires = self
            .issue_instant
            .checked_add(lifetime)
            .unwrap_or(self.issue_instant);
        if store.insert(&self.id, expires, self.issue_instant) {
            Ok(())
        } else {
            Err(Error::config("the request store is full"))
        }
    }

    /// [`record`](Self::record) in a store shared by several SP instances, so that the Response
    /// may arrive on any of them.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the store refuses it (full); [`Error::Store`] when the store cannot
    /// be consulted.
    pub async fn record_async(&self, store: &dyn AsyncRequestStore, lifetime: Duration) -> Result<(), Error> {
        let expires = self
            .issue_instant
            .checked_add(lifetime)
            .unwrap_or(self.issue_instant);
        if store
            .insert_request(&self.id, expires, self.issue_instant)
            .await
            .map_err(Error::Store)?
        {
            Ok(())
        } else {
            Err(Error::config("the request store is full"))
        }
    }

    /// The `SAMLRequest` value: DEFLATE (raw), Base64, percent-encoded.
    pub fn encoded(&self) -> Result<String, Error> {
        outgoing::deflate_encoded(&self.xml)
    }

    /// The HTTP-Redirect URL: `<destination>?SAMLRequest=…[&RelayState=…]`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if compression fails.
    pub fn redirect_url(&self, relay_state: Option<&str>) -> Result<String, Error> {
        outgoing::redirect_url(&self.destination, "SAMLRequest", &self.xml, relay_state, None)
    }

    /// The signed HTTP-Redirect URL: the query string
    /// `SAMLRequest=…[&RelayState=…]&SigAlg=…` signed by `signer`, then `&Signature=…` (SAML
    /// Bindings §3.4.4.1).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the signer fails.
    pub fn signed_redirect_url(
        &self,
        relay_state: Option<&str>,
        signer: &dyn RedirectSigner,
    ) -> Result<String, Error> {
        outgoing::redirect_url(
            &self.destination,
            "SAMLRequest",
            &self.xml,
            relay_state,
            Some(signer),
        )
    }
}

/// Signs HTTP-Redirect query strings; a trait object so an HSM or KMS can plug in.
pub trait RedirectSigner: Send + Sync + fmt::Debug {
    /// The algorithm sent as `SigAlg`.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// Signs `data` (the exact query-string octets).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the key cannot sign.
    fn sign(&self, data: &[u8]) -> Result<Vec<u8>, Error>;
}

/// A [`RedirectSigner`] holding a software private key (RSA or EC, PKCS#8 or PKCS#1 PEM).
#[derive(Clone)]
pub struct SoftwareSigner {
    key: Key,
    algorithm: SignatureAlgorithm,
}

impl SoftwareSigner {
    /// Loads an unencrypted private key PEM for `algorithm`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the PEM holds no usable private key, or for
    /// [`SignatureAlgorithm::InsecureRsaSha1`] (use
    /// [`insecure_rsa_sha1_from_pem`](Self::insecure_rsa_sha1_from_pem)).
    pub fn from_pem(pem: &[u8], algorithm: SignatureAlgorithm) -> Result<Self, Error> {
        if algorithm == SignatureAlgorithm::InsecureRsaSha1 {
            return Err(Error::config(
                "rsa-sha1 signing is refused (opt in with insecure_rsa_sha1_from_pem)",
            ));
        }
        Self::load(pem, algorithm)
    }

    /// Loads an unencrypted RSA private key PEM that signs with RSA-SHA1.
    ///
    /// # Security
    ///
    /// SHA-1 is broken for signatures: a forged request could pass as this SP's. Only for an IdP
    /// that verifies nothing stronger.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the PEM holds no usable private key, and always without the
    /// `legacy-rsa` feature: AWS-LC, the crate's crypto provider, has no SHA-1 signing, which that
    /// feature adds with RustCrypto's `rsa`.
    pub fn insecure_rsa_sha1_from_pem(pem: &[u8]) -> Result<Self, Error> {
        if cfg!(feature = "legacy-rsa") {
            Self::load(pem, SignatureAlgorithm::InsecureRsaSha1)
        } else {
            Err(Error::config(
                "rsa-sha1 signing needs netid-saml's `legacy-rsa` feature (AWS-LC has no SHA-1 signing)",
            ))
        }
    }

    /// The private key, for the enveloped XML signatures of the HTTP-POST binding.
    pub(crate) fn key(&self) -> &Key {
        &self.key
    }

    fn load(pem: &[u8], algorithm: SignatureAlgorithm) -> Result<Self, Error> {
        // bergshamra's AWS-LC loader reads PKCS#8 only: a PKCS#1 RSA key is re-encoded first.
        let pkcs8 = crate::pkcs1::pem_as_pkcs8(pem);
        let pem = pkcs8.as_ref().map_or(pem, |p| p.as_bytes());
        let key = bergshamra::keys::loader::load_pem_auto(pem, None)
            .map_err(|_| Error::config("the signing key PEM cannot be read"))?;
        if !key.has_private_key() {
            return Err(Error::config("the signing key PEM holds no private key"));
        }
        Ok(Self { key, algorithm })
    }
}

impl fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { key, algorithm } = self;
        f.debug_struct("SoftwareSigner")
            .field("key", &key.algorithm_name())
            .field("algorithm", algorithm)
            .finish()
    }
}

impl RedirectSigner for SoftwareSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn sign(&self, data: &[u8]) -> Result<Vec<u8>, Error> {
        let signing = |reason: String| Error::Signing { reason };
        let key = self
            .key
            .software_key()
            .map_err(|e| signing(e.to_string()))?
            .ok_or_else(|| signing("the key cannot be used for software signing".into()))?;
        if self.algorithm == SignatureAlgorithm::InsecureRsaSha1 {
            // Only `insecure_rsa_sha1_from_pem` makes such a signer, and only with the feature.
            #[cfg(feature = "legacy-rsa")]
            return crate::legacy_rsa::rsa_sha1_sign(&key, data).map_err(signing);
            #[cfg(not(feature = "legacy-rsa"))]
            return Err(signing("rsa-sha1 signing needs the `legacy-rsa` feature".into()));
        }
        bergshamra::crypto::sign::from_uri(self.algorithm.uri())
            .and_then(|alg| alg.sign(&key, data))
            .map_err(|e| signing(e.to_string()))
    }
}
