//! `netid token` as a library call against the sandbox: discovery or explicit endpoints, each
//! assertion audience, and the JSON object it prints.

use std::path::PathBuf;

use netid_cli::token::{self, Audience, TokenArgs, TokenPlan};

use crate::support::Sandbox;

/// Writes the sandbox's demo key where `netid token --key` can read it; removed on drop.
struct KeyFile(PathBuf);

impl KeyFile {
    fn new(sandbox: &Sandbox, name: &str) -> Self {
        let demo = sandbox.server.demo_client().expect("demo client");
        let port = sandbox.server.local_addr().port();
        let path = std::env::temp_dir().join(format!("netid-e2e-{port}-{name}.pem"));
        std::fs::write(&path, demo.expose_private_key_pem()).expect("key written");
        Self(path)
    }
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn args(sandbox: &Sandbox, key: &KeyFile, hint: &str) -> TokenArgs {
    let demo = sandbox.server.demo_client().expect("demo client");
    let mut args = TokenArgs::default();
    args.issuer = Some(sandbox.server.issuer().to_owned());
    args.client_id = Some(demo.client_id().to_owned());
    args.key = Some(key.0.clone());
    args.kid = Some(demo.key_id().to_owned());
    args.login_hint = Some(hint.to_owned());
    args.scope = Some(String::from(
        "openid dpv:FraudPreventionAndDetection sim-swap:check",
    ));
    args.binding_message = Some(String::from("netid e2e"));
    args
}

async fn run(args: TokenArgs) -> serde_json::Value {
    let plan = TokenPlan::from_args(args).expect("valid flags");
    serde_json::to_value(token::run(plan, false).await).expect("report serialises")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_by_discovery_for_every_assertion_audience() {
    let sandbox = Sandbox::start().await;
    let key = KeyFile::new(&sandbox, "discovery");
    for audience in [Audience::Endpoint, Audience::TokenEndpoint, Audience::Issuer] {
        let mut args = args(&sandbox, &key, "tel:+33699901040");
        args.assertion_aud = Some(audience);
        let report = run(args).await;
        assert_eq!(report["outcome"], "granted", "{audience:?}: {report}");
        assert_eq!(report["ok"], true);
        assert_eq!(report["token_type"], "Bearer");
        assert!(
            report["polls"].as_u64().is_some_and(|polls| polls >= 1),
            "{report}"
        );
        assert!(
            report["scope"]
                .as_str()
                .is_some_and(|scope| scope.contains("sim-swap:check"))
        );
        assert!(
            report.get("access_token").is_none(),
            "the token prints only with --show-token"
        );
        assert!(report.get("error").is_none());
    }
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_with_explicit_endpoints_shows_the_token_when_asked() {
    let sandbox = Sandbox::start().await;
    let key = KeyFile::new(&sandbox, "explicit");
    let base = sandbox.base_url();
    let mut args = args(&sandbox, &key, "tel:+33699901040");
    args.bc_authorize_url = Some(format!("{base}bc-authorize"));
    args.token_url = Some(format!("{base}token"));
    args.jwks_url = Some(format!("{base}jwks"));
    args.show_token = true;
    let report = run(args).await;
    assert_eq!(report["outcome"], "granted", "{report}");
    assert_eq!(report["id_token_verified"], true);
    assert!(
        report["access_token"]
            .as_str()
            .is_some_and(|token| !token.is_empty())
    );
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_reports_denied_and_expired_with_the_oauth_code() {
    let sandbox = Sandbox::start().await;
    let key = KeyFile::new(&sandbox, "outcomes");
    let denied = run(args(&sandbox, &key, "tel:+33612345678")).await;
    assert_eq!(denied["outcome"], "denied", "{denied}");
    assert_eq!(denied["ok"], false);
    assert_eq!(denied["error"]["kind"], "token");
    assert_eq!(denied["error"]["code"], "access_denied");
    let expired = run(args(&sandbox, &key, "tel:+34600000002")).await;
    assert_eq!(expired["outcome"], "expired", "{expired}");
    assert!(expired.get("token_type").is_none());
    let mut wrong_client = args(&sandbox, &key, "tel:+33699901040");
    wrong_client.client_id = Some(String::from("not-registered"));
    let error = run(wrong_client).await;
    assert_eq!(error["outcome"], "error", "{error}");
    assert_eq!(error["error"]["code"], "invalid_client");
    sandbox.server.shutdown().await;
}
