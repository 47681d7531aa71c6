//! One-shot token requests as sans-I/O sessions: the authorization-code exchange, the refresh
//! grant, and the JWT-bearer grant ([RFC 7523 §2.1]) with CAMARA's `tel:`/`operatortoken:` subject.
//!
//! [RFC 7523 §2.1]: https://www.rfc-editor.org/rfc/rfc7523#section-2.1

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use netid_core::login_hint::LoginHint;
use netid_core::scope::Scope;
use netid_core::secret::Secret;
use netid_core::token::RefreshToken;

use crate::ciba::RequestEntropy;
use crate::client::ClientConfig;
use crate::error::{Error, FlowError, UsageError};
use crate::jose::{self, AssertionClaims};
use crate::provider::{IdTokenHandling, ProviderConfig};
use crate::tokens::{self, IdTokenContext, TokenSet};
use crate::wire::{self, Answer, RawTokenResponse};

/// The JWT-bearer grant type.
pub const JWT_BEARER_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Which grant a [`TokenRequestSession`] sends.
#[derive(Clone)]
enum Grant {
    AuthorizationCode {
        code: Secret<String>,
        redirect_uri: String,
        code_verifier: Secret<String>,
        nonce: Secret<String>,
    },
    Refresh {
        refresh_token: RefreshToken,
        scope: Option<String>,
    },
    JwtBearer {
        subject: LoginHint,
        scope: Scope,
    },
    ClientCredentials {
        scope: Scope,
    },
}

impl Grant {
    fn name(&self) -> &'static str {
        match self {
            Self::AuthorizationCode { .. } => "authorization_code",
            Self::Refresh { .. } => "refresh_token",
            Self::JwtBearer { .. } => "jwt-bearer",
            Self::ClientCredentials { .. } => "client_credentials",
        }
    }
}

enum State {
    Start,
    Sent,
    Succeeded(Option<Box<TokenSet>>),
    Failed(Error),
}

/// A single token-endpoint exchange: build one request, decode one answer.
///
/// Calling order and error contract as [`crate::ciba::CibaSession`]: `poll_request`, send,
/// `handle_response` (or `handle_transport_error`), then `poll_outcome`. Nothing is retried: a
/// code, a refresh token and a JWT-bearer assertion may each be single-use.
pub struct TokenRequestSession {
    client: Arc<ClientConfig>,
    provider: Arc<ProviderConfig>,
    grant: Grant,
    state: State,
}

impl fmt::Debug for TokenRequestSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Start => "start",
            State::Sent => "sent",
            State::Succeeded(_) => "succeeded",
            State::Failed(_) => "failed",
        };
        f.debug_struct("TokenRequestSession")
            .field("grant", &self.grant.name())
            .field("client_id", &self.client.client_id)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl TokenRequestSession {
    pub(crate) fn authorization_code(
        client: Arc<ClientConfig>,
        provider: Arc<ProviderConfig>,
        code: Secret<String>,
        redirect_uri: String,
        code_verifier: Secret<String>,
        nonce: Secret<String>,
    ) -> Self {
        Self::new(
            client,
            provider,
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
                nonce,
            },
        )
    }

    /// A refresh-token grant ([RFC 6749 §6]); `scope` narrows the grant when given.
    ///
    /// [RFC 6749 §6]: https://www.rfc-editor.org/rfc/rfc6749#section-6
    pub fn refresh(
        client: Arc<ClientConfig>,
        provider: Arc<ProviderConfig>,
        refresh_token: RefreshToken,
        scope: Option<&Scope>,
    ) -> Self {
        Self::new(
            client,
            provider,
            Grant::Refresh {
                refresh_token,
                scope: scope.map(ToString::to_string),
            },
        )
    }

    /// A JWT-bearer grant for `subject` (CAMARA: `tel:` or `operatortoken:`), with the purpose and
    /// API scopes in the assertion's `scope` claim and no `scope` parameter (CAMARA Security and
    /// Interoperability, "JWT Bearer Flow"). The assertion is signed with the client's key, its
    /// `aud` is the token endpoint, and it doubles as client authentication.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidParameter`] for a subject that is neither `tel:` nor `operatortoken:`.
    pub fn jwt_bearer(
        client: Arc<ClientConfig>,
        provider: Arc<ProviderConfig>,
        subject: LoginHint,
        scope: Scope,
    ) -> Result<Self, Error> {
        if !matches!(subject, LoginHint::Tel(_) | LoginHint::OperatorToken(_)) {
            return Err(UsageError::InvalidParameter {
                name: "subject",
                reason: "the JWT-bearer subject must be a tel: number or an operatortoken:".to_owned(),
            }
            .into());
        }
        Ok(Self::new(client, provider, Grant::JwtBearer { subject, scope }))
    }

    /// A client-credentials grant ([RFC 6749 §4.4]) authenticated with the client's
    /// `private_key_jwt` assertion: a two-legged token naming no subscriber, as the GSMA Telco
    /// Finder and Telco Routing APIs take (scope `telcofinder`).
    ///
    /// [RFC 6749 §4.4]: https://www.rfc-editor.org/rfc/rfc6749#section-4.4
    #[must_use]
    pub fn client_credentials(
        client: Arc<ClientConfig>,
        provider: Arc<ProviderConfig>,
        scope: Scope,
    ) -> Self {
        Self::new(client, provider, Grant::ClientCredentials { scope })
    }

    fn new(client: Arc<ClientConfig>, provider: Arc<ProviderConfig>, grant: Grant) -> Self {
        Self {
            client,
            provider,
            grant,
            state: State::Start,
        }
    }

    fn fail(&mut self, error: Error) -> Error {
        self.state = State::Failed(error.clone());
        error
    }

    /// The token request, the first time it is called.
    ///
    /// # Errors
    ///
    /// [`UsageError::UnsupportedByProvider`] when the discovery document lists
    /// `token_endpoint_auth_signing_alg_values_supported` without the client's algorithm (unknown
    /// metadata restricts nothing); signer or clock failures; any earlier error.
    pub fn poll_request(
        &mut self,
        now: SystemTime,
        entropy: RequestEntropy,
    ) -> Result<Option<http::Request<Bytes>>, Error> {
        match &self.state {
            State::Start => {
                let request = self.build(now, &entropy).map_err(|err| self.fail(err))?;
                self.state = State::Sent;
                Ok(Some(request))
            }
            State::Failed(error) => Err(error.clone()),
            State::Sent | State::Succeeded(_) => Ok(None),
        }
    }

    fn build(&self, now: SystemTime, entropy: &RequestEntropy) -> Result<http::Request<Bytes>, Error> {
        let endpoint = &self.provider.token_endpoint;
        let jti = entropy.assertion_jti();
        match &self.grant {
            Grant::JwtBearer { subject, scope } => {
                // The assertion doubles as client authentication: same algorithm rule.
                self.provider
                    .check_client_algorithm(self.client.signer.algorithm())?;
                let iat = jose::unix_seconds(now)?;
                let claims = AssertionClaims {
                    iss: self.client.client_id.clone(),
                    sub: subject.expose_value(),
                    aud: endpoint.as_str().to_owned(),
                    jti: jti.as_str().to_owned(),
                    iat,
                    exp: iat.saturating_add(self.client.assertion_lifetime.as_secs()),
                    scope: Some(scope.to_string()),
                };
                let assertion = jose::sign_jwt(self.client.signer.as_ref(), "JWT", &claims)?;
                wire::form_post(
                    endpoint.as_str(),
                    &[("grant_type", JWT_BEARER_GRANT_TYPE), ("assertion", &assertion)],
                )
            }
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
                ..
            } => {
                let assertion = self
                    .client
                    .client_assertion(&self.provider, endpoint, now, &jti)?;
                let mut params = vec![
                    ("grant_type", "authorization_code"),
                    ("code", code.expose_secret().as_str()),
                    ("redirect_uri", redirect_uri.as_str()),
                    ("code_verifier", code_verifier.expose_secret().as_str()),
                ];
                params.extend(assertion.form_params());
                wire::form_post(endpoint.as_str(), &params)
            }
            Grant::ClientCredentials { scope } => {
                let assertion = self
                    .client
                    .client_assertion(&self.provider, endpoint, now, &jti)?;
                let scope = scope.to_string();
                let mut params = vec![("grant_type", "client_credentials")];
                if !scope.is_empty() {
                    params.push(("scope", scope.as_str()));
                }
                params.extend(assertion.form_params());
                wire::form_post(endpoint.as_str(), &params)
            }
            Grant::Refresh { refresh_token, scope } => {
                let assertion = self
                    .client
                    .client_assertion(&self.provider, endpoint, now, &jti)?;
                let mut params = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token.expose_secret()),
                ];
                if let Some(scope) = scope {
                    params.push(("scope", scope));
                }
                params.extend(assertion.form_params());
                wire::form_post(endpoint.as_str(), &params)
            }
        }
    }

    /// Hands over the token endpoint's answer, received at `now`.
    ///
    /// # Errors
    ///
    /// The OAuth error, an undecodable body, an invalid ID token; [`UsageError::SessionState`]
    /// without a request in flight (after success, without discarding the tokens).
    pub fn handle_response(&mut self, now: SystemTime, response: http::Response<Bytes>) -> Result<(), Error> {
        match &self.state {
            State::Sent => {}
            State::Failed(error) => return Err(error.clone()),
            // A stray answer after success does not discard the tokens.
            State::Succeeded(_) => {
                return Err(UsageError::SessionState("handle_response without a request in flight").into());
            }
            State::Start => {
                return Err(
                    self.fail(UsageError::SessionState("handle_response without a request in flight").into())
                );
            }
        }
        let answer =
            wire::classify::<RawTokenResponse>("token response", &response).map_err(|err| self.fail(err))?;
        let status = response.status().as_u16();
        match answer {
            Answer::Success(raw) => {
                let context = match &self.grant {
                    // The nonce is checked only inside an ID token: the code flow always needs
                    // one, whatever the provider's profile says.
                    Grant::AuthorizationCode { nonce, .. } => IdTokenContext {
                        policy: IdTokenHandling::Required,
                        nonce: Some(nonce),
                        auth_req_id: None,
                    },
                    // Refresh and JWT-bearer answers need not carry an ID token (OIDC §12.2).
                    _ => IdTokenContext {
                        policy: match self.provider.id_token_handling {
                            IdTokenHandling::InsecureIgnore => IdTokenHandling::InsecureIgnore,
                            _ => IdTokenHandling::Optional,
                        },
                        nonce: None,
                        auth_req_id: None,
                    },
                };
                match tokens::token_set(
                    raw,
                    status,
                    response.body(),
                    &self.provider,
                    &self.client.client_id,
                    now,
                    context,
                ) {
                    Ok(set) => {
                        self.state = State::Succeeded(Some(Box::new(set)));
                        Ok(())
                    }
                    Err(err) => Err(self.fail(err)),
                }
            }
            Answer::OAuth(error)
            | Answer::Transient {
                error: Some(error), ..
            } => Err(self.fail(error.into())),
            Answer::Transient { status, error: None } => Err(self.fail(
                FlowError::UnexpectedStatus {
                    status,
                    endpoint: "token",
                }
                .into(),
            )),
        }
    }

    /// Reports that the request got no complete answer; final (nothing is retried).
    ///
    /// # Errors
    ///
    /// Always: the transport failure, or the earlier error.
    pub fn handle_transport_error(&mut self, failure: crate::error::TransportFailure) -> Result<(), Error> {
        match &self.state {
            State::Failed(error) => Err(error.clone()),
            State::Succeeded(_) => {
                Err(UsageError::SessionState("handle_transport_error without a request in flight").into())
            }
            _ => Err(self.fail(failure.into())),
        }
    }

    /// The outcome, once there is one (tokens are handed out once).
    pub fn poll_outcome(&mut self) -> Option<Result<TokenSet, Error>> {
        match &mut self.state {
            State::Succeeded(tokens) => tokens.take().map(|tokens| Ok(*tokens)),
            State::Failed(error) => Some(Err(error.clone())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
