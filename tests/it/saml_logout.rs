//! Single Logout round trips between `netid-saml` (the SP) and the sandbox IdP, in both directions
//! and both bindings: the SP's signed LogoutRequest gets a signed LogoutResponse the SP verifies
//! and consumes once; the IdP's signed LogoutRequest is verified against the session and the SP's
//! signed LogoutResponse is accepted by the IdP once.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;
use netid_core::ports::OsRandom;
use netid_reqwest::ReqwestTransport;
use netid_saml::{
    Check, IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore, LogoutRequestBuilder,
    LogoutResponseBuilder, LogoutSession, LogoutVerifier, NameId, Received, ResponseVerifier,
    ServiceProvider, SignatureAlgorithm, SoftwareSigner,
};
use netid_server::{SamlServiceProvider, Server, ServerConfig, ServerHandle};
use netid_transport::HttpTransport;

const SP_CERT: &str = include_str!("../../crates/saml/tests/fixtures/keys/sp.crt");
const SP_KEY: &str = include_str!("../../crates/saml/tests/fixtures/keys/sp.key");
const ATTACKER_KEY: &str = include_str!("../../crates/saml/tests/fixtures/keys/attacker.key");
const SP: &str = "slo-sp";
const ACS: &str = "http://127.0.0.1/saml/acs";
const SP_SLO: &str = "http://127.0.0.1/saml/slo";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

async fn start() -> ServerHandle {
    let sp = SamlServiceProvider::new(SP, ACS)
        .with_certificate_pem(SP_CERT)
        .expect("SP certificate")
        .with_slo_url(SP_SLO);
    Server::start(ServerConfig::new().with_saml_service_provider(sp))
        .await
        .expect("sandbox starts")
}

fn sp() -> ServiceProvider {
    ServiceProvider::new(SP, ACS).with_slo_url(SP_SLO)
}

fn idp_slo(server: &ServerHandle) -> String {
    format!("{}saml/slo", server.base_url())
}

fn verifier(server: &ServerHandle) -> LogoutVerifier {
    let cert = IdpCertificate::from_pem(server.saml_idp_certificate_pem().as_bytes()).expect("IdP cert");
    let idp = IdentityProvider::new(server.saml_idp_entity_id(), vec![cert]);
    LogoutVerifier::new(ResponseVerifier::new(idp, sp())).expect("SLO URL")
}

fn signer(pem: &str) -> SoftwareSigner {
    SoftwareSigner::from_pem(pem.as_bytes(), SignatureAlgorithm::RsaSha256).expect("key")
}

fn session() -> LogoutSession {
    LogoutSession::new(
        NameId::new("alice-pairwise", Some(PERSISTENT.to_owned())),
        Some("_s1".into()),
    )
}

fn browser() -> Arc<dyn HttpTransport> {
    Arc::new(ReqwestTransport::new().expect("reqwest client"))
}

/// Status, `Location` and body of the IdP's answer.
async fn send(
    browser: &dyn HttpTransport,
    request: http::Request<Bytes>,
) -> (http::StatusCode, String, String) {
    let answer = browser.send(request).await.expect("IdP answers");
    let location = answer
        .headers()
        .get(http::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = String::from_utf8(answer.body().to_vec()).expect("UTF-8");
    (answer.status(), location, body)
}

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url).body(Bytes::new()).unwrap()
}

fn post(url: &str, field: &str, value: &str) -> http::Request<Bytes> {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(field, value)
        .finish();
    http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Bytes::from(body))
        .unwrap()
}

/// The value of the hidden form field `name` of an auto-submitting form.
fn form_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("form field") + marker.len();
    let end = html[start..].find('"').expect("end of value") + start;
    html[start..end].to_owned()
}

/// The query string of a redirect to the SP's SLO URL.
fn query_of(location: &str) -> &str {
    location
        .strip_prefix(SP_SLO)
        .and_then(|rest| rest.strip_prefix('?'))
        .unwrap_or_else(|| panic!("not a redirect to the SP SLO URL: {location}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sp_initiated_logout_round_trips_in_both_bindings() {
    let server = start().await;
    let browser = browser();
    let verifier = verifier(&server);
    let requests = InMemoryRequestStore::new();
    let build = || {
        let request = LogoutRequestBuilder::new(&sp(), idp_slo(&server), session())
            .build(SystemTime::now(), &OsRandom)
            .expect("LogoutRequest");
        request
            .record(&requests, Duration::from_secs(600))
            .expect("recorded");
        request
    };

    // HTTP-Redirect: a signed query, answered by a redirect with a signed query.
    let request = build();
    let url = request
        .signed_redirect_url(Some("rs"), &signer(SP_KEY))
        .expect("URL");
    let (status, location, body) = send(browser.as_ref(), get(&url)).await;
    assert_eq!(status, http::StatusCode::FOUND, "{body}");
    let query = query_of(&location);
    assert!(query.contains("RelayState=rs"), "{query}");
    let answer = verifier
        .verify_response(Received::Redirect(query), SystemTime::now(), &requests)
        .expect("LogoutResponse verifies");
    assert_eq!(answer.in_response_to, request.id());
    let again = verifier.verify_response(Received::Redirect(query), SystemTime::now(), &requests);
    assert_eq!(again.unwrap_err().check(), Some(Check::InResponseTo));

    // HTTP-POST: a signed XML message, answered by a form carrying a signed LogoutResponse.
    let request = build();
    let value = request.signed_post_value(&signer(SP_KEY)).expect("signed XML");
    let (status, _, body) = send(browser.as_ref(), post(&idp_slo(&server), "SAMLRequest", &value)).await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
    assert!(body.contains(&format!("action=\"{SP_SLO}\"")), "{body}");
    let response = form_value(&body, "SAMLResponse");
    let answer = verifier
        .verify_response(Received::Post(response.as_bytes()), SystemTime::now(), &requests)
        .expect("LogoutResponse verifies");
    assert_eq!(answer.in_response_to, request.id());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_and_wrongly_signed_logout_requests_are_refused() {
    let server = start().await;
    let browser = browser();
    let request = LogoutRequestBuilder::new(&sp(), idp_slo(&server), session())
        .build(SystemTime::now(), &OsRandom)
        .expect("LogoutRequest");
    let unsigned = base64::engine::general_purpose::STANDARD.encode(request.xml());
    let cases = [
        (
            "wrong key, redirect",
            get(&request.signed_redirect_url(None, &signer(ATTACKER_KEY)).unwrap()),
        ),
        (
            "wrong key, post",
            post(
                &idp_slo(&server),
                "SAMLRequest",
                &request.signed_post_value(&signer(ATTACKER_KEY)).unwrap(),
            ),
        ),
        (
            "unsigned, post",
            post(&idp_slo(&server), "SAMLRequest", &unsigned),
        ),
    ];
    for (name, http_request) in cases {
        let (status, _, body) = send(browser.as_ref(), http_request).await;
        assert_eq!(status, http::StatusCode::BAD_REQUEST, "{name}: {body}");
        assert!(!body.contains("SAMLResponse"), "{name}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idp_initiated_logout_round_trips_in_both_bindings() {
    let server = start().await;
    let browser = browser();
    let verifier = verifier(&server);
    let initiate = |binding: &str| {
        format!(
            "{}saml/slo/initiate?sp={SP}&name_id=alice-pairwise&session_index=_s1&binding={binding}",
            server.base_url()
        )
    };

    // HTTP-Redirect both ways.
    let (status, location, body) = send(browser.as_ref(), get(&initiate("redirect"))).await;
    assert_eq!(status, http::StatusCode::FOUND, "{body}");
    let replay = InMemoryReplayCache::new();
    let request = verifier
        .verify_request(
            Received::Redirect(query_of(&location)),
            &session(),
            SystemTime::now(),
            &replay,
        )
        .expect("IdP LogoutRequest verifies");
    let other = LogoutSession::new(NameId::new("bob", Some(PERSISTENT.to_owned())), None);
    let wrong_session = verifier.verify_request(
        Received::Redirect(query_of(&location)),
        &other,
        SystemTime::now(),
        &InMemoryReplayCache::new(),
    );
    assert_eq!(wrong_session.unwrap_err().check(), Some(Check::Session));
    let answer = LogoutResponseBuilder::new(&sp(), idp_slo(&server), &request.id)
        .build(SystemTime::now(), &OsRandom)
        .expect("LogoutResponse");
    let url = answer.signed_redirect_url(None, &signer(SP_KEY)).expect("URL");
    let (status, _, body) = send(browser.as_ref(), get(&url)).await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
    assert!(body.contains("logged out"), "{body}");
    let (status, _, body) = send(browser.as_ref(), get(&url)).await;
    assert_eq!(status, http::StatusCode::BAD_REQUEST, "a second answer: {body}");

    // HTTP-POST both ways.
    let (status, _, body) = send(browser.as_ref(), get(&initiate("post"))).await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
    let value = form_value(&body, "SAMLRequest");
    let request = verifier
        .verify_request(
            Received::Post(value.as_bytes()),
            &session(),
            SystemTime::now(),
            &replay,
        )
        .expect("IdP LogoutRequest verifies");
    let answer = LogoutResponseBuilder::new(&sp(), idp_slo(&server), &request.id)
        .build(SystemTime::now(), &OsRandom)
        .expect("LogoutResponse")
        .signed_post_value(&signer(SP_KEY))
        .expect("signed");
    let (status, _, body) = send(browser.as_ref(), post(&idp_slo(&server), "SAMLResponse", &answer)).await;
    assert_eq!(status, http::StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idp_metadata_advertises_single_logout() {
    let server = start().await;
    let (status, _, body) = send(
        browser().as_ref(),
        get(&format!("{}saml/metadata", server.base_url())),
    )
    .await;
    assert_eq!(status, http::StatusCode::OK);
    let idp = netid_saml::parse_idp_metadata(&body).expect("IdP metadata");
    assert_eq!(idp.slo_url.as_deref(), Some(idp_slo(&server).as_str()));
}
