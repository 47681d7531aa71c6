//! The OpenID Provider metadata ([OpenID Connect Discovery §3]) with the [CIBA metadata].
//!
//! A serde struct of our own rather than `openidconnect`'s `ProviderMetadata`, which brings a
//! second crypto stack (RustCrypto) beside aws-lc. It keeps the shape `openidconnect` 4.1 enforced,
//! so that a document refused before is refused now: `issuer`, `authorization_endpoint`,
//! `jwks_uri`, `response_types_supported`, `subject_types_supported` and
//! `id_token_signing_alg_values_supported` are required; URL members must be URLs; list and
//! boolean members must have their JSON type; algorithm names the crate does not know are dropped
//! from the algorithm lists rather than failing the document.
//!
//! [OpenID Connect Discovery §3]: https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
//! [CIBA metadata]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.4

use bytes::Bytes;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::jwks::JWS_ALGORITHMS;
use super::{ProviderConfig, endpoint_url};
use crate::error::{DecodeError, Error, FlowError, IssuerMismatch};
use crate::jose::SigningAlgorithm;
use crate::wire;

/// The CIBA fields of a discovery document ([CIBA §4]).
///
/// [CIBA §4]: https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html#rfc.section.4
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CibaProviderMetadata {
    /// `backchannel_authentication_endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_authentication_endpoint: Option<String>,
    /// `backchannel_token_delivery_modes_supported` (`poll`, `ping`, `push`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_token_delivery_modes_supported: Option<Vec<String>>,
    /// `backchannel_authentication_request_signing_alg_values_supported`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_authentication_request_signing_alg_values_supported: Option<Vec<String>>,
    /// `backchannel_user_code_parameter_supported`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_user_code_parameter_supported: Option<bool>,
}

/// A discovery document: the members the crate reads, plus the shape checks of the others.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct DiscoveryDocument {
    /// `issuer`, exactly as written (Discovery §4.3 compares it exactly).
    #[serde(deserialize_with = "url_text")]
    pub issuer: String,
    /// `authorization_endpoint`.
    #[serde(deserialize_with = "url_text")]
    pub authorization_endpoint: String,
    /// `token_endpoint` (optional in Discovery, required by this crate when building a config).
    #[serde(default, deserialize_with = "optional_url_text")]
    pub token_endpoint: Option<String>,
    /// `jwks_uri`.
    #[serde(deserialize_with = "url_text")]
    pub jwks_uri: String,
    /// `id_token_signing_alg_values_supported` (known JWS names only).
    #[serde(deserialize_with = "algorithms")]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `token_endpoint_auth_signing_alg_values_supported` (known JWS names only).
    #[serde(default, deserialize_with = "optional_algorithms")]
    pub token_endpoint_auth_signing_alg_values_supported: Option<Vec<String>>,
    /// The CIBA members.
    #[serde(flatten)]
    pub ciba: CibaProviderMetadata,
    // The other standard members, read only to refuse a document of the wrong shape; not a
    // flattened struct, so that a decoding error keeps its JSON path.
    #[serde(default, deserialize_with = "optional_url_text")]
    userinfo_endpoint: Option<String>,
    #[serde(default, deserialize_with = "optional_url_text")]
    registration_endpoint: Option<String>,
    #[serde(default, deserialize_with = "optional_url_text")]
    service_documentation: Option<String>,
    #[serde(default, deserialize_with = "optional_url_text")]
    op_policy_uri: Option<String>,
    #[serde(default, deserialize_with = "optional_url_text")]
    op_tos_uri: Option<String>,
    response_types_supported: Vec<String>,
    subject_types_supported: Vec<String>,
    scopes_supported: Option<Vec<String>>,
    response_modes_supported: Option<Vec<String>>,
    grant_types_supported: Option<Vec<String>>,
    acr_values_supported: Option<Vec<String>>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    display_values_supported: Option<Vec<String>>,
    claim_types_supported: Option<Vec<String>>,
    claims_supported: Option<Vec<String>>,
    claims_locales_supported: Option<Vec<String>>,
    ui_locales_supported: Option<Vec<String>>,
    claims_parameter_supported: Option<bool>,
    request_parameter_supported: Option<bool>,
    request_uri_parameter_supported: Option<bool>,
    require_request_uri_registration: Option<bool>,
    #[serde(default, deserialize_with = "ignored_list")]
    id_token_encryption_alg_values_supported: Option<()>,
    #[serde(default, deserialize_with = "ignored_list")]
    id_token_encryption_enc_values_supported: Option<()>,
    #[serde(default, deserialize_with = "ignored_list")]
    userinfo_signing_alg_values_supported: Option<()>,
    #[serde(default, deserialize_with = "ignored_list")]
    userinfo_encryption_alg_values_supported: Option<()>,
    #[serde(default, deserialize_with = "ignored_list")]
    userinfo_encryption_enc_values_supported: Option<()>,
    #[serde(default, deserialize_with = "ignored_list")]
    request_object_signing_alg_values_supported: Option<()>,
    #[serde(default, deserialize_with = "ignored_list")]
    request_object_encryption_alg_values_supported: Option<()>,
    #[serde(default, deserialize_with = "ignored_list")]
    request_object_encryption_enc_values_supported: Option<()>,
}

impl ProviderConfig {
    /// The `GET` of `<issuer>/.well-known/openid-configuration`.
    ///
    /// # Errors
    ///
    /// [`UsageError::InvalidUrl`](crate::error::UsageError::InvalidUrl) for a bad issuer.
    pub fn discovery_request(issuer: &str) -> Result<http::Request<Bytes>, Error> {
        endpoint_url("issuer", issuer)?;
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        wire::get_json(&url)
    }

    /// Builds the configuration from the answer to [`ProviderConfig::discovery_request`].
    ///
    /// The document's `issuer` must equal `issuer` exactly (OpenID Connect Discovery §4.3).
    ///
    /// # Errors
    ///
    /// [`FlowError::UnexpectedStatus`] for a non-200 answer, [`Error::IssuerMismatch`] (both values)
    /// when the document names another issuer, [`Error::Decode`] for a bad document or a missing
    /// token endpoint; [`UsageError::InvalidUrl`](crate::error::UsageError::InvalidUrl) for endpoints that
    /// are not `https`.
    pub fn from_discovery_response(issuer: &str, response: &http::Response<Bytes>) -> Result<Self, Error> {
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FlowError::UnexpectedStatus {
                status,
                endpoint: "discovery",
            }
            .into());
        }
        let document: DiscoveryDocument = wire::decode_json("discovery document", status, response.body())?;
        Self::from_discovery_document(issuer, &document, status, response.body())
    }

    fn from_discovery_document(
        issuer: &str,
        document: &DiscoveryDocument,
        status: u16,
        body: &Bytes,
    ) -> Result<Self, Error> {
        if document.issuer != issuer {
            return Err(IssuerMismatch {
                expected: issuer.to_owned(),
                received: document.issuer.clone(),
            }
            .into());
        }
        let token_endpoint = document.token_endpoint.as_deref().ok_or_else(|| {
            DecodeError::new(
                "discovery document",
                status,
                "token_endpoint",
                "missing",
                body.clone(),
            )
        })?;
        let mut config = Self::new(issuer, token_endpoint)?
            .with_authorization_endpoint(&document.authorization_endpoint)?
            .with_jwks_uri(&document.jwks_uri)?;
        let ciba = &document.ciba;
        if let Some(endpoint) = &ciba.backchannel_authentication_endpoint {
            config.backchannel_endpoint =
                Some(endpoint_url("backchannel authentication endpoint", endpoint)?);
        }
        config.delivery_modes = ciba.backchannel_token_delivery_modes_supported.clone();
        config.request_signing_algs = ciba
            .backchannel_authentication_request_signing_alg_values_supported
            .clone();
        config.token_auth_signing_algs = document.token_endpoint_auth_signing_alg_values_supported.clone();
        // Accept only ID-token algorithms that are both on our allow-list and announced.
        let announced = &document.id_token_signing_alg_values_supported;
        let narrowed: Vec<SigningAlgorithm> = config
            .id_token_algorithms
            .iter()
            .copied()
            .filter(|alg| announced.iter().any(|name| name == alg.as_str()))
            .collect();
        if !narrowed.is_empty() {
            config.id_token_algorithms = narrowed;
        }
        Ok(config)
    }
}

/// A URL member, kept as written (a parsed `Url` would add a trailing `/` to a bare host).
fn url_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    url::Url::parse(&text).map_err(serde::de::Error::custom)?;
    Ok(text)
}

fn optional_url_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(text) => {
            url::Url::parse(&text).map_err(serde::de::Error::custom)?;
            Ok(Some(text))
        }
        None => Ok(None),
    }
}

/// An algorithm list: a JSON array whose unknown or non-text entries are skipped.
fn algorithms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let entries = Vec::<Value>::deserialize(deserializer)?;
    Ok(entries
        .into_iter()
        .filter_map(|entry| match entry {
            Value::String(name) if name == "none" || JWS_ALGORITHMS.contains(&name.as_str()) => Some(name),
            _ => None,
        })
        .collect())
}

fn optional_algorithms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<String>>, D::Error> {
    let Some(entries) = Option::<Vec<Value>>::deserialize(deserializer)? else {
        return Ok(None);
    };
    algorithms(Value::Array(entries))
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// A list whose entries are not read (an array or null).
fn ignored_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<()>, D::Error> {
    Ok(Option::<Vec<IgnoredAny>>::deserialize(deserializer)?.map(|_| ()))
}

#[cfg(test)]
mod tests;
