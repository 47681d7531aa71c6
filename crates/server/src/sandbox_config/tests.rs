use std::collections::BTreeMap;

use super::*;
use crate::config::FaultKind;

/// A P-256 public key in PEM (from a fixed scalar: only its shape matters here).
fn ec_public_key_pem() -> String {
    crate::keys::test_public_key_pem([7; 32])
}

/// A document with every kind of setting, and the files it names.
fn full_document() -> (String, BTreeMap<&'static str, String>) {
    let document = r#"
port = 0
demo-client = false
network-subscriber = "none"
subscribers-file = "subs.toml"

[ciba]
interval-secs = 2
expires-in-secs = 30
approve-after-secs = 1
slow-down-on-early-poll = true

[tokens]
access-token-lifetime-secs = 60
access-token-format = "jwt"

[[clients]]
client-id = "from-pem-file"
public-key-file = "client.pub.pem"
redirect-uris = ["http://127.0.0.1:3000/callback"]

[[clients]]
client-id = "from-jwks"
jwks = { keys = [{ kty = "EC", crv = "P-256", x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }] }

[[clients]]
client-id = "from-url"
jwks-url = "http://127.0.0.1:9/jwks.json"

[[saml-service-providers]]
entity-id = "my-sp"
acs-urls = ["http://127.0.0.1:3000/saml/acs", "http://localhost:3000/saml/acs"]
slo-url = "http://127.0.0.1:3000/saml/slo"

[saml-idp]
key-rollover = true

[faults."/sim-swap/v2/check"]
status = 503
times = 1

[faults."/token"]
latency-ms = 50
retry-after-secs = 7

[faults."/kyc-match/v0.4/match"]
malformed-body = true
"#;
    let mut files = BTreeMap::new();
    files.insert(
        "subs.toml",
        String::from("[[subscribers]]\nid = \"a\"\nphone_number = \"+33600000001\"\n"),
    );
    files.insert("client.pub.pem", ec_public_key_pem());
    (document.to_owned(), files)
}

#[test]
fn a_document_with_every_kind_of_setting_configures_the_server() {
    let (document, files) = full_document();
    let parsed = SandboxConfig::from_toml_str(&document).expect("parses");
    assert_eq!(parsed.files(), ["subs.toml", "client.pub.pem"]);
    let config = parsed
        .to_server_config(&mut |path| files.get(path).cloned().ok_or_else(|| String::from("absent")))
        .expect("valid");
    assert!(!config.demo_client);
    assert_eq!(config.network_subscriber, None);
    assert_eq!(config.subscribers.len(), 1);
    assert_eq!(config.ciba_interval, Duration::from_secs(2));
    assert_eq!(config.ciba_expires_in, Duration::from_secs(30));
    assert_eq!(config.approve_delay_override, Some(Duration::from_secs(1)));
    assert!(config.enforce_poll_interval);
    assert_eq!(config.access_token_lifetime, Duration::from_secs(60));
    assert_eq!(config.access_token_format, AccessTokenFormat::Jwt);
    let clients: Vec<(&str, usize, Option<&str>)> = config
        .clients
        .iter()
        .map(|c| (c.client_id(), c.keys.len(), c.jwks_url()))
        .collect();
    assert_eq!(
        clients,
        [
            ("from-pem-file", 1, None),
            ("from-jwks", 1, None),
            ("from-url", 0, Some("http://127.0.0.1:9/jwks.json")),
        ]
    );
    assert_eq!(
        config.clients[0].redirect_uris,
        ["http://127.0.0.1:3000/callback"]
    );
    let sp = config.saml_service_providers.last().expect("registered");
    assert_eq!(sp.entity_id(), "my-sp");
    assert_eq!(sp.acs_urls().len(), 2);
    assert!(config.saml_key_rollover);
    assert_eq!(sp.slo_url(), Some("http://127.0.0.1:3000/saml/slo"));
    let kinds: Vec<(&str, Option<FaultKind>, Option<u32>)> = config
        .faults
        .iter()
        .map(|(path, fault)| (path.as_str(), fault.kind.clone(), fault.times))
        .collect();
    assert_eq!(
        kinds,
        [
            ("/kyc-match/v0.4/match", Some(FaultKind::MalformedBody), None),
            ("/sim-swap/v2/check", Some(FaultKind::Status(503)), Some(1)),
            (
                "/token",
                Some(FaultKind::TooManyRequests {
                    retry_after: Duration::from_secs(7)
                }),
                None
            ),
        ]
    );
    assert_eq!(config.faults["/token"].latency, Some(Duration::from_millis(50)));
}

#[test]
fn inline_subscribers_use_the_subscriber_format() {
    let config = ServerConfig::from_toml_str(
        "[[subscribers]]\nid = \"x\"\nphone_number = \"+34600000002\"\nciba = { action = \"deny\" }\n",
    )
    .expect("valid");
    assert_eq!(config.subscribers.len(), 1);
    assert!(config.demo_client, "the demo client stays by default");
}

#[test]
fn invalid_documents_are_refused_naming_the_cause() {
    let cases = [
        (
            "prot = 1",
            "unknown field `prot`, expected one of `port`, `demo-client`",
        ),
        (
            "[ciba]\ninterval = 1",
            "unknown field `interval`, expected one of `interval-secs`",
        ),
        (
            "[ciba]\ninterval-secs = 0",
            "ciba.interval-secs: expected at least 1",
        ),
        (
            "[tokens]\naccess-token-format = \"jws\"",
            "unknown variant `jws`, expected `opaque` or `jwt`",
        ),
        (
            "network-subscriber = \"0612\"",
            "network-subscriber: expected an E.164 number",
        ),
        (
            "subscribers-file = \"a\"\nsubscribers = []",
            "give either subscribers-file or subscribers",
        ),
        (
            "subscribers-file = \"a.toml\"",
            "cannot read a.toml: this caller reads no file",
        ),
        (
            "[[subscribers]]\nid = \"x\"\nphone_number = \"+33\"",
            "subscriber #0: invalid phone_number",
        ),
        (
            "[[clients]]\nclient-id = \"app\"",
            "client \"app\": expected exactly one of public-key",
        ),
        (
            "[[clients]]\nclient-id = \"app\"\npublic-key = \"x\"\njwks-url = \"http://127.0.0.1/\"",
            "client \"app\": expected exactly one of",
        ),
        (
            "[[clients]]\nclient-id = \"app\"\npublic-key = \"x\"",
            "expected a PEM public key",
        ),
        (
            "[[clients]]\nclient-id = \"app\"\njwks-url = \"http://example.com/\"",
            "loopback",
        ),
        (
            "[[saml-service-providers]]\nentity-id = \"sp\"\nacs-urls = []",
            "expected at least one acs-urls",
        ),
        (
            "[[saml-service-providers]]\nentity-id = \"sp\"\nacs-urls = [\"http://a/\"]\ncertificate = \"x\"",
            "expected a PEM CERTIFICATE",
        ),
        (
            "[[saml-service-providers]]\nentity-id = \"sp\"\nacs-urls = [\"http://a/\"]\nencryption-algorithm = \"aes256-gcm\"",
            "need an encryption-certificate",
        ),
        (
            "[[saml-service-providers]]\nentity-id = \"sp\"\nacs-urls = [\"http://a/\"]\nencryption-algorithm = \"aes192-gcm\"",
            "unknown variant `aes192-gcm`",
        ),
        (
            "[[saml-service-providers]]\nentity-id = \"sp\"\nacs-urls = [\"http://a/\"]\nencryption-certificate = \"x\"",
            "expected a PEM CERTIFICATE",
        ),
        (
            "[[saml-service-providers]]\nentity-id = \"sp\"\nacs-urls = [\"http://a/\"]\nsign = \"nothing\"",
            "unknown variant `nothing`",
        ),
        ("[faults.\"/token\"]\nstatus = 200", "status must be 400 to 599"),
        (
            "[faults.\"/token\"]\nstatus = 503\nretry-after-secs = 1",
            "retry-after-secs goes with status 429",
        ),
        (
            "[faults.\"/token\"]\nmalformed-body = true\nstatus = 500",
            "malformed-body excludes",
        ),
        ("[faults.\"/token\"]\ntimes = 1", "expected latency-ms, status"),
        ("[faults.\"token\"]\nstatus = 500", "must start with /"),
        (
            "[faults.\"/token\"]\nstatus = 500\ntimes = 0",
            "times must be at least 1",
        ),
    ];
    for (document, expected) in cases {
        let error = ServerConfig::from_toml_str(document)
            .expect_err(document)
            .to_string();
        assert!(error.contains(expected), "{document:?}: {error}");
    }
}

#[test]
fn a_429_fault_without_status_is_a_429() {
    let config = ServerConfig::from_toml_str("[faults.\"/token\"]\nstatus = 429\nretry-after-secs = 3")
        .expect("valid");
    assert_eq!(
        config.faults["/token"].kind,
        Some(FaultKind::TooManyRequests {
            retry_after: Duration::from_secs(3)
        })
    );
}

#[test]
fn saml_service_providers_choose_signing_encryption_and_name_format() {
    use crate::registration::{
        SamlAttributeNameFormat, SamlDataEncryption, SamlEncryption, SamlKeyTransport, SamlSigning,
    };
    let rsa = crate::saml::IDP_CERT_PEM;
    let ec = include_str!("../../../saml/tests/fixtures/keys/idp-ec.crt");
    let document = |extra: &str| {
        format!("[[saml-service-providers]]\nentity-id = \"sp\"\nacs-urls = [\"http://a/\"]\n{extra}")
    };
    let sp = |extra: &str| {
        ServerConfig::from_toml_str(&document(extra))
            .map(|c| c.saml_service_providers.last().cloned().expect("registered"))
    };
    let plain = sp("").expect("valid");
    assert_eq!(
        (plain.signing(), plain.attribute_name_format(), plain.encryption()),
        (SamlSigning::Assertion, SamlAttributeNameFormat::Basic, None)
    );
    let chosen = sp(&format!(
        "sign = \"both\"\nattribute-name-format = \"uri\"\nencryption-certificate = \"\"\"{rsa}\"\"\"\nencryption-algorithm = \"aes256-cbc\"\nkey-transport = \"rsa-oaep\""
    ))
    .expect("valid");
    assert_eq!(chosen.signing(), SamlSigning::Both);
    assert_eq!(chosen.attribute_name_format(), SamlAttributeNameFormat::Uri);
    assert_eq!(
        chosen.encryption(),
        Some(SamlEncryption::new(
            SamlDataEncryption::Aes256Cbc,
            SamlKeyTransport::RsaOaep
        ))
    );
    let defaults = sp(&format!("encryption-certificate = \"\"\"{rsa}\"\"\"")).expect("valid");
    assert_eq!(defaults.encryption(), Some(SamlEncryption::default()));
    let error = sp(&format!("encryption-certificate = \"\"\"{ec}\"\"\""))
        .expect_err("EC certificate")
        .to_string();
    assert!(error.contains("key is not RSA"), "{error}");
    let files =
        SandboxConfig::from_toml_str(&document("encryption-certificate-file = \"enc.crt\"")).expect("parses");
    assert_eq!(files.files(), ["enc.crt"]);
}
