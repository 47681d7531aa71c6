//! The sandbox IdP as an SP registered with it sees it: every signing mode and attribute
//! NameFormat, and assertions encrypted for the SP's certificate with every algorithm, decrypted
//! and verified by `netid-saml` with the SP's private key.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use netid_core::ports::OsRandom;
use netid_reqwest::ReqwestTransport;
use netid_saml::{
    AuthnRequestBuilder, Check, DecryptionKey, IdentityProvider, IdpCertificate, InMemoryReplayCache,
    InMemoryRequestStore, NameIdFormat, NameIdPolicy, ResponseVerifier, ServiceProvider, VerifiedAssertion,
};
use netid_server::{
    SamlAttributeNameFormat, SamlDataEncryption, SamlEncryption, SamlKeyTransport, SamlServiceProvider,
    SamlSigning, Server, ServerConfig, ServerHandle,
};
use netid_transport::HttpTransport;

const SP_CERT: &str = include_str!("../../crates/saml/tests/fixtures/keys/sp.crt");
const SP_KEY: &str = include_str!("../../crates/saml/tests/fixtures/keys/sp.key");
const OTHER_CERT: &str = include_str!("../../crates/saml/tests/fixtures/keys/attacker.crt");
const ACS: &str = "http://127.0.0.1/saml/acs";

/// One registered SP: its entity id is its index, its options as given.
struct Case {
    signing: SamlSigning,
    names: SamlAttributeNameFormat,
    encryption: Option<(SamlDataEncryption, SamlKeyTransport, &'static str)>,
}

impl Case {
    fn registration(&self, entity_id: &str) -> SamlServiceProvider {
        let sp = SamlServiceProvider::new(entity_id, ACS)
            .with_signing(self.signing)
            .with_attribute_name_format(self.names);
        match self.encryption {
            Some((data, transport, cert)) => sp
                .with_encryption_certificate_pem(cert, SamlEncryption::new(data, transport))
                .expect("RSA-2048 certificate"),
            None => sp,
        }
    }
}

/// What signing in as `entity_id` gave: the Response XML and the verifier's answer.
async fn sign_in(
    browser: &dyn HttpTransport,
    server: &ServerHandle,
    entity_id: &str,
) -> (String, Result<VerifiedAssertion, netid_saml::Error>) {
    let sp = ServiceProvider::new(entity_id, ACS);
    let requests = InMemoryRequestStore::new();
    let request = AuthnRequestBuilder::new(&sp, format!("{}saml/sso", server.base_url()))
        .name_id_policy(Some(NameIdPolicy::new(NameIdFormat::Persistent, true)))
        .build(SystemTime::now(), &OsRandom)
        .expect("AuthnRequest");
    request
        .record(&requests, Duration::from_secs(300))
        .expect("recorded");
    let url = request.redirect_url(None).expect("redirect URL");
    let answer = browser
        .send(http::Request::get(url).body(Bytes::new()).unwrap())
        .await
        .expect("IdP answers");
    assert_eq!(answer.status(), http::StatusCode::OK, "{entity_id}");
    let html = std::str::from_utf8(answer.body()).expect("UTF-8 page");
    let marker = "name=\"SAMLResponse\" value=\"";
    let start = html.find(marker).expect("SAMLResponse field") + marker.len();
    let b64 = &html[start..start + html[start..].find('"').expect("closing quote")];
    let xml = String::from_utf8(STANDARD.decode(b64).expect("Base64")).expect("UTF-8 XML");

    let certificate = IdpCertificate::from_pem(server.saml_idp_certificate_pem().as_bytes()).unwrap();
    let idp = IdentityProvider::new(server.saml_idp_entity_id(), vec![certificate]);
    let verifier = ResponseVerifier::new(idp, sp)
        .decryption_key(DecryptionKey::from_pem(SP_KEY.as_bytes()).expect("SP key"));
    let verified = verifier.verify_post(
        b64.as_bytes(),
        SystemTime::now(),
        &requests,
        &InMemoryReplayCache::new(),
    );
    (xml, verified)
}

async fn start(cases: &[Case]) -> ServerHandle {
    let config = cases
        .iter()
        .enumerate()
        .fold(ServerConfig::new(), |config, (i, case)| {
            config.with_saml_service_provider(case.registration(&format!("sp-{i}")))
        });
    Server::start(config).await.expect("sandbox starts")
}

fn browser() -> Arc<dyn HttpTransport> {
    Arc::new(ReqwestTransport::new().expect("reqwest client"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_encryption_algorithm_is_decrypted_by_the_sp() {
    use SamlDataEncryption::*;
    use SamlKeyTransport::*;
    let algorithms = [
        (
            Aes128Gcm,
            RsaOaepMgf1p,
            "2009/xmlenc11#aes128-gcm",
            "2001/04/xmlenc#rsa-oaep-mgf1p",
        ),
        (
            Aes256Gcm,
            RsaOaepMgf1p,
            "2009/xmlenc11#aes256-gcm",
            "2001/04/xmlenc#rsa-oaep-mgf1p",
        ),
        (
            Aes128Cbc,
            RsaOaep,
            "2001/04/xmlenc#aes128-cbc",
            "2009/xmlenc11#rsa-oaep",
        ),
        (
            Aes256Cbc,
            RsaOaep,
            "2001/04/xmlenc#aes256-cbc",
            "2009/xmlenc11#rsa-oaep",
        ),
        (
            Aes256Gcm,
            RsaOaep,
            "2009/xmlenc11#aes256-gcm",
            "2009/xmlenc11#rsa-oaep",
        ),
    ];
    let cases: Vec<Case> = algorithms
        .iter()
        .map(|(data, transport, ..)| Case {
            signing: SamlSigning::Assertion,
            names: SamlAttributeNameFormat::Basic,
            encryption: Some((*data, *transport, SP_CERT)),
        })
        .collect();
    let server = start(&cases).await;
    let browser = browser();
    for (i, (_, _, data_uri, transport_uri)) in algorithms.iter().enumerate() {
        let (xml, verified) = sign_in(browser.as_ref(), &server, &format!("sp-{i}")).await;
        assert!(xml.contains("<saml:EncryptedAssertion>"), "{data_uri}");
        assert!(
            !xml.contains("<saml:Assertion"),
            "{data_uri}: an Assertion in the clear"
        );
        assert!(
            !xml.contains("OrangeAPIToken"),
            "{data_uri}: an attribute in the clear"
        );
        assert!(
            xml.contains(&format!("Algorithm=\"http://www.w3.org/{data_uri}\"")),
            "{xml}"
        );
        assert!(
            xml.contains(&format!("Algorithm=\"http://www.w3.org/{transport_uri}\"")),
            "{xml}"
        );
        let assertion = verified.unwrap_or_else(|e| panic!("{data_uri} {transport_uri}: {e}"));
        assert!(
            assertion.assertion_signed && !assertion.response_signed,
            "{data_uri}"
        );
        assert_eq!(assertion.attribute("OrangeAPIToken").map(<[_]>::len), Some(1));
        assert_eq!(
            assertion
                .attribute("usertype")
                .map(|v| v[0].expose_pii().as_str()),
            Some("mobile")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_modes_and_name_formats_reach_the_sp() {
    let gcm = Some((
        SamlDataEncryption::Aes128Gcm,
        SamlKeyTransport::RsaOaepMgf1p,
        SP_CERT,
    ));
    // (signing, encryption, assertion signed, response signed)
    let modes = [
        (SamlSigning::Assertion, None, true, false),
        (SamlSigning::Response, None, false, true),
        (SamlSigning::Both, None, true, true),
        (SamlSigning::Response, gcm, false, true),
        (SamlSigning::Both, gcm, true, true),
    ];
    let mut cases: Vec<Case> = modes
        .iter()
        .map(|(signing, encryption, ..)| Case {
            signing: *signing,
            names: SamlAttributeNameFormat::Basic,
            encryption: *encryption,
        })
        .collect();
    cases.push(Case {
        signing: SamlSigning::Assertion,
        names: SamlAttributeNameFormat::Uri,
        encryption: None,
    });
    let server = start(&cases).await;
    let browser = browser();
    for (i, (signing, encryption, assertion_signed, response_signed)) in modes.iter().enumerate() {
        let (xml, verified) = sign_in(browser.as_ref(), &server, &format!("sp-{i}")).await;
        let what = format!("{signing:?} encrypted={}", encryption.is_some());
        let assertion = verified.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(
            (assertion.assertion_signed, assertion.response_signed),
            (*assertion_signed, *response_signed),
            "{what}"
        );
        assert_eq!(
            xml.matches("<ds:SignatureValue>").count(),
            usize::from(*response_signed) + usize::from(*assertion_signed && encryption.is_none()),
            "{what}"
        );
        assert!(
            xml.contains("attrname-format:basic") != encryption.is_some(),
            "{what}"
        );
    }
    let (xml, verified) = sign_in(browser.as_ref(), &server, &format!("sp-{}", modes.len())).await;
    let assertion = verified.expect("uri names");
    assert!(xml.contains("NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\""));
    assert!(!xml.contains("attrname-format:basic"));
    let claims = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    assert!(assertion.attribute(&format!("{claims}OrangeAPIToken")).is_some());
    assert!(assertion.attribute(&format!("{claims}givenname")).is_some());
    assert!(assertion.attribute("givenname").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assertion_encrypted_for_another_key_is_refused() {
    let server = start(&[Case {
        signing: SamlSigning::Assertion,
        names: SamlAttributeNameFormat::Basic,
        encryption: Some((
            SamlDataEncryption::Aes128Cbc,
            SamlKeyTransport::RsaOaepMgf1p,
            OTHER_CERT,
        )),
    }])
    .await;
    let (xml, verified) = sign_in(browser().as_ref(), &server, "sp-0").await;
    assert!(xml.contains("<saml:EncryptedAssertion>"));
    let error = verified.expect_err("not our key");
    assert_eq!(error.check(), Some(Check::Decryption), "{error}");
}
