//! A SAML service provider registered with the sandbox IdP, and how the IdP answers it: which
//! element it signs, whether (and how) it encrypts the assertion, and the attribute `NameFormat`.

use aws_lc_rs::rsa::PublicEncryptingKey;

use super::public_key;
use crate::error::ServerError;

/// Smallest RSA modulus accepted for an encryption certificate, in bits (AWS-LC's own floor).
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus AWS-LC encrypts with, in bits.
const MAX_RSA_BITS: usize = 8192;

/// A service provider allowed to use the IdP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlServiceProvider {
    pub(crate) entity_id: String,
    pub(crate) acs_urls: Vec<String>,
    pub(crate) certificate_der: Option<Vec<u8>>,
    pub(crate) encryption: Option<SpEncryption>,
    pub(crate) signing: SamlSigning,
    pub(crate) attribute_name_format: SamlAttributeNameFormat,
    pub(crate) slo_url: Option<String>,
}

/// What the IdP signs in a successful Response (XML-DSig, RSA-SHA256, exclusive C14N).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SamlSigning {
    /// The Assertion only (the default, as the Orange page shows).
    #[default]
    Assertion,
    /// The Response only; with encryption, the signature covers the `EncryptedAssertion`.
    Response,
    /// The Assertion first, then the Response around it.
    Both,
}

/// The `NameFormat` of the attributes the IdP writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SamlAttributeNameFormat {
    /// `attrname-format:basic` with the short names (`givenname`, `OrangeAPIToken`…), the default.
    #[default]
    Basic,
    /// `attrname-format:uri`: each short name prefixed by the claims namespace
    /// `http://schemas.xmlsoap.org/ws/2005/05/identity/claims/` (whose claim names the profile
    /// attributes already are).
    Uri,
}

/// The block cipher of an encrypted assertion's `EncryptedData`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SamlDataEncryption {
    /// `xmlenc11#aes128-gcm` (the default).
    #[default]
    Aes128Gcm,
    /// `xmlenc11#aes256-gcm`.
    Aes256Gcm,
    /// `xmlenc#aes128-cbc` (no integrity of its own: pair it with a Response signature).
    Aes128Cbc,
    /// `xmlenc#aes256-cbc` (no integrity of its own: pair it with a Response signature).
    Aes256Cbc,
}

/// How the session key travels to the SP (`EncryptedKey`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SamlKeyTransport {
    /// `xmlenc#rsa-oaep-mgf1p`: RSA-OAEP, SHA-1 digest and MGF1-SHA1 (the default, the most widely
    /// understood).
    #[default]
    RsaOaepMgf1p,
    /// `xmlenc11#rsa-oaep`, with SHA-256 as digest and as MGF1 hash.
    RsaOaep,
}

/// The algorithms of an encrypted assertion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SamlEncryption {
    /// The block cipher.
    pub data: SamlDataEncryption,
    /// The key transport.
    pub key_transport: SamlKeyTransport,
}

impl SamlEncryption {
    /// These algorithms.
    pub fn new(data: SamlDataEncryption, key_transport: SamlKeyTransport) -> Self {
        Self { data, key_transport }
    }
}

/// The SP's encryption key and the algorithms to use with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpEncryption {
    /// The SP's RSA public key as X.509 `SubjectPublicKeyInfo` DER, checked at registration.
    pub(crate) public_key: Vec<u8>,
    pub(crate) algorithms: SamlEncryption,
}

impl SamlServiceProvider {
    /// A service provider with its entity id (the `Issuer` of its requests) and its first assertion
    /// consumer service URL.
    pub fn new(entity_id: impl Into<String>, acs_url: impl Into<String>) -> Self {
        Self {
            entity_id: entity_id.into(),
            acs_urls: vec![acs_url.into()],
            certificate_der: None,
            encryption: None,
            slo_url: None,
            signing: SamlSigning::default(),
            attribute_name_format: SamlAttributeNameFormat::default(),
        }
    }

    /// Adds an assertion consumer service URL (exact match).
    pub fn with_acs_url(mut self, acs_url: impl Into<String>) -> Self {
        self.acs_urls.push(acs_url.into());
        self
    }

    /// Sets the service provider's SingleLogoutService URL: where the IdP sends its
    /// LogoutResponses and IdP-initiated LogoutRequests (as its metadata would publish it).
    /// Without one the IdP refuses logout messages from this service provider.
    pub fn with_slo_url(mut self, slo_url: impl Into<String>) -> Self {
        self.slo_url = Some(slo_url.into());
        self
    }

    /// Records the service provider's signing certificate (PEM `CERTIFICATE`), as its metadata
    /// would publish it. From then on the IdP requires this SP's `AuthnRequest`s to carry an
    /// HTTP-Redirect query signature (`SigAlg` and `Signature`, SAML Bindings §3.4.4.1) that
    /// verifies with the certificate's key; only `xmldsig-more#rsa-sha256` (RSA PKCS#1 v1.5) and
    /// `xmldsig-more#ecdsa-sha256` (P-256, `r || s`) are accepted, SHA-1 is refused.
    ///
    /// # Errors
    ///
    /// [`ServerError::Client`] when the text is not one PEM certificate.
    pub fn with_certificate_pem(mut self, pem: &str) -> Result<Self, ServerError> {
        self.certificate_der = Some(public_key::certificate_der(pem)?);
        Ok(self)
    }

    /// Encrypts every assertion for this service provider: the (signed) Assertion becomes a
    /// `saml:EncryptedAssertion` whose session key is wrapped for the RSA key of `pem` (a PEM
    /// `CERTIFICATE`, as the SP's metadata publishes with `use="encryption"`).
    ///
    /// # Errors
    ///
    /// [`ServerError::Client`] when the text is not one PEM certificate, its key is not RSA, or
    /// its modulus is shorter than 2048 bits or longer than 8192 bits.
    pub fn with_encryption_certificate_pem(
        mut self,
        pem: &str,
        algorithms: SamlEncryption,
    ) -> Result<Self, ServerError> {
        let der = public_key::certificate_der(pem)?;
        let spki = bergshamra::keys::loader::load_x509_cert_der(&der)
            .ok()
            .and_then(|key| key.to_spki_der())
            .ok_or_else(|| ServerError::Client(String::from("the encryption certificate does not parse")))?;
        // AWS-LC checks the algorithm and the size (2048 to 8192 bits) as it reads the key.
        PublicEncryptingKey::from_der(&spki).map_err(|rejected| {
            ServerError::Client(match rejected.description_() {
                "TooSmall" => {
                    format!("the encryption certificate's RSA key has fewer than {MIN_RSA_BITS} bits")
                }
                "TooLarge" => {
                    format!("the encryption certificate's RSA key has more than {MAX_RSA_BITS} bits")
                }
                _ => String::from("the encryption certificate's key is not RSA"),
            })
        })?;
        self.encryption = Some(SpEncryption {
            public_key: spki,
            algorithms,
        });
        Ok(self)
    }

    /// Chooses what the IdP signs (default: the Assertion).
    pub fn with_signing(mut self, signing: SamlSigning) -> Self {
        self.signing = signing;
        self
    }

    /// Chooses the attribute `NameFormat` (default: basic).
    pub fn with_attribute_name_format(mut self, format: SamlAttributeNameFormat) -> Self {
        self.attribute_name_format = format;
        self
    }

    /// The entity id.
    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// The assertion consumer service URLs.
    pub fn acs_urls(&self) -> &[String] {
        &self.acs_urls
    }

    /// Its SingleLogoutService URL, when registered.
    pub fn slo_url(&self) -> Option<&str> {
        self.slo_url.as_deref()
    }

    /// Whether a signing certificate is recorded.
    pub fn has_certificate(&self) -> bool {
        self.certificate_der.is_some()
    }

    /// The encryption algorithms, when assertions are encrypted for this service provider.
    pub fn encryption(&self) -> Option<SamlEncryption> {
        self.encryption.as_ref().map(|e| e.algorithms)
    }

    /// What the IdP signs.
    pub fn signing(&self) -> SamlSigning {
        self.signing
    }

    /// The attribute `NameFormat`.
    pub fn attribute_name_format(&self) -> SamlAttributeNameFormat {
        self.attribute_name_format
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed certificate of a 1024-bit RSA key (`openssl req -x509 -newkey rsa:1024`).
    const RSA_1024_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB/jCCAWegAwIBAgIUXkwQhdFZqCZVMyJuBLRWRkyDcqIwDQYJKoZIhvcNAQEL\nBQAwEDEOMAwGA1UEAwwFc2hvcnQwIBcNMjYxMjA1MDYxMDU3WhgPMjEyNjExMTEw\nNjEwNTdaMBAxDjAMBgNVBAMMBXNob3J0MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCB\niQKBgQC1Ti/hhDSwrx4gIPIpIgzqk5qBvRrgh4Gg3CxsORoF0IpC0lQL1TmzN2ZM\n1MovMPEklmgYGdBRvYlOKCjt0+pB30GLPVhWqkXdDElNqSYJ5FUQDUSJ3vOYQZmx\nGKHBRJoTCr2/FJ86WC91cYcN6eyVRHNvsmsyjyJ+uHzWbcRUmwIDAQABo1MwUTAd\nBgNVHQ4EFgQUU/debAdvM+NcXNcvKFb7Skp4wqgwHwYDVR0jBBgwFoAUU/debAdv\nM+NcXNcvKFb7Skp4wqgwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOB\ngQCB27hLEgWDc81R8hn2xhvpy5LleUnKMcssjN5EcnN12t/VEUUR3AaeN/f6b+Zz\nwId5dI/5CrHlatU2QjRIcGJOjCwyZ5rqoMsvY4ykaasbqnhGI3cKmT9s9NNk34yQ\njVhb3SPw2Z93mix+YD0zqeVXIPfffZ//afrla7gUbWkgsA==\n-----END CERTIFICATE-----";

    #[test]
    fn encryption_keys_are_rsa_of_2048_bits_or_more() {
        let sp = || SamlServiceProvider::new("https://sp.example", "https://sp.example/acs");
        let ok = sp()
            .with_encryption_certificate_pem(
                include_str!("../../data/saml/idp-test.crt"),
                SamlEncryption::default(),
            )
            .expect("an RSA-2048 certificate");
        assert_eq!(ok.encryption(), Some(SamlEncryption::default()));
        let short = sp()
            .with_encryption_certificate_pem(RSA_1024_CERT, SamlEncryption::default())
            .expect_err("an RSA-1024 certificate");
        assert_eq!(
            short.to_string(),
            ServerError::Client(String::from(
                "the encryption certificate's RSA key has fewer than 2048 bits"
            ))
            .to_string()
        );
    }
}
