//! One sandbox hosting several operators (issue 16): the facade's `TelcoFinder` resolves each
//! number to its hosted operator, and the resolved `Operator` gets a CIBA token from that operator
//! and its answer; `netid sim-swap check --route` does the same through the operator file of
//! `netid sandbox serve`; README's sandbox documents parse.

use std::fs;
use std::path::PathBuf;

use netid::description::KeyText;
use netid::{OperatorDescription, TelcoFinder};
use netid_cli::api::{self, ApiPlan, SimSwapCheckArgs, SimSwapCommand};
use netid_cli::sandbox::{self, ServeArgs};
use netid_core::phone::PhoneNumber;
use netid_server::subscribers::DEFAULT_SUBSCRIBERS_TOML;
use netid_server::{HostedOperator, SandboxConfig, Server, ServerConfig, ServerHandle, SubscriberStore};

/// Maria at operator-es: a SIM changed on 2025-10-01 (the root's Maria changed hers 48 hours ago).
const ES_SUBSCRIBERS: &str = r#"
[[subscribers]]
id = "es-hosted-maria"
phone_number = "+34654654654"
sim_changes = [{ at = "2025-10-01T09:00:00Z" }]
ciba = { action = "approve", after_secs = 0 }
"#;

/// Peter at operator-fr: a SIM changed on 2024-02-15.
const FR_SUBSCRIBERS: &str = r#"
[[subscribers]]
id = "fr-hosted-peter"
phone_number = "+33699901040"
sim_changes = [{ at = "2024-02-15T18:30:00Z" }]
ciba = { action = "approve", after_secs = 0 }
"#;

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("number")
}

fn store(document: &str) -> SubscriberStore {
    SubscriberStore::from_toml_str(document).expect("subscribers")
}

/// The finder of `server`'s root operator, with the demo client and a SIM Swap table whose base
/// URL the resolution decides.
fn finder_of(server: &ServerHandle) -> TelcoFinder {
    let demo = server.demo_client().expect("demo client");
    let description = OperatorDescription::from_toml_str(&format!(
        "issuer = \"{issuer}\"\npurpose = \"dpv:FraudPreventionAndDetection\"\n\n\
         [sim-swap]\nprofile = \"camara-2.1.0\"\n\n[telco-finder]\nurl = \"{issuer}/telco-finder/v1\"\n",
        issuer = server.issuer(),
    ))
    .expect("description");
    TelcoFinder::builder(description)
        .client_id(demo.client_id())
        .key(KeyText::new("sandbox", demo.expose_private_key_pem()))
        .build()
        .expect("finder")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_number_resolves_to_its_hosted_operator_which_answers_from_its_own_data() {
    let server = Server::start(
        ServerConfig::demo()
            .with_operator(
                HostedOperator::new("operator-es", ["+34"])
                    .expect("operator")
                    .with_subscribers(store(ES_SUBSCRIBERS)),
            )
            .with_operator(
                HostedOperator::new("operator-fr", ["+33"])
                    .expect("operator")
                    .with_subscribers(store(FR_SUBSCRIBERS)),
            ),
    )
    .await
    .expect("sandbox");
    let finder = finder_of(&server);
    let root = server.issuer();
    // (number, operator, its SIM change as Unix seconds)
    let cases = [
        ("+34654654654", "operator-es", 1_759_309_200),
        ("+33699901040", "operator-fr", 1_708_021_800),
    ];
    for (phone, operator_id, changed) in cases {
        let resolved = finder.resolve(&number(phone)).await.expect("resolved");
        assert_eq!(resolved.operator_id.as_str(), operator_id);
        let issuer = format!("{root}/operators/{operator_id}");
        assert_eq!(resolved.api_root, issuer);
        assert_eq!(
            resolved.discovery_url,
            format!("{issuer}/.well-known/openid-configuration")
        );
        // A CIBA token from the hosted operator, then its answer.
        let operator = finder.operator(&resolved).expect("operator");
        let reply = operator
            .sim_swap(number(phone))
            .retrieve_date()
            .await
            .expect("retrieve-date at the hosted operator");
        let date = reply.value.latest_sim_change.map(|date| date.unix_timestamp());
        assert_eq!(date, Some(changed), "{operator_id}");
    }
    // The root keeps the country codes of its own subscribers that no hosted operator serves.
    let resolved = finder.resolve(&number("+31612345678")).await.expect("resolved");
    assert_eq!(resolved.operator_id.as_str(), netid_server::SANDBOX_OPERATOR_ID);
    assert_eq!(resolved.api_root, root);
    let outside = finder
        .resolve(&number("+447709558432"))
        .await
        .expect_err("no route");
    assert!(matches!(outside, netid::Error::NotSupported), "{outside:?}");
    server.shutdown().await;
}

/// A directory of its own under the temporary directory; removed on drop.
struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The index parts about the hosted operators and the routes, with the port replaced.
fn hosted_index(index: &serde_json::Value, issuer: &str) -> serde_json::Value {
    let parts = serde_json::json!({
        "operators": index["operators"],
        "telco_finder": index["telco_finder"],
    });
    serde_json::from_str(&parts.to_string().replace(issuer, "http://127.0.0.1:[port]")).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_swap_check_with_route_reaches_a_hosted_operator_of_netid_sandbox_serve() {
    let dir = Dir(std::env::temp_dir().join(format!("netid-e2e-hosted-{}", std::process::id())));
    let _ = fs::remove_dir_all(&dir.0);
    fs::create_dir_all(&dir.0).expect("dir");
    // Maria never changed her SIM at operator-es; the root's Maria did, 48 hours ago.
    let es = ES_SUBSCRIBERS.replace(r#"[{ at = "2025-10-01T09:00:00Z" }]"#, "[]");
    fs::write(dir.0.join("es.toml"), es).expect("es.toml");
    fs::write(
        dir.0.join("sandbox.toml"),
        "[ciba]\ninterval-secs = 1\napprove-after-secs = 1\n\n\
         [[operators]]\nid = \"operator-es\"\nmsisdn-prefixes = [\"+34\"]\nsubscribers-file = \"es.toml\"\n\n\
         [[operators]]\nid = \"operator-fr\"\nmsisdn-prefixes = [\"+33\"]\n",
    )
    .expect("sandbox.toml");
    let mut args = ServeArgs::new();
    args.config = Some(dir.0.join("sandbox.toml"));
    args.operator_file = Some(Some(dir.0.join("operator.toml")));
    let running = sandbox::start(&args).await.expect("starts");
    let issuer = running.server().issuer().to_owned();
    let banner = running.banner().join("\n");
    for id in ["operator-es", "operator-fr"] {
        let line = format!("{id} for +3");
        assert!(
            banner.contains(&line),
            "{line} missing from the banner:\n{banner}"
        );
        assert!(banner.contains(&format!("{issuer}/operators/{id}")), "{banner}");
    }
    let file = fs::read_to_string(dir.0.join("operator.toml")).expect("operator file");
    assert!(
        file.contains(&format!("issuer = \"{issuer}\"")),
        "the file describes the root: {file}"
    );
    assert!(file.contains(&format!(
        "#   operator-es for +34 at {issuer}/operators/operator-es"
    )));
    insta::assert_json_snapshot!("hosted_index", hosted_index(&running.server().index(), &issuer));

    let check = |phone: &str| {
        let mut check = SimSwapCheckArgs::default();
        check.sim.call.config = Some(dir.0.join("operator.toml"));
        check.sim.call.deadline = 20;
        check.sim.call.json = true;
        check.sim.call.route = true;
        check.sim.phone_number = Some(phone.to_owned());
        check.max_age = 240;
        SimSwapCommand::Check(check)
    };
    let no_env = |_: &str| None;
    let plan = ApiPlan::sim_swap(&check("+34654654654"), &no_env).expect("plan");
    let report = api::run(plan, false).await;
    assert_eq!(report.exit_status(), 0, "{report:?}");
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(json["route"]["operatorId"], "operator-es", "{json}");
    assert_eq!(
        json["route"]["apiRoot"],
        format!("{issuer}/operators/operator-es")
    );
    assert_eq!(
        json["result"]["swapped"], false,
        "operator-es's Maria, not the root's: {json}"
    );
    // operator-fr has the root's French subscribers: Peter's SIM changed in 2023.
    let plan = ApiPlan::sim_swap(&check("+33699901040"), &no_env).expect("plan");
    let report = api::run(plan, false).await;
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(json["route"]["operatorId"], "operator-fr", "{json}");
    assert_eq!(json["result"]["swapped"], false, "{json}");
    running.stop().await;
}

/// The TOML blocks of README's sandbox section: each parses as a sandbox document, and the one
/// hosting operators configures them.
#[test]
fn the_readmes_sandbox_documents_parse() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README");
    let section = readme
        .split("## The sandbox as a local operator")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the sandbox section");
    let blocks: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect();
    assert!(blocks.len() >= 2, "{} blocks", blocks.len());
    let mut hosting = 0;
    for block in blocks {
        let document = SandboxConfig::from_toml_str(block).unwrap_or_else(|e| panic!("{e}\n{block}"));
        if document.operators.is_empty() {
            continue;
        }
        hosting += 1;
        let config = document
            .to_server_config(&mut |_| Ok(DEFAULT_SUBSCRIBERS_TOML.to_owned()))
            .expect("the example configures the server");
        assert!(format!("{config:?}").contains("operator-es"));
    }
    assert_eq!(hosting, 1, "README shows one document with [[operators]]");
}
