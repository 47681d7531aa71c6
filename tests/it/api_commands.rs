//! `netid kyc-match`, `netid sim-swap` and `netid number-verification` as library calls against the
//! sandbox, configured by an operator file pointing at it: each operator page's profile and the
//! plain spec versions, tokens by CIBA or from the environment, and the failures a user meets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use netid_cli::api::{
    self, ApiPlan, CallArgs, KycMatchArgs, NumberVerificationCommand, SimSwapArgs, SimSwapCheckArgs,
    SimSwapCommand, VerifyArgs,
};
use serde_json::Value;

use crate::support::Sandbox;

/// A directory holding an operator file for the sandbox, its key and a claims file; removed on
/// drop.
pub(crate) struct OperatorDir {
    dir: PathBuf,
}

impl OperatorDir {
    /// The operator file: the sandbox's issuer and demo client, `key_line` (how the key is given)
    /// and `tables` (the API tables, with `{base}` standing for the sandbox's base URL).
    pub(crate) fn new(sandbox: &Sandbox, name: &str, key_line: &str, tables: &str) -> Self {
        let demo = sandbox.server.demo_client().expect("demo client");
        let port = sandbox.server.local_addr().port();
        let dir = std::env::temp_dir().join(format!("netid-e2e-api-{port}-{name}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("client.pem"), demo.expose_private_key_pem()).expect("key written");
        let file = format!(
            "issuer = \"{issuer}\"\nclient-id = \"{client}\"\nkid = \"{kid}\"\n{key_line}\n\
             purpose = \"dpv:FraudPreventionAndDetection\"\n{tables}",
            issuer = sandbox.server.issuer(),
            client = demo.client_id(),
            kid = demo.key_id(),
            tables = tables.replace("{base}", sandbox.base_url().trim_end_matches('/')),
        );
        std::fs::write(dir.join("netid.toml"), file).expect("config written");
        Self { dir }
    }

    pub(crate) fn config(&self) -> PathBuf {
        self.dir.join("netid.toml")
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("file written");
        path
    }
}

impl Drop for OperatorDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) const TABLES: &str = r#"
[kyc-match]
profile = "orange-france"
base-url = "{base}/camara/ofr/kyc-match/v0.2"

[sim-swap]
profile = "orange-spain"
base-url = "{base}/camara/oes/sim-swap/v1"

[number-verification]
profile = "camara-2.1.0"
base-url = "{base}/number-verification/v2"
"#;

const SPEC_TABLES: &str = r#"
[kyc-match]
profile = "camara-0.4.0"
base-url = "{base}/kyc-match/v0.4"

[sim-swap]
profile = "camara-2.1.0"
base-url = "{base}/sim-swap/v2"
strict = true
"#;

/// What a customer claiming to be the Orange France page's subscriber types in (the demo's claims):
/// all right but an abbreviated street and a gender the operator does not hold.
const PETER_CLAIMS: &str = r#"{
  "givenName": "Peter", "familyName": "Lefebvre", "address": "14 bd de Perrier",
  "postalCode": "44000", "locality": "Gilbert", "country": "FR", "birthdate": "1985-04-12",
  "email": "peter.lefebvre@sfr.fr", "gender": "MALE"
}"#;

pub(crate) fn no_env(_: &str) -> Option<String> {
    None
}

pub(crate) fn call(config: &Path) -> CallArgs {
    let mut call = CallArgs::default();
    call.config = Some(config.to_path_buf());
    call.deadline = 20;
    call
}

pub(crate) async fn run_report(plan: Result<ApiPlan, String>) -> Value {
    let plan = plan.expect("valid command");
    let report = api::run(plan, false).await;
    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(report.exit_status(), if json["ok"] == true { 0 } else { 1 });
    json
}

pub(crate) fn kyc_args(dir: &OperatorDir, phone: &str) -> KycMatchArgs {
    let mut args = KycMatchArgs::default();
    args.call = call(&dir.config());
    args.phone_number = Some(phone.to_owned());
    args.claims = dir.write("claims.json", PETER_CLAIMS);
    args
}

fn fields(report: &Value) -> BTreeMap<String, (String, Option<u64>)> {
    report["result"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|field| {
            (
                field["field"].as_str().unwrap().to_owned(),
                (
                    field["result"].as_str().unwrap().to_owned(),
                    field["score"].as_u64(),
                ),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kyc_match_on_the_orange_france_profile_and_on_0_4() {
    let sandbox = Sandbox::start().await;
    for (name, tables, version, operator) in [
        ("kyc-ofr", TABLES, "0.2.1", "orange-france"),
        ("kyc-spec", SPEC_TABLES, "0.4.0", "camara"),
    ] {
        let dir = OperatorDir::new(&sandbox, name, "key = \"client.pem\"", tables);
        // The Orange France page writes numbers without `+`; the lenient parser takes them.
        let args = kyc_args(&dir, "33699901040");
        let report = run_report(ApiPlan::kyc_match(&args, &no_env)).await;
        assert_eq!(report["ok"], true, "{name}: {report}");
        assert_eq!(report["version"], version);
        assert_eq!(report["operator"], operator);
        assert_eq!(report["token"]["source"], "ciba");
        assert_eq!(report["token"]["outcome"], "granted");
        assert_eq!(
            report["token"]["scope"],
            "openid dpv:FraudPreventionAndDetection kyc-match:match"
        );
        let fields = fields(&report);
        assert_eq!(fields["givenName"].0, "true", "{name}: {fields:?}");
        assert_eq!(fields["familyName"].0, "true");
        assert_eq!(fields["birthdate"].0, "true");
        assert_eq!(fields["gender"].0, "not_available");
        let (address, score) = &fields["address"];
        assert_eq!(address, "false");
        assert!(score.is_some_and(|score| score > 50 && score < 100), "{score:?}");
        assert_eq!(fields.values().filter(|(result, _)| result == "true").count(), 7);
        // Claims never print.
        assert!(!report.to_string().contains("Lefebvre"));
    }
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_swap_on_orange_spain_v1_and_strict_2_1() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "sim-oes", "key = \"client.pem\"", TABLES);
    // The Orange Spain page's number: its SIM was swapped two days ago.
    let mut check = SimSwapCheckArgs::default();
    check.sim.call = call(&dir.config());
    check.sim.phone_number = Some(String::from("+34654654654"));
    check.max_age = 240;
    let report = run_report(ApiPlan::sim_swap(&SimSwapCommand::Check(check.clone()), &no_env)).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["version"], "1.0.0");
    assert_eq!(report["result"]["swapped"], true);
    // The page grants one scope for both operations.
    assert_eq!(
        report["token"]["scope"],
        "openid dpv:FraudPreventionAndDetection sim-swap"
    );
    check.max_age = 24;
    let report = report_for_check(&check).await;
    assert_eq!(report["result"]["swapped"], false, "{report}");

    let spec = OperatorDir::new(&sandbox, "sim-spec", "key = \"client.pem\"", SPEC_TABLES);
    let mut retrieve = SimSwapArgs::default();
    retrieve.call = call(&spec.config());
    retrieve.phone_number = Some(String::from("+33699901040"));
    let report = run_report(ApiPlan::sim_swap(
        &SimSwapCommand::RetrieveDate(retrieve),
        &no_env,
    ))
    .await;
    // 2.1 identifies the subscriber by the token: a number in the body would be refused.
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["version"], "2.1.0");
    assert!(
        report["result"]["latestSimChange"]
            .as_str()
            .is_some_and(|at| at.starts_with("2023-09-05")),
        "{report}"
    );
    assert_eq!(
        report["token"]["scope"],
        "openid dpv:FraudPreventionAndDetection sim-swap:retrieve-date"
    );
    sandbox.server.shutdown().await;
}

async fn report_for_check(check: &SimSwapCheckArgs) -> Value {
    run_report(ApiPlan::sim_swap(&SimSwapCommand::Check(check.clone()), &no_env)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn number_verification_with_a_network_login_hint() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "nv", "key = \"client.pem\"", TABLES);
    let device = "ipport:198.51.100.7:40404";
    for (number, hash, verified) in [
        ("+33699901040", false, true),
        ("+33699901040", true, true),
        ("+33699901041", false, false),
    ] {
        let mut args = VerifyArgs::default();
        args.call = call(&dir.config());
        args.call.login_hint = Some(device.to_owned());
        args.phone_number = Some(number.to_owned());
        args.hash = hash;
        let report = run_report(ApiPlan::number_verification(
            &NumberVerificationCommand::Verify(args),
            &no_env,
        ))
        .await;
        assert_eq!(report["ok"], true, "{report}");
        assert_eq!(
            report["result"]["devicePhoneNumberVerified"], verified,
            "{number} hashed {hash}"
        );
        assert_eq!(
            report["token"]["scope"],
            "openid dpv:FraudPreventionAndDetection number-verification:verify"
        );
    }
    for (reveal, expected) in [(false, "+33*******40"), (true, "+33699901040")] {
        let mut args = call(&dir.config());
        args.login_hint = Some(device.to_owned());
        args.reveal = reveal;
        let report = run_report(ApiPlan::number_verification(
            &NumberVerificationCommand::DevicePhoneNumber(args),
            &no_env,
        ))
        .await;
        assert_eq!(report["ok"], true, "{report}");
        assert_eq!(report["result"]["devicePhoneNumber"], expected);
    }
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_reported_with_their_cause() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "failures", "key-env = \"SANDBOX_KEY\"", TABLES);
    let key = sandbox
        .server
        .demo_client()
        .expect("demo client")
        .expose_private_key_pem()
        .to_owned();
    let env = move |name: &str| match name {
        "SANDBOX_KEY" => Some(key.clone()),
        "STALE_TOKEN" => Some(String::from("not-a-token-the-sandbox-issued")),
        _ => None,
    };

    // A subscriber who refuses: no call is made.
    let mut check = SimSwapCheckArgs::default();
    check.sim.call = call(&dir.config());
    check.sim.phone_number = Some(String::from("+33612345678"));
    check.max_age = 240;
    let denied = run_report(ApiPlan::sim_swap(&SimSwapCommand::Check(check.clone()), &env)).await;
    assert_eq!(denied["ok"], false, "{denied}");
    assert_eq!(denied["token"]["outcome"], "denied");
    assert_eq!(denied["error"]["kind"], "token");
    assert_eq!(denied["error"]["code"], "access_denied");
    assert!(denied.get("status").is_none());

    // A token from the environment that the operator does not know: its typed 401.
    check.sim.call.access_token_env = Some(String::from("STALE_TOKEN"));
    let refused = run_report(ApiPlan::sim_swap(&SimSwapCommand::Check(check), &env)).await;
    assert_eq!(refused["token"]["source"], "environment");
    assert_eq!(refused["ok"], false, "{refused}");
    assert_eq!(refused["status"], 401);
    assert_eq!(refused["error"]["kind"], "operator");
    assert_eq!(refused["error"]["code"], "UNAUTHENTICATED");
    assert!(!refused.to_string().contains("not-a-token-the-sandbox-issued"));

    // A token granted for SIM Swap does not open KYC Match: the scope override asks for the wrong
    // scope, and the operator answers 403.
    let wrong_scope = OperatorDir::new(
        &sandbox,
        "wrong-scope",
        "key = \"client.pem\"",
        &TABLES.replace(
            "profile = \"orange-france\"",
            "profile = \"orange-france\"\nscope = \"sim-swap:check\"",
        ),
    );
    let args = kyc_args(&wrong_scope, "+33699901040");
    let forbidden = run_report(ApiPlan::kyc_match(&args, &no_env)).await;
    assert_eq!(forbidden["ok"], false, "{forbidden}");
    assert_eq!(forbidden["status"], 403);
    assert_eq!(forbidden["error"]["code"], "PERMISSION_DENIED");
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_name_the_setting() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "usage", "key = \"client.pem\"", SPEC_TABLES);
    let check = |plan: Result<ApiPlan, String>, expected: &str| {
        let error = plan.map(|_| ()).unwrap_err();
        assert!(error.contains(expected), "expected {expected:?} in {error:?}");
    };
    let kyc = kyc_args(&dir, "+33699901040");

    let mut no_config = kyc.clone();
    no_config.call.config = None;
    check(
        ApiPlan::kyc_match(&no_config, &no_env),
        "give --config FILE (or set NETID_CONFIG)",
    );
    let mut missing = kyc.clone();
    missing.call.config = Some(dir.dir.join("absent.toml"));
    check(ApiPlan::kyc_match(&missing, &no_env), "cannot read --config");
    let mut bad_number = kyc.clone();
    bad_number.phone_number = Some(String::from("12"));
    check(ApiPlan::kyc_match(&bad_number, &no_env), "--phone-number");
    let mut bad_claims = kyc.clone();
    bad_claims.claims = dir.write("bad.json", r#"{"birthdate": "12/04/1985 Peter"}"#);
    let error = ApiPlan::kyc_match(&bad_claims, &no_env).map(|_| ()).unwrap_err();
    assert!(error.contains("invalid value at birthdate"), "{error}");
    assert!(!error.contains("Peter"), "the value never prints: {error}");

    let mut nv = VerifyArgs::default();
    nv.call = call(&dir.config());
    nv.phone_number = Some(String::from("+33699901040"));
    check(
        ApiPlan::number_verification(&NumberVerificationCommand::Verify(nv.clone()), &no_env),
        "the operator file has no [number-verification] table",
    );
    let mut token_env = kyc.clone();
    token_env.call.access_token_env = Some(String::from("UNSET_TOKEN"));
    check(
        ApiPlan::kyc_match(&token_env, &no_env),
        "--access-token-env: UNSET_TOKEN is not set",
    );
    let nv_dir = OperatorDir::new(&sandbox, "usage-nv", "key = \"client.pem\"", TABLES);
    nv.call.config = Some(nv_dir.config());
    check(
        ApiPlan::number_verification(&NumberVerificationCommand::Verify(nv), &no_env),
        "give --login-hint HINT (or --access-token-env NAME)",
    );
    sandbox.server.shutdown().await;
}
