//! `netid saml logout-url` and `netid saml verify-logout`: the IdP's logout messages are built at
//! test time with netid-saml (issuing as the test IdP, signed with its committed test key, fixed
//! IDs and instants), written to files and verified by the binary.

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, SystemTime};

use netid::crates::saml::{
    LogoutRequestBuilder, LogoutResponseBuilder, LogoutSession, LogoutStatus, NameId, ServiceProvider,
    SignatureAlgorithm, SoftwareSigner,
};
use netid_core::ports::{RandomError, SecureRandom};

use crate::saml::{fixture, netid};

const IDP: &str = "https://idp.example/saml";
const IDP_SLO: &str = "https://idp.example/saml/slo";
const SP: &str = "https://sp.example/saml";
const SP_SLO: &str = "https://sp.example/saml/slo";
const NAME_ID: &str = "4b124ae2-0126-102b-8852-001a641049bb";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

/// A fixed byte pattern: stable IDs for the snapshots.
#[derive(Debug)]
struct Fixed(u8);

impl SecureRandom for Fixed {
    fn fill(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        dest.fill(self.0);
        Ok(())
    }
}

/// 2026-01-01T00:00:00Z.
fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

fn idp_signer() -> SoftwareSigner {
    let pem = std::fs::read(fixture("keys/idp.key")).expect("IdP key");
    SoftwareSigner::from_pem(&pem, SignatureAlgorithm::RsaSha256).expect("IdP key")
}

fn session(index: &str) -> LogoutSession {
    LogoutSession::new(
        NameId::new(NAME_ID, Some(PERSISTENT.to_owned())),
        Some(index.to_owned()),
    )
}

fn write(name: &str, content: &str) -> String {
    let path =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("logout-{}-{name}", std::process::id()));
    std::fs::write(&path, content).expect("write test file");
    path.to_string_lossy().into_owned()
}

/// The IdP's signed LogoutRequest for the session `_s1`, as raw XML.
fn idp_request_file() -> String {
    let xml = LogoutRequestBuilder::new(&ServiceProvider::new(IDP, "-"), SP_SLO, session("_s1"))
        .build(t0(), &Fixed(0xa1))
        .and_then(|r| r.signed_xml(&idp_signer()))
        .expect("IdP LogoutRequest");
    write("request.xml", &xml)
}

/// The IdP's signed LogoutResponse to `_mine`, as a POST form value.
fn idp_response_file(status: LogoutStatus) -> String {
    let value = LogoutResponseBuilder::new(&ServiceProvider::new(IDP, "-"), SP_SLO, "_mine")
        .status(status)
        .build(t0(), &Fixed(0xb2))
        .and_then(|r| r.signed_post_value(&idp_signer()))
        .expect("IdP LogoutResponse");
    write(&format!("response-{status:?}.b64"), &value)
}

fn verify_logout(extra: &[&str]) -> Output {
    let cert = fixture("keys/idp.crt");
    let mut args = vec![
        "saml",
        "verify-logout",
        "--idp-entity-id",
        IDP,
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        SP,
        "--slo-url",
        SP_SLO,
    ];
    if !extra.contains(&"--now") {
        args.extend(["--now", "2026-01-01T00:01:00Z"]);
    }
    args.extend_from_slice(extra);
    netid(&args)
}

/// stdout as JSON lines, the temporary file names replaced for stable snapshots.
fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            if let Some(file) = v["file"].as_str() {
                let short = file.rsplit_once('-').map_or(file, |(_, name)| name).to_owned();
                v["file"] = short.into();
            }
            v
        })
        .collect()
}

#[test]
fn verify_logout_checks_an_idp_request_against_the_session() {
    let request = idp_request_file();
    let session_args = ["--name-id", NAME_ID, "--name-id-format", "persistent"];
    let out = verify_logout(&[&session_args[..], &["--session-index", "_s1", &request]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(NAME_ID), "NameID printed: {stdout}");
    insta::assert_json_snapshot!("verify_logout_request", lines(&out));

    let revealed = verify_logout(
        &[
            &session_args[..],
            &["--session-index", "_s1", "--reveal", &request],
        ]
        .concat(),
    );
    assert_eq!(lines(&revealed)[0]["name_id"], NAME_ID);

    // Another session of the same subject, or no session given at all.
    let other = verify_logout(&[&session_args[..], &["--session-index", "_s2", &request]].concat());
    assert_eq!(other.status.code(), Some(1));
    assert_eq!(lines(&other)[0]["error"]["check"], "session");
    let none = verify_logout(&[request.as_str()]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(lines(&none)[0]["error"]["check"], "input");
    // Expired by then.
    let late = verify_logout(
        &[
            &session_args[..],
            &[
                "--session-index",
                "_s1",
                "--now",
                "2026-01-01T01:00:00Z",
                &request,
            ],
        ]
        .concat(),
    );
    assert_eq!(lines(&late)[0]["error"]["check"], "conditions");
}

#[test]
fn verify_logout_consumes_the_outstanding_request_once() {
    let ok = idp_response_file(LogoutStatus::Success);
    let out = verify_logout(&["--request-id", "_mine", "--json", &ok, &ok]);
    assert_eq!(out.status.code(), Some(1));
    let mut report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    for file in report["files"].as_array_mut().unwrap() {
        let name = file["file"]
            .as_str()
            .unwrap()
            .rsplit_once('-')
            .unwrap()
            .1
            .to_owned();
        file["file"] = name.into();
    }
    let message = report["error"]["message"].as_str().unwrap().to_owned();
    report["error"]["message"] = message.split(": ").skip(1).collect::<Vec<_>>().join(": ").into();
    insta::assert_json_snapshot!("verify_logout_response_json", report);

    let failed = idp_response_file(LogoutStatus::Responder);
    let out = verify_logout(&["--request-id", "_mine", &failed]);
    assert_eq!(lines(&out)[0]["error"]["check"], "status");
}

#[test]
fn logout_url_signs_a_request_that_verify_logout_accepts() {
    let key = fixture("keys/sp.key");
    let out = netid(&[
        "saml",
        "logout-url",
        "--sp-entity-id",
        SP,
        "--idp-slo-url",
        IDP_SLO,
        "--name-id",
        NAME_ID,
        "--name-id-format",
        "persistent",
        "--session-index",
        "_s1",
        "--relay-state",
        "back to /home",
        "--sign-key",
        &key,
        "--now",
        "2026-01-01T00:00:00Z",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let url = line["url"].as_str().unwrap();
    let query = url.strip_prefix(&format!("{IDP_SLO}?")).expect("the IdP SLO URL");
    assert!(query.starts_with("SAMLRequest="), "{query}");
    assert!(
        query.contains("&RelayState=back%20to%20%2Fhome&SigAlg="),
        "{query}"
    );
    // The IdP's view: the SP is the issuer, signing with the SP key.
    let sp_cert = fixture("keys/sp.crt");
    let seen_by_idp = netid(&[
        "saml",
        "verify-logout",
        "--idp-entity-id",
        SP,
        "--idp-cert",
        &sp_cert,
        "--sp-entity-id",
        IDP,
        "--slo-url",
        IDP_SLO,
        "--now",
        "2026-01-01T00:01:00Z",
        "--name-id",
        NAME_ID,
        "--name-id-format",
        "persistent",
        "--session-index",
        "_s1",
        "--query",
        query,
    ]);
    assert_eq!(
        seen_by_idp.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&seen_by_idp.stdout)
    );
    assert_eq!(lines(&seen_by_idp)[0]["id"], line["id"]);
    // The signature covers the exact octets: a changed RelayState is refused.
    let tampered = query.replace("back%20to", "back%20TO");
    let refused = netid(&[
        "saml",
        "verify-logout",
        "--idp-entity-id",
        SP,
        "--idp-cert",
        &sp_cert,
        "--sp-entity-id",
        IDP,
        "--slo-url",
        IDP_SLO,
        "--now",
        "2026-01-01T00:01:00Z",
        "--name-id",
        NAME_ID,
        "--query",
        &tampered,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(lines(&refused)[0]["error"]["check"], "query_signature");
}

#[test]
fn logout_url_requires_a_signing_key() {
    let out = netid(&[
        "saml",
        "logout-url",
        "--sp-entity-id",
        SP,
        "--idp-slo-url",
        IDP_SLO,
        "--name-id",
        NAME_ID,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--sign-key"));
}
