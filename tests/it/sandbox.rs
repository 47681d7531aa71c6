//! `netid sandbox serve` as library calls (`netid_cli::sandbox::start`): a configuration file with
//! every kind of setting, a backend with its own key calling the three APIs through the operator
//! file, the index page, and the files removed at stop.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use netid::description::KeyText;
use netid::{Operator, OperatorDescription, Subject};
use netid_cli::sandbox::{self, ServeArgs};
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_core::phone::PhoneNumber;
use netid_core::secret::Pii;
use netid_reqwest::ReqwestTransport;
use netid_server::{Server, ServerConfig};
use netid_transport::HttpTransport;

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("netid-e2e-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("temporary directory");
        Self(path)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("valid number")
}

async fn get(url: &str, accept: &str) -> http::Response<Bytes> {
    let transport = ReqwestTransport::new().expect("reqwest client");
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, accept)
        .body(Bytes::new())
        .expect("request");
    transport.send(request).await.expect("response")
}

/// The backend's own key: the demo client key of another sandbox (any ES256 key pair would do).
struct BackendKey {
    private_pem: String,
    public_pem: String,
    jwks: String,
}

async fn backend_key() -> (BackendKey, netid_server::ServerHandle) {
    let donor = Server::start(ServerConfig::new()).await.expect("donor starts");
    let demo = donor.demo_client().expect("demo client");
    let key = BackendKey {
        private_pem: demo.expose_private_key_pem().to_owned(),
        public_pem: demo.public_key_pem(),
        jwks: demo.public_jwks().to_string(),
    };
    (key, donor)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_with_every_kind_of_setting_serves_a_backend_with_its_own_key() {
    let (key, donor) = backend_key().await;
    let dir = TempDir::new("sandbox-config");
    dir.write(
        "subscribers.toml",
        netid_server::subscribers::DEFAULT_SUBSCRIBERS_TOML,
    );
    dir.write("backend.pub.pem", &key.public_pem);
    dir.write("backend.jwks.json", &key.jwks);
    dir.write("sp.crt", donor.saml_idp_certificate_pem());
    let config = dir.write(
        "sandbox.toml",
        &format!(
            r#"
subscribers-file = "subscribers.toml"
network-subscriber = "+33699901040"

[ciba]
interval-secs = 1
expires-in-secs = 30
approve-after-secs = 1
slow-down-on-early-poll = false

[tokens]
access-token-lifetime-secs = 600
access-token-format = "jwt"

[[clients]]
client-id = "my-backend"
public-key-file = "backend.pub.pem"

[[clients]]
client-id = "jwks-backend"
jwks-file = "backend.jwks.json"

[[clients]]
client-id = "url-backend"
jwks-url = "{donor}/jwks"

[[saml-service-providers]]
entity-id = "my-sp"
acs-urls = ["http://127.0.0.1:3000/saml/acs"]
certificate-file = "sp.crt"
encryption-certificate-file = "sp.crt"
encryption-algorithm = "aes256-gcm"
sign = "both"
attribute-name-format = "uri"

[faults."/sim-swap/v2/retrieve-date"]
status = 503
times = 1
"#,
            donor = donor.issuer()
        ),
    );
    let operator_file = dir.0.join("operator.toml");
    let running = sandbox::start(
        &ServeArgs::new()
            .with_config(&config)
            .with_operator_file(&operator_file),
    )
    .await
    .unwrap_or_else(|error| panic!("{error}"));
    let index = running.server().index();
    let clients: Vec<(&str, u64)> = index["clients"]
        .as_array()
        .expect("clients")
        .iter()
        .map(|c| {
            (
                c["client_id"].as_str().unwrap_or_default(),
                c["keys"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        clients,
        [
            ("jwks-backend", 1),
            ("my-backend", 1),
            ("netid-demo-client", 1),
            ("url-backend", 1)
        ]
    );
    assert_eq!(index["tokens"]["access_token_format"], "jwt");
    assert_eq!(index["saml_service_providers"][1]["certificate"], true);
    assert_eq!(
        index["saml_service_providers"][1]["encryption"],
        serde_json::json!({"algorithm": "aes256-gcm", "key_transport": "rsa-oaep-mgf1p"})
    );
    assert_eq!(index["saml_service_providers"][1]["signing"], "both");
    assert_eq!(index["saml_service_providers"][1]["attribute_name_format"], "uri");

    // The backend: the operator file as written, with its own client id and key.
    let description = OperatorDescription::read(&operator_file).expect("the operator file reads");
    let backend = Operator::builder(description)
        .client_id("my-backend")
        .key(KeyText::new("the backend's key", &key.private_pem))
        .build()
        .expect("operator");
    let swapped = backend
        .sim_swap(number("+34654654654"))
        .check(Duration::from_secs(240 * 3600))
        .await
        .expect("sim swap check");
    assert!(swapped.value.swapped);
    let fault = backend.sim_swap(number("+33699901040")).retrieve_date().await;
    assert!(fault.is_err(), "the configured 503 applies once");
    backend
        .sim_swap(number("+33699901040"))
        .retrieve_date()
        .await
        .expect("the second retrieve-date passes");
    let mut claims = KycClaims::new();
    claims.given_name = Some(Pii::new("Peter".to_owned()));
    let matched = backend
        .kyc_match(number("+33699901040"))
        .match_claims(claims)
        .await
        .expect("kyc match");
    assert_eq!(
        matched.value.get(KycField::GivenName).map(|f| f.result),
        Some(Match::Matched)
    );
    let verified = backend
        .number_verification(Subject::login_hint(
            "ipport:198.51.100.7:40404".parse().expect("hint"),
        ))
        .verify(number("+33699901040"))
        .await
        .expect("number verification");
    assert!(verified.value.verified);

    running.stop().await;
    donor.shutdown().await;
    assert!(operator_file.exists(), "a file at a path the user gave is kept");
    assert!(dir.0.join("operator.key.pem").exists(), "so is the key beside it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_file_calls_all_three_apis_and_temporary_files_go_at_stop() {
    let running = sandbox::start(&ServeArgs::new().with_temporary_operator_file().with_fast(true))
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let file = running.operator_file().expect("operator file").to_path_buf();
    let key = running.key_file().expect("key file").to_path_buf();
    assert!(file.starts_with(std::env::temp_dir()) && key.starts_with(std::env::temp_dir()));
    let banner = running.banner().join("\n");
    for mount in running.server().api_mounts() {
        let url = format!("{}{}", running.server().issuer(), mount.base_path);
        assert!(banner.contains(&url), "{url} missing from the banner:\n{banner}");
    }
    assert!(banner.contains("(removed at stop)"), "{banner}");

    // The operator file as is: client id and key from the file.
    let operator = Operator::new(OperatorDescription::read(&file).expect("reads")).expect("operator");
    let mut claims = KycClaims::new();
    claims.family_name = Some(Pii::new("Lefebvre".to_owned()));
    let reply = operator
        .kyc_match(number("+33699901040"))
        .match_claims(claims)
        .await
        .expect("kyc match");
    assert_eq!(
        reply.value.get(KycField::FamilyName).map(|f| f.result),
        Some(Match::Matched)
    );
    operator
        .sim_swap(number("+33699901040"))
        .check(Duration::from_secs(3600))
        .await
        .expect("sim swap");
    let device = operator
        .number_verification(Subject::login_hint(
            "operatortoken:ts43-fr-peter".parse().expect("hint"),
        ))
        .device_phone_number()
        .await
        .expect("number verification");
    assert_eq!(device.value.expose_e164(), "+33699901040");
    // The sandbox spends a Number Verification token with its answer (issue 16): the facade's
    // next calls work because each obtains a fresh token.
    for _ in 0..2 {
        let verified = operator
            .number_verification(Subject::login_hint(
                "operatortoken:ts43-fr-peter".parse().expect("hint"),
            ))
            .verify(number("+33699901040"))
            .await
            .expect("another call, another token");
        assert!(verified.value.verified);
    }

    running.stop().await;
    assert!(
        !file.exists() && !key.exists(),
        "temporary files are removed at stop"
    );
}

/// The index with the port replaced, so that the snapshot does not depend on it.
fn redacted(index: &serde_json::Value, issuer: &str) -> serde_json::Value {
    let text = index.to_string().replace(issuer, "http://127.0.0.1:[port]");
    serde_json::from_str(&text).expect("still JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_answers_json_and_html_without_personal_data() {
    let running = sandbox::start(&ServeArgs::new()).await.expect("starts");
    let issuer = running.server().issuer().to_owned();
    let json = get(&format!("{issuer}/"), "application/json").await;
    assert_eq!(json.status(), 200);
    let document: serde_json::Value = serde_json::from_slice(json.body()).expect("JSON");
    assert_eq!(document, running.server().index());
    insta::assert_json_snapshot!("sandbox_index", redacted(&document, &issuer));

    let page = get(&format!("{issuer}/"), "text/html,application/xhtml+xml,*/*;q=0.8").await;
    let html = String::from_utf8_lossy(page.body()).into_owned();
    assert!(
        html.starts_with("<!doctype html>") && html.contains("+33*******40"),
        "{html}"
    );
    assert!(
        html.contains("<h2>Telco Finder routes</h2>") && html.contains("<td>netid-sandbox</td>"),
        "the finder's routes are listed: {html}"
    );
    for text in [json.body().as_ref(), page.body().as_ref()] {
        let text = String::from_utf8_lossy(text);
        for leak in [
            "+33699901040",
            "ts43-fr-peter",
            "Lefebvre",
            "PRIVATE KEY",
            "\"d\"",
        ] {
            assert!(!text.contains(leak), "the index shows {leak:?}");
        }
    }
    let key = running.key_file().expect("key").to_path_buf();
    running.stop().await;
    assert!(!key.exists(), "the temporary key is removed at stop");
}

#[tokio::test]
async fn invalid_configurations_are_usage_errors_naming_the_cause() {
    let dir = TempDir::new("sandbox-invalid");
    let cases: [(&str, Option<&str>, &str); 3] = [
        (
            "typo",
            Some("prot = 1\n"),
            "unknown field `prot`, expected one of `port`",
        ),
        (
            "missing-file",
            Some("subscribers-file = \"absent.toml\"\n"),
            "cannot read absent.toml",
        ),
        ("no-config", None, "cannot read the configuration"),
    ];
    for (name, text, expected) in cases {
        let path = match text {
            Some(text) => dir.write(&format!("{name}.toml"), text),
            None => dir.0.join("absent-config.toml"),
        };
        let error = sandbox::start(&ServeArgs::new().with_config(&path))
            .await
            .expect_err(name);
        assert!(error.is_usage(), "{name}: {error}");
        assert!(error.to_string().contains(expected), "{name}: {error}");
    }
}

#[test]
fn the_sandbox_index_profiles_are_profiles_of_the_library() {
    for mount in netid_server::api_mounts() {
        let api: netid::crates::camara::Api = mount.api.parse().expect("an API name");
        let profile = netid::profile::find(api, mount.profile).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(profile.client().spec().as_str(), mount.version, "{mount:?}");
    }
}
