//! The consent capture page Consent Info's `captureUrl` points to (`/consent-capture/{id}`): `GET`
//! shows the purpose and scopes awaiting the subscriber's consent with a confirm button; `POST`
//! records the consent in the operator's store, so the next Consent Info call (on any process
//! sharing the store) answers valid consent for those scopes. A capture URL is single-use and
//! expires after [`CAPTURE_LIFETIME`]; a store that does not answer gives a 503 page.
//!
//! The page names no subscriber: whoever holds the URL confirms (the sandbox has no login).

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use netid_core::store::StoreError;

use crate::state::Shared;

/// How long a capture URL stays usable.
pub(crate) const CAPTURE_LIFETIME: Duration = Duration::from_secs(600);

/// The path of a capture page below the issuer.
pub(crate) const CAPTURE_PATH: &str = "/consent-capture";

/// A capture URL waiting for the subscriber.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "redis", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct PendingCapture {
    /// The subscriber's id in the subscriber file (not personal data: the file's own key).
    pub(crate) subscriber_id: String,
    pub(crate) purpose: String,
    /// The scopes whose consent is pending, requested or expired: the capturable ones.
    pub(crate) scopes: Vec<String>,
    pub(crate) expires: SystemTime,
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body>\n<h1>{title}</h1>\n{body}</body>\n</html>\n"
    );
    let mut response = (status, Html(html)).into_response();
    // The page carries a single-use capability in its URL: never cached.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn gone() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Consent request not found",
        "<p>This consent request is unknown, already answered or expired.</p>\n",
    )
}

/// The store did not answer: the capture is neither shown nor recorded.
fn unavailable(error: &StoreError) -> Response {
    tracing::warn!(%error, "the sandbox state store failed");
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Service unavailable",
        "<p>The consent service is unavailable. Please try again later.</p>\n",
    )
}

/// `GET /consent-capture/{id}`: what the subscriber is asked to consent to.
pub(crate) async fn show(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = shared.now();
    let capture = match shared.store.capture(&id, now).await {
        Ok(Some(capture)) => capture,
        Ok(None) => return gone(),
        Err(error) => return unavailable(&error),
    };
    let mut body = format!(
        "<p>An application asks for your consent to process your data for the purpose \
         <code>{}</code>, through these APIs:</p>\n<ul>\n",
        escape(&capture.purpose)
    );
    for scope in &capture.scopes {
        let _ = writeln!(body, "<li><code>{}</code></li>", escape(scope));
    }
    let _ = write!(
        body,
        "</ul>\n<form method=\"post\" action=\"{CAPTURE_PATH}/{}\">\n\
         <button type=\"submit\">I consent</button>\n</form>\n",
        escape(&id)
    );
    page(StatusCode::OK, "Consent request", &body)
}

/// `POST /consent-capture/{id}`: the subscriber confirmed; the consent is recorded.
///
/// The capture is taken from the store first (atomically, so of two confirmations exactly one
/// records), then its consent is recorded; a store failing in between loses the capture, and the
/// subscriber asks for a new one.
pub(crate) async fn confirm(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = shared.now();
    let capture = match shared.store.take_capture(&id, now).await {
        Ok(Some(capture)) => capture,
        Ok(None) => return gone(),
        Err(error) => return unavailable(&error),
    };
    if let Err(error) = shared
        .store
        .give_consent(&capture.subscriber_id, &capture.purpose, &capture.scopes)
        .await
    {
        return unavailable(&error);
    }
    tracing::info!("consent captured");
    page(
        StatusCode::OK,
        "Consent recorded",
        "<p>Thank you: your consent is recorded. You can close this page.</p>\n",
    )
}
