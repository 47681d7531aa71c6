//! `netid device-swap`, `netid number-recycling` and `netid kyc-tenure` as library calls against the
//! sandbox: the report of each (`ok`, `version`, `result`, the scope asked), the number masked, and
//! the date flags checked before anything is sent.

use netid_cli::api::{
    ApiPlan, DeviceSwapCommand, KycTenureArgs, NumberRecyclingArgs, NumberRecyclingCommand, SimSwapArgs,
    SimSwapCheckArgs,
};

use crate::api_commands::{OperatorDir, call, no_env, run_report};
use crate::support::Sandbox;

const TABLES: &str = r#"
[device-swap]
profile = "camara-1.0.0"
base-url = "{base}/device-swap/v1"
strict = true

[number-recycling]
profile = "camara-0.2.0"
base-url = "{base}/number-recycling/v0.2"
strict = true

[kyc-tenure]
profile = "camara-0.2.0"
base-url = "{base}/kyc-tenure/v0.2"
strict = true
"#;

fn subscriber(dir: &OperatorDir, number: &str) -> SimSwapArgs {
    let mut args = SimSwapArgs::default();
    args.call = call(&dir.config());
    args.phone_number = Some(number.to_owned());
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_command_reports_its_answer() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "line", "key = \"client.pem\"", TABLES);
    let peter = || subscriber(&dir, "+33699901040");
    let fraud = "openid dpv:FraudPreventionAndDetection";

    let mut check = SimSwapCheckArgs::default();
    check.sim = peter();
    check.max_age = 240;
    let report = run_report(ApiPlan::device_swap(&DeviceSwapCommand::Check(check), &no_env)).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        (&report["api"], &report["version"]),
        (&"device-swap".into(), &"1.0.0".into())
    );
    assert_eq!(
        report["result"],
        serde_json::json!({"swapped": false, "maxAge": 240})
    );
    assert_eq!(report["token"]["scope"], format!("{fraud} device-swap:check"));
    let report = run_report(ApiPlan::device_swap(
        &DeviceSwapCommand::RetrieveDate(peter()),
        &no_env,
    ))
    .await;
    assert_eq!(
        report["result"],
        serde_json::json!({"latestDeviceChange": "2023-07-03T12:27:08.312Z"}),
        "{report}"
    );

    let mut recycling = NumberRecyclingArgs::default();
    recycling.subscriber = peter();
    recycling.specified_date = String::from("2023-12-22");
    let command = NumberRecyclingCommand::Check(recycling);
    let report = run_report(ApiPlan::number_recycling(&command, &no_env)).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        report["result"],
        serde_json::json!({"phoneNumberRecycled": false, "specifiedDate": "2023-12-22"})
    );
    assert_eq!(
        report["token"]["scope"],
        format!("{fraud} number-recycling:check")
    );

    let mut tenure = KycTenureArgs::default();
    tenure.subscriber = peter();
    tenure.tenure_date = String::from("2020-01-01");
    let report = run_report(ApiPlan::kyc_tenure(&tenure, &no_env)).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        report["result"],
        serde_json::json!({"tenureDateCheck": true, "tenureDate": "2020-01-01", "contractType": "PAYM"})
    );
    assert_eq!(
        report["token"]["scope"],
        format!("{fraud} kyc-tenure:check-tenure")
    );
    // The number shows masked, never in full.
    assert!(!report.to_string().contains("699901040"), "{report}");

    // A date in the future is the operator's error, reported with its code.
    tenure.tenure_date = String::from("2999-12-31");
    let report = run_report(ApiPlan::kyc_tenure(&tenure, &no_env)).await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["status"], 400);
    assert!(report["error"].to_string().contains("OUT_OF_RANGE"), "{report}");

    // A date not written YYYY-MM-DD is a usage error, before anything is sent.
    tenure.tenure_date = String::from("01/01/2020");
    let refused = ApiPlan::kyc_tenure(&tenure, &no_env).expect_err("not a date");
    assert_eq!(refused, "--tenure-date: expected a date YYYY-MM-DD");
    let mut recycling = NumberRecyclingArgs::default();
    recycling.subscriber = peter();
    recycling.specified_date = String::from("2023-02-30");
    let refused = ApiPlan::number_recycling(&NumberRecyclingCommand::Check(recycling), &no_env)
        .expect_err("no such day");
    assert_eq!(refused, "--specified-date: expected a date YYYY-MM-DD");
    sandbox.server.shutdown().await;
}
