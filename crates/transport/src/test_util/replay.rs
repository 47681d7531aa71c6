use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use http::HeaderMap;
use http::header::HeaderName;
use netid_core::correlator::X_CORRELATOR;

use crate::{HttpRequest, HttpResponse, HttpTransport, TransportError};

/// Headers that [`ReplayTransport`] does not compare by default, because they change from run to run
/// or are computed by the adapter: `date`, `user-agent`, `content-length`, `x-correlator`,
/// `traceparent`, `tracestate`.
pub const DEFAULT_VOLATILE_HEADERS: &[&str] = &[
    "date",
    "user-agent",
    "content-length",
    X_CORRELATOR,
    "traceparent",
    "tracestate",
];

/// One scripted exchange: the request expected next and the answer to give.
pub struct ReplayEvent {
    expected: HttpRequest,
    answer: Result<HttpResponse, TransportError>,
}

impl std::fmt::Debug for ReplayEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayEvent")
            .field("method", self.expected.method())
            .field("uri", self.expected.uri())
            .field("answer", &self.answer.as_ref().map(http::Response::status))
            .finish()
    }
}

impl ReplayEvent {
    /// Expects `expected` and answers `response`.
    #[must_use]
    pub fn new(expected: HttpRequest, response: HttpResponse) -> Self {
        Self {
            expected,
            answer: Ok(response),
        }
    }

    /// Expects `expected` and fails with `error` (as if the network had failed after the request).
    #[must_use]
    pub fn failing(expected: HttpRequest, error: TransportError) -> Self {
        Self {
            expected,
            answer: Err(error),
        }
    }
}

/// What went wrong in a replay: requests that differed from the script, requests beyond the script,
/// and scripted exchanges never requested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("replay mismatch:\n{}", .problems.join("\n"))]
pub struct ReplayMismatch {
    /// One line per problem, in the order they were found.
    pub problems: Vec<String>,
}

#[derive(Default)]
struct State {
    script: VecDeque<ReplayEvent>,
    received: Vec<HttpRequest>,
    problems: Vec<String>,
}

/// An [`HttpTransport`] that checks each request against a script and answers the scripted response.
///
/// For each request it takes the next [`ReplayEvent`] and compares:
/// - the method and the full URI;
/// - the headers, as multisets of values per name, except the volatile ones
///   ([`DEFAULT_VOLATILE_HEADERS`], plus any added with [`ignore_header`](Self::ignore_header));
/// - the body: as JSON values when both sides parse as JSON (so key order and whitespace do not
///   matter), byte for byte otherwise.
///
/// A mismatch is recorded and the call fails with [`TransportError::Other`]; the test then learns
/// every problem from [`verify`](Self::verify) or [`assert_complete`](Self::assert_complete), which
/// also report scripted exchanges never requested.
///
/// By default the response echoes the request's `x-correlator` when the scripted response has none,
/// as a CAMARA server does; [`no_echo`](Self::no_echo) turns that off.
///
/// ```
/// use netid_transport::HttpTransport;
/// use netid_transport::test_util::{ReplayEvent, ReplayTransport};
///
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// let request = || {
///     http::Request::post("https://op.example/check")
///         .header("content-type", "application/json")
///         .body(bytes::Bytes::from_static(br#"{"maxAge": 240}"#))
/// };
/// let response = http::Response::builder().status(200).body(bytes::Bytes::from_static(b"{}"))?;
/// let replay = ReplayTransport::new([ReplayEvent::new(request()?, response)]);
///
/// // Same JSON value, other spacing: accepted.
/// let sent = http::Request::post("https://op.example/check")
///     .header("content-type", "application/json")
///     .header("x-correlator", "volatile-and-ignored")
///     .body(bytes::Bytes::from_static(br#"{ "maxAge" : 240 }"#))?;
/// let answer = block_on(replay.send(sent))?;
/// assert_eq!(answer.status(), 200);
/// assert_eq!(answer.headers()["x-correlator"], "volatile-and-ignored");
/// replay.verify()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ReplayTransport {
    state: Mutex<State>,
    ignored: BTreeSet<String>,
    echo: bool,
}

impl std::fmt::Debug for ReplayTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Counts only: requests carry bearer tokens and personal data.
        let state = self.lock();
        f.debug_struct("ReplayTransport")
            .field("remaining", &state.script.len())
            .field("received", &state.received.len())
            .field("problems", &state.problems.len())
            .finish_non_exhaustive()
    }
}

impl ReplayTransport {
    /// A replay of `script`, in order.
    pub fn new(script: impl IntoIterator<Item = ReplayEvent>) -> Self {
        Self {
            state: Mutex::new(State {
                script: script.into_iter().collect(),
                ..State::default()
            }),
            ignored: DEFAULT_VOLATILE_HEADERS
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
            echo: true,
        }
    }

    /// Also ignores header `name` when comparing.
    #[must_use]
    pub fn ignore_header(mut self, name: HeaderName) -> Self {
        self.ignored.insert(name.as_str().to_owned());
        self
    }

    /// Compares header `name` although it is in [`DEFAULT_VOLATILE_HEADERS`].
    #[must_use]
    pub fn compare_header(mut self, name: &HeaderName) -> Self {
        self.ignored.remove(name.as_str());
        self
    }

    /// Does not copy the request's `x-correlator` into responses that lack one.
    #[must_use]
    pub fn no_echo(mut self) -> Self {
        self.echo = false;
        self
    }

    /// Appends one exchange to the script.
    pub fn push(&self, event: ReplayEvent) {
        self.lock().script.push_back(event);
    }

    /// Every request received so far, in order (clones).
    #[must_use]
    pub fn received(&self) -> Vec<HttpRequest> {
        self.lock().received.iter().map(clone_request).collect()
    }

    /// How many scripted exchanges are still waiting for their request.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.lock().script.len()
    }

    /// Checks that every request matched and every scripted exchange was used.
    ///
    /// # Errors
    ///
    /// A [`ReplayMismatch`] listing each problem.
    pub fn verify(&self) -> Result<(), ReplayMismatch> {
        let state = self.lock();
        let mut problems = state.problems.clone();
        for (index, event) in state.script.iter().enumerate() {
            problems.push(format!(
                "scripted exchange {} never requested: {} {}",
                state.received.len() + index + 1,
                event.expected.method(),
                event.expected.uri()
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ReplayMismatch { problems })
        }
    }

    /// Like [`verify`](Self::verify), for tests.
    ///
    /// # Panics
    ///
    /// With the list of problems, if there is any.
    #[track_caller]
    pub fn assert_complete(&self) {
        if let Err(mismatch) = self.verify() {
            panic!("{mismatch}");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn compare(&self, expected: &HttpRequest, actual: &HttpRequest) -> Vec<String> {
        let mut problems = Vec::new();
        if expected.method() != actual.method() {
            problems.push(format!(
                "method: expected {}, got {}",
                expected.method(),
                actual.method()
            ));
        }
        if expected.uri() != actual.uri() {
            problems.push(format!("uri: expected {}, got {}", expected.uri(), actual.uri()));
        }
        let expected_headers = self.comparable(expected.headers());
        let actual_headers = self.comparable(actual.headers());
        if expected_headers != actual_headers {
            problems.push(format!(
                "headers: expected {}, got {}",
                show_headers(&expected_headers),
                show_headers(&actual_headers)
            ));
        }
        if !bodies_match(expected.body(), actual.body()) {
            problems.push(format!(
                "body: expected {}, got {}",
                String::from_utf8_lossy(expected.body()),
                String::from_utf8_lossy(actual.body())
            ));
        }
        problems
    }

    fn comparable(&self, headers: &HeaderMap) -> BTreeMap<String, Vec<Vec<u8>>> {
        let mut map: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
        for (name, value) in headers {
            if !self.ignored.contains(name.as_str()) {
                map.entry(name.as_str().to_owned())
                    .or_default()
                    .push(value.as_bytes().to_vec());
            }
        }
        for values in map.values_mut() {
            values.sort();
        }
        map
    }
}

#[async_trait]
impl HttpTransport for ReplayTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut state = self.lock();
        let number = state.received.len() + 1;
        state.received.push(clone_request(&request));
        let Some(event) = state.script.pop_front() else {
            let problem = format!(
                "request {number} beyond the script: {} {}",
                request.method(),
                request.uri()
            );
            state.problems.push(problem.clone());
            return Err(TransportError::Other(format!("replay: {problem}")));
        };
        let problems = self.compare(&event.expected, &request);
        if !problems.is_empty() {
            let problem = format!("request {number}: {}", problems.join("; "));
            state.problems.push(problem.clone());
            return Err(TransportError::Other(format!("replay: {problem}")));
        }
        let mut response = event.answer?;
        if self.echo
            && let Some(correlator) = request.headers().get(X_CORRELATOR)
            && !response.headers().contains_key(X_CORRELATOR)
        {
            response.headers_mut().insert(X_CORRELATOR, correlator.clone());
        }
        Ok(response)
    }
}

fn bodies_match(expected: &[u8], actual: &[u8]) -> bool {
    if expected == actual {
        return true;
    }
    match (
        serde_json::from_slice::<serde_json::Value>(expected),
        serde_json::from_slice::<serde_json::Value>(actual),
    ) {
        (Ok(expected), Ok(actual)) => expected == actual,
        _ => false,
    }
}

fn show_headers(headers: &BTreeMap<String, Vec<Vec<u8>>>) -> String {
    let shown: Vec<String> = headers
        .iter()
        .map(|(name, values)| {
            let values: Vec<String> = values
                .iter()
                .map(|value| {
                    if name == "authorization" {
                        // Tokens stay out of test output; show only the scheme and the length.
                        let scheme = value.split(|byte| *byte == b' ').next().unwrap_or_default();
                        format!("{} [{} bytes]", String::from_utf8_lossy(scheme), value.len())
                    } else {
                        String::from_utf8_lossy(value).into_owned()
                    }
                })
                .collect();
            format!("{name}: {}", values.join(", "))
        })
        .collect();
    format!("{{{}}}", shown.join("; "))
}

fn clone_request(request: &HttpRequest) -> HttpRequest {
    let mut clone = HttpRequest::new(request.body().clone());
    *clone.method_mut() = request.method().clone();
    *clone.uri_mut() = request.uri().clone();
    *clone.version_mut() = request.version();
    *clone.headers_mut() = request.headers().clone();
    clone
}
