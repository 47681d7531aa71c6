//! GSMA Telco Finder end to end: resolve a number with a client-credentials token against the
//! sandbox's finder, then call SIM Swap on the operator it named, through the facade; and
//! `netid route` and `netid sim-swap check --route` as library calls.

use std::path::PathBuf;
use std::time::Duration;

use netid::description::KeyText;
use netid::{OperatorDescription, TelcoFinder};
use netid_cli::api::{self, ApiPlan, SimSwapCheckArgs, SimSwapCommand};
use netid_cli::route::{self, RouteArgs};
use netid_core::phone::PhoneNumber;
use netid_server::{ClientRegistration, SANDBOX_OPERATOR_ID, Server, ServerConfig, ServerHandle, TelcoRoute};

/// The finder's operator file: its issuer, the demo client of `keys`, and a SIM Swap table whose
/// base URL the resolution decides.
fn description(finder: &ServerHandle) -> OperatorDescription {
    OperatorDescription::from_toml_str(&format!(
        r#"
        issuer = "{issuer}"
        purpose = "dpv:FraudPreventionAndDetection"

        [sim-swap]
        profile = "camara-2.1.0"

        [telco-finder]
        url = "{issuer}/telco-finder/v1"
        "#,
        issuer = finder.issuer(),
    ))
    .expect("description")
}

fn finder_of(finder: &ServerHandle, keys: &ServerHandle) -> TelcoFinder {
    let demo = keys.demo_client().expect("demo client");
    TelcoFinder::builder(description(finder))
        .client_id(demo.client_id())
        .key(KeyText::new("sandbox", demo.expose_private_key_pem()))
        .build()
        .expect("finder")
}

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("number")
}

#[tokio::test]
async fn the_sandbox_routes_its_subscribers_to_itself() {
    let sandbox = Server::start(ServerConfig::demo()).await.expect("sandbox");
    let finder = finder_of(&sandbox, &sandbox);
    let resolved = finder.resolve(&number("+34654654654")).await.expect("resolved");
    assert_eq!(resolved.operator_id.as_str(), SANDBOX_OPERATOR_ID);
    assert_eq!(resolved.api_root, sandbox.issuer());
    assert_eq!(
        resolved.discovery_url,
        format!("{}/.well-known/openid-configuration", sandbox.issuer())
    );
    assert!(!resolved.from_cache);
    let again = finder.resolve(&number("+34654654654")).await.expect("cached");
    assert!(again.from_cache, "reused within the finder's max-age");
    let outside = finder
        .resolve(&number("+447709558432"))
        .await
        .expect_err("no route");
    assert!(matches!(outside, netid::Error::NotSupported), "{outside:?}");
    assert_eq!(outside.kind(), "not_supported");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn resolve_then_call_sim_swap_on_the_resolved_operator() {
    // The operator: a sandbox of its own, with its own issuer, keys and API root.
    let operator = Server::start(ServerConfig::demo()).await.expect("operator");
    let demo = operator.demo_client().expect("demo client");
    // The finder: another sandbox routing Spanish numbers to the operator, knowing the same client.
    let registration = ClientRegistration::from_jwks_json(demo.client_id(), &demo.public_jwks().to_string())
        .expect("registration");
    let route = TelcoRoute::new("operator-b", ["+34"])
        .expect("route")
        .with_api_root(operator.issuer())
        .with_issuer(operator.issuer());
    let finder_server = Server::start(
        ServerConfig::demo()
            .with_demo_client(false)
            .with_client(registration)
            .with_telco_route(route),
    )
    .await
    .expect("finder");
    let finder = finder_of(&finder_server, &operator);

    let subscriber = number("+34654654654");
    let resolved = finder.resolve(&subscriber).await.expect("resolved");
    assert_eq!(resolved.operator_id.as_str(), "operator-b");
    assert_eq!(resolved.api_root, operator.issuer());
    let description = finder.operator_description(&resolved).expect("description");
    assert_eq!(description.provider.issuer.as_deref(), Some(operator.issuer()));
    let resolved_operator = finder.operator(&resolved).expect("operator");
    let reply = resolved_operator
        .sim_swap(subscriber)
        .check(Duration::from_secs(240 * 3600))
        .await
        .expect("sim swap on the resolved operator");
    assert!(reply.value.swapped, "the sandbox swapped this SIM hours ago");

    let outside = finder
        .resolve(&number("+33699901040"))
        .await
        .expect_err("only +34 is routed");
    assert!(matches!(outside, netid::Error::NotSupported), "{outside:?}");
    finder_server.shutdown().await;
    operator.shutdown().await;
}

/// A directory with the operator file of `sandbox` (its finder included); removed on drop.
struct RouteDir(PathBuf);

impl Drop for RouteDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn netid_route_prints_the_envelope() {
    // The sandbox itself for Spanish numbers and for one device range (an explicit route replaces
    // the demo's implicit one).
    let sandbox_route =
        TelcoRoute::from_ranges(SANDBOX_OPERATOR_ID, ["+34"], ["198.51.100.0/24"], [] as [&str; 0])
            .expect("route");
    let sandbox = Server::start(ServerConfig::demo().with_telco_route(sandbox_route))
        .await
        .expect("sandbox");
    let demo = sandbox.demo_client().expect("demo client");
    let dir = RouteDir(std::env::temp_dir().join(format!("netid-e2e-route-{}", sandbox.local_addr().port())));
    std::fs::create_dir_all(&dir.0).expect("dir");
    std::fs::write(dir.0.join("client.pem"), demo.expose_private_key_pem()).expect("key");
    let file = format!(
        "issuer = \"{issuer}\"\nclient-id = \"{client}\"\nkey = \"client.pem\"\n\n[telco-finder]\nurl = \"{issuer}/telco-finder/v1\"\n",
        issuer = sandbox.issuer(),
        client = demo.client_id(),
    );
    std::fs::write(dir.0.join("netid.toml"), file).expect("file");
    let args = |phone: &str| {
        let mut args = RouteArgs::default();
        args.config = Some(dir.0.join("netid.toml"));
        args.phone_number = Some(phone.to_owned());
        args.json = true;
        args
    };
    let device = |ip: &str| {
        let mut args = args("");
        args.phone_number = None;
        args.ip = Some(ip.to_owned());
        args
    };
    let no_env = |_: &str| None;
    let (finder, found) = route::plan(&args("+34 654 654 654"), &no_env).expect("plan");
    let (report, status) = route::run(&finder, &found, false).await;
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["outcome"], "succeeded");
    assert_eq!(report["operator_id"], SANDBOX_OPERATOR_ID);
    assert_eq!(report["api_root"], sandbox.issuer());
    assert_eq!(report["phone_number"], "+34*******54", "masked");
    assert!(route::human(&report).contains("operator netid-sandbox"));

    let (_, outside) = route::plan(&args("+447709558432"), &no_env).expect("plan");
    let (report, status) = route::run(&finder, &outside, false).await;
    assert_eq!(status, 1, "{report}");
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["error"]["kind"], "not_supported");

    // A device's public address: routed by range, hidden unless revealed, IPv6 with brackets.
    let (_, address) = route::plan(&device("198.51.100.7:40404"), &no_env).expect("plan");
    let (report, status) = route::run(&finder, &address, false).await;
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["operator_id"], SANDBOX_OPERATOR_ID);
    assert_eq!(report["ip"], "[IPv4 address hidden]");
    assert!(report.get("phone_number").is_none(), "{report}");
    assert!(route::human(&report).starts_with("[IPv4 address hidden]: operator netid-sandbox"));
    let (report, _) = route::run(&finder, &address, true).await;
    assert_eq!(report["ip"], "198.51.100.7:40404");
    let (_, v6) = route::plan(&device("[2001:db8::7]:40404"), &no_env).expect("plan");
    let (report, status) = route::run(&finder, &v6, true).await;
    assert_eq!(status, 1, "no IPv6 range is routed: {report}");
    assert_eq!(report["ip"], "[2001:db8::7]:40404");
    assert_eq!(report["error"]["kind"], "not_supported");
    let error = route::plan(&device("198.51.100.x"), &no_env).expect_err("not an address");
    assert!(
        error.starts_with("--ip: expected an IPv4 or IPv6 address"),
        "{error}"
    );

    let mut missing = args("+34654654654");
    missing.config = Some(dir.0.join("absent.toml"));
    let error = route::plan(&missing, &no_env).expect_err("no file");
    assert!(error.contains("cannot read --config"), "{error}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_swap_check_with_route_calls_the_resolved_operator() {
    let sandbox = Server::start(ServerConfig::demo()).await.expect("sandbox");
    let demo = sandbox.demo_client().expect("demo client");
    let dir =
        RouteDir(std::env::temp_dir().join(format!("netid-e2e-api-route-{}", sandbox.local_addr().port())));
    std::fs::create_dir_all(&dir.0).expect("dir");
    std::fs::write(dir.0.join("client.pem"), demo.expose_private_key_pem()).expect("key");
    // No base URL: the resolution decides it.
    let sim_swap = "[sim-swap]\nprofile = \"camara-2.1.0\"\n";
    let head = format!(
        "issuer = \"{issuer}\"\nclient-id = \"{client}\"\nkey = \"client.pem\"\n\
         purpose = \"dpv:FraudPreventionAndDetection\"\n",
        issuer = sandbox.issuer(),
        client = demo.client_id(),
    );
    let finder = format!("[telco-finder]\nurl = \"{}/telco-finder/v1\"\n", sandbox.issuer());
    std::fs::write(dir.0.join("netid.toml"), format!("{head}{sim_swap}{finder}")).expect("file");
    std::fs::write(dir.0.join("no-finder.toml"), format!("{head}{sim_swap}")).expect("file");
    let check = |file: &str, phone: &str| {
        let mut check = SimSwapCheckArgs::default();
        check.sim.call.config = Some(dir.0.join(file));
        check.sim.call.deadline = 20;
        check.sim.call.json = true;
        check.sim.call.route = true;
        check.sim.phone_number = Some(phone.to_owned());
        check.max_age = 240;
        SimSwapCommand::Check(check)
    };
    let no_env = |_: &str| None;

    let plan = ApiPlan::sim_swap(&check("netid.toml", "+34654654654"), &no_env).expect("plan");
    let report = api::run(plan, false).await;
    assert_eq!(report.exit_status(), 0, "{report:?}");
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(json["route"]["operatorId"], SANDBOX_OPERATOR_ID, "{json}");
    assert_eq!(json["route"]["apiRoot"], sandbox.issuer(), "{json}");
    assert_eq!(json["version"], "2.1.0");
    assert_eq!(
        json["result"]["swapped"], true,
        "the sandbox swapped this SIM hours ago"
    );
    assert!(api::human(&report).contains("routed to netid-sandbox"));

    // A number the finder routes nowhere: a failed call (exit 1), not a usage error.
    let plan = ApiPlan::sim_swap(&check("netid.toml", "+447709558432"), &no_env).expect("plan");
    let report = api::run(plan, false).await;
    assert_eq!(report.exit_status(), 1, "{report:?}");
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(json["ok"], false);
    assert_eq!(json["outcome"], "failed");
    assert_eq!(json["error"]["kind"], "not_supported", "{json}");
    assert!(json.get("route").is_none(), "nothing was resolved: {json}");

    let error = ApiPlan::sim_swap(&check("no-finder.toml", "+34654654654"), &no_env)
        .map(|_| ())
        .expect_err("no [telco-finder] table");
    assert!(error.contains("has no [telco-finder] table"), "{error}");
    sandbox.shutdown().await;
}
