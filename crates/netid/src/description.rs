//! The description of one operator: its OpenID Provider, the application's client registration,
//! the purpose of the data processing, and one table per API naming a [profile]
//! with what this deployment changes (base URL, strictness, phone style, scopes).
//!
//! It deserialises (serde) from the TOML *operator file* the `netid` command line reads; an unknown
//! key is refused with a message listing every valid key:
//!
//! ```
//! use netid::description::OperatorDescription;
//! use netid_camara::Api;
//!
//! let description = OperatorDescription::from_toml_str(r#"
//!     client-id = "my-app"
//!     key = "keys/client.pem"
//!     purpose = "dpv:FraudPreventionAndDetection"
//!
//!     [sim-swap]
//!     profile = "orange-spain"      # endpoints, scopes and login-hint form come from the profile
//! "#)?;
//! let sim_swap = description.api(Api::SimSwap)?;
//! assert_eq!(sim_swap.profile().client().base_url(), "https://api.orange.com/camara/oes/sim-swap/v1");
//!
//! let typo = OperatorDescription::from_toml_str("clientid = \"my-app\"").unwrap_err();
//! assert!(typo.to_string().contains("unknown field `clientid`, expected one of `issuer`"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use netid_camara::{Api, PhoneStyle, Tolerance};
use netid_core::scope::{ApiScope, Purpose, Scope};
use serde::Deserialize;

use crate::profile::{self, ApiProfile, IdTokenRule, TokenFlow, UnknownProfile};

mod de;
mod file;
mod telco_finder;

pub use file::{EnvLookup, KeyText, process_env};
pub use telco_finder::{SearchMode, TelcoFinderSection};

/// The whole description of one operator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperatorDescription {
    /// The OpenID Provider (top-level keys `issuer`, `bc-authorize-url`, `token-url`, `jwks-url`,
    /// `authorization-url`, `id-token`).
    pub provider: ProviderDescription,
    /// The application's registration (`client-id`, `client-id-env`, `key`, `key-env`, `kid`, `alg`,
    /// `assertion-aud`).
    pub client: ClientDescription,
    /// Why the data is processed (`purpose`); `dpv:FraudPreventionAndDetection` when absent.
    ///
    /// The file's `purpose` must be one of [`Purpose::KNOWN`] (checked by [`Purpose::parse_known`],
    /// which suggests the `dpv:`-prefixed form when the prefix is missing); an operator-defined
    /// `dpv:` purpose is taken only with `custom-purpose = true` ([`Purpose::custom`]).
    pub purpose: Option<Purpose>,
    /// Optional CIBA request parameters (`binding-message`, `requested-expiry`).
    pub request: RequestDescription,
    /// A login hint and a scope for a bare token request (`login-hint`, `scope`): what
    /// `netid token` sends when its flags do not say.
    pub token: TokenRequestDescription,
    /// One table per API (`[kyc-match]`, `[sim-swap]`, `[number-verification]`).
    pub apis: BTreeMap<Api, ApiSection>,
    /// The Telco Finder that says which operator serves a number (`[telco-finder]`).
    pub telco_finder: Option<TelcoFinderSection>,
}

/// Where the operator's OpenID Provider is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderDescription {
    /// The issuer: endpoints and keys by discovery, unless endpoints are given.
    pub issuer: Option<String>,
    /// The CIBA backchannel authentication endpoint (instead of discovery).
    pub bc_authorize_url: Option<String>,
    /// The token endpoint (instead of discovery).
    pub token_url: Option<String>,
    /// The JWKS URL that validates ID tokens (with explicit endpoints).
    pub jwks_url: Option<String>,
    /// The authorization endpoint (authorization-code flow, with explicit endpoints).
    pub authorization_url: Option<String>,
    /// What token responses carry as ID token (`required`, `optional`, `insecure-ignore`).
    pub id_token: Option<IdTokenRule>,
}

impl ProviderDescription {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The application's registration with the operator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientDescription {
    /// The client id.
    pub client_id: Option<String>,
    /// The environment variable holding the client id.
    pub client_id_env: Option<String>,
    /// The private key's file (PEM or JWK), relative to the operator file.
    pub key: Option<PathBuf>,
    /// The environment variable holding the private key's PEM or JWK text.
    pub key_env: Option<String>,
    /// The `kid` of client assertions (a JWK's own `kid` otherwise).
    pub kid: Option<String>,
    /// The assertion algorithm, instead of the one the key implies.
    pub alg: Option<KeyAlgorithm>,
    /// The `aud` of client assertions.
    pub assertion_aud: Option<AssertionAud>,
}

/// Optional parameters of CIBA authentication requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestDescription {
    /// Text shown on the user's device.
    pub binding_message: Option<String>,
    /// Requested lifetime of the authentication request, in seconds.
    pub requested_expiry: Option<u64>,
}

/// A bare token request's subject and scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenRequestDescription {
    /// Who to authenticate (`tel:+…`, a bare MSISDN, `ipport:…`, `operatortoken:…`).
    pub login_hint: Option<String>,
    /// The scope, space-separated.
    pub scope: Option<String>,
}

/// The JWS algorithm of client assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    #[serde(rename = "RS256")]
    Rs256,
    /// RSASSA-PSS with SHA-256.
    #[serde(rename = "PS256")]
    Ps256,
    /// ECDSA P-256 with SHA-256.
    #[serde(rename = "ES256")]
    Es256,
}

/// The `aud` of client assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AssertionAud {
    /// The URL of the endpoint called (CAMARA's recommendation; the default).
    Endpoint,
    /// The token endpoint URL.
    TokenEndpoint,
    /// The issuer identifier.
    Issuer,
}

/// One API table: which profile, and what this deployment changes in it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct ApiSection {
    /// A profile name: an operator page's (`orange-france`, `orange-spain`, `masstack`,
    /// `masstack-staging`) or a plain spec version (`camara-2.1.0`).
    pub profile: String,
    /// Everything before the operation path (`https://operator.example/sim-swap/v2`); required for
    /// `camara-*` profiles, optional for an operator's (its documented production URL).
    pub base_url: Option<String>,
    /// Refuse every deviation from the spec (operator profiles tolerate their documented quirks).
    #[serde(default)]
    pub strict: bool,
    /// Write phone numbers without `+` in request bodies.
    #[serde(default)]
    pub phone_without_plus: bool,
    /// API scopes to request instead of the profile's (space-separated, without `openid` and the
    /// purpose).
    pub scope: Option<String>,
    /// The token flow instead of the profile's (`ciba`, `authorization-code`, `jwt-bearer`).
    pub flow: Option<TokenFlow>,
}

impl ApiSection {
    /// A table naming `profile` and changing nothing.
    #[must_use]
    pub fn new(profile: impl Into<String>) -> Self {
        Self {
            profile: profile.into(),
            base_url: None,
            strict: false,
            phone_without_plus: false,
            scope: None,
            flow: None,
        }
    }

    /// Sets the base URL.
    #[must_use]
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }
}

/// A description that cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DescriptionError {
    /// The text is not a valid description (TOML syntax, an unknown key, a wrong type).
    #[error("{0}")]
    Syntax(String),
    /// The description has no table for the API.
    #[error("the operator file has no [{api}] table")]
    NoApi {
        /// The API asked for.
        api: Api,
    },
    /// The table names no profile of its API.
    #[error("[{api}] profile: {source}", api = .source.api)]
    UnknownProfile {
        /// The profile lookup's error.
        #[from]
        source: UnknownProfile,
    },
    /// A `camara-*` profile has no documented URL and the table gave none.
    #[error("[{api}] base-url is required with profile {profile}")]
    BaseUrlRequired {
        /// The API.
        api: Api,
        /// The profile named.
        profile: String,
    },
    /// A key that names a secret in the environment names an unset variable.
    #[error("{key}: {variable} is not set")]
    UnsetVariable {
        /// The key (`client-id-env`, `key-env`).
        key: &'static str,
        /// The variable.
        variable: String,
    },
    /// A purpose or an API scope is not one OAuth scope token: it would change the scope requested
    /// (a space adds a token) or make it unparsable (`"`, `\\`, a control character).
    #[error("{key} is not one OAuth scope token (printable ASCII without space, `\"` or `\\`)")]
    ScopeToken {
        /// The key (`purpose`, `[sim-swap] scope`).
        key: String,
    },
    /// Two keys that exclude each other are both given.
    #[error("give {0} or {1}, not both")]
    Conflict(&'static str, &'static str),
    /// The operator file could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl OperatorDescription {
    /// Parses the TOML form.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::Syntax`], naming the line and the key (never the value of a secret);
    /// [`DescriptionError::ScopeToken`] for a `purpose` or an API table's `scope` that is not made
    /// of OAuth scope tokens.
    pub fn from_toml_str(text: &str) -> Result<Self, DescriptionError> {
        let description: Self =
            toml::from_str(text).map_err(|error| DescriptionError::Syntax(error.to_string()))?;
        if let Some(purpose) = &description.purpose
            && !is_scope_token(purpose.as_str())
        {
            return Err(DescriptionError::ScopeToken {
                key: "purpose".to_owned(),
            });
        }
        for (api, section) in &description.apis {
            if let Some(scope) = &section.scope
                && !scope.split_ascii_whitespace().all(is_scope_token)
            {
                return Err(DescriptionError::ScopeToken {
                    key: format!("[{api}] scope"),
                });
            }
        }
        Ok(description)
    }

    /// The purpose, `dpv:FraudPreventionAndDetection` when the description names none.
    #[must_use]
    pub fn purpose(&self) -> Purpose {
        self.purpose
            .clone()
            .unwrap_or(Purpose::FraudPreventionAndDetection)
    }

    /// Adds or replaces the table of `api`.
    #[must_use]
    pub fn with_api(mut self, api: Api, section: ApiSection) -> Self {
        self.apis.insert(api, section);
        self
    }

    /// The profile `api`'s table names, with the table's changes applied.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::NoApi`], [`DescriptionError::UnknownProfile`],
    /// [`DescriptionError::BaseUrlRequired`].
    pub fn api(&self, api: Api) -> Result<ResolvedApi, DescriptionError> {
        let section = self.apis.get(&api).ok_or(DescriptionError::NoApi { api })?;
        let profile = profile::find(api, &section.profile)?;
        let mut client = profile.client().clone();
        match &section.base_url {
            Some(url) => client = client.with_base_url(url.clone()),
            None if !profile.has_base_url() => {
                return Err(DescriptionError::BaseUrlRequired {
                    api,
                    profile: section.profile.clone(),
                });
            }
            None => {}
        }
        if section.strict {
            client = client.with_tolerance(Tolerance::strict());
        }
        if section.phone_without_plus {
            client = client.with_phone_style(PhoneStyle::Digits);
        }
        let scope_override = section.scope.as_ref().map(|scope| {
            scope
                .split_ascii_whitespace()
                .map(|name| name.parse().unwrap_or_else(|_| ApiScope::Other(name.to_owned())))
                .collect()
        });
        let mut profile = profile.with_client(client);
        if let Some(flow) = section.flow {
            profile = profile.with_flow(flow);
        }
        Ok(ResolvedApi {
            profile,
            scope_override,
        })
    }
}

/// Whether `text` is exactly one scope token of RFC 6749 §3.3, as the scope parser reads it.
fn is_scope_token(text: &str) -> bool {
    text.parse::<Scope>().is_ok_and(|scope| scope.iter().eq([text]))
}

/// An API of a description: its profile with the table's changes, and the scopes the table
/// requests instead of the profile's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedApi {
    profile: ApiProfile,
    scope_override: Option<Vec<ApiScope>>,
}

impl ResolvedApi {
    /// The profile, base URL, strictness and phone style applied.
    #[must_use]
    pub fn profile(&self) -> &ApiProfile {
        &self.profile
    }

    /// The API scopes of `operation`: the table's `scope` when given, the profile's otherwise.
    #[must_use]
    pub fn scopes(&self, operation: crate::Operation) -> Vec<ApiScope> {
        match &self.scope_override {
            Some(scopes) => scopes.clone(),
            None => self.profile.scopes(operation).to_vec(),
        }
    }

    /// The full scope of `operation` for `purpose`, written the operator's way.
    #[must_use]
    pub fn scope(&self, operation: crate::Operation, purpose: &Purpose) -> Scope {
        self.profile.scope_style().scope(purpose, &self.scopes(operation))
    }
}

#[cfg(test)]
mod tests;
