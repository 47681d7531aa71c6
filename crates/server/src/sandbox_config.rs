//! The sandbox configuration document: what `netid sandbox serve --config sandbox.toml` reads, and
//! what a test or an application hands to [`SandboxConfig::from_toml_str`] or
//! [`ServerConfig::from_toml_str`].
//!
//! ```toml
//! port = 8080                                   # on 127.0.0.1; absent or 0 picks a free port
//! demo-client = true                            # register netid-demo-client (default true)
//! network-subscriber = "+33699901040"           # who the simulated mobile network sees
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
//! [faults."/sim-swap/v2/check"]
//! latency-ms = 200
//! status = 503                                  # or retry-after-secs = 30 (a 429), malformed-body = true
//! times = 2                                     # the first two requests only
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
pub use telco_finder::{RouteSettings, TelcoFinderSettings};

mod entries;
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
    /// Faults, per exact request path.
    #[serde(default)]
    pub faults: BTreeMap<String, FaultSettings>,
    /// The Telco Finder's routes.
    pub telco_finder: Option<TelcoFinderSettings>,
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

/// `[[clients]]`: one client authenticating with `private_key_jwt`, with exactly one key source.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct ClientSettings {
    /// The client id.
    pub client_id: String,
    /// A PEM public key (`PUBLIC KEY`, EC P-256 or RSA; or `RSA PUBLIC KEY`).
    pub public_key: Option<String>,
    /// A file holding such a PEM public key.
    pub public_key_file: Option<String>,
    /// A JWK Set, inline (`jwks = { keys = [...] }`).
    pub jwks: Option<serde_json::Value>,
    /// A file holding a JWK Set.
    pub jwks_file: Option<String>,
    /// A loopback `http` URL publishing the JWK Set, fetched when the server starts.
    pub jwks_url: Option<String>,
    /// Redirect URIs of the authorization-code flow (exact match).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// `[[saml-service-providers]]`: one SAML service provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct SamlSpSettings {
    /// The entity id (the `Issuer` of its `AuthnRequest`s).
    pub entity_id: String,
    /// Its assertion consumer service URLs, at least one.
    pub acs_urls: Vec<String>,
    /// Its SingleLogoutService URL (Single Logout with the IdP's `/saml/slo`).
    pub slo_url: Option<String>,
    /// Its signing certificate, PEM.
    pub certificate: Option<String>,
    /// A file holding its signing certificate, PEM.
    pub certificate_file: Option<String>,
    /// Its encryption certificate, PEM (RSA, 2048 bits or more): assertions are then encrypted.
    pub encryption_certificate: Option<String>,
    /// A file holding its encryption certificate, PEM.
    pub encryption_certificate_file: Option<String>,
    /// The block cipher of encrypted assertions (default `aes128-gcm`).
    pub encryption_algorithm: Option<DataEncryptionSetting>,
    /// The key transport of encrypted assertions (default `rsa-oaep-mgf1p`).
    pub key_transport: Option<KeyTransportSetting>,
    /// What the IdP signs (default `assertion`).
    pub sign: Option<SigningSetting>,
    /// The attribute NameFormat (default `basic`).
    pub attribute_name_format: Option<NameFormatSetting>,
}

/// The `encryption-algorithm` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DataEncryptionSetting {
    /// `xmlenc11#aes128-gcm`.
    Aes128Gcm,
    /// `xmlenc11#aes256-gcm`.
    Aes256Gcm,
    /// `xmlenc#aes128-cbc`.
    Aes128Cbc,
    /// `xmlenc#aes256-cbc`.
    Aes256Cbc,
}

/// The `key-transport` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum KeyTransportSetting {
    /// `xmlenc#rsa-oaep-mgf1p`.
    RsaOaepMgf1p,
    /// `xmlenc11#rsa-oaep` with SHA-256.
    RsaOaep,
}

/// The `sign` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SigningSetting {
    /// The Assertion.
    Assertion,
    /// The Response.
    Response,
    /// Both.
    Both,
}

/// The `attribute-name-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NameFormatSetting {
    /// `attrname-format:basic`.
    Basic,
    /// `attrname-format:uri`.
    Uri,
}

/// `[faults."<path>"]`: what happens to requests on one exact path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct FaultSettings {
    /// Delay before the request is handled, milliseconds.
    pub latency_ms: Option<u64>,
    /// Answer this status with a CAMARA error body.
    pub status: Option<u16>,
    /// Answer `429` with this `Retry-After`, seconds.
    pub retry_after_secs: Option<u64>,
    /// Answer `200` with a truncated JSON body.
    #[serde(default)]
    pub malformed_body: bool,
    /// Only the first `times` requests.
    pub times: Option<u32>,
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
        for client in &self.clients {
            files.extend(client.public_key_file.as_deref());
            files.extend(client.jwks_file.as_deref());
        }
        for sp in &self.saml_service_providers {
            files.extend(sp.certificate_file.as_deref());
            files.extend(sp.encryption_certificate_file.as_deref());
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
        config = match (&self.subscribers_file, &self.subscribers) {
            (Some(_), Some(_)) => return Err(exclusive("subscribers-file", "subscribers")),
            (Some(path), None) => {
                let text = read_file(path)?;
                let store = if path.ends_with(".json") {
                    SubscriberStore::from_json_str(&text)?
                } else {
                    SubscriberStore::from_toml_str(&text)?
                };
                config.with_subscribers(store)
            }
            (None, Some(inline)) => {
                let document = serde_json::json!({ "subscribers": inline }).to_string();
                config.with_subscribers(SubscriberStore::from_json_str(&document)?)
            }
            (None, None) => config,
        };
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
        for (path, fault) in &self.faults {
            config = config.with_fault(path.clone(), fault.to_fault(path)?);
        }
        if let Some(finder) = &self.telco_finder {
            config = finder.apply(config)?;
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
