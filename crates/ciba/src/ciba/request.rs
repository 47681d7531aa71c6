//! Building the requests a [`CibaSession`] sends: the backchannel authentication request and the
//! token polls, with the per-request entropy their `jti`s come from.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_core::login_hint::LoginHint;
use netid_core::ports::SecureRandom;
use netid_core::scope::Scope;
use serde::Serialize;

use super::{CIBA_GRANT_TYPE, CibaSession, Pending};
use crate::error::{EnvironmentError, Error, UsageError};
use crate::jose::{self, Jti};
use crate::wire;

/// A backchannel authentication request ([CIBA §7.1]).
///
/// [CIBA §7.1]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.1
#[derive(Clone)]
pub struct BackchannelRequest {
    scope: Scope,
    login_hint: LoginHint,
    binding_message: Option<String>,
    requested_expiry: Option<u64>,
    acr_values: Vec<String>,
    signed: bool,
}

impl fmt::Debug for BackchannelRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            scope,
            login_hint,
            binding_message,
            requested_expiry,
            acr_values,
            signed,
        } = self;
        f.debug_struct("BackchannelRequest")
            .field("scope", &scope.to_string())
            .field("login_hint", login_hint)
            .field("binding_message", &binding_message.as_ref().map(|_| "[redacted]"))
            .field("requested_expiry", requested_expiry)
            .field("acr_values", acr_values)
            .field("signed", signed)
            .finish()
    }
}

impl BackchannelRequest {
    /// A request for `scope` (from the core scope builder) about the subscriber named by `login_hint`.
    pub fn new(scope: Scope, login_hint: LoginHint) -> Self {
        Self {
            scope,
            login_hint,
            binding_message: None,
            requested_expiry: None,
            acr_values: Vec::new(),
            signed: false,
        }
    }

    /// Sets the `binding_message` shown on the user's device (CAMARA says operators may ignore it).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidParameter`] for an empty message or one over 256 characters.
    pub fn with_binding_message(mut self, message: impl Into<String>) -> Result<Self, Error> {
        let message = message.into();
        if message.is_empty() || message.chars().count() > 256 {
            return Err(UsageError::InvalidParameter {
                name: "binding_message",
                reason: "must be 1 to 256 characters".to_owned(),
            }
            .into());
        }
        self.binding_message = Some(message);
        Ok(self)
    }

    /// Sets `requested_expiry` (whole seconds, at least 1).
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidParameter`] for less than a second.
    pub fn with_requested_expiry(mut self, expiry: Duration) -> Result<Self, Error> {
        if expiry.as_secs() == 0 {
            return Err(UsageError::InvalidParameter {
                name: "requested_expiry",
                reason: "must be at least one second".to_owned(),
            }
            .into());
        }
        self.requested_expiry = Some(expiry.as_secs());
        Ok(self)
    }

    /// Sets `acr_values` (in order of preference).
    ///
    /// Not for CAMARA operators: [CAMARA Security and Interoperability] says clients SHOULD NOT
    /// send `acr_values` and providers MUST ignore them. It is here for OpenID Providers outside
    /// that profile; by default none are sent.
    ///
    /// [CAMARA Security and Interoperability]: https://github.com/camaraproject/IdentityAndConsentManagement/blob/main/documentation/CAMARA-Security-Interoperability.md#handling-of-acr_values
    #[must_use]
    pub fn with_acr_values(mut self, values: Vec<String>) -> Self {
        self.acr_values = values;
        self
    }

    /// Sends the parameters as a signed request object (`request` JWT, [CIBA §7.1.1]), as CAMARA
    /// recommends; the client's signer signs it.
    ///
    /// Its claims are `iss` (the client id), `aud` (the provider's issuer identifier, as §7.1.1
    /// requires, independent of the [`AssertionAudience`](crate::client::AssertionAudience) of
    /// client assertions), `iat`, `nbf`, `exp` (the client's assertion lifetime later) and a fresh
    /// `jti`, then the request parameters.
    ///
    /// [CIBA §7.1.1]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.7.1.1
    #[must_use]
    pub fn signed(mut self) -> Self {
        self.signed = true;
        self
    }

    /// The scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The login hint.
    pub fn login_hint(&self) -> &LoginHint {
        &self.login_hint
    }
}

/// The randomness one request needs: the client assertion's `jti` and, for signed requests, the
/// request object's `jti`. Sessions never draw randomness; callers pass a fresh value per request.
#[derive(Clone)]
pub struct RequestEntropy([u8; 32]);

impl RequestEntropy {
    /// Entropy from 32 caller-drawn random bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Draws fresh entropy.
    ///
    /// # Errors
    ///
    /// [`EnvironmentError::Random`] when the source fails.
    pub fn generate(random: &dyn SecureRandom) -> Result<Self, Error> {
        let mut bytes = [0_u8; 32];
        random.fill(&mut bytes).map_err(|_| EnvironmentError::Random)?;
        Ok(Self(bytes))
    }

    pub(crate) fn assertion_jti(&self) -> Jti {
        let mut half = [0_u8; 16];
        half.copy_from_slice(&self.0[..16]);
        Jti::from_bytes(half)
    }

    pub(crate) fn second_jti(&self) -> Jti {
        let mut half = [0_u8; 16];
        half.copy_from_slice(&self.0[16..]);
        Jti::from_bytes(half)
    }
}

impl fmt::Debug for RequestEntropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestEntropy([redacted])")
    }
}

/// The claims of a signed CIBA request object.
#[derive(Serialize)]
struct RequestObject<'a> {
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
    jti: &'a str,
    scope: String,
    login_hint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    binding_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requested_expiry: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acr_values: Option<String>,
}

impl CibaSession {
    pub(super) fn backchannel_request(
        &self,
        now: SystemTime,
        entropy: &RequestEntropy,
    ) -> Result<http::Request<Bytes>, Error> {
        let endpoint = &self.provider.backchannel_endpoint;
        let provider = &*self.provider.config;
        // What discovery announced binds; an explicitly configured provider announces nothing.
        provider.check_ciba(self.request.signed.then(|| self.client.signer.algorithm()))?;
        let assertion = self
            .client
            .client_assertion(provider, endpoint, now, &entropy.assertion_jti())?;
        let request = &self.request;
        let scope = request.scope.to_string();
        let login_hint = request.login_hint.expose_value();
        let requested_expiry = request.requested_expiry.map(|expiry| expiry.to_string());
        let acr_values = (!request.acr_values.is_empty()).then(|| request.acr_values.join(" "));
        let mut params: Vec<(&str, &str)> = Vec::with_capacity(8);
        let request_object;
        if request.signed {
            let iat = jose::unix_seconds(now)?;
            let jti = entropy.second_jti();
            let claims = RequestObject {
                iss: &self.client.client_id,
                // CIBA Core §7.1.1: "The Audience Claim MUST contain the value of the Issuer
                // Identifier for the OP" — whatever `aud` the client assertions use.
                aud: &provider.issuer,
                iat,
                nbf: iat,
                exp: iat.saturating_add(self.client.assertion_lifetime.as_secs()),
                jti: jti.as_str(),
                scope: scope.clone(),
                login_hint: login_hint.clone(),
                binding_message: request.binding_message.as_deref(),
                requested_expiry: request.requested_expiry,
                acr_values: acr_values.clone(),
            };
            request_object = jose::sign_jwt(self.client.signer.as_ref(), "oauth-authz-req+jwt", &claims)?;
            params.push(("request", &request_object));
        } else {
            params.push(("scope", &scope));
            params.push(("login_hint", &login_hint));
            if let Some(message) = &request.binding_message {
                params.push(("binding_message", message));
            }
            if let Some(expiry) = &requested_expiry {
                params.push(("requested_expiry", expiry));
            }
            if let Some(acr) = &acr_values {
                params.push(("acr_values", acr));
            }
        }
        params.extend(assertion.form_params());
        wire::form_post(endpoint.as_str(), &params)
    }

    pub(super) fn token_request(
        &self,
        now: SystemTime,
        entropy: &RequestEntropy,
        pending: &Pending,
    ) -> Result<http::Request<Bytes>, Error> {
        let provider = &*self.provider.config;
        let endpoint = &provider.token_endpoint;
        let assertion = self
            .client
            .client_assertion(provider, endpoint, now, &entropy.assertion_jti())?;
        let mut params = vec![
            ("grant_type", CIBA_GRANT_TYPE),
            ("auth_req_id", pending.auth_req_id.expose_secret()),
        ];
        params.extend(assertion.form_params());
        wire::form_post(endpoint.as_str(), &params)
    }
}
