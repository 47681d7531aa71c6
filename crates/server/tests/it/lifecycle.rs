//! Server lifecycle: binding, shutdown, dropping the handle.

use std::time::Duration;

use netid_server::{Server, ServerConfig, ServerError};
use reqwest::StatusCode;

use crate::support::{Env, start};

#[tokio::test]
async fn refuses_non_loopback_bind_without_opt_in() {
    let config = ServerConfig::new().with_bind("0.0.0.0:0".parse().unwrap());
    let err = Server::start(config).await.unwrap_err();
    assert!(matches!(err, ServerError::NonLoopbackBind(_)), "{err}");
    insta::assert_snapshot!(err.to_string(), @"refusing to bind 0.0.0.0:0: not a loopback address (use ServerConfig::insecure_allow_non_loopback to opt in)");
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let env = start().await;
    let url = env.url("/jwks");
    assert_eq!(env.send(env.http.get(&url)).await.status, StatusCode::OK);
    let Env { server, .. } = env;
    server.shutdown().await;
    let fresh = reqwest::Client::new();
    assert!(fresh.get(&url).send().await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let server = Server::start(ServerConfig::new()).await.unwrap();
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback());
    drop(server);
    // The server task stops on its own once the handle is gone; give it a bounded number of turns.
    let mut stopped = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            stopped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(stopped, "still accepting connections after drop");
}
