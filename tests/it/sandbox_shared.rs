//! Two `netid sandbox serve` processes as one operator (issue 13): one Redis (`--state`), one
//! signing key (`--signing-key`), one issuer (`--issuer`, the address of a port-forward in front of
//! both). The facade, configured from the operator file the first one wrote, keeps working when the
//! port-forward moves to the second.

use std::fs;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netid::crates::ciba::driver::InMemoryTokenStore;
use netid::{Operator, OperatorDescription};
use netid_cli::sandbox::{self, ServeArgs};
use netid_core::phone::PhoneNumber;
use netid_server::{Server, ServerConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A port-forward whose target can be moved; moving it cuts the connections already relayed.
struct PortForward {
    addr: SocketAddr,
    target: Arc<Mutex<SocketAddr>>,
    relays: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl PortForward {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let target = Arc::new(Mutex::new(addr));
        let relays: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (to, registry) = (target.clone(), relays.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = *to.lock().expect("target");
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                registry.lock().expect("relays").push(relay);
            }
        });
        Self {
            addr,
            target,
            relays,
            accept,
        }
    }

    async fn point_at(&self, target: SocketAddr) {
        *self.target.lock().expect("target") = target;
        for relay in self.relays.lock().expect("relays").drain(..) {
            relay.abort();
        }
        // Let the client see its pooled connection closed before it sends the next request.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Drop for PortForward {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sandboxes_with_one_redis_key_and_issuer_serve_one_operator_file() {
    let (redis_url, _redis) = netid_redis::test_util::redis();
    // Any ES256 private key will do as the operator's signing key: a donor sandbox's demo key.
    let donor = Server::start(ServerConfig::new()).await.expect("donor starts");
    let key_pem = donor
        .demo_client()
        .expect("demo")
        .expose_private_key_pem()
        .to_owned();
    donor.shutdown().await;
    let key_file = std::env::temp_dir().join(format!("netid-e2e-shared-signing-{}.pem", std::process::id()));
    fs::write(&key_file, key_pem).expect("key written");

    let forward = PortForward::start().await;
    let issuer = format!("http://{}", forward.addr);
    let args = ServeArgs::new()
        .with_fast(true)
        .with_state(redis_url.clone())
        .with_signing_key(&key_file)
        .with_issuer(issuer.clone());
    let a = sandbox::start(&args.clone().with_temporary_operator_file())
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let b = sandbox::start(&args)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        (a.server().issuer(), b.server().issuer()),
        (issuer.as_str(), issuer.as_str())
    );
    let kid = |s: &sandbox::Sandbox| s.server().demo_client().map(|d| d.key_id().to_owned());
    assert_eq!(kid(&a), kid(&b), "one demo client, derived from the shared key");

    forward.point_at(a.server().local_addr()).await;
    let file = a.operator_file().expect("operator file");
    // The token of the first call is cached, so the second call presents it to the other process.
    let operator = Operator::builder(OperatorDescription::read(file).expect("reads"))
        .token_store(Arc::new(InMemoryTokenStore::new()))
        .build()
        .expect("operator");
    let peter = PhoneNumber::parse_strict("+33699901040").expect("number");
    operator
        .sim_swap(peter.clone())
        .check(Duration::from_secs(3600))
        .await
        .expect("sim swap through the first process");

    // The port-forward moves: the same operator, file, key and issuer, answered by the other.
    forward.point_at(b.server().local_addr()).await;
    operator
        .sim_swap(peter)
        .check(Duration::from_secs(3600))
        .await
        .expect("sim swap through the second process");

    a.stop().await;
    b.stop().await;
    let _ = fs::remove_file(&key_file);
}
