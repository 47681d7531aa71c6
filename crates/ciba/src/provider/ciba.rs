//! [`CibaProvider`]: a provider configuration checked for what a CIBA flow needs.

use std::sync::Arc;

use url::Url;

use super::{IdTokenHandling, ProviderConfig, endpoint_url};
use crate::error::{Error, UsageError};

/// A provider a [`CibaSession`](crate::ciba::CibaSession) can run against: a [`ProviderConfig`]
/// with a backchannel authentication endpoint and, unless ID tokens are optional or ignored, the
/// keys to check them.
///
/// Both are checked when it is built, so a CIBA flow cannot start without an endpoint to send its
/// first request to, nor wait for the user's approval and only then fail because the ID token
/// cannot be verified. Build it from explicit endpoints with [`new`](Self::new) (the Orange pages
/// document endpoints but no discovery), or from a discovered configuration with
/// [`from_discovered`](Self::from_discovered) (the driver's `discover_ciba` does both steps).
#[derive(Debug, Clone)]
pub struct CibaProvider {
    pub(crate) config: Arc<ProviderConfig>,
    pub(crate) backchannel_endpoint: Url,
}

impl CibaProvider {
    /// `config` with the backchannel authentication endpoint `backchannel_endpoint` (replacing any
    /// the discovery document announced).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidUrl`] for the endpoint; [`UsageError::MissingProviderValue`] when ID
    /// tokens are [`IdTokenPolicy::Required`](super::IdTokenPolicy::Required) and no JWKS is loaded.
    pub fn new(config: ProviderConfig, backchannel_endpoint: &str) -> Result<Self, Error> {
        let endpoint = endpoint_url("backchannel authentication endpoint", backchannel_endpoint)?;
        Self::checked(config, endpoint)
    }

    /// A discovered `config`, with the `backchannel_authentication_endpoint` its discovery
    /// document announced.
    ///
    /// # Errors
    ///
    /// [`UsageError::MissingProviderValue`] when the document announced no backchannel endpoint,
    /// or when ID tokens are [`IdTokenPolicy::Required`](super::IdTokenPolicy::Required) and no JWKS is loaded (fetch the
    /// `jwks_uri` first, as the driver's `discover` does).
    pub fn from_discovered(config: ProviderConfig) -> Result<Self, Error> {
        let endpoint = config
            .backchannel_endpoint
            .clone()
            .ok_or(UsageError::MissingProviderValue(
                "a backchannel authentication endpoint",
            ))?;
        Self::checked(config, endpoint)
    }

    fn checked(config: ProviderConfig, backchannel_endpoint: Url) -> Result<Self, Error> {
        if config.id_token_handling == IdTokenHandling::Required && config.jwks.is_none() {
            return Err(UsageError::MissingProviderValue(
                "the jwks to check the required id tokens (load it, or make id tokens optional)",
            )
            .into());
        }
        Ok(Self {
            config: Arc::new(config),
            backchannel_endpoint,
        })
    }

    /// The provider's configuration.
    pub fn config(&self) -> &Arc<ProviderConfig> {
        &self.config
    }

    /// The backchannel authentication endpoint.
    pub fn backchannel_endpoint(&self) -> &Url {
        &self.backchannel_endpoint
    }
}

impl TryFrom<ProviderConfig> for CibaProvider {
    type Error = Error;

    /// [`CibaProvider::from_discovered`].
    fn try_from(config: ProviderConfig) -> Result<Self, Error> {
        Self::from_discovered(config)
    }
}
