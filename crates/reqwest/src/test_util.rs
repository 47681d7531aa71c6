//! A scripted HTTP/1.1 server on `127.0.0.1`, for adapter, contract and benchmark tests.
//!
//! Hand-written on a tokio `TcpListener` so a test controls every byte: it can cut a body short,
//! dribble it slowly or close the connection, which a full server framework hides. It understands
//! just enough HTTP/1.1 for an HTTP client under test: request line, headers, a `content-length` body,
//! keep-alive. It listens on loopback only and stops when dropped.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use netid_transport::{HttpRequest, HttpResponse};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Largest request head (request line and headers) the server reads.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body the server reads.
const MAX_BODY: usize = 1024 * 1024;

/// What the server does with one request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Reply {
    /// Answers this response (a `content-length` header is added) and keeps the connection open.
    Response(HttpResponse),
    /// Sends the head and the first half of the body of this response, waits, sends the rest.
    SlowBody(HttpResponse, Duration),
    /// Sends these raw bytes and closes the connection (truncated bodies, broken heads).
    Raw(Bytes),
    /// Closes the connection without answering.
    Close,
}

impl Reply {
    /// A response with `status` (200 if `status` is not a valid HTTP status), a JSON content type and
    /// `body`.
    #[must_use]
    pub fn json(status: u16, body: impl Into<Bytes>) -> Self {
        let mut response = HttpResponse::new(body.into());
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Self::Response(response)
    }
}

type Handler = dyn Fn(&HttpRequest) -> Reply + Send + Sync;

/// A scripted HTTP/1.1 server on `127.0.0.1:0`; stops when dropped.
pub struct LoopbackServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<HttpRequest>>>,
    task: JoinHandle<()>,
}

impl fmt::Debug for LoopbackServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl LoopbackServer {
    /// Starts a server answering each request with `handler`'s [`Reply`]. Must run inside a tokio
    /// runtime.
    ///
    /// # Errors
    ///
    /// If the loopback port cannot be bound.
    pub async fn start(handler: impl Fn(&HttpRequest) -> Reply + Send + Sync + 'static) -> io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // Without it, Nagle's algorithm and the client's delayed ACK stall every keep-alive
                // exchange by ~40 ms, which would hide everything a benchmark measures.
                let _ = stream.set_nodelay(true);
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    // A broken connection ends only that connection; the client sees the error.
                    let _ = serve(stream, handler, log).await;
                });
            }
        });
        Ok(Self { addr, received, task })
    }

    /// The server's address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order (URIs are origin-form: path and query).
    #[must_use]
    pub fn received(&self) -> Vec<HttpRequest> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(clone_request)
            .collect()
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<HttpRequest>>>,
) -> io::Result<()> {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        let reply = handler(&request);
        log.lock().unwrap_or_else(PoisonError::into_inner).push(request);
        match reply {
            Reply::Response(response) => {
                // One write: head and body in one segment, as a real server sends a small answer.
                let mut bytes = head(&response);
                bytes.extend_from_slice(response.body());
                stream.write_all(&bytes).await?;
            }
            Reply::SlowBody(response, delay) => {
                let body = response.body();
                let half = body.len() / 2;
                stream.write_all(&head(&response)).await?;
                stream.write_all(&body[..half]).await?;
                stream.flush().await?;
                tokio::time::sleep(delay).await;
                stream.write_all(&body[half..]).await?;
            }
            Reply::Raw(bytes) => {
                stream.write_all(&bytes).await?;
                return stream.shutdown().await;
            }
            Reply::Close => return stream.shutdown().await,
        }
        stream.flush().await?;
    }
}

/// Reads one request; `None` when the client closed the connection between requests.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> io::Result<Option<HttpRequest>> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position + 4;
        }
        if buffer.len() > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        let mut chunk = [0_u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err(invalid("connection closed mid-head"))
            };
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = std::str::from_utf8(&buffer[..head_end]).map_err(|_| invalid("head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default();
    let target = request_line.next().unwrap_or_default();
    let mut builder = http::Request::builder().method(method).uri(target);
    let mut length = 0_usize;
    for line in lines.filter(|line| !line.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid("header without colon"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().map_err(|_| invalid("bad content-length"))?;
        }
        builder = builder.header(name, value);
    }
    if length > MAX_BODY {
        return Err(invalid("request body too large"));
    }
    while buffer.len() < head_end + length {
        let mut chunk = [0_u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(invalid("connection closed mid-body"));
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = Bytes::copy_from_slice(&buffer[head_end..head_end + length]);
    buffer.drain(..head_end + length);
    builder
        .body(body)
        .map(Some)
        .map_err(|_| invalid("malformed request"))
}

fn head(response: &HttpResponse) -> Vec<u8> {
    let status = response.status();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Unknown")
    )
    .into_bytes();
    for (name, value) in response.headers() {
        if name != http::header::CONTENT_LENGTH {
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
    }
    head.extend_from_slice(format!("content-length: {}\r\n\r\n", response.body().len()).as_bytes());
    head
}

fn clone_request(request: &HttpRequest) -> HttpRequest {
    let mut clone = HttpRequest::new(request.body().clone());
    *clone.method_mut() = request.method().clone();
    *clone.uri_mut() = request.uri().clone();
    *clone.headers_mut() = request.headers().clone();
    clone
}
