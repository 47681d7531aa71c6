//! The command line's one contract, through the binary: with `--json`, exactly one JSON object on
//! stdout in every outcome (usage errors included), and Ctrl-C ending a CIBA wait cleanly.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use netid_server::{Server, ServerConfig, ServerHandle};
use serde_json::Value;

fn netid() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netid"))
}

/// The one JSON object a run printed on stdout.
fn report(stdout: &[u8]) -> Value {
    let text = String::from_utf8_lossy(stdout);
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no JSON on stdout: {text:?}"));
    assert!(lines.next().is_none(), "more than one line on stdout: {text:?}");
    serde_json::from_str(first).unwrap_or_else(|error| panic!("{first}: {error}"))
}

#[test]
fn usage_errors_print_one_json_object_under_json() {
    let check = |args: &[&str], message: &str| {
        let out = netid().args(args).output().expect("netid runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let report = report(&out.stdout);
        assert_eq!(report["ok"], false);
        assert_eq!(report["outcome"], "usage_error");
        assert_eq!(report["error"]["kind"], "usage");
        let text = report["error"]["message"].as_str().unwrap_or_default();
        assert!(text.contains(message), "{args:?}: {text}");
    };
    // Refused by the flag parser, by the command, and by the operator file.
    check(
        &["sim-swap", "check", "--json", "--max-age", "x"],
        "invalid value 'x' for '--max-age <HOURS>'",
    );
    check(
        &[
            "sim-swap",
            "check",
            "--json",
            "--config",
            "/nonexistent/netid.toml",
        ],
        "cannot read --config /nonexistent/netid.toml",
    );
    check(&["token", "--json"], "give --issuer URL");
    // The newer API commands share the contract; their date flags are required.
    check(
        &["device-swap", "check", "--json", "--max-age", "x"],
        "invalid value 'x' for '--max-age <HOURS>'",
    );
    check(
        &["number-recycling", "check", "--json"],
        "--specified-date <DATE>",
    );
    check(&["kyc-tenure", "--json"], "--tenure-date <DATE>");
    check(
        &[
            "kyc-tenure",
            "--json",
            "--tenure-date",
            "2020-01-01",
            "--config",
            "/nonexistent/netid.toml",
        ],
        "cannot read --config /nonexistent/netid.toml",
    );
    // Without --json, stdout stays empty.
    let out = netid().args(["token"]).output().expect("netid runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// An operator file naming `server` and its demo client (key beside it), in a fresh directory.
fn operator_file(server: &ServerHandle, name: &str) -> PathBuf {
    let client = server.demo_client().expect("a demo client");
    let dir = std::env::temp_dir().join(format!("netid-cli-contract-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    std::fs::write(dir.join("client.pem"), client.expose_private_key_pem()).expect("the key");
    let file = format!(
        "issuer = \"{issuer}\"\nclient-id = \"{id}\"\nkey = \"client.pem\"\n\n[sim-swap]\nprofile = \"camara-2.1.0\"\nbase-url = \"{issuer}/sim-swap/v2\"\n\n\
         [kyc-match]\nprofile = \"camara-0.4.0\"\nbase-url = \"{issuer}/kyc-match/v0.4\"\n\n\
         [kyc-age-verification]\nprofile = \"camara-0.2.1\"\nbase-url = \"{issuer}/kyc-age-verification/v0.2\"\n\n\
         [kyc-fill-in]\nprofile = \"camara-0.4.1\"\nbase-url = \"{issuer}/kyc-fill-in/v0.4\"\n\n\
         [call-forwarding-signal]\nprofile = \"camara-0.4.0\"\nbase-url = \"{issuer}/call-forwarding-signal/v0.4\"\n\n\
         [consent-info]\nprofile = \"camara-0.2.0\"\nbase-url = \"{issuer}/consent-info/v0.2\"\n",
        issuer = server.issuer(),
        id = client.client_id(),
    );
    std::fs::write(dir.join("netid.toml"), file).expect("the operator file");
    dir.join("netid.toml")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_ends_a_ciba_wait_with_outcome_cancelled() {
    let server = Server::start(ServerConfig::demo())
        .await
        .expect("the sandbox starts");
    let config = operator_file(&server, "cancel");
    // +34600000002 never answers: the command waits for the approval until interrupted.
    let child = netid()
        .args([
            "sim-swap",
            "check",
            "--json",
            "--phone-number",
            "+34600000002",
            "--config",
        ])
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netid starts");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("joined")
        .expect("netid ends");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = report(&out.stdout);
    assert_eq!(report["ok"], false);
    assert_eq!(report["outcome"], "cancelled");
    assert_eq!(report["error"]["kind"], "cancelled");
    assert_eq!(report["token"]["outcome"], "cancelled");
    if let Some(dir) = config.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claims_typo_is_refused_with_the_valid_fields() {
    let server = Server::start(ServerConfig::demo())
        .await
        .expect("the sandbox starts");
    let config = operator_file(&server, "claims");
    let claims = config.with_file_name("claims.json");
    std::fs::write(&claims, r#"{"givenname": "Peter", "familyName": "Lefebvre"}"#).expect("claims");
    let out = netid()
        .args([
            "kyc-match",
            "--json",
            "--phone-number",
            "+33699901040",
            "--config",
        ])
        .arg(&config)
        .arg("--claims")
        .arg(&claims)
        .output()
        .expect("netid runs");
    assert_eq!(out.status.code(), Some(2));
    let report = report(&out.stdout);
    let message = report["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("--claims: unknown field `givenname`"),
        "{message}"
    );
    assert!(message.contains("givenName"), "{message}");
    assert!(
        !message.contains("Peter") && !message.contains("Lefebvre"),
        "{message}"
    );
    if let Some(dir) = config.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_outcome_carries_ok_and_outcome() {
    let server = Server::start(ServerConfig::demo())
        .await
        .expect("the sandbox starts");
    let config = operator_file(&server, "outcomes");
    let run = move |number: &str| {
        let out = netid()
            .args([
                "sim-swap",
                "check",
                "--json",
                "--phone-number",
                number,
                "--config",
            ])
            .arg(&config)
            .output()
            .expect("netid runs");
        (out.status.code(), report(&out.stdout))
    };
    let (granted, denied) = tokio::task::spawn_blocking(move || (run("+34654654654"), run("+33612345678")))
        .await
        .expect("joined");
    assert_eq!(granted.0, Some(0));
    assert_eq!(
        (granted.1["ok"].clone(), granted.1["outcome"].clone()),
        (Value::from(true), Value::from("succeeded"))
    );
    assert_eq!(denied.0, Some(1));
    assert_eq!(denied.1["outcome"], "denied");
    assert_eq!(denied.1["error"]["code"], "access_denied");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kyc_age_verification_and_fill_in_keep_the_contract_and_mask_the_record() {
    let server = Server::start(ServerConfig::demo())
        .await
        .expect("the sandbox starts");
    let config = operator_file(&server, "kyc-identity");
    let run = move |args: &[&str]| {
        let out = netid()
            .args(args)
            .args(["--json", "--phone-number", "+34654654654", "--config"])
            .arg(&config)
            .output()
            .expect("netid runs");
        (out.status.code(), report(&out.stdout))
    };
    let (age, masked, revealed, usage) = tokio::task::spawn_blocking(move || {
        (
            run(&[
                "kyc-age-verification",
                "--age-threshold",
                "18",
                "--include-content-lock",
            ]),
            run(&["kyc-fill-in"]),
            run(&["kyc-fill-in", "--reveal"]),
            run(&["kyc-age-verification", "--age-threshold", "121"]),
        )
    })
    .await
    .expect("joined");
    assert_eq!(age.0, Some(0), "{}", age.1);
    assert_eq!(age.1["api"], "kyc-age-verification");
    assert_eq!(age.1["outcome"], "succeeded");
    assert_eq!(age.1["result"]["ageCheck"], "true");
    assert_eq!(age.1["result"]["contentLock"], "true");
    assert_eq!(masked.0, Some(0), "{}", masked.1);
    assert_eq!(masked.1["result"]["givenName"], "[redacted]");
    assert_eq!(masked.1["result"]["phoneNumber"], "+34*******54");
    let text = masked.1.to_string();
    for leak in ["María", "García", "1978", "12345678Z", "+34654654654"] {
        assert!(!text.contains(leak), "the report shows {leak:?}: {text}");
    }
    assert_eq!(revealed.1["result"]["givenName"], "María José");
    assert_eq!(revealed.1["result"]["birthdate"], "1978-07-23");
    assert_eq!(usage.0, Some(2));
    assert_eq!(usage.1["outcome"], "usage_error");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_forwarding_and_consent_info_keep_the_contract() {
    let server = Server::start(ServerConfig::demo())
        .await
        .expect("the sandbox starts");
    let config = operator_file(&server, "cfs-consent");
    let run = move |args: Vec<&'static str>| {
        let out = netid()
            .args(args)
            .arg("--config")
            .arg(&config)
            .output()
            .expect("netid runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (list, consent, usage) = tokio::task::spawn_blocking(move || {
        (
            run(vec![
                "call-forwarding",
                "list",
                "--json",
                "--phone-number",
                "+33699901040",
            ]),
            run(vec![
                "consent-info",
                "--json",
                "--phone-number",
                "+33699901040",
                "--scopes",
                "sim-swap:check,kyc-match:match",
                "--purpose",
                "dpv:FraudPreventionAndDetection",
                "--request-capture-url",
            ]),
            run(vec!["consent-info", "--json", "--scopes", "sim-swap:check"]),
        )
    })
    .await
    .expect("joined");
    // The number never prints unmasked, and the answers keep the spec's names.
    for (code, stdout) in [&list, &consent] {
        assert_eq!(*code, Some(0), "{stdout}");
        assert!(!stdout.contains("699901040"), "{stdout}");
        assert_eq!(report(stdout.as_bytes())["ok"], true, "{stdout}");
    }
    let list = report(list.1.as_bytes());
    assert_eq!(
        (list["api"].clone(), list["operation"].clone()),
        (
            Value::from("call-forwarding-signal"),
            Value::from("call-forwardings")
        )
    );
    assert_eq!(
        list["result"]["services"],
        serde_json::json!(["unconditional", "conditional_busy"])
    );
    let consent = report(consent.1.as_bytes());
    assert_eq!(
        consent["result"]["statusInfo"][1]["statusReason"], "EXPIRED",
        "{consent}"
    );
    assert_eq!(usage.0, Some(2));
    let usage = report(usage.1.as_bytes());
    assert_eq!(usage["outcome"], "usage_error");
    assert!(
        usage["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--purpose"),
        "{usage}"
    );
    server.shutdown().await;
}
