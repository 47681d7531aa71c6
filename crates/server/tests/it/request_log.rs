//! The request log: one event per request while a subscriber listens (the middleware skips its
//! copies when none does, as under `netid sandbox serve --log-format off`).

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use netid_server::{Server, ServerConfig};
use reqwest::StatusCode;

/// A log writer into a shared buffer.
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What the process-wide subscriber wrote. Global, not a thread's default: `tracing` caches each
/// callsite's interest process-wide, so a thread-local subscriber misses events while the other
/// tests' servers (with none) run in parallel.
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static CAPTURED: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let writer = buffer.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || Capture(writer.clone()))
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
            buffer
        })
        .clone()
}

#[tokio::test]
async fn logs_route_status_and_correlator_while_a_subscriber_listens() {
    let captured = captured();
    let server = Server::start(ServerConfig::new()).await.expect("server");
    let url = format!(
        "{}/.well-known/openid-configuration?login_hint=x",
        server.issuer()
    );
    let status = reqwest::Client::new()
        .get(url)
        .header("x-correlator", "request-log-test-1")
        .send()
        .await
        .expect("discovery")
        .status();
    server.shutdown().await;
    assert_eq!(status, StatusCode::OK);
    let log = String::from_utf8_lossy(&captured.lock().expect("log")).into_owned();
    // Other tests' servers log into the same buffer: this request's line is the one with its correlator.
    let line = log
        .lines()
        .find(|line| line.contains("request-log-test-1"))
        .unwrap_or_else(|| panic!("no request event in {log}"));
    assert!(
        line.contains("method=GET path=/.well-known/openid-configuration status=200"),
        "{line}"
    );
    // The route pattern, never the query.
    assert!(!line.contains("login_hint"), "{line}");
}
