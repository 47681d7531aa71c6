//! What the client knows about the OpenID Provider: endpoints, keys and the operator profile.
//!
//! Built either explicitly (the Orange pages document endpoints but no discovery document) or from
//! an [OpenID Connect Discovery] document with the [CIBA metadata] (`backchannel_*`), decoded into
//! our own [`DiscoveryDocument`] (not `openidconnect`'s, which brings a second crypto stack).
//! Fetching is the caller's (or the driver's) business: this
//! module only builds the `GET` requests and decodes the answers.
//!
//! [OpenID Connect Discovery]: https://openid.net/specs/openid-connect-discovery-1_0.html
//! [CIBA metadata]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.4

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use url::Url;

use crate::error::{Error, UsageError};
use crate::jose::SigningAlgorithm;
use crate::wire;

mod ciba;
mod discovery;
mod id_token;
pub(crate) mod jwks;

pub use ciba::CibaProvider;
pub use discovery::{CibaProviderMetadata, DiscoveryDocument};
pub(crate) use id_token::IdTokenHandling;
pub use id_token::IdTokenPolicy;
pub use jwks::Jwks;

/// Endpoints, keys and profile of one OpenID Provider.
#[derive(Clone)]
pub struct ProviderConfig {
    pub(crate) issuer: String,
    pub(crate) token_endpoint: Url,
    pub(crate) backchannel_endpoint: Option<Url>,
    pub(crate) authorization_endpoint: Option<Url>,
    pub(crate) jwks_uri: Option<Url>,
    pub(crate) jwks: Option<Jwks>,
    pub(crate) id_token_handling: IdTokenHandling,
    pub(crate) id_token_algorithms: Vec<SigningAlgorithm>,
    pub(crate) clock_skew: Duration,
    pub(crate) delivery_modes: Option<Vec<String>>,
    pub(crate) token_auth_signing_algs: Option<Vec<String>>,
    pub(crate) request_signing_algs: Option<Vec<String>>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            issuer,
            token_endpoint,
            backchannel_endpoint,
            authorization_endpoint,
            jwks_uri,
            jwks,
            id_token_handling,
            id_token_algorithms,
            clock_skew,
            delivery_modes,
            token_auth_signing_algs,
            request_signing_algs,
        } = self;
        f.debug_struct("ProviderConfig")
            .field("issuer", issuer)
            .field("token_endpoint", &token_endpoint.as_str())
            .field(
                "backchannel_endpoint",
                &backchannel_endpoint.as_ref().map(Url::as_str),
            )
            .field(
                "authorization_endpoint",
                &authorization_endpoint.as_ref().map(Url::as_str),
            )
            .field("jwks_uri", &jwks_uri.as_ref().map(Url::as_str))
            .field("jwks_keys", &jwks.as_ref().map(Jwks::len))
            .field("id_token_handling", id_token_handling)
            .field("id_token_algorithms", id_token_algorithms)
            .field("clock_skew", clock_skew)
            .field("delivery_modes", delivery_modes)
            .field("token_auth_signing_algs", token_auth_signing_algs)
            .field("request_signing_algs", request_signing_algs)
            .finish()
    }
}

/// Parses an endpoint URL: absolute, `https`, or `http` on a loopback host (tests, sandboxes).
pub(crate) fn endpoint_url(what: &'static str, text: &str) -> Result<Url, Error> {
    let url = Url::parse(text).map_err(|err| UsageError::InvalidUrl {
        what,
        reason: err.to_string(),
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(addr)) => addr.is_loopback(),
        Some(url::Host::Ipv6(addr)) => addr.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(UsageError::InvalidUrl {
                what,
                reason: "must be https (http only on a loopback host)".to_owned(),
            }
            .into());
        }
    }
    if url.fragment().is_some() {
        return Err(UsageError::InvalidUrl {
            what,
            reason: "must not carry a fragment".to_owned(),
        }
        .into());
    }
    Ok(url)
}

impl ProviderConfig {
    /// An explicitly configured provider: its issuer identifier and token endpoint.
    ///
    /// Add the authorization endpoint for the code flow and the JWKS (or its URI, then fetch it)
    /// to validate ID tokens; wrap it in a [`CibaProvider`] with the backchannel endpoint for CIBA.
    /// Defaults: ID token required, algorithms RS256, PS256 and ES256, 60 s clock skew.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidUrl`] for a URL that is not `https` (or loopback `http`).
    pub fn new(issuer: &str, token_endpoint: &str) -> Result<Self, Error> {
        endpoint_url("issuer", issuer)?;
        Ok(Self {
            issuer: issuer.to_owned(),
            token_endpoint: endpoint_url("token endpoint", token_endpoint)?,
            backchannel_endpoint: None,
            authorization_endpoint: None,
            jwks_uri: None,
            jwks: None,
            id_token_handling: IdTokenHandling::Required,
            id_token_algorithms: vec![
                SigningAlgorithm::Rs256,
                SigningAlgorithm::Ps256,
                SigningAlgorithm::Es256,
            ],
            clock_skew: Duration::from_secs(60),
            delivery_modes: None,
            token_auth_signing_algs: None,
            request_signing_algs: None,
        })
    }

    /// Sets the authorization endpoint (authorization-code flow).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidUrl`].
    pub fn with_authorization_endpoint(mut self, url: &str) -> Result<Self, Error> {
        self.authorization_endpoint = Some(endpoint_url("authorization endpoint", url)?);
        Ok(self)
    }

    /// Sets the JWKS URI (fetched by the driver when no JWKS is set).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidUrl`].
    pub fn with_jwks_uri(mut self, url: &str) -> Result<Self, Error> {
        self.jwks_uri = Some(endpoint_url("jwks uri", url)?);
        Ok(self)
    }

    /// Sets the provider's signing keys.
    #[must_use]
    pub fn with_jwks(mut self, jwks: Jwks) -> Self {
        self.jwks = Some(jwks);
        self
    }

    /// Sets whether token responses must carry an ID token (both policies check one that does);
    /// undoes [`insecure_ignore_id_token`](Self::insecure_ignore_id_token).
    #[must_use]
    pub fn with_id_token_policy(mut self, policy: IdTokenPolicy) -> Self {
        self.id_token_handling = policy.into();
        self
    }

    /// **Insecure**: any `id_token` of a CIBA, refresh or JWT-bearer answer is dropped unread and
    /// [`crate::tokens::TokenSet::id_token`] stays `None`.
    ///
    /// Only for an operator whose token responses carry a value that is not a JWT, as the Orange
    /// France KYC Match page (operator doc 000) shows in its sample (`"id_token": "OFR_28Fp..."`).
    /// The authorization-code flow ignores this and always requires and checks an ID token, since
    /// its `nonce` check depends on one.
    ///
    /// # Security
    ///
    /// The client then learns nothing verified about who authenticated; the access token is
    /// trusted on the strength of the TLS connection to the token endpoint alone. The default
    /// stays [`IdTokenPolicy::Required`].
    #[must_use]
    pub fn insecure_ignore_id_token(mut self) -> Self {
        self.id_token_handling = IdTokenHandling::InsecureIgnore;
        self
    }

    /// Sets the ID-token signature algorithms accepted (an allow-list; `none` and HMAC are never
    /// accepted since the crate only names asymmetric algorithms).
    #[must_use]
    pub fn with_id_token_algorithms(mut self, algorithms: Vec<SigningAlgorithm>) -> Self {
        self.id_token_algorithms = algorithms;
        self
    }

    /// Sets the clock skew tolerated on `exp`/`iat` of ID tokens and on access-token expiry.
    #[must_use]
    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// The issuer identifier.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The token endpoint.
    pub fn token_endpoint(&self) -> &Url {
        &self.token_endpoint
    }

    /// The backchannel authentication endpoint its discovery document announced, if any.
    pub fn backchannel_endpoint(&self) -> Option<&Url> {
        self.backchannel_endpoint.as_ref()
    }

    /// The authorization endpoint, if known.
    pub fn authorization_endpoint(&self) -> Option<&Url> {
        self.authorization_endpoint.as_ref()
    }

    /// The JWKS URI, if known.
    pub fn jwks_uri(&self) -> Option<&Url> {
        self.jwks_uri.as_ref()
    }

    /// Whether signing keys are loaded.
    pub fn has_jwks(&self) -> bool {
        self.jwks.is_some()
    }

    /// The ID-token policy; `None` after [`insecure_ignore_id_token`](Self::insecure_ignore_id_token).
    pub fn id_token_policy(&self) -> Option<IdTokenPolicy> {
        match self.id_token_handling {
            IdTokenHandling::Required => Some(IdTokenPolicy::Required),
            IdTokenHandling::Optional => Some(IdTokenPolicy::Optional),
            IdTokenHandling::InsecureIgnore => None,
        }
    }

    /// The token delivery modes the discovery document announced, if any.
    pub fn delivery_modes(&self) -> Option<&[String]> {
        self.delivery_modes.as_deref()
    }

    /// The client-assertion algorithms the discovery document announced
    /// (`token_endpoint_auth_signing_alg_values_supported`), if any.
    pub fn token_auth_signing_algs(&self) -> Option<&[String]> {
        self.token_auth_signing_algs.as_deref()
    }

    /// The CIBA request-object algorithms the discovery document announced
    /// (`backchannel_authentication_request_signing_alg_values_supported`), if any.
    pub fn request_signing_algs(&self) -> Option<&[String]> {
        self.request_signing_algs.as_deref()
    }

    /// The ID-token algorithms accepted (the allow-list, narrowed by discovery to the announced ones).
    pub fn id_token_algorithms(&self) -> &[SigningAlgorithm] {
        &self.id_token_algorithms
    }

    /// Whether the provider accepts client assertions signed with `algorithm` (true when it
    /// announced nothing).
    pub fn accepts_client_algorithm(&self, algorithm: SigningAlgorithm) -> bool {
        self.token_auth_signing_algs
            .as_ref()
            .is_none_or(|algs| algs.iter().any(|alg| alg == algorithm.as_str()))
    }

    /// Whether the provider accepts CIBA request objects signed with `algorithm` (true when it
    /// announced nothing).
    pub fn accepts_request_algorithm(&self, algorithm: SigningAlgorithm) -> bool {
        self.request_signing_algs
            .as_ref()
            .is_none_or(|algs| algs.iter().any(|alg| alg == algorithm.as_str()))
    }

    /// Refuses a client-assertion algorithm the discovery document rules out.
    ///
    /// Unknown metadata is permissive: an explicitly configured provider (the Orange pages
    /// document no discovery) or a document without the field accepts every algorithm, and the
    /// provider itself has the last word.
    pub(crate) fn check_client_algorithm(&self, algorithm: SigningAlgorithm) -> Result<(), Error> {
        if self.accepts_client_algorithm(algorithm) {
            Ok(())
        } else {
            Err(UsageError::UnsupportedByProvider {
                what: "token_endpoint_auth_signing_alg_values_supported",
                value: algorithm.as_str().to_owned(),
            }
            .into())
        }
    }

    /// Refuses a CIBA flow the discovery document rules out: no poll mode, or (for a signed
    /// request) a request-object algorithm it does not list. Unknown metadata is permissive, as in
    /// [`ProviderConfig::check_client_algorithm`].
    pub(crate) fn check_ciba(&self, request_algorithm: Option<SigningAlgorithm>) -> Result<(), Error> {
        if !self.supports_poll_mode() {
            return Err(UsageError::UnsupportedByProvider {
                what: "backchannel_token_delivery_modes_supported",
                value: "poll".to_owned(),
            }
            .into());
        }
        match request_algorithm {
            Some(algorithm) if !self.accepts_request_algorithm(algorithm) => {
                Err(UsageError::UnsupportedByProvider {
                    what: "backchannel_authentication_request_signing_alg_values_supported",
                    value: algorithm.as_str().to_owned(),
                }
                .into())
            }
            _ => Ok(()),
        }
    }

    /// The `GET` of the JWKS URI.
    ///
    /// # Errors
    ///
    /// [`UsageError::MissingProviderValue`] when no JWKS URI is configured.
    pub fn jwks_request(&self) -> Result<http::Request<Bytes>, Error> {
        let uri = self
            .jwks_uri
            .as_ref()
            .ok_or(UsageError::MissingProviderValue("a jwks_uri"))?;
        wire::get_json(uri.as_str())
    }

    /// Whether the provider announced CIBA poll mode (true when it announced nothing).
    pub fn supports_poll_mode(&self) -> bool {
        self.delivery_modes
            .as_ref()
            .is_none_or(|modes| modes.iter().any(|mode| mode == "poll"))
    }
}
