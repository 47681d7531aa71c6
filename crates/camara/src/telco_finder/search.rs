//! `POST {finder}/search`: which operator serves a phone number or a device's public IP address,
//! in the GSMA Open Gateway shape (Open-Gateway-Documents, chapter 5, "Telco Finder Interface").

use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use netid_core::correlator::{X_CORRELATOR, XCorrelator};
use netid_core::error_info::{ErrorCode, ErrorInfo};
use netid_core::token::AccessToken;
use netid_transport::{HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::OperatorId;
use super::routing::DynamicRoute;
use crate::endpoint::decode_response;
use crate::error::{CamaraError, DecodeError, DecodeErrorKind, InvalidRequest};
use crate::profile::Tolerance;
use crate::wire;

/// The path of the search operation below the finder's base URL (`…/telco-finder/v1`).
pub const SEARCH_PATH: &str = "/search";

mod target;

pub use target::SearchTarget;

/// `portabilitySearchMode`: how far a finder looks in a country with number portability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PortabilitySearchMode {
    /// `SHALLOW`: the finder's own records only (a cache), cheaper and possibly stale.
    Shallow,
    /// `DEEP`: every external system, up to date and possibly more expensive.
    Deep,
}

impl PortabilitySearchMode {
    /// The wire value (`SHALLOW`, `DEEP`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Shallow => "SHALLOW",
            Self::Deep => "DEEP",
        }
    }
}

/// The body of `POST /search`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SearchRequest {
    /// Who to find.
    pub target: SearchTarget,
    /// `includeApiRoot`: ask for the operator's API root URL.
    pub include_api_root: bool,
    /// `includeAuthProviderConfiguration`: ask for the operator's OpenID discovery URL.
    pub include_auth_provider_configuration: bool,
    /// `portabilitySearchMode`; the finder's default when `None`.
    pub portability_search_mode: Option<PortabilitySearchMode>,
}

impl SearchRequest {
    /// A request for `target` that asks for the operator id only (both flags default to `false`).
    #[must_use]
    pub fn new(target: SearchTarget) -> Self {
        Self {
            target,
            include_api_root: false,
            include_auth_provider_configuration: false,
            portability_search_mode: None,
        }
    }

    /// A request for `target` that asks for the API root and the discovery URL too: what a caller
    /// needs to call the operator next.
    #[must_use]
    pub fn full(target: SearchTarget) -> Self {
        Self {
            include_api_root: true,
            include_auth_provider_configuration: true,
            ..Self::new(target)
        }
    }

    /// Sets `portabilitySearchMode`.
    #[must_use]
    pub fn with_portability_search_mode(mut self, mode: PortabilitySearchMode) -> Self {
        self.portability_search_mode = Some(mode);
        self
    }

    /// The JSON body; `false` flags are left out, as the published examples do.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("target".to_owned(), self.target.to_json());
        if self.include_api_root {
            body.insert("includeApiRoot".to_owned(), Value::Bool(true));
        }
        if self.include_auth_provider_configuration {
            body.insert("includeAuthProviderConfiguration".to_owned(), Value::Bool(true));
        }
        if let Some(mode) = self.portability_search_mode {
            body.insert("portabilitySearchMode".to_owned(), Value::from(mode.as_str()));
        }
        Value::Object(body)
    }

    /// The HTTP request to the finder whose base URL (`https://finder.example/telco-finder/v1`,
    /// without a trailing `/`) is `base_url`.
    ///
    /// # Errors
    ///
    /// [`InvalidRequest::InvalidUri`], [`InvalidRequest::InvalidHeader`], [`InvalidRequest::Body`].
    pub fn to_http_request(
        &self,
        base_url: &str,
        token: &AccessToken,
        correlator: &XCorrelator,
    ) -> Result<HttpRequest, InvalidRequest> {
        let body = serde_json::to_vec(&self.to_json()).map_err(|_| InvalidRequest::Body)?;
        request(
            http::Method::POST,
            &format!("{base_url}{SEARCH_PATH}"),
            token,
            correlator,
        )?
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .body(Bytes::from(body))
        .map_err(|_| InvalidRequest::InvalidUri)
    }
}

/// A request builder with the bearer token, `Accept` and `x-correlator`.
pub(crate) fn request(
    method: http::Method,
    uri: &str,
    token: &AccessToken,
    correlator: &XCorrelator,
) -> Result<http::request::Builder, InvalidRequest> {
    let uri = http::Uri::try_from(uri).map_err(|_| InvalidRequest::InvalidUri)?;
    let bearer = HeaderValue::try_from(format!("Bearer {}", token.expose_secret()))
        .map_err(|_| InvalidRequest::InvalidHeader)?;
    let correlator = HeaderValue::try_from(correlator.as_str()).map_err(|_| InvalidRequest::InvalidHeader)?;
    Ok(http::Request::builder()
        .method(method)
        .uri(uri)
        .header(AUTHORIZATION, bearer)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(X_CORRELATOR, correlator))
}

/// The operator a finder found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SearchResult {
    /// `operatorId`: the operator (brand) serving the target.
    pub operator_id: OperatorId,
    /// `apiRoot`: the root URL of the operator's API gateway, when asked for and known.
    pub api_root: Option<String>,
    /// `authProviderConfiguration`: the operator's OpenID discovery URL, when asked for and known.
    pub auth_provider_configuration: Option<String>,
}

/// What a finder answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchOutcome {
    /// The operator serving the target.
    Found(SearchResult),
    /// `NotSupported`: no operator the finder knows serves the target, or the one that does
    /// exposes no Open Gateway API (a non-OGW MVNO). Carries the error body when it was one.
    NotSupported(Option<ErrorInfo>),
    /// A second-level finder resolves the target: ask it next, with a token of its
    /// `authProviderConfiguration`. Not in the published search shape: a first-level finder that
    /// does not relay the question answers with the routing rule's `dynamic` action
    /// (`{"telcoFinder": …, "authProviderConfiguration": …}`) instead of an operator.
    Delegated(DynamicRoute),
}

/// A value and how long the finder lets it be reused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Cacheable<T> {
    /// The value.
    pub value: T,
    /// How long it may be reused: `Cache-Control: max-age`, else the body's `ttl` (seconds);
    /// `Some(ZERO)` for `no-store`/`no-cache`; `None` when the finder said nothing.
    pub ttl: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResult {
    operator_id: Option<String>,
    /// A second-level finder instead of an operator (the routing rule's `dynamic` action).
    telco_finder: Option<String>,
    api_root: Option<String>,
    auth_provider_configuration: Option<String>,
    /// Not in the published shape: a lifetime in seconds that some finders add to the body.
    ttl: Option<u64>,
}

fn no_normalize(_: &mut Value, _: &mut wire::Normalizer<'_>) -> Result<(), DecodeError> {
    Ok(())
}

/// Decodes a search answer: 2xx → [`SearchOutcome::Found`] (or [`SearchOutcome::Delegated`] for
/// a body naming a `telcoFinder` and no `operatorId`); 404, or any error whose code is
/// `NOT_SUPPORTED` → [`SearchOutcome::NotSupported`]; any other status → the typed error.
///
/// # Errors
///
/// [`CamaraError::Operator`] for another error status, [`CamaraError::Decode`] for a body that is
/// not the published shape (an empty `operatorId` included).
pub fn from_http_response(response: &HttpResponse) -> Result<Cacheable<SearchOutcome>, CamaraError> {
    let header_ttl = cache_control_ttl(response);
    match decode_response::<RawResult>(response, Tolerance::lenient(), no_normalize) {
        Ok(decoded) => {
            let raw = decoded.value;
            let ttl = header_ttl.or(raw.ttl.map(Duration::from_secs));
            if let (None, Some(finder)) = (&raw.operator_id, raw.telco_finder) {
                return Ok(Cacheable {
                    value: SearchOutcome::Delegated(DynamicRoute {
                        telco_finder: trim_slash(finder),
                        auth_provider_configuration: raw.auth_provider_configuration,
                    }),
                    ttl,
                });
            }
            let operator_id = OperatorId::new(raw.operator_id.unwrap_or_default()).map_err(|reason| {
                DecodeError::new(
                    response.status().as_u16(),
                    "$.operatorId".to_owned(),
                    DecodeErrorKind::Data,
                    reason.to_string(),
                    response.body().clone(),
                )
            })?;
            Ok(Cacheable {
                value: SearchOutcome::Found(SearchResult {
                    operator_id,
                    api_root: raw.api_root.map(trim_slash),
                    auth_provider_configuration: raw.auth_provider_configuration,
                }),
                ttl,
            })
        }
        Err(CamaraError::Operator(error))
            if error.status() == 404 || *error.code() == ErrorCode::NotSupported =>
        {
            Ok(Cacheable {
                value: SearchOutcome::NotSupported(Some(error.info().clone())),
                ttl: header_ttl,
            })
        }
        // A 404 whose body is not a CAMARA error (a gateway's HTML page) still says "not found".
        Err(CamaraError::Decode(_)) if response.status() == http::StatusCode::NOT_FOUND => Ok(Cacheable {
            value: SearchOutcome::NotSupported(None),
            ttl: header_ttl,
        }),
        Err(error) => Err(error),
    }
}

/// The `NotSupported` answer as a finder sends it: 404 with a CAMARA error body.
#[must_use]
pub fn not_supported_info() -> ErrorInfo {
    ErrorInfo::new(
        404,
        ErrorCode::NotSupported,
        "no supported operator serves the target",
    )
}

fn trim_slash(url: String) -> String {
    match url.strip_suffix('/') {
        Some(trimmed) => trimmed.to_owned(),
        None => url,
    }
}

/// The lifetime `Cache-Control` gives: `max-age=N`, or zero for `no-store` and `no-cache`.
pub(crate) fn cache_control_ttl(response: &HttpResponse) -> Option<Duration> {
    let mut ttl = None;
    for value in response.headers().get_all(CACHE_CONTROL) {
        let Ok(value) = value.to_str() else { continue };
        for directive in value.split(',').map(str::trim) {
            let lower = directive.to_ascii_lowercase();
            if lower == "no-store" || lower == "no-cache" {
                return Some(Duration::ZERO);
            }
            if let Some(seconds) = lower.strip_prefix("max-age=") {
                // RFC 9111 §5.2.2.1: an invalid max-age is stale at once.
                let seconds = seconds.trim_matches('"').parse::<u64>().unwrap_or(0);
                ttl = Some(Duration::from_secs(seconds));
            }
        }
    }
    ttl
}
