//! The sandbox configuration document: what `netid sandbox serve --config sandbox.toml` reads, and
//! what a test or an application hands to [`SandboxConfig::from_toml_str`] or
//! [`ServerConfig::from_toml_str`].
//!
//! ```toml
//! port = 8080                                   # on 127.0.0.1; absent or 0 picks a free port
//! demo-client = true                            # register netid-demo-client (default true)
//! network-subscriber = "+33699901040"           # who the simulated mobile network sees
//! issuer = "http://127.0.0.1:8080"              # announced issuer (default http://<bound address>)
//! signing-key-file = "keys/op.pem"              # ES256 key of ID tokens (default: generated)
//! subscribers-file = "subscribers.toml"         # or inline [[subscribers]] tables
//!
//! [ciba]
//! interval-secs = 1                             # `interval` of bc-authorize answers
//! expires-in-secs = 120                         # `expires_in`
//! approve-after-secs = 1                        # replaces every subscriber's scripted delay
//! slow-down-on-early-poll = true                # a poll before `interval` earns `slow_down`
//!
//! [tokens]
//! access-token-lifetime-secs = 3600
//! access-token-format = "opaque"                # or "jwt"
//!
//! [[clients]]
//! client-id = "my-backend"
//! public-key-file = "keys/backend.pub.pem"      # or public-key, jwks, jwks-file, jwks-url
//! redirect-uris = ["http://127.0.0.1:3000/callback"]
//!
//! [[saml-service-providers]]
//! entity-id = "my-sp"
//! acs-urls = ["http://127.0.0.1:3000/saml/acs"]
//! slo-url = "http://127.0.0.1:3000/saml/slo"     # optional: Single Logout on /saml/slo
//! certificate-file = "keys/sp.crt"              # or certificate = "…": requests must then be signed
//! encryption-certificate-file = "keys/sp-enc.crt" # or encryption-certificate: assertions are encrypted
//! encryption-algorithm = "aes128-gcm"           # or aes256-gcm, aes128-cbc, aes256-cbc
//! key-transport = "rsa-oaep-mgf1p"              # or rsa-oaep (XML Encryption 1.1, SHA-256)
//! sign = "assertion"                            # or response, both
//! attribute-name-format = "basic"               # or uri
//!
//! [saml-idp]
//! key-rollover = true                           # metadata lists two signing keys, the next one signs
//!
//! [state]                                       # several processes as one operator (feature redis):
//! redis = "redis://127.0.0.1:6379/"             # keep CIBA requests, codes, tokens, jtis in Redis;
//!                                               # give each process the same issuer and
//!                                               # signing-key-file (top-level keys)
//!
//! [faults."/sim-swap/v2/check"]
//! latency-ms = 200
//! status = 503                                  # or retry-after-secs = 30 (a 429), malformed-body = true
//! times = 2                                     # the first two requests only
//!
//! [[operators]]                                 # hosted under /operators/operator-es, its own issuer
//! id = "operator-es"
//! msisdn-prefixes = ["+34"]                     # the Telco Finder routes these numbers to it
//! subscribers-file = "es.toml"                  # or inline [[operators.subscribers]]; absent: the
//!                                               # subscribers above within its prefixes
//! # [[operators.clients]] tables replace the clients above (by default it knows the same ones)
//! ```
//!
//! Unknown keys are refused, naming the valid ones. File paths are read by the caller (the server
//! reads no file): [`SandboxConfig::files`] lists them and [`SandboxConfig::to_server_config`]
//! takes a reader.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use netid_core::phone::PhoneNumber;
use serde::Deserialize;

use crate::config::{AccessTokenFormat, ServerConfig};
use crate::subscribers::{SubscriberFileError, SubscriberStore};
pub use operators::OperatorSettings;
pub use settings::{
    ClientSettings, DataEncryptionSetting, FaultSettings, KeyTransportSetting, NameFormatSetting,
    SamlIdpSettings, SamlSpSettings, SigningSetting,
};
pub use shared_state::StateSettings;
pub use telco_finder::{RouteSettings, TelcoFinderSettings};

use entries::ReadFile;

mod entries;
mod operators;
mod settings;
mod shared_state;
mod telco_finder;
#[cfg(test)]
mod tests;

/// Why a sandbox configuration document was refused. Names keys, paths and client ids, never a
/// subscriber's data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxConfigError {
    /// Not TOML, a key unknown (the message lists the valid ones), or a value of the wrong type.
    #[error("sandbox configuration does not parse: {0}")]
    Syntax(String),
    /// The subscribers (inline or from `subscribers-file`) are invalid.
    #[error(transparent)]
    Subscribers(#[from] SubscriberFileError),
    /// A setting has a value out of its range, or two settings exclude each other.
    #[error("sandbox configuration: {key}: {reason}")]
    Setting {
        /// The key.
        key: &'static str,
        /// What was expected.
        reason: String,
    },
    /// A `[[clients]]` entry is invalid.
    #[error("sandbox configuration: client {client_id:?}: {reason}")]
    Client {
        /// The client id.
        client_id: String,
        /// What was expected.
        reason: String,
    },
    /// A `[[saml-service-providers]]` entry is invalid.
    #[error("sandbox configuration: saml service provider {entity_id:?}: {reason}")]
    SamlServiceProvider {
        /// The entity id.
        entity_id: String,
        /// What was expected.
        reason: String,
    },
    /// A `[faults."<path>"]` entry is invalid.
    #[error("sandbox configuration: fault on {path:?}: {reason}")]
    Fault {
        /// The request path.
        path: String,
        /// What was expected.
        reason: String,
    },
    /// An `[[operators]]` entry is invalid.
    #[error("sandbox configuration: operator {operator_id:?}: {reason}")]
    Operator {
        /// The operator id.
        operator_id: String,
        /// What was expected.
        reason: String,
    },
    /// A file the document names could not be read, or no reader was given.
    #[error("sandbox configuration: cannot read {path}: {reason}")]
    File {
        /// The path as written in the document.
        path: String,
        /// The reader's reason.
        reason: String,
    },
}

/// The whole document. Every key is optional; see the module docs for an example.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct SandboxConfig {
    /// The port on 127.0.0.1 (absent or 0: a free one).
    pub port: Option<u16>,
    /// Whether to register the demo client (default true).
    pub demo_client: Option<bool>,
    /// The number the simulated mobile network attributes connections to (E.164), or `"none"`
    /// for a device off the mobile network.
    pub network_subscriber: Option<String>,
    /// A subscriber document (TOML or JSON, by extension) replacing the default set.
    pub subscribers_file: Option<String>,
    /// Inline subscribers (`[[subscribers]]`, the format of the subscriber document), replacing
    /// the default set.
    pub subscribers: Option<Vec<serde_json::Value>>,
    /// CIBA timings.
    pub ciba: Option<CibaSettings>,
    /// Token settings.
    pub tokens: Option<TokenSettings>,
    /// Registered clients, besides the demo client.
    #[serde(default)]
    pub clients: Vec<ClientSettings>,
    /// SAML service providers, besides the demo one.
    #[serde(default)]
    pub saml_service_providers: Vec<SamlSpSettings>,
    /// The SAML IdP itself.
    pub saml_idp: Option<SamlIdpSettings>,
    /// Faults, per exact request path.
    #[serde(default)]
    pub faults: BTreeMap<String, FaultSettings>,
    /// The Telco Finder's routes.
    pub telco_finder: Option<TelcoFinderSettings>,
    /// The issuer to announce instead of `http://<bound address>` ([`ServerConfig::with_issuer`]).
    pub issuer: Option<String>,
    /// A file holding the ES256 signing key, PEM ([`ServerConfig::with_signing_key_pem`]).
    pub signing_key_file: Option<String>,
    /// Where the operator's state lives (default memory).
    pub state: Option<StateSettings>,
    /// Operators hosted beside this one, each under `/operators/{id}`.
    #[serde(default)]
    pub operators: Vec<OperatorSettings>,
}

/// `[ciba]`: the timings of CIBA requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct CibaSettings {
    /// The `interval` of bc-authorize answers, seconds (at least 1; default 5).
    pub interval_secs: Option<u64>,
    /// The `expires_in` of bc-authorize answers, seconds (default 120).
    pub expires_in_secs: Option<u64>,
    /// Replaces every subscriber's scripted approval or denial delay, seconds.
    pub approve_after_secs: Option<u64>,
    /// Whether a poll before `interval` has elapsed earns `slow_down` (default false).
    pub slow_down_on_early_poll: Option<bool>,
}

/// `[tokens]`: access tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct TokenSettings {
    /// Lifetime of access tokens, seconds (default 3600).
    pub access_token_lifetime_secs: Option<u64>,
    /// `opaque` (default) or `jwt`.
    pub access_token_format: Option<TokenFormatSetting>,
}

/// The `access-token-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TokenFormatSetting {
    /// Random opaque tokens.
    Opaque,
    /// ES256-signed JWTs.
    Jwt,
}

/// Reads a file the document names (the path as written); returns its text or why not.
pub type FileReader<'a> = &'a mut dyn FnMut(&str) -> Result<String, String>;

impl SandboxConfig {
    /// Parses the TOML document.
    ///
    /// # Errors
    ///
    /// [`SandboxConfigError::Syntax`] for invalid TOML, an unknown key (listing the valid ones) or
    /// a value of the wrong type.
    pub fn from_toml_str(text: &str) -> Result<Self, SandboxConfigError> {
        toml::from_str(text).map_err(|e| SandboxConfigError::Syntax(e.to_string().trim_end().to_owned()))
    }

    /// Every file path the document names, in document order, for the caller to read.
    pub fn files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = self.subscribers_file.iter().map(String::as_str).collect();
        files.extend(self.signing_key_file.as_deref());
        for client in &self.clients {
            files.extend(client.public_key_file.as_deref());
            files.extend(client.jwks_file.as_deref());
        }
        for sp in &self.saml_service_providers {
            files.extend(sp.certificate_file.as_deref());
            files.extend(sp.encryption_certificate_file.as_deref());
        }
        for operator in &self.operators {
            files.extend(operator.files());
        }
        files
    }

    /// The server configuration the document describes, on top of [`ServerConfig::new`]; files
    /// the document names are read through `read`.
    ///
    /// # Errors
    ///
    /// [`SandboxConfigError`] naming the first invalid entry.
    pub fn to_server_config(&self, read: FileReader<'_>) -> Result<ServerConfig, SandboxConfigError> {
        let mut read_file = |path: &str| {
            read(path).map_err(|reason| SandboxConfigError::File {
                path: path.to_owned(),
                reason,
            })
        };
        let port = self.port.unwrap_or(0);
        let mut config = ServerConfig::new().with_bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
        if let Some(enabled) = self.demo_client {
            config = config.with_demo_client(enabled);
        }
        if let Some(number) = &self.network_subscriber {
            let number = if number == "none" {
                None
            } else {
                Some(
                    PhoneNumber::parse_strict(number).map_err(|e| SandboxConfigError::Setting {
                        key: "network-subscriber",
                        reason: format!("expected an E.164 number or \"none\": {e}"),
                    })?,
                )
            };
            config = config.with_network_subscriber(number);
        }
        if self.subscribers_file.is_some() && self.subscribers.is_some() {
            return Err(exclusive("subscribers-file", "subscribers"));
        }
        if let Some(store) = subscribers(
            self.subscribers_file.as_deref(),
            self.subscribers.as_deref(),
            &mut read_file,
        )? {
            config = config.with_subscribers(store);
        }
        if let Some(ciba) = &self.ciba {
            config = apply_ciba(config, ciba)?;
        }
        if let Some(tokens) = &self.tokens {
            if let Some(secs) = tokens.access_token_lifetime_secs {
                config = config.with_access_token_lifetime(Duration::from_secs(at_least_one(
                    "tokens.access-token-lifetime-secs",
                    secs,
                )?));
            }
            if let Some(format) = tokens.access_token_format {
                config = config.with_access_token_format(match format {
                    TokenFormatSetting::Opaque => AccessTokenFormat::Opaque,
                    TokenFormatSetting::Jwt => AccessTokenFormat::Jwt,
                });
            }
        }
        for client in &self.clients {
            config = config.with_client(client.to_registration(&mut read_file)?);
        }
        for sp in &self.saml_service_providers {
            config = config.with_saml_service_provider(sp.to_provider(&mut read_file)?);
        }
        if let Some(rollover) = self.saml_idp.as_ref().and_then(|idp| idp.key_rollover) {
            config = config.with_saml_key_rollover(rollover);
        }
        for (path, fault) in &self.faults {
            config = config.with_fault(path.clone(), fault.to_fault(path)?);
        }
        if let Some(finder) = &self.telco_finder {
            config = finder.apply(config)?;
        }
        config = shared_state::apply(self, config, &mut read_file)?;
        for operator in &self.operators {
            config = config.with_operator(operator.to_operator(&mut read_file)?);
        }
        Ok(config)
    }
}

impl ServerConfig {
    /// The configuration a sandbox document describes (see [`SandboxConfig`]), for documents that
    /// name no file.
    ///
    /// # Errors
    ///
    /// [`SandboxConfigError`] naming the first invalid entry; [`SandboxConfigError::File`] for a
    /// `*-file` key (use [`SandboxConfig::to_server_config`] with a reader).
    pub fn from_toml_str(text: &str) -> Result<Self, SandboxConfigError> {
        SandboxConfig::from_toml_str(text)?
            .to_server_config(&mut |_| Err(String::from("this caller reads no file")))
    }
}

/// The subscriber document at `file` (TOML, or JSON by extension), else the `inline` tables;
/// `None` without either (the caller refuses both).
fn subscribers(
    file: Option<&str>,
    inline: Option<&[serde_json::Value]>,
    read: &mut ReadFile<'_>,
) -> Result<Option<SubscriberStore>, SandboxConfigError> {
    let store = match (file, inline) {
        (Some(path), _) => {
            let text = read(path)?;
            if path.ends_with(".json") {
                SubscriberStore::from_json_str(&text)?
            } else {
                SubscriberStore::from_toml_str(&text)?
            }
        }
        (None, Some(inline)) => {
            let document = serde_json::json!({ "subscribers": inline }).to_string();
            SubscriberStore::from_json_str(&document)?
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(store))
}

fn apply_ciba(mut config: ServerConfig, ciba: &CibaSettings) -> Result<ServerConfig, SandboxConfigError> {
    if let Some(secs) = ciba.interval_secs {
        config = config.with_ciba_interval(Duration::from_secs(at_least_one("ciba.interval-secs", secs)?));
    }
    if let Some(secs) = ciba.expires_in_secs {
        config =
            config.with_ciba_expires_in(Duration::from_secs(at_least_one("ciba.expires-in-secs", secs)?));
    }
    if let Some(secs) = ciba.approve_after_secs {
        config = config.with_approve_delay_override(Some(Duration::from_secs(secs)));
    }
    if let Some(enforce) = ciba.slow_down_on_early_poll {
        config = config.with_enforced_poll_interval(enforce);
    }
    Ok(config)
}

fn at_least_one(key: &'static str, value: u64) -> Result<u64, SandboxConfigError> {
    if value == 0 {
        return Err(SandboxConfigError::Setting {
            key,
            reason: String::from("expected at least 1"),
        });
    }
    Ok(value)
}

fn exclusive(first: &'static str, second: &str) -> SandboxConfigError {
    SandboxConfigError::Setting {
        key: first,
        reason: format!("give either {first} or {second}, not both"),
    }
}
