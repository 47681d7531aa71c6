//! The client's identity: its id, its signing key and how it writes `private_key_jwt` assertions.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use url::Url;

use crate::error::{Error, UsageError};
use crate::jose::{self, AssertionClaims, CLIENT_ASSERTION_TYPE, Jti, MAX_ASSERTION_LIFETIME, Signer};
use crate::provider::ProviderConfig;

/// The `aud` of client assertions ([CAMARA Security and Interoperability, Client Authentication]).
///
/// [CAMARA Security and Interoperability, Client Authentication]: https://github.com/camaraproject/IdentityAndConsentManagement/blob/main/documentation/CAMARA-Security-Interoperability.md#client-authentication
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AssertionAudience {
    /// The full URL of the endpoint being called (CAMARA's recommendation; the default).
    #[default]
    Endpoint,
    /// The provider's issuer identifier.
    Issuer,
    /// The token endpoint URL, whatever endpoint is called.
    TokenEndpoint,
    /// A fixed value agreed with the operator.
    Fixed(String),
}

/// A registered client: its id and the key behind its `private_key_jwt` assertions.
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) client_id: String,
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) audience: AssertionAudience,
    pub(crate) assertion_lifetime: Duration,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            client_id,
            signer,
            audience,
            assertion_lifetime,
        } = self;
        f.debug_struct("ClientConfig")
            .field("client_id", client_id)
            .field("signer", signer)
            .field("audience", audience)
            .field("assertion_lifetime", assertion_lifetime)
            .finish()
    }
}

impl ClientConfig {
    /// A client with the defaults: `aud` = the endpoint called, 60 s assertion lifetime.
    pub fn new(client_id: impl Into<String>, signer: Arc<dyn Signer>) -> Self {
        Self {
            client_id: client_id.into(),
            signer,
            audience: AssertionAudience::Endpoint,
            assertion_lifetime: Duration::from_secs(60),
        }
    }

    /// Sets the `aud` policy of client assertions.
    #[must_use]
    pub fn with_assertion_audience(mut self, audience: AssertionAudience) -> Self {
        self.audience = audience;
        self
    }

    /// Sets the assertion lifetime (`exp - iat`), between 1 and 300 seconds.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidParameter`] outside that range.
    pub fn with_assertion_lifetime(mut self, lifetime: Duration) -> Result<Self, Error> {
        if lifetime < Duration::from_secs(1) || lifetime > MAX_ASSERTION_LIFETIME {
            return Err(UsageError::InvalidParameter {
                name: "assertion lifetime",
                reason: "must be between 1 and 300 seconds (CAMARA)".to_owned(),
            }
            .into());
        }
        self.assertion_lifetime = lifetime;
        Ok(self)
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The signer.
    pub fn signer(&self) -> &Arc<dyn Signer> {
        &self.signer
    }

    pub(crate) fn audience_for(&self, provider: &ProviderConfig, endpoint: &Url) -> String {
        match &self.audience {
            AssertionAudience::Endpoint => endpoint.as_str().to_owned(),
            AssertionAudience::Issuer => provider.issuer.clone(),
            AssertionAudience::TokenEndpoint => provider.token_endpoint.as_str().to_owned(),
            AssertionAudience::Fixed(aud) => aud.clone(),
        }
    }

    /// The claims of a client assertion for a call to `endpoint` at `now`.
    ///
    /// # Errors
    ///
    /// [`crate::error::EnvironmentError::Clock`] when `now` is before the epoch.
    pub fn assertion_claims(
        &self,
        provider: &ProviderConfig,
        endpoint: &Url,
        now: SystemTime,
        jti: &Jti,
    ) -> Result<AssertionClaims, Error> {
        let iat = jose::unix_seconds(now)?;
        Ok(AssertionClaims {
            iss: self.client_id.clone(),
            sub: self.client_id.clone(),
            aud: self.audience_for(provider, endpoint),
            jti: jti.as_str().to_owned(),
            iat,
            exp: iat.saturating_add(self.assertion_lifetime.as_secs()),
            scope: None,
        })
    }

    /// A signed `private_key_jwt` client assertion for a call to `endpoint`.
    ///
    /// # Errors
    ///
    /// [`UsageError::UnsupportedByProvider`] when the provider's discovery document lists
    /// `token_endpoint_auth_signing_alg_values_supported` without the signer's algorithm (a
    /// provider configured without discovery accepts every algorithm);
    /// [`crate::error::EnvironmentError`] when the clock or the signer fails.
    pub fn client_assertion(
        &self,
        provider: &ProviderConfig,
        endpoint: &Url,
        now: SystemTime,
        jti: &Jti,
    ) -> Result<ClientAssertion, Error> {
        provider.check_client_algorithm(self.signer.algorithm())?;
        let claims = self.assertion_claims(provider, endpoint, now, jti)?;
        jose::sign_jwt(self.signer.as_ref(), "JWT", &claims).map(ClientAssertion)
    }
}

/// A signed client assertion (a compact JWS).
#[derive(Clone)]
pub struct ClientAssertion(String);

impl ClientAssertion {
    /// The compact JWS.
    ///
    /// # Security
    ///
    /// It authenticates the client until its `exp`: do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The form parameters carrying it (`client_assertion_type`, `client_assertion`).
    pub(crate) fn form_params(&self) -> [(&'static str, &str); 2] {
        [
            ("client_assertion_type", CLIENT_ASSERTION_TYPE),
            ("client_assertion", &self.0),
        ]
    }
}

impl fmt::Debug for ClientAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientAssertion([redacted])")
    }
}
