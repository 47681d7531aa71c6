//! Issue 16 end to end: the sandbox's Telco Finder routes device addresses (IPv4/IPv6 ranges)
//! and lists MCC-MNC rules; a finder may name a second-level finder, which the facade follows
//! across sandboxes (bounded, loops refused); `--route-ip` routes a Number Verification command
//! that names no number.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use netid::description::KeyText;
use netid::{MAX_SECOND_LEVEL, OperatorDescription, RoutingError, TelcoFinder};
use netid_camara::CallOptions;
use netid_camara::telco_finder::{RoutingAction, SearchTarget, TelcoFinderClient};
use netid_cli::api::{self, ApiPlan, CallArgs, NumberVerificationCommand, VerifyArgs};
use netid_core::phone::PhoneNumber;
use netid_core::scope::ApiScope;
use netid_reqwest::TokioSleep;
use netid_server::{ClientRegistration, Server, ServerConfig, ServerHandle, TelcoRoute};

use crate::support::Sandbox;

fn description(finder: &ServerHandle) -> OperatorDescription {
    OperatorDescription::from_toml_str(&format!(
        "issuer = \"{issuer}\"\npurpose = \"dpv:FraudPreventionAndDetection\"\n\n\
         [telco-finder]\nurl = \"{issuer}/telco-finder/v1\"\n",
        issuer = finder.issuer(),
    ))
    .expect("description")
}

/// The facade's finder at `finder`, with the demo client of `keys`.
fn finder_of(finder: &ServerHandle, keys: &ServerHandle) -> TelcoFinder {
    let demo = keys.demo_client().expect("demo client");
    TelcoFinder::builder(description(finder))
        .client_id(demo.client_id())
        .key(KeyText::new("sandbox", demo.expose_private_key_pem()))
        .build()
        .expect("finder")
}

fn none() -> [&'static str; 0] {
    []
}

#[tokio::test]
async fn device_addresses_are_routed_by_range_and_listed_with_networks() {
    let route = TelcoRoute::from_ranges(
        "by-address",
        none(),
        ["198.51.100.0/24", "2001:db8::/32"],
        ["21407"],
    )
    .expect("route");
    let narrow = TelcoRoute::from_ranges("narrow", none(), ["198.51.100.128/25"], none()).expect("route");
    let config = ServerConfig::demo()
        .with_telco_route(route)
        .with_telco_route(narrow);
    let sandbox = Sandbox::with_config(config).await;
    let finder = finder_of(&sandbox.server, &sandbox.server);

    // (target, operator id, or None for NotSupported)
    let cases: [(SearchTarget, Option<&str>); 5] = [
        (
            SearchTarget::from("198.51.100.7:40404".parse::<SocketAddr>().expect("v4")),
            Some("by-address"),
        ),
        (
            SearchTarget::from("198.51.100.200".parse::<IpAddr>().expect("v4")),
            Some("narrow"),
        ),
        (
            SearchTarget::from("[2001:db8::7]:40404".parse::<SocketAddr>().expect("v6")),
            Some("by-address"),
        ),
        (
            SearchTarget::from("203.0.113.1".parse::<IpAddr>().expect("v4")),
            None,
        ),
        (
            SearchTarget::from(PhoneNumber::parse_strict("+34654654654").expect("number")),
            None,
        ),
    ];
    for (target, expected) in cases {
        let shown = format!("{target:?}");
        match (finder.resolve(target).await, expected) {
            (Ok(resolved), Some(id)) => {
                assert_eq!(resolved.operator_id.as_str(), id, "{shown}");
                assert_eq!(resolved.api_root, sandbox.server.issuer());
            }
            (Err(netid::Error::NotSupported), None) => {}
            (outcome, _) => panic!("{shown}: {outcome:?}"),
        }
    }

    // The routing table lists the ranges and the network, and the client's resolver agrees.
    let token = sandbox
        .two_legged_token(&["telcofinder".parse::<ApiScope>().expect("scope")])
        .await;
    let client = TelcoFinderClient::new(
        sandbox.transport.clone(),
        format!("{}/telco-finder/v1", sandbox.server.issuer()),
        Arc::new(TokioSleep),
    );
    let table = client
        .routing_table(
            &format!("{}/telco-routing/v1", sandbox.server.issuer()),
            &token,
            CallOptions::new(),
        )
        .await
        .expect("routing table")
        .value;
    assert_eq!(table.rules[0].ipv4.len(), 1);
    assert_eq!(table.rules[0].ipv6.len(), 1);
    assert_eq!(table.rules[0].network[0].as_str(), "21407");
    let operator_of = |action: Option<&RoutingAction>| match action {
        Some(RoutingAction::Static(route)) => route.operator_id.as_str().to_owned(),
        other => format!("{other:?}"),
    };
    let address = |text: &str| SearchTarget::from(text.parse::<IpAddr>().expect("address"));
    assert_eq!(operator_of(table.resolve(&address("198.51.100.7"))), "by-address");
    assert_eq!(operator_of(table.resolve(&address("198.51.100.200"))), "narrow");
    assert_eq!(
        operator_of(table.resolve_network(&"21407".parse().expect("network"))),
        "by-address"
    );
    sandbox.server.shutdown().await;
}

/// A sandbox routing `+34` to the second-level finder of `next` (which issues its own tokens),
/// knowing the client of `keys`; bound to `bind` when given.
async fn delegating(next: &str, keys: &ServerHandle, bind: Option<SocketAddr>) -> ServerHandle {
    let demo = keys.demo_client().expect("demo client");
    let registration =
        ClientRegistration::from_jwks_json(demo.client_id(), &demo.public_jwks().to_string()).expect("jwks");
    let route = TelcoRoute::new("brands", ["+34"])
        .expect("route")
        .with_second_level_finder(format!("{next}/telco-finder/v1"))
        .with_issuer(next);
    let mut config = ServerConfig::demo()
        .with_demo_client(false)
        .with_client(registration)
        .with_telco_route(route);
    if let Some(bind) = bind {
        config = config.with_bind(bind);
    }
    Server::start(config).await.expect("sandbox")
}

#[tokio::test]
async fn second_level_finders_are_followed_up_to_the_bound() {
    // The operator at the end of the chain routes its own subscribers to itself.
    let operator = Server::start(ServerConfig::demo()).await.expect("operator");
    let mut chain = vec![];
    let mut next = operator.issuer().to_owned();
    for _ in 0..=MAX_SECOND_LEVEL {
        let finder = delegating(&next, &operator, None).await;
        next = finder.issuer().to_owned();
        chain.push(finder);
    }
    let number = PhoneNumber::parse_strict("+34654654654").expect("number");
    // From the second finder: MAX_SECOND_LEVEL second-level finders, the last one the operator's.
    let within = finder_of(&chain[MAX_SECOND_LEVEL - 1], &operator);
    let resolved = within.resolve(&number).await.expect("resolved through the chain");
    assert_eq!(resolved.operator_id.as_str(), netid_server::SANDBOX_OPERATOR_ID);
    assert_eq!(resolved.api_root, operator.issuer());
    let again = within.resolve(&number).await.expect("cached");
    assert!(
        again.from_cache,
        "the last finder's answer is cached by its own client"
    );
    // From the first: one finder too many.
    let beyond = finder_of(&chain[MAX_SECOND_LEVEL], &operator);
    let error = beyond.resolve(&number).await.expect_err("too deep");
    assert!(
        matches!(&error, netid::Error::Routing(RoutingError::TooDeep { max }) if *max == MAX_SECOND_LEVEL),
        "{error:?}"
    );
    assert_eq!(error.kind(), "routing");
    for finder in chain {
        finder.shutdown().await;
    }
    operator.shutdown().await;
}

#[tokio::test]
async fn a_loop_of_finders_is_refused() {
    let keys = Server::start(ServerConfig::demo()).await.expect("keys");
    // A's address is chosen first, so that B can name it before A starts.
    let a_bind = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port");
    let b = delegating(&format!("http://{a_bind}"), &keys, None).await;
    let a = delegating(b.issuer(), &keys, Some(a_bind)).await;
    let error = finder_of(&a, &keys)
        .resolve(&PhoneNumber::parse_strict("+34654654654").expect("number"))
        .await
        .expect_err("a loop");
    match &error {
        netid::Error::Routing(RoutingError::Loop { finder }) => {
            assert_eq!(finder, &format!("{}/telco-finder/v1", a.issuer()));
        }
        other => panic!("{other:?}"),
    }
    a.shutdown().await;
    b.shutdown().await;
    keys.shutdown().await;
}

/// A directory removed on drop.
struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn number_verification_routes_on_the_device_address() {
    let route = TelcoRoute::from_ranges("netid-sandbox", none(), ["198.51.100.0/24"], none()).expect("route");
    let sandbox = Server::start(ServerConfig::demo().with_telco_route(route))
        .await
        .expect("sandbox");
    let demo = sandbox.demo_client().expect("demo client");
    let dir = Dir(std::env::temp_dir().join(format!("netid-e2e-route-ip-{}", sandbox.local_addr().port())));
    std::fs::create_dir_all(&dir.0).expect("dir");
    std::fs::write(dir.0.join("client.pem"), demo.expose_private_key_pem()).expect("key");
    let file = format!(
        "issuer = \"{issuer}\"\nclient-id = \"{client}\"\nkey = \"client.pem\"\n\
         purpose = \"dpv:FraudPreventionAndDetection\"\n\n[number-verification]\nprofile = \"camara-2.1.0\"\n\n\
         [telco-finder]\nurl = \"{issuer}/telco-finder/v1\"\n",
        issuer = sandbox.issuer(),
        client = demo.client_id(),
    );
    std::fs::write(dir.0.join("netid.toml"), file).expect("file");
    let call = |route_ip: Option<&str>, route_number: Option<&str>| {
        let mut call = CallArgs::default();
        call.config = Some(dir.0.join("netid.toml"));
        call.json = true;
        call.deadline = 20;
        call.route = true;
        call.route_ip = route_ip.map(str::to_owned);
        call.route_phone_number = route_number.map(str::to_owned);
        call.login_hint = Some("ipport:198.51.100.7:40404".to_owned());
        call
    };
    let command = |route_ip: Option<&str>| NumberVerificationCommand::DevicePhoneNumber(call(route_ip, None));
    let no_env = |_: &str| None;

    let plan = ApiPlan::number_verification(&command(Some("198.51.100.7:40404")), &no_env).expect("plan");
    let report = api::run(plan, false).await;
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(report.exit_status(), 0, "{json}");
    assert_eq!(json["route"]["operatorId"], "netid-sandbox", "{json}");
    assert_eq!(json["result"]["devicePhoneNumber"], "+33*******40", "{json}");

    // A hashed number is not sent to the finder: the device's address is.
    let mut verify = VerifyArgs::default();
    verify.call = call(Some("198.51.100.7"), None);
    verify.hashed_phone_number = Some(
        PhoneNumber::parse_strict("+33699901040")
            .expect("number")
            .hashed()
            .as_str()
            .to_owned(),
    );
    let plan =
        ApiPlan::number_verification(&NumberVerificationCommand::Verify(verify), &no_env).expect("plan");
    let report = api::run(plan, false).await;
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(report.exit_status(), 0, "{json}");
    assert_eq!(json["result"]["devicePhoneNumberVerified"], true, "{json}");
    // A number the finder does not route (only addresses are): a failed call, not a usage error.
    let plan = ApiPlan::number_verification(
        &NumberVerificationCommand::DevicePhoneNumber(call(None, Some("+33699901040"))),
        &no_env,
    )
    .expect("plan");
    let report = api::run(plan, false).await;
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(report.exit_status(), 1, "{json}");
    assert_eq!(json["error"]["kind"], "not_supported", "{json}");

    // `--route` with nothing to route on: a usage error naming the flags.
    let error = ApiPlan::number_verification(&command(None), &no_env)
        .map(|_| ())
        .expect_err("nothing to route on");
    assert!(error.contains("--route-ip"), "{error}");
    sandbox.shutdown().await;
}
