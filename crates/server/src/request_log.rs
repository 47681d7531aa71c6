//! One `tracing` event per request: method, route, status, latency and `x-correlator`.
//!
//! The route is the matched route pattern, never the raw path or query (a path the sandbox does
//! not serve could carry anything, a query carries login hints and codes). No header other than
//! `x-correlator` is read: `Authorization` holds tokens, and bodies hold personal data.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::camara::correlator;

/// The `tracing` target of request events, for subscribers that filter on it.
pub(crate) const TARGET: &str = "netid_server::request";

/// The middleware.
pub(crate) async fn log(request: Request, next: Next) -> Response {
    // Without a subscriber for request events (`netid sandbox serve --log-format off`, a library
    // that installs none), the copies of the route and correlator below would be per-request
    // allocations for nothing.
    if !tracing::enabled!(target: TARGET, tracing::Level::INFO) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| String::from("(unrouted)"), |path| path.as_str().to_owned());
    // An invalid correlator is not logged: it is the caller's text and may be anything.
    let correlator = correlator(request.headers())
        .ok()
        .flatten()
        .map(|c| c.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        target: TARGET,
        method = %method,
        path = %route,
        status = response.status().as_u16(),
        latency_ms,
        correlator = correlator.as_deref().unwrap_or("-"),
        "request",
    );
    response
}
