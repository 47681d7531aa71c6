//! The entries of the sandbox document that name parties and faults: `[[clients]]`,
//! `[[saml-service-providers]]`, `[faults."<path>"]` (turned into registrations and faults by
//! `entries.rs`).

use serde::Deserialize;

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

/// `[saml-idp]`: the SAML IdP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct SamlIdpSettings {
    /// A signing key rollover (default false): see [`ServerConfig::with_saml_key_rollover`](crate::ServerConfig::with_saml_key_rollover).
    pub key_rollover: Option<bool>,
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
