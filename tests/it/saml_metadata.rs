//! The sandbox IdP's signed metadata as an SP fetches it: verified by `netid-saml` against the
//! metadata signer's certificate, and, during the IdP's key rollover, a key set under which
//! Responses signed by the old key and by the new key both verify.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use netid_core::ports::OsRandom;
use netid_reqwest::ReqwestTransport;
use netid_saml::{
    AuthnRequestBuilder, Check, IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore,
    MetadataTrust, ResponseVerifier, ServiceProvider, VerifiedMetadata, verify_idp_metadata,
};
use netid_server::{DEMO_SAML_ACS_URLS, DEMO_SAML_SP_ENTITY_ID, Server, ServerConfig, ServerHandle};
use netid_transport::HttpTransport;

fn browser() -> Arc<dyn HttpTransport> {
    Arc::new(ReqwestTransport::new().expect("reqwest client"))
}

fn sp() -> ServiceProvider {
    ServiceProvider::new(DEMO_SAML_SP_ENTITY_ID, DEMO_SAML_ACS_URLS[0])
}

async fn get(url: String) -> String {
    let answer = browser()
        .send(http::Request::get(url).body(Bytes::new()).unwrap())
        .await
        .expect("sandbox answers");
    assert_eq!(answer.status(), http::StatusCode::OK);
    String::from_utf8(answer.body().to_vec()).expect("UTF-8")
}

/// The metadata of `server`, verified as an SP configured with the metadata signer's certificate.
async fn fetch_metadata(server: &ServerHandle) -> Result<VerifiedMetadata, netid_saml::Error> {
    let xml = get(format!("{}saml/metadata", server.base_url())).await;
    let signer = IdpCertificate::from_pem(server.saml_metadata_certificate_pem().as_bytes()).unwrap();
    let trust = MetadataTrust::new(vec![signer]).entity_id(server.saml_idp_entity_id());
    verify_idp_metadata(&xml, &trust, SystemTime::now())
}

/// Signs in at `server` as the demo SP; the Base64 Response and the store holding its request.
async fn sign_in(server: &ServerHandle) -> (String, InMemoryRequestStore) {
    let requests = InMemoryRequestStore::new();
    let request = AuthnRequestBuilder::new(&sp(), format!("{}saml/sso", server.base_url()))
        .build(SystemTime::now(), &OsRandom)
        .expect("AuthnRequest");
    request
        .record(&requests, Duration::from_secs(300))
        .expect("recorded");
    let html = get(request.redirect_url(None).expect("redirect URL")).await;
    let marker = "name=\"SAMLResponse\" value=\"";
    let start = html.find(marker).expect("SAMLResponse field") + marker.len();
    let b64 = html[start..start + html[start..].find('"').expect("closing quote")].to_owned();
    (b64, requests)
}

fn certificates(metadata: &VerifiedMetadata) -> Vec<Vec<u8>> {
    let idp = metadata.identity_provider();
    idp.certificates.iter().map(|c| c.as_der().to_vec()).collect()
}

fn der(pem: &str) -> Vec<u8> {
    IdpCertificate::from_pem(pem.as_bytes())
        .unwrap()
        .as_der()
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sp_verifies_the_sandbox_signed_metadata() {
    let server = Server::start(ServerConfig::new()).await.expect("sandbox starts");
    let metadata = fetch_metadata(&server).await.expect("signed metadata verifies");
    assert_eq!(certificates(&metadata), [der(server.saml_idp_certificate_pem())]);
    assert_eq!(metadata.cache_duration(), Some(Duration::from_secs(3600)));
    let now = SystemTime::now();
    assert!(
        metadata
            .valid_until()
            .is_some_and(|until| until > now + Duration::from_secs(24 * 3600))
    );
    assert!(metadata.refresh_at(now) <= now + Duration::from_secs(3600));
    assert_eq!(
        metadata.identity_provider().sso_url,
        Some(format!("{}saml/sso", server.base_url()))
    );

    let (b64, requests) = sign_in(&server).await;
    let verifier = ResponseVerifier::new(metadata.into_identity_provider(), sp());
    verifier
        .verify_post(
            b64.as_bytes(),
            SystemTime::now(),
            &requests,
            &InMemoryReplayCache::new(),
        )
        .expect("a Response verifies under the metadata's key");

    // The IdP's own certificate is not the metadata signer: trusting it instead is refused.
    let xml = get(format!("{}saml/metadata", server.base_url())).await;
    let wrong = MetadataTrust::new(vec![
        IdpCertificate::from_pem(server.saml_idp_certificate_pem().as_bytes()).unwrap(),
    ]);
    let error = verify_idp_metadata(&xml, &wrong, SystemTime::now()).unwrap_err();
    assert_eq!(error.check(), Some(Check::Signature), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_rollover_responses_signed_by_either_key_verify() {
    let before = Server::start(ServerConfig::new()).await.expect("sandbox starts");
    let during = Server::start(ServerConfig::new().with_saml_key_rollover(true))
        .await
        .expect("sandbox in rollover starts");
    let metadata = fetch_metadata(&during)
        .await
        .expect("signed rollover metadata verifies");
    assert_eq!(
        certificates(&metadata),
        [
            der(during.saml_idp_certificate_pem()),
            der(during.saml_idp_next_certificate_pem())
        ],
        "the old and the new signing certificate"
    );
    let keys = metadata.into_identity_provider().certificates;

    // Responses signed by the old key (before the rollover) and by the new one (during it), each
    // checked against the key set of the rollover metadata under its own IdP's entity ID.
    for (server, key) in [(&before, "old"), (&during, "new")] {
        let (b64, requests) = sign_in(server).await;
        let idp = IdentityProvider::new(server.saml_idp_entity_id(), keys.clone());
        ResponseVerifier::new(idp, sp())
            .verify_post(
                b64.as_bytes(),
                SystemTime::now(),
                &requests,
                &InMemoryReplayCache::new(),
            )
            .unwrap_or_else(|e| panic!("a Response signed by the {key} key: {e}"));
        let xml = String::from_utf8(STANDARD.decode(&b64).unwrap()).unwrap();
        let signer = if key == "old" {
            server.saml_idp_certificate_pem()
        } else {
            server.saml_idp_next_certificate_pem()
        };
        let signer_b64: String = signer.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(
            xml.contains(&signer_b64),
            "the {key} key's certificate in KeyInfo"
        );
    }

    // An SP still on the old key alone refuses the new key's Responses: the refresh matters.
    let (b64, requests) = sign_in(&during).await;
    let old_only = IdentityProvider::new(
        during.saml_idp_entity_id(),
        vec![IdpCertificate::from_pem(during.saml_idp_certificate_pem().as_bytes()).unwrap()],
    );
    let error = ResponseVerifier::new(old_only, sp())
        .verify_post(
            b64.as_bytes(),
            SystemTime::now(),
            &requests,
            &InMemoryReplayCache::new(),
        )
        .unwrap_err();
    assert_eq!(error.check(), Some(Check::Signature), "{error}");
}
