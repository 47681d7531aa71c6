//! The consent capture page Consent Info's `captureUrl` points to (`/consent-capture/{id}`): `GET`
//! shows the purpose and scopes awaiting the subscriber's consent with a confirm button; `POST`
//! records the consent in the sandbox state, so the next Consent Info call answers valid consent
//! for those scopes. A capture URL is single-use and expires after [`CAPTURE_LIFETIME`].
//!
//! The page names no subscriber: whoever holds the URL confirms (the sandbox has no login).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::state::{Shared, lock};

/// How long a capture URL stays usable.
pub(crate) const CAPTURE_LIFETIME: Duration = Duration::from_secs(600);

/// The path of a capture page below the issuer.
pub(crate) const CAPTURE_PATH: &str = "/consent-capture";

/// A capture URL waiting for the subscriber.
#[derive(Debug, Clone)]
pub(crate) struct PendingCapture {
    /// The subscriber's id in the subscriber file (not personal data: the file's own key).
    pub(crate) subscriber_id: String,
    pub(crate) purpose: String,
    /// The scopes whose consent is pending, requested or expired: the capturable ones.
    pub(crate) scopes: Vec<String>,
    pub(crate) expires: SystemTime,
}

/// The consent captures of the sandbox: pending capture URLs and the consents given through them.
#[derive(Debug, Default)]
pub(crate) struct Captures {
    pending: BTreeMap<String, PendingCapture>,
    /// (subscriber id, purpose) → the scopes consented to.
    given: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Captures {
    /// Keeps a capture URL's question under `id`, purging the expired ones.
    pub(crate) fn insert(&mut self, id: String, capture: PendingCapture, now: SystemTime) {
        self.pending.retain(|_, pending| pending.expires > now);
        self.pending.insert(id, capture);
    }

    /// The question of capture `id`, while it is usable.
    fn pending(&self, id: &str, now: SystemTime) -> Option<&PendingCapture> {
        self.pending.get(id).filter(|pending| pending.expires > now)
    }

    /// Records the consent of capture `id` and ends it; `false` when unknown, used or expired.
    fn confirm(&mut self, id: &str, now: SystemTime) -> bool {
        let Some(capture) = self.pending.remove(id).filter(|pending| pending.expires > now) else {
            return false;
        };
        self.given
            .entry((capture.subscriber_id, capture.purpose))
            .or_default()
            .extend(capture.scopes);
        true
    }

    /// Whether the subscriber consented to `scope` for `purpose` through a capture page.
    pub(crate) fn is_given(&self, subscriber_id: &str, purpose: &str, scope: &str) -> bool {
        self.given
            .get(&(subscriber_id.to_owned(), purpose.to_owned()))
            .is_some_and(|scopes| scopes.contains(scope))
    }
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

/// `GET /consent-capture/{id}`: what the subscriber is asked to consent to.
pub(crate) async fn show(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = shared.now();
    let captures = lock(&shared.captures);
    let Some(capture) = captures.pending(&id, now) else {
        return gone();
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
pub(crate) async fn confirm(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = shared.now();
    if !lock(&shared.captures).confirm(&id, now) {
        return gone();
    }
    tracing::info!("consent captured");
    page(
        StatusCode::OK,
        "Consent recorded",
        "<p>Thank you: your consent is recorded. You can close this page.</p>\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_is_confirmed_once_before_it_expires() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let capture = |scopes: &[&str]| PendingCapture {
            subscriber_id: "peter".to_owned(),
            purpose: "dpv:A".to_owned(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires: now + CAPTURE_LIFETIME,
        };
        let mut captures = Captures::default();
        captures.insert("one".to_owned(), capture(&["s:a", "s:b"]), now);
        captures.insert("late".to_owned(), capture(&["s:c"]), now);
        assert!(!captures.is_given("peter", "dpv:A", "s:a"));
        assert!(captures.pending("one", now).is_some());
        assert!(captures.confirm("one", now));
        assert!(!captures.confirm("one", now), "single use");
        assert!(captures.is_given("peter", "dpv:A", "s:a"));
        assert!(captures.is_given("peter", "dpv:A", "s:b"));
        assert!(!captures.is_given("peter", "dpv:B", "s:a"), "another purpose");
        assert!(!captures.is_given("maria", "dpv:A", "s:a"), "another subscriber");
        let after = now + CAPTURE_LIFETIME;
        assert!(captures.pending("late", after).is_none());
        assert!(!captures.confirm("late", after), "expired");
        assert!(!captures.is_given("peter", "dpv:A", "s:c"));
        assert!(!captures.confirm("never-issued", now));
    }
}
