//! Fault injection: per-route latency, forced statuses, `429` with `Retry-After`, malformed bodies.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netid_core::error_info::ErrorCode;

use crate::camara::{ApiError, correlator, echo};
use crate::config::{Fault, FaultKind};
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

/// The middleware: applies the fault of the request path, or passes the request on.
pub(crate) async fn inject(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    // The full path, also for a hosted operator's route, whose router sees the path below its prefix.
    let path = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().path().to_owned(), |uri| uri.path().to_owned());
    let Some(fault) = take(&shared, &path) else {
        return next.run(request).await;
    };
    if let Some(latency) = fault.latency {
        tokio::time::sleep(latency).await;
    }
    let correlator = correlator(request.headers()).ok().flatten();
    match fault.kind {
        None => next.run(request).await,
        Some(FaultKind::Status(status)) => {
            let (code, message) = code_for(status);
            ApiError::new(status, code, message).into_response_with(correlator.as_ref())
        }
        Some(FaultKind::TooManyRequests { retry_after }) => {
            let (code, message) = code_for(429);
            let mut response = ApiError::new(429, code, message).into_response_with(correlator.as_ref());
            if let Ok(value) = HeaderValue::from_str(&retry_after.as_secs().to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Some(FaultKind::MalformedBody) => {
            let mut response = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"swapped\": tru",
            )
                .into_response();
            echo(&mut response, correlator.as_ref());
            response
        }
    }
}
