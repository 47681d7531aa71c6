//! Signed `AuthnRequest`s: an SP registered with a signing certificate signs its HTTP-Redirect
//! requests with `netid-saml`; the sandbox IdP accepts a good signature (RSA-SHA256 and
//! ECDSA-SHA256) and refuses unsigned, tampered, wrong-key and RSA-SHA1 requests.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use netid_core::ports::OsRandom;
use netid_reqwest::ReqwestTransport;
use netid_saml::{AuthnRequest, AuthnRequestBuilder, ServiceProvider, SignatureAlgorithm, SoftwareSigner};
use netid_server::{SamlServiceProvider, Server, ServerConfig, ServerHandle};
use netid_transport::HttpTransport;

const SP_CERT: &str = include_str!("../../crates/saml/tests/fixtures/keys/sp.crt");
const SP_KEY: &str = include_str!("../../crates/saml/tests/fixtures/keys/sp.key");
const ATTACKER_KEY: &str = include_str!("../../crates/saml/tests/fixtures/keys/attacker.key");
const EC_CERT: &str = include_str!("../../crates/saml/tests/fixtures/keys/idp-ec.crt");
const EC_KEY: &str = include_str!("../../crates/saml/tests/fixtures/keys/idp-ec.key");
const ACS: &str = "http://127.0.0.1/saml/acs";

/// Three SPs: `rsa-sp` and `ec-sp` registered with a signing certificate, `open-sp` without.
async fn start() -> ServerHandle {
    let config = ServerConfig::new()
        .with_saml_service_provider(
            SamlServiceProvider::new("rsa-sp", ACS)
                .with_certificate_pem(SP_CERT)
                .expect("SP certificate"),
        )
        .with_saml_service_provider(
            SamlServiceProvider::new("ec-sp", ACS)
                .with_certificate_pem(EC_CERT)
                .expect("EC certificate"),
        )
        .with_saml_service_provider(SamlServiceProvider::new("open-sp", ACS));
    Server::start(config).await.expect("sandbox starts")
}

fn request(server: &ServerHandle, entity_id: &str) -> AuthnRequest {
    AuthnRequestBuilder::new(
        &ServiceProvider::new(entity_id, ACS),
        format!("{}saml/sso", server.base_url()),
    )
    .build(SystemTime::now(), &OsRandom)
    .expect("AuthnRequest")
}

fn signer(pem: &str, algorithm: SignatureAlgorithm) -> SoftwareSigner {
    SoftwareSigner::from_pem(pem.as_bytes(), algorithm).expect("signing key")
}

/// The IdP's answer to `url`: status and body.
async fn get(browser: &dyn HttpTransport, url: String) -> (http::StatusCode, String) {
    let answer = browser
        .send(http::Request::get(url).body(Bytes::new()).unwrap())
        .await
        .expect("IdP answers");
    let body = String::from_utf8(answer.body().to_vec()).expect("UTF-8 page");
    (answer.status(), body)
}

/// Changes one byte of the `SAMLRequest` as sent (a percent escape to lowercase) without changing
/// what it decodes to, so only the signature can notice.
fn tamper(url: &str) -> String {
    let start = url.find("SAMLRequest=").expect("SAMLRequest");
    let end = url[start..].find('&').map_or(url.len(), |i| start + i);
    let escape = url[start..end]
        .find("%2B")
        .or_else(|| url[start..end].find("%2F"))
        .or_else(|| url[start..end].find("%3D"))
        .expect("a Base64 value with +, / or = in it");
    let at = start + escape + 2;
    let mut bytes = url.as_bytes().to_vec();
    bytes[at] = bytes[at].to_ascii_lowercase();
    String::from_utf8(bytes).expect("ASCII URL")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_requests_are_accepted() {
    let server = start().await;
    let browser: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::new().expect("reqwest client"));
    let rsa = signer(SP_KEY, SignatureAlgorithm::RsaSha256);
    let ec = signer(EC_KEY, SignatureAlgorithm::EcdsaSha256);
    let cases = [
        ("rsa-sp", Some("state 1/2+&"), &rsa),
        ("rsa-sp", None, &rsa),
        ("ec-sp", Some("ec"), &ec),
        ("open-sp", None, &rsa),
    ];
    for (entity_id, relay_state, signer) in cases {
        let url = request(&server, entity_id)
            .signed_redirect_url(relay_state, signer)
            .expect("signed URL");
        let (status, body) = get(browser.as_ref(), url).await;
        assert_eq!(status, http::StatusCode::OK, "{entity_id}: {body}");
        assert!(body.contains("name=\"SAMLResponse\""), "{entity_id}: {body}");
    }
    // An SP without a certificate keeps sending unsigned requests.
    let url = request(&server, "open-sp").redirect_url(None).expect("URL");
    assert_eq!(get(browser.as_ref(), url).await.0, http::StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_tampered_wrong_key_and_sha1_requests_are_refused() {
    let server = start().await;
    let browser: Arc<dyn HttpTransport> = Arc::new(ReqwestTransport::new().expect("reqwest client"));
    let rsa = signer(SP_KEY, SignatureAlgorithm::RsaSha256);
    let signed = |entity_id: &str, signer: &SoftwareSigner| {
        request(&server, entity_id)
            .signed_redirect_url(Some("rs"), signer)
            .expect("signed URL")
    };
    let sha1 = SoftwareSigner::insecure_rsa_sha1_from_pem(SP_KEY.as_bytes()).expect("SHA-1 signer");
    let does_not_verify = "the request signature does not verify with the service provider's certificate";
    let cases = [
        (
            "unsigned",
            request(&server, "rsa-sp").redirect_url(Some("rs")).expect("URL"),
            "SigAlg and Signature are required",
        ),
        ("tampered", tamper(&signed("rsa-sp", &rsa)), does_not_verify),
        (
            "wrong key",
            signed("rsa-sp", &signer(ATTACKER_KEY, SignatureAlgorithm::RsaSha256)),
            does_not_verify,
        ),
        (
            "rsa-sha256 for an EC certificate",
            signed("ec-sp", &rsa),
            does_not_verify,
        ),
        ("rsa-sha1", signed("rsa-sp", &sha1), "SigAlg rsa-sha1 is refused"),
        (
            "rsa-sha512",
            signed("rsa-sp", &signer(SP_KEY, SignatureAlgorithm::RsaSha512)),
            "SigAlg is not rsa-sha256 or ecdsa-sha256",
        ),
    ];
    for (name, url, expected) in cases {
        let (status, body) = get(browser.as_ref(), url).await;
        assert_eq!(status, http::StatusCode::BAD_REQUEST, "{name}: {body}");
        assert!(body.starts_with("SAML request refused: "), "{name}: {body}");
        assert!(body.contains(expected), "{name}: {body}");
        assert!(!body.contains("SAMLResponse"), "{name}: {body}");
    }
}
