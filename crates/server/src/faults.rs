//! Fault injection: per-route latency, forced statuses, `429` with `Retry-After`, malformed bodies.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netid_core::error_info::ErrorCode;

use crate::camara::{ApiError, X_CORRELATOR, correlator, correlator_of};
use crate::config::{Fault, FaultKind};
use crate::mounts;
use crate::state::{Shared, lock};

/// Takes one use of the fault registered for `path`, if any.
fn take(shared: &Shared, path: &str) -> Option<Fault> {
    let mut faults = lock(&shared.faults);
    let fault = faults.get_mut(path)?;
    let taken = fault.clone();
    match &mut fault.times {
        Some(0) => {
            faults.remove(path);
            return None;
        }
        Some(1) => {
            faults.remove(path);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(taken)
}

/// The CAMARA code of a forced status.
fn code_for(status: u16) -> (ErrorCode, &'static str) {
    match status {
        400 => (
            ErrorCode::InvalidArgument,
            "Client specified an invalid argument, request body or query param.",
        ),
        401 => (
            ErrorCode::Unauthenticated,
            "Request not authenticated due to missing, invalid, or expired credentials.",
        ),
        403 => (
            ErrorCode::PermissionDenied,
            "Client does not have sufficient permissions to perform this action.",
        ),
        404 => (ErrorCode::NotFound, "The specified resource is not found."),
        409 => (
            ErrorCode::Conflict,
            "Another request is created for the same MSISDN",
        ),
        429 => (
            ErrorCode::TooManyRequests,
            "Either out of resource quota or reaching rate limiting.",
        ),
        501 => (
            ErrorCode::NotImplemented,
            "This functionality is not implemented yet.",
        ),
        502 => (
            ErrorCode::BadGateway,
            "An upstream server returned an invalid response.",
        ),
        503 => (ErrorCode::Unavailable, "Service Unavailable."),
        504 => (ErrorCode::Timeout, "Request timeout exceeded."),
        _ => (ErrorCode::Internal, "Server error."),
    }
}

/// The `x-correlator` a fault answer echoes: at an API operation, what that path's handler would
/// echo ([`SpecVersion::x_correlator_rule`](netid_core::spec::SpecVersion::x_correlator_rule) of the
/// version routed there, the value as it came), or `Err` when that version refuses the value; at
/// any other path (`/token`), a value matching the CAMARA pattern, none otherwise.
fn echoed(path: &str, headers: &HeaderMap) -> Result<Option<HeaderValue>, ApiError> {
    match mounts::spec_at(path) {
        Some(spec) => correlator_of(spec, headers),
        None => Ok(correlator(headers)
            .ok()
            .flatten()
            .and_then(|c| HeaderValue::from_str(c.as_str()).ok())),
    }
}

/// The operation path of `path` as its operator's router sees it: a hosted operator's API lives at
/// `/operators/{operator_id}` followed by the same paths as the root's.
fn below_hosted_prefix(path: &str) -> &str {
    path.strip_prefix(crate::hosted::OPERATORS_PATH)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.find('/').map(|slash| &rest[slash..]))
        .unwrap_or(path)
}

fn with_correlator(mut response: Response, correlator: Option<HeaderValue>) -> Response {
    if let Some(value) = correlator {
        response.headers_mut().insert(X_CORRELATOR.clone(), value);
    }
    response
}

/// The middleware: applies the fault of the request path, or passes the request on.
///
/// A fault stands for the operator's backend. A request whose `x-correlator` its version refuses
/// never reaches a backend: it goes to the handler, which answers the version's 400
/// `INVALID_ARGUMENT`, and the fault stays (untaken, no latency) for the next request.
pub(crate) async fn inject(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    // The full path, also for a hosted operator's route, whose router sees the path below its prefix.
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().path(), |uri| uri.path());
    // Most requests have no fault: checked on the borrowed path, without copying it.
    if !lock(&shared.faults).contains_key(path) {
        return next.run(request).await;
    }
    let path = path.to_owned();
    let Ok(correlator) = echoed(below_hosted_prefix(&path), request.headers()) else {
        return next.run(request).await;
    };
    let Some(fault) = take(&shared, &path) else {
        return next.run(request).await;
    };
    if let Some(latency) = fault.latency {
        tokio::time::sleep(latency).await;
    }
    match fault.kind {
        None => next.run(request).await,
        Some(FaultKind::Status(status)) => {
            let (code, message) = code_for(status);
            with_correlator(
                ApiError::new(status, code, message).into_response_with(None),
                correlator,
            )
        }
        Some(FaultKind::TooManyRequests { retry_after }) => {
            let (code, message) = code_for(429);
            let mut response = ApiError::new(429, code, message).into_response_with(None);
            if let Ok(value) = HeaderValue::from_str(&retry_after.as_secs().to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            with_correlator(response, correlator)
        }
        Some(FaultKind::MalformedBody) => {
            let response = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"swapped\": tru",
            )
                .into_response();
            with_correlator(response, correlator)
        }
    }
}
