//! A `redis-server` of the test's own, or the shared one at `NETID_REDIS_URL`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use netid_redis::{RedisConfig, RedisStores};

/// A `redis-server` this test started; killed (by its own handle) when dropped.
pub(crate) struct Server {
    child: Option<Child>,
    pub(crate) port: u16,
    dir: PathBuf,
}

impl Server {
    /// Starts `redis-server` on a free loopback port, persisting every write to an AOF in its own
    /// directory, so that a restart keeps what it had.
    pub(crate) fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let dir = std::env::temp_dir().join(format!("netid-redis-test-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut server = Self {
            child: None,
            port,
            dir,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start redis-server ({e}): install Debian's redis-server (apt-get install redis-server)")
            });
        self.child = Some(child);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not listen within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        let status = Command::new("kill").args([signal, &pid]).status().expect("kill");
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// Freezes the server (SIGSTOP): connections stay open, nothing answers.
    pub(crate) fn pause(&self) {
        self.signal("-STOP");
    }

    /// Thaws it (SIGCONT).
    pub(crate) fn resume(&self) {
        self.signal("-CONT");
    }

    /// Stops it (SIGTERM: a clean shutdown that keeps the AOF) and waits for its exit.
    pub(crate) fn stop(&mut self) {
        self.signal("-TERM");
        if let Some(mut child) = self.child.take() {
            child.wait().expect("redis-server exits");
        }
    }

    /// Starts it again on the same port and directory.
    pub(crate) fn restart(&mut self) {
        self.spawn();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            // A paused server would not die of SIGTERM; SIGKILL through the handle always works.
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The shared Redis of `NETID_REDIS_URL`, or a server of the test's own (kept alive by the
/// returned guard). Under `CI=true` a missing `NETID_REDIS_URL` is an error: CI must test the
/// Redis it set up, never silently start or skip.
pub(crate) fn redis() -> (String, Option<Server>) {
    match std::env::var("NETID_REDIS_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but NETID_REDIS_URL is not set: `cargo xtask ci` starts redis-server and exports it"
            );
            let server = Server::start();
            (server.url(), Some(server))
        }
    }
}

/// A key prefix no other test (or earlier run) uses.
pub(crate) fn prefix() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "netid-test:{}:{nanos}:{}:",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

pub(crate) async fn connect(url: &str, prefix: &str, timeout: Duration) -> RedisStores {
    RedisStores::connect(RedisConfig::new(url).key_prefix(prefix).timeout(timeout))
        .await
        .expect("redis reachable")
}

/// A raw client for looking at what the adapter wrote.
pub(crate) async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .expect("url")
        .get_multiplexed_async_connection()
        .await
        .expect("raw connection")
}
