//! What the SP knows about itself and about its IdP, set up once and shared by every check.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bergshamra::Key;

use crate::error::Error;

/// A trusted IdP signing certificate (X.509, RSA or EC public key).
///
/// Only these certificates are ever used to verify signatures; certificates or keys sent inside a
/// message's `KeyInfo` are ignored. Validity dates are not checked: trust comes from configuration
/// (metadata obtained out of band), as in the SAML metadata interoperability profile.
#[derive(Clone)]
pub struct IdpCertificate {
    pub(crate) key: Key,
    der: Vec<u8>,
}

impl IdpCertificate {
    /// Reads a PEM `CERTIFICATE` block.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the PEM or the certificate's public key cannot be read.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let text = std::str::from_utf8(pem).map_err(|_| Error::config("the certificate PEM is not UTF-8"))?;
        let body: String = text
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END CERTIFICATE-----"))
            .collect();
        if body.is_empty() {
            return Err(Error::config("no PEM CERTIFICATE block found"));
        }
        let der = STANDARD
            .decode(body.trim())
            .map_err(|_| Error::config("the certificate PEM body is not Base64"))?;
        Self::from_der(&der)
    }

    /// Reads a DER certificate (the content of a metadata `ds:X509Certificate` after Base64).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the certificate's public key cannot be read.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let key = bergshamra::keys::loader::load_x509_cert_der(der)
            .map_err(|e| Error::config(format!("unusable certificate: {e}")))?;
        Ok(Self {
            key,
            der: der.to_vec(),
        })
    }

    /// The certificate in DER.
    pub fn as_der(&self) -> &[u8] {
        &self.der
    }
}

impl fmt::Debug for IdpCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { key, der } = self;
        f.debug_struct("IdpCertificate")
            .field("algorithm", &key.algorithm_name())
            .field("der_len", &der.len())
            .finish()
    }
}

/// The identity provider this SP trusts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IdentityProvider {
    /// The IdP's entity ID: the only accepted `Issuer` value.
    pub entity_id: String,
    /// Trusted signing certificates. With none, every message is rejected (fail closed).
    pub certificates: Vec<IdpCertificate>,
    /// The IdP's SingleSignOnService URL for HTTP-Redirect, when known (from metadata).
    pub sso_url: Option<String>,
    /// The IdP's SingleLogoutService URL for HTTP-Redirect, when known (from metadata): where
    /// the SP sends its LogoutRequests and LogoutResponses.
    pub slo_url: Option<String>,
}

impl IdentityProvider {
    /// An IdP with its entity ID and trusted certificates.
    pub fn new(entity_id: impl Into<String>, certificates: Vec<IdpCertificate>) -> Self {
        Self {
            entity_id: entity_id.into(),
            certificates,
            sso_url: None,
            slo_url: None,
        }
    }

    /// Sets the SingleSignOnService URL.
    #[must_use]
    pub fn with_sso_url(mut self, url: impl Into<String>) -> Self {
        self.sso_url = Some(url.into());
        self
    }

    /// Sets the SingleLogoutService URL.
    #[must_use]
    pub fn with_slo_url(mut self, url: impl Into<String>) -> Self {
        self.slo_url = Some(url.into());
        self
    }
}

/// This service provider.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceProvider {
    /// The SP's entity ID (Orange's `[SERVICE_ID]`): the required audience and AuthnRequest issuer.
    pub entity_id: String,
    /// The AssertionConsumerService URL (Orange's `[SERVICE_RETURN_URL]`): the required
    /// Destination and Recipient.
    pub acs_url: String,
    /// The SP's SingleLogoutService URL, when it takes part in Single Logout: the required
    /// Destination of every LogoutRequest and LogoutResponse it receives, published in its
    /// metadata.
    pub slo_url: Option<String>,
}

impl ServiceProvider {
    /// An SP with its entity ID and ACS URL.
    pub fn new(entity_id: impl Into<String>, acs_url: impl Into<String>) -> Self {
        Self {
            entity_id: entity_id.into(),
            acs_url: acs_url.into(),
            slo_url: None,
        }
    }

    /// Sets the SingleLogoutService URL.
    #[must_use]
    pub fn with_slo_url(mut self, url: impl Into<String>) -> Self {
        self.slo_url = Some(url.into());
        self
    }
}
