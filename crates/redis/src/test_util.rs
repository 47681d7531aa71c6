//! A Redis server for tests: the shared one at `NETID_REDIS_URL` (what `cargo xtask ci` starts), or
//! a `redis-server` the test starts on a free loopback port. Under `CI=true` a missing
//! `NETID_REDIS_URL` fails the test, loudly: CI must never skip the Redis tests by accident.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` the test started; killed (by its own handle) when dropped.
#[derive(Debug)]
pub struct TestRedis(Child);

impl Drop for TestRedis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The URL of a Redis for the test, and the guard of the server started for it (`None` when
/// `NETID_REDIS_URL` names a shared one). Keep the guard alive as long as the URL is used.
///
/// # Panics
///
/// Under `CI=true` without `NETID_REDIS_URL`; when `redis-server` cannot start or does not listen
/// within 10 s.
#[must_use]
pub fn redis() -> (String, Option<TestRedis>) {
    if let Ok(url) = std::env::var("NETID_REDIS_URL")
        && !url.is_empty()
    {
        return (url, None);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but NETID_REDIS_URL is not set: `cargo xtask ci` starts redis-server and exports it"
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    let child = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", ""])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start redis-server (apt-get install redis-server)");
    let server = TestRedis(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not listen within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (format!("redis://127.0.0.1:{port}/"), Some(server))
}
