//! `netid demo` as a library call: every step is ok, and its JSON report has the shape CI reads
//! and no secret or unmasked personal data.

use std::time::Duration;

use netid_cli::demo::{self, DemoOptions};

const STEPS: [&str; 21] = [
    "server",
    "discovery",
    "ciba",
    "kyc-match",
    "sim-swap-check",
    "sim-swap-retrieve-date",
    "device-swap-retrieve-date",
    "number-recycling-check",
    "kyc-tenure-check",
    "kyc-age-verification",
    "kyc-fill-in",
    "call-forwarding-signal",
    "consent-info",
    "ciba-mobile-network",
    "number-verification-verify",
    "number-verification-verify-hashed",
    "number-verification-device-phone-number",
    "ciba-denied",
    "ciba-expired",
    "saml-sign-in",
    "route",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_step_is_ok() {
    let report = demo::run(DemoOptions::new().with_ciba_expires_in(Duration::from_secs(3))).await;
    let failed: Vec<_> = report
        .steps
        .iter()
        .filter(|step| !step.ok)
        .map(|step| format!("{}: {}", step.name, step.error.as_deref().unwrap_or("?")))
        .collect();
    assert!(report.ok, "failed steps: {failed:#?}");
    let names: Vec<&str> = report.steps.iter().map(|step| step.name.as_str()).collect();
    assert_eq!(names, STEPS);

    let json = serde_json::to_value(&report).expect("report serialises");
    assert_eq!(json["ok"], true);
    for step in json["steps"].as_array().expect("steps array") {
        assert_eq!(step["ok"], true, "{step}");
        assert!(step["name"].is_string() && step["details"].is_object(), "{step}");
    }
    let kyc = &json["steps"][3]["details"]["fields"];
    assert!(
        kyc.as_array().is_some_and(|fields| fields
            .iter()
            .any(|f| f["field"] == "givenName" && f["result"] == "true")),
        "{kyc}"
    );
    assert_eq!(json["steps"][18]["details"]["outcome"], "expired");
    assert_eq!(json["steps"][17]["details"]["error"], "access_denied");
    assert_eq!(json["steps"][8]["details"]["contract_type"], "PAYM");
    assert_eq!(
        json["steps"][11]["details"]["services"],
        serde_json::json!(["unconditional", "conditional_busy"])
    );
    assert_eq!(json["steps"][12]["details"]["capture_url"], true);
    assert_eq!(json["steps"][20]["details"]["operator_id"], "netid-sandbox");
    assert_eq!(
        json["steps"][20]["details"]["hosted_operator_id"], "sandbox-jp",
        "a second operator, hosted by the same sandbox"
    );

    let text = json.to_string();
    for leak in ["+33699901040", "33699901040", "Lefebvre", "eyJ", "PRIVATE KEY"] {
        assert!(!text.contains(leak), "the report shows {leak:?}");
    }
}
