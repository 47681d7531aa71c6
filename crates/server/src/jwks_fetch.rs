//! Fetching a client's JWK Set from its JWKS URL when the server starts.
//!
//! The URL is loopback `http` only (checked by [`ClientRegistration::from_jwks_url`]), so a plain
//! HTTP/1.0 GET over a TCP stream is enough, and the server needs no HTTP client (nor TLS stack).
//! HTTP/1.0 keeps the answer simple: no chunked body, the connection closes at its end.

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::error::ServerError;
use crate::registration::{ClientRegistration, parse_jwks};

/// How long the whole fetch may take: the publisher is on this machine.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The largest JWK Set accepted.
const MAX_BYTES: u64 = 256 * 1024;

/// Fills the keys of a client registered by JWKS URL.
pub(crate) async fn resolve(client: &mut ClientRegistration) -> Result<(), ServerError> {
    let Some(url) = client.jwks_url.clone() else {
        return Ok(());
    };
    let fail = |reason: String| ServerError::Jwks {
        client_id: client.client_id.clone(),
        url: url.to_string(),
        reason,
    };
    let body = tokio::time::timeout(TIMEOUT, get(&url))
        .await
        .map_err(|_| fail(format!("no answer within {} s", TIMEOUT.as_secs())))?
        .map_err(fail)?;
    let keys = parse_jwks(&body).map_err(|error| fail(error.to_string()))?;
    client.keys = keys;
    Ok(())
}

async fn get(url: &url::Url) -> Result<String, String> {
    let host = url.host_str().ok_or("the url has no host")?;
    let port = url.port_or_known_default().unwrap_or(80);
    let address = match url.host() {
        Some(url::Host::Domain(_)) => format!("localhost:{port}"),
        _ => format!("{host}:{port}"),
    };
    let mut stream = TcpStream::connect(&address)
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let request = format!(
        "GET {target} HTTP/1.0\r\nHost: {}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
        url.authority()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut raw = Vec::new();
    stream
        .take(MAX_BYTES + 1)
        .read_to_end(&mut raw)
        .await
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    if raw.len() as u64 > MAX_BYTES {
        return Err(format!("the answer is larger than {MAX_BYTES} bytes"));
    }
    parse_response(&raw)
}

/// The body of a `200` HTTP/1.x answer.
fn parse_response(raw: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(raw).map_err(|_| String::from("the answer is not UTF-8"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or("the answer has no header end")?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .ok_or("the answer has no status line")?;
    if status != "200" {
        return Err(format!("status {status}, expected 200"));
    }
    let chunked = lines.any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding")
                && value.to_ascii_lowercase().contains("chunked")
        })
    });
    if chunked {
        return Err(String::from("chunked answers are not supported"));
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_by_status_and_body() {
        let cases: [(&[u8], Result<&str, &str>); 4] = [
            (
                b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"keys\":[]}",
                Ok("{\"keys\":[]}"),
            ),
            (b"HTTP/1.1 404 Not Found\r\n\r\n", Err("status 404, expected 200")),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n",
                Err("chunked answers are not supported"),
            ),
            (b"garbage", Err("the answer has no header end")),
        ];
        for (raw, expected) in cases {
            let expected = expected.map(str::to_owned).map_err(str::to_owned);
            assert_eq!(parse_response(raw), expected, "{raw:?}");
        }
    }
}
