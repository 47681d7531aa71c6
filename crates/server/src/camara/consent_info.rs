//! Consent Info 0.2.0: `POST /retrieve`, answered from the subscriber's consent records and
//! opt-outs (see `subscribers::consent`).

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use netid_core::error_info::ErrorCode;
use netid_core::ports::random_id;
use netid_core::scope::{ApiScope, Purpose};
use serde_json::{Map, Value, json};

use super::consent_capture::{CAPTURE_LIFETIME, CAPTURE_PATH, PendingCapture};
use super::{
    ApiError, IdentifierRules, Served, answer_as, bearer, object, phone_number, require_scope, rfc3339,
    store_unavailable, subject,
};
use crate::state::Shared;
use crate::subscribers::consent::ScopeStatus;

/// Commonalities 0.6.1: a number beside a three-legged token is `UNNECESSARY_IDENTIFIER`.
const RULES: IdentifierRules = IdentifierRules {
    unnecessary: true,
    missing: (
        422,
        ErrorCode::MissingIdentifier,
        "The phone number cannot be identified.",
    ),
    not_found: (404, ErrorCode::IdentifierNotFound, "Phone number not found."),
};

/// The question of the body (`RetrieveStatusRequestBody`), checked against its schema.
struct Query {
    scopes: Vec<String>,
    purpose: String,
    request_capture_url: bool,
    callback_url: Option<String>,
}

fn invalid(message: &str) -> ApiError {
    ApiError::invalid_argument(message)
}

impl Query {
    fn read(body: &mut Map<String, Value>) -> Result<Self, ApiError> {
        let scopes = match body.remove("scopes") {
            Some(Value::Array(items)) if !items.is_empty() => items
                .into_iter()
                .map(|item| match item {
                    Value::String(scope) => Ok(scope),
                    _ => Err(invalid("scopes must be strings")),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(invalid("scopes must be a non-empty array")),
        };
        let purpose = match body.remove("purpose") {
            Some(Value::String(purpose)) if is_dpv(&purpose) => purpose,
            _ => return Err(invalid("purpose must match ^dpv:[a-zA-Z0-9]+$")),
        };
        let request_capture_url = match body.remove("requestCaptureUrl") {
            Some(Value::Bool(flag)) => flag,
            _ => return Err(invalid("requestCaptureUrl must be a boolean")),
        };
        let callback_url = match body.remove("callbackUrl") {
            None => None,
            // `format: uri`: a string that is no absolute URI breaks the schema (400); a URI the
            // callback rules refuse is the spec's 403 `CONSENT_INFO.INVALID_CALLBACK_URL`.
            Some(Value::String(url)) if url::Url::parse(&url).is_ok() => Some(url),
            Some(_) => return Err(invalid("callbackUrl must be an absolute URI")),
        };
        Ok(Self {
            scopes,
            purpose,
            request_capture_url,
            callback_url,
        })
    }

    /// The sandbox onboards every application for the CAMARA scopes netid knows and the DPV purposes
    /// it names; anything else is not allowed for the consumer.
    fn is_allowed(&self) -> bool {
        let Ok(purpose) = self.purpose.parse::<Purpose>();
        !matches!(purpose, Purpose::Other(_))
            && self.scopes.iter().all(|scope| {
                let Ok(scope) = scope.parse::<ApiScope>();
                !matches!(scope, ApiScope::Other(_))
            })
    }
}

fn is_dpv(purpose: &str) -> bool {
    purpose
        .strip_prefix("dpv:")
        .is_some_and(|term| !term.is_empty() && term.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The spec's callback rules: `https`, `http` on a loopback host, or a custom scheme for native
/// applications (`myapp://…`); never a credential in the URL.
fn callback_allowed(text: &str) -> bool {
    let Ok(url) = url::Url::parse(text) else {
        return false;
    };
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost")),
        _ => true,
    }
}

/// Groups the scopes by status, in the order they were asked.
fn group(statuses: Vec<(String, ScopeStatus)>) -> Vec<(ScopeStatus, Vec<String>)> {
    let mut groups: Vec<(ScopeStatus, Vec<String>)> = Vec::new();
    for (scope, status) in statuses {
        match groups.iter_mut().find(|(known, _)| *known == status) {
            Some((_, scopes)) if !scopes.contains(&scope) => scopes.push(scope),
            Some(_) => {}
            None => groups.push((status, vec![scope])),
        }
    }
    groups
}

fn status_info(purpose: &str, status: ScopeStatus, scopes: Vec<String>) -> Value {
    let mut item = json!({
        "scopes": scopes,
        "purpose": purpose,
        "statusValidForProcessing": status.reason.is_none(),
    });
    if let Some(reason) = status.reason {
        item["statusReason"] = json!(reason.as_str());
    }
    if let Some(at) = status.expires {
        item["expirationDate"] = rfc3339(at);
    }
    item
}

/// `POST /consent-info/v0.2/retrieve`.
pub(crate) async fn retrieve(
    State((shared, served)): State<(Arc<Shared>, Served)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer_as(served.spec, &headers, async || {
        let now: SystemTime = shared.now();
        let grant = bearer(&shared, &headers, now).await?;
        require_scope(&grant, &["consent-info:retrieve"])?;
        let mut body = object(&headers, &body)?;
        let number = phone_number(&mut body, false)?;
        let query = Query::read(&mut body)?;
        let subscriber = subject(&shared, &grant, number, &RULES)?;
        let consents = subscriber.consents();
        if !consents.is_available() {
            return Err(ApiError::new(
                422,
                ErrorCode::ServiceNotApplicable,
                "The service is not available for the provided phone number.",
            ));
        }
        if !query.is_allowed() {
            return Err(ApiError::new(
                403,
                ErrorCode::ConsentInfoNotAllowedScopesPurpose,
                "The requested scope(s) and Purpose combination is not allowed for this API Consumer.",
            ));
        }
        if query
            .callback_url
            .as_deref()
            .is_some_and(|url| !callback_allowed(url))
        {
            return Err(ApiError::new(
                403,
                ErrorCode::ConsentInfoInvalidCallbackUrl,
                "The provided callback URL is invalid.",
            ));
        }
        if query.request_capture_url && consents.capture_limit_reached() {
            return Err(ApiError::new(
                403,
                ErrorCode::ConsentInfoCaptureFrequencyExceeded,
                "The frequency of consent capture requests has been exceeded. Please try again later.",
            ));
        }
        // The opt-out list is the one the token endpoints refuse tokens for.
        let Ok(purpose) = query.purpose.parse::<Purpose>();
        let opted_out = subscriber.is_opted_out(&purpose);
        // Consent given on a capture page, possibly on another process sharing the store.
        let consented = shared
            .store
            .consented_scopes(subscriber.id(), &query.purpose)
            .await
            .map_err(|error| store_unavailable(&error))?;
        let statuses: Vec<(String, ScopeStatus)> = query
            .scopes
            .iter()
            .map(|scope| {
                let mut status = consents.status(opted_out, &query.purpose, scope, now);
                // Consent given on the capture page answers what the file left capturable; an
                // objection or a denial stays.
                if status.reason.is_some_and(|reason| reason.is_capturable()) && consented.contains(scope) {
                    status = ScopeStatus {
                        reason: None,
                        expires: None,
                    };
                }
                (scope.clone(), status)
            })
            .collect();
        let capturable: Vec<String> = statuses
            .iter()
            .filter(|(_, status)| status.reason.is_some_and(|reason| reason.is_capturable()))
            .map(|(scope, _)| scope.clone())
            .collect();
        let groups = group(statuses);
        let items: Vec<Value> = groups
            .into_iter()
            .map(|(status, scopes)| status_info(&query.purpose, status, scopes))
            .collect();
        let mut answer = json!({ "statusInfo": items });
        if query.request_capture_url && !capturable.is_empty() {
            let id = random_id(shared.config.rng.as_ref(), 16).map_err(|_| ApiError::internal())?;
            answer["captureUrl"] = json!(shared.endpoint(&format!("{CAPTURE_PATH}/{id}")));
            let capture = PendingCapture {
                subscriber_id: subscriber.id().to_owned(),
                purpose: query.purpose.clone(),
                scopes: capturable,
                expires: now + CAPTURE_LIFETIME,
            };
            shared
                .store
                .insert_capture(&id, capture, now)
                .await
                .map_err(|error| store_unavailable(&error))?;
        }
        Ok(answer)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_rules_of_the_spec() {
        for (url, allowed) in [
            ("https://consumer.example.com/consent/callback", true),
            ("http://127.0.0.1:8080/back", true),
            ("http://localhost/back", true),
            ("http://[::1]/back", true),
            ("myapp://consent/callback", true),
            ("http://consumer.example.com/back", false),
            ("https://user:secret@consumer.example.com/", false),
            ("not a url", false),
        ] {
            assert_eq!(callback_allowed(url), allowed, "{url}");
        }
    }

    #[test]
    fn purposes_follow_the_pattern() {
        assert!(is_dpv("dpv:FraudPreventionAndDetection"));
        assert!(!is_dpv("dpv:"));
        assert!(!is_dpv("dpv:Fraud Prevention"));
        assert!(!is_dpv("FraudPreventionAndDetection"));
    }
}
