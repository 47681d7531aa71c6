//! `netid call-forwarding` and `netid consent-info` as library calls against the sandbox: the
//! facade picks Call Forwarding Signal 0.4.0 and Consent Info 0.2.0 from the operator file, runs
//! CIBA for the subscriber (three-legged: no number in the body) or sends the number with a
//! two-legged token from the environment.

use netid_cli::api::{ApiPlan, CallForwardingArgs, CallForwardingCommand, ConsentInfoArgs};
use netid_core::scope::ApiScope;
use serde_json::json;

use crate::api_commands::{OperatorDir, call, no_env, run_report};
use crate::support::Sandbox;

const TABLES: &str = r#"
[call-forwarding-signal]
profile = "camara-0.4.0"
base-url = "{base}/call-forwarding-signal/v0.4"

[consent-info]
profile = "camara-0.2.0"
base-url = "{base}/consent-info/v0.2"
"#;

fn forwarding(dir: &OperatorDir, number: &str) -> CallForwardingArgs {
    let mut args = CallForwardingArgs::default();
    args.call = call(&dir.config());
    args.phone_number = Some(number.to_owned());
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_forwarding_by_ciba_for_the_subscriber() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "cfs", "key = \"client.pem\"", TABLES);
    // (number, unconditional active, services)
    for (number, active, services) in [
        ("+33699901040", true, json!(["unconditional", "conditional_busy"])),
        ("+34654654654", false, json!(["inactive"])),
    ] {
        let command = CallForwardingCommand::Unconditional(forwarding(&dir, number));
        let report = run_report(ApiPlan::call_forwarding(&command, &no_env)).await;
        assert_eq!(report["ok"], true, "{report}");
        assert_eq!(report["api"], "call-forwarding-signal");
        assert_eq!(report["operation"], "unconditional-call-forwardings");
        assert_eq!(report["version"], "0.4.0");
        assert_eq!(report["result"], json!({"active": active}), "{report}");
        assert_eq!(
            report["token"]["scope"],
            "openid dpv:FraudPreventionAndDetection call-forwarding-signal:unconditional-call-forwardings:read"
        );
        let command = CallForwardingCommand::List(forwarding(&dir, number));
        let report = run_report(ApiPlan::call_forwarding(&command, &no_env)).await;
        assert_eq!(report["result"], json!({"services": services}), "{report}");
    }
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_info_by_ciba_and_with_a_token_from_the_environment() {
    let sandbox = Sandbox::start().await;
    let dir = OperatorDir::new(&sandbox, "consent", "key = \"client.pem\"", TABLES);
    let mut args = ConsentInfoArgs::default();
    args.call = call(&dir.config());
    args.phone_number = Some("+33699901040".to_owned());
    args.scopes = vec!["sim-swap:check".to_owned(), "kyc-match:match".to_owned()];
    args.purpose = "dpv:FraudPreventionAndDetection".to_owned();
    args.request_capture_url = true;
    let report = run_report(ApiPlan::consent_info(&args, &no_env)).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        (report["api"].clone(), report["version"].clone()),
        (json!("consent-info"), json!("0.2.0"))
    );
    let reasons: Vec<&str> = report["result"]["statusInfo"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|status| status["statusReason"].as_str().unwrap_or("valid"))
        .collect();
    // fr-peter's SIM Swap consent runs until a date; the KYC Match one ran out.
    assert_eq!(reasons, ["valid", "EXPIRED"], "{report}");
    assert!(report["result"]["captureUrl"].is_string(), "{report}");

    // A line outside Consent Info: the sandbox's 422, typed, exit status 1.
    args.phone_number = Some("+819012345678".to_owned());
    let report = run_report(ApiPlan::consent_info(&args, &no_env)).await;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["status"], 422);
    assert_eq!(report["error"]["code"], "SERVICE_NOT_APPLICABLE", "{report}");

    // A token from the environment with a number is sent as two-legged (the number in the body);
    // this one was obtained for the subscriber, so the operator refuses the redundant number.
    let token = sandbox
        .token("tel:+33699901040", &[ApiScope::ConsentInfoRetrieve])
        .await;
    let env = move |name: &str| (name == "CONSENT_TOKEN").then(|| token.expose_secret().to_owned());
    args.call.access_token_env = Some("CONSENT_TOKEN".to_owned());
    args.phone_number = Some("+33699901040".to_owned());
    let report = run_report(ApiPlan::consent_info(&args, &env)).await;
    assert_eq!(report["token"]["source"], "environment", "{report}");
    assert_eq!(report["error"]["code"], "UNNECESSARY_IDENTIFIER", "{report}");

    // Usage errors name the flag.
    args.purpose = "dpv:FraudPrevention".to_owned();
    let error = ApiPlan::consent_info(&args, &env).expect_err("unknown purpose");
    assert!(error.starts_with("--purpose:"), "{error}");
    sandbox.server.shutdown().await;
}
