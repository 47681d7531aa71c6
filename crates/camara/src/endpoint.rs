//! What every operation shares: its [`Metadata`], the [`Endpoint`] trait with its pure conversions to
//! and from HTTP, and the [`Target`] a request is addressed to.
//!
//! Module dependencies run one way: `endpoint` uses `wire` (decoding) and `error`; `wire` uses
//! `error`; `error` uses only `profile` and `retry_after`.

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use netid_core::correlator::XCorrelator;
use netid_core::error_info::ErrorInfo;
use netid_core::phone::PhoneNumber;
use netid_core::token::AccessToken;
use netid_transport::{HttpRequest, HttpResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{CamaraError, InvalidRequest, OperatorError};
use crate::profile::{Api, PhoneStyle, SpecVersion, Tolerance};
pub use crate::retry_after::RetryAfter;
use crate::wire::{self, Convert, Normalize, ToleratedQuirk};

/// The `x-correlator` header name (defined in `netid_core`, re-exported where the client used it).
pub use netid_core::correlator::X_CORRELATOR;

/// Static facts about one operation of one spec version.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metadata {
    /// The API.
    pub api: Api,
    /// The spec versions whose bodies this operation implements.
    pub versions: &'static [SpecVersion],
    /// The operation's name for logs (`check`, `retrieve-date`).
    pub name: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The path appended to the profile's base URL (`/check`).
    pub path: &'static str,
}

impl Metadata {
    /// Whether this operation belongs to `spec`.
    #[must_use]
    pub fn supports(&self, spec: SpecVersion) -> bool {
        self.versions.contains(&spec)
    }
}

/// Where and how one request is sent: base URL, token, correlator and phone-number style.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Target<'a> {
    /// The base URL, without a trailing `/`.
    pub base_url: &'a str,
    /// The 3-legged access token, sent as `Authorization: Bearer`.
    pub token: &'a AccessToken,
    /// The `x-correlator` to send.
    pub correlator: &'a XCorrelator,
    /// How the body writes phone numbers.
    pub phone_style: PhoneStyle,
}

impl<'a> Target<'a> {
    /// A target with `+` phone numbers.
    #[must_use]
    pub fn new(base_url: &'a str, token: &'a AccessToken, correlator: &'a XCorrelator) -> Self {
        Self {
            base_url,
            token,
            correlator,
            phone_style: PhoneStyle::Plus,
        }
    }

    /// Sets how the body writes phone numbers.
    #[must_use]
    pub fn with_phone_style(mut self, phone_style: PhoneStyle) -> Self {
        self.phone_style = phone_style;
        self
    }

    /// `number` as the body writes it.
    pub(crate) fn phone<'n>(&self, number: &'n PhoneNumber) -> &'n str {
        match self.phone_style {
            PhoneStyle::Plus => number.expose_e164(),
            PhoneStyle::Digits => number.expose_digits(),
        }
    }
}

/// A decoded success body and the quirks tolerated to decode it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Decoded<T> {
    /// The body.
    pub value: T,
    /// Deviations from the spec that were tolerated, with their paths.
    pub tolerated: Vec<ToleratedQuirk>,
}

/// One CAMARA operation: implemented by its request type, as ruma's endpoints are.
///
/// Both conversions are pure: no clock, no randomness, no I/O. The client adds those.
pub trait Endpoint {
    /// Method, path, API and versions.
    const METADATA: Metadata;

    /// The success body.
    type Response;

    /// The HTTP request for `target`.
    ///
    /// # Errors
    ///
    /// [`InvalidRequest`] if the URI or the body cannot be built.
    fn to_http_request(&self, target: &Target<'_>) -> Result<HttpRequest, InvalidRequest>;

    /// The success body of a 2xx response, or the typed error of any other.
    ///
    /// # Errors
    ///
    /// [`CamaraError::Operator`] for a CAMARA error body, [`CamaraError::Decode`] for a body that
    /// cannot be decoded (with its status and JSON path).
    fn from_http_response(
        response: &HttpResponse,
        tolerance: Tolerance,
    ) -> Result<Decoded<Self::Response>, CamaraError>;
}

/// Builds the request for `metadata` with an optional JSON `body`.
pub(crate) fn build_request<B: Serialize>(
    metadata: &Metadata,
    target: &Target<'_>,
    body: Option<&B>,
) -> Result<HttpRequest, InvalidRequest> {
    let uri = format!("{}{}", target.base_url, metadata.path);
    let uri = http::Uri::try_from(uri).map_err(|_| InvalidRequest::InvalidUri)?;
    let bearer = HeaderValue::try_from(format!("Bearer {}", target.token.expose_secret()))
        .map_err(|_| InvalidRequest::InvalidHeader)?;
    let correlator =
        HeaderValue::try_from(target.correlator.as_str()).map_err(|_| InvalidRequest::InvalidHeader)?;
    let mut builder = http::Request::builder()
        .method(metadata.method.clone())
        .uri(uri)
        .header(AUTHORIZATION, bearer)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(X_CORRELATOR, correlator);
    let bytes = match body {
        Some(body) => {
            builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Bytes::from(serde_json::to_vec(body).map_err(|_| InvalidRequest::Body)?)
        }
        None => Bytes::new(),
    };
    builder.body(bytes).map_err(|_| InvalidRequest::InvalidUri)
}

/// Decodes a response: the success body through `normalize` and serde, or the CAMARA error body.
pub(crate) fn decode_response<T: DeserializeOwned>(
    response: &HttpResponse,
    tolerance: Tolerance,
    normalize: Normalize,
) -> Result<Decoded<T>, CamaraError> {
    decode_response_with(response, tolerance, normalize, wire::deserialize::<T>)
}

/// Decodes a response: the success body through `normalize` and `convert`, or the CAMARA error
/// body.
pub(crate) fn decode_response_with<T>(
    response: &HttpResponse,
    tolerance: Tolerance,
    normalize: Normalize,
    convert: Convert<T>,
) -> Result<Decoded<T>, CamaraError> {
    let status = response.status().as_u16();
    if response.status().is_success() {
        let (value, tolerated) = wire::decode_with(status, response.body(), tolerance, normalize, convert)?;
        return Ok(Decoded { value, tolerated });
    }
    // Read before the body: a 429 or 503 with an empty or HTML body must still say when to retry.
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(RetryAfter::parse);
    let (info, _) = wire::decode::<ErrorInfo>(status, response.body(), tolerance, wire::normalize_error_info)
        .map_err(|error| error.with_retry_after(retry_after))?;
    Err(OperatorError::new(status, info, retry_after).into())
}
