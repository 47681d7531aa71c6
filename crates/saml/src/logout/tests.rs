//! One test per check: each message is honest but for the one thing the check looks at, so
//! removing the check makes its case pass verification and the test fail. The IdP's messages are
//! built with this module's own builders (issuing as the IdP) and signed with the IdP test key.

use std::time::{Duration, SystemTime};

use netid_core::test_util::SeededRandom;

use super::*;
use crate::{
    IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore, ServiceProvider,
    SignatureAlgorithm, SoftwareSigner,
};

const IDP: &str = "https://idp.example/saml";
const IDP_SLO: &str = "https://idp.example/saml/slo";
const SP: &str = "https://sp.example/saml";
const SP_SLO: &str = "https://sp.example/saml/slo";
const NAME_ID: &str = "4b124ae2-0126-102b-8852-001a641049bb";
const PERSISTENT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

fn key(name: &str) -> &'static [u8] {
    match name {
        "idp.key" => include_bytes!("../../tests/fixtures/keys/idp.key"),
        "idp.crt" => include_bytes!("../../tests/fixtures/keys/idp.crt"),
        "sp.key" => include_bytes!("../../tests/fixtures/keys/sp.key"),
        _ => include_bytes!("../../tests/fixtures/keys/attacker.key"),
    }
}

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

fn signer(name: &str) -> SoftwareSigner {
    SoftwareSigner::from_pem(key(name), SignatureAlgorithm::RsaSha256).unwrap()
}

fn verifier() -> LogoutVerifier {
    let idp = IdentityProvider::new(IDP, vec![IdpCertificate::from_pem(key("idp.crt")).unwrap()]);
    let sp = ServiceProvider::new(SP, "https://sp.example/saml/acs").with_slo_url(SP_SLO);
    LogoutVerifier::new(ResponseVerifier::new(idp, sp)).unwrap()
}

fn session(index: Option<&str>) -> LogoutSession {
    LogoutSession::new(
        NameId::new(NAME_ID, Some(PERSISTENT.to_owned())),
        index.map(str::to_owned),
    )
}

/// What the IdP sends, honest unless a field says otherwise.
#[derive(Clone)]
struct Idp {
    issuer: &'static str,
    destination: &'static str,
    session: LogoutSession,
    key: &'static str,
}

impl Default for Idp {
    fn default() -> Self {
        Self {
            issuer: IDP,
            destination: SP_SLO,
            session: session(Some("_s1")),
            key: "idp.key",
        }
    }
}

impl Idp {
    fn request(&self) -> LogoutRequest {
        LogoutRequestBuilder::new(
            &ServiceProvider::new(self.issuer, "-"),
            self.destination,
            self.session.clone(),
        )
        .build(t0(), &SeededRandom::new(1))
        .unwrap()
    }

    fn response(&self, in_response_to: &str, status: LogoutStatus) -> LogoutResponse {
        LogoutResponseBuilder::new(
            &ServiceProvider::new(self.issuer, "-"),
            self.destination,
            in_response_to,
        )
        .status(status)
        .build(t0(), &SeededRandom::new(2))
        .unwrap()
    }

    fn post_request(&self) -> String {
        self.request().signed_xml(&signer(self.key)).unwrap()
    }
}

fn check_request(xml: &str, now: SystemTime, s: &LogoutSession) -> Result<VerifiedLogoutRequest, Error> {
    verifier().verify_request(Received::Xml(xml.as_bytes()), s, now, &InMemoryReplayCache::new())
}

#[track_caller]
fn rejected(result: Result<impl std::fmt::Debug, Error>, check: Check) {
    match result {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => assert_eq!(e.check(), Some(check), "wrong check: {e}"),
    }
}

#[test]
fn an_honest_post_request_is_accepted_once() {
    let xml = Idp::default().post_request();
    let replay = InMemoryReplayCache::new();
    let value = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &xml);
    let v = verifier();
    let request = v
        .verify_request(
            Received::Post(value.as_bytes()),
            &session(Some("_s1")),
            t0(),
            &replay,
        )
        .unwrap();
    assert_eq!(request.name_id.value.expose_pii(), NAME_ID);
    assert_eq!(request.session_indexes, vec!["_s1".to_owned()]);
    assert_eq!(request.issuer, IDP);
    rejected(
        v.verify_request(
            Received::Xml(xml.as_bytes()),
            &session(Some("_s1")),
            t0(),
            &replay,
        ),
        Check::Replay,
    );
}

#[test]
fn each_request_check_refuses_its_forgery() {
    let honest = Idp::default();
    let other_session = LogoutSession::new(NameId::new("someone-else", Some(PERSISTENT.to_owned())), None);
    let cases: [(&str, Idp, SystemTime, LogoutSession, Check); 6] = [
        (
            "wrong issuer",
            Idp {
                issuer: "https://evil.example",
                ..honest.clone()
            },
            t0(),
            session(Some("_s1")),
            Check::Issuer,
        ),
        (
            "wrong destination",
            Idp {
                destination: "https://other.example/slo",
                ..honest.clone()
            },
            t0(),
            session(Some("_s1")),
            Check::Destination,
        ),
        (
            "wrong key",
            Idp {
                key: "attacker.key",
                ..honest.clone()
            },
            t0(),
            session(Some("_s1")),
            Check::Signature,
        ),
        (
            "expired",
            honest.clone(),
            t0() + Duration::from_secs(300 + 61),
            session(Some("_s1")),
            Check::Conditions,
        ),
        (
            "other NameID",
            honest.clone(),
            t0(),
            other_session,
            Check::Session,
        ),
        (
            "other SessionIndex",
            honest.clone(),
            t0(),
            session(Some("_s2")),
            Check::Session,
        ),
    ];
    for (name, idp, now, s, check) in cases {
        match check_request(&idp.post_request(), now, &s) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert_eq!(e.check(), Some(check), "{name}: {e}"),
        }
    }
    // Within the clock skew it is still valid.
    assert!(
        check_request(
            &honest.post_request(),
            t0() + Duration::from_secs(330),
            &session(Some("_s1"))
        )
        .is_ok()
    );
}

#[test]
fn a_request_without_session_index_ends_every_session_of_the_subject() {
    let idp = Idp {
        session: session(None),
        ..Idp::default()
    };
    let request = check_request(&idp.post_request(), t0(), &session(Some("_s9"))).unwrap();
    assert!(request.session_indexes.is_empty());
}

#[test]
fn unsigned_and_tampered_requests_are_refused() {
    let honest = Idp::default();
    rejected(
        check_request(honest.request().xml(), t0(), &session(Some("_s1"))),
        Check::Signature,
    );
    // The NameID changed after signing: the digest no longer matches.
    let tampered = honest.post_request().replace(NAME_ID, "someone-else");
    rejected(
        check_request(
            &tampered,
            t0(),
            &LogoutSession::new(
                NameId::new("someone-else", Some(PERSISTENT.to_owned())),
                Some("_s1".into()),
            ),
        ),
        Check::Signature,
    );
    let dtd = format!("<!DOCTYPE x>{}", honest.post_request());
    rejected(check_request(&dtd, t0(), &session(Some("_s1"))), Check::Xml);
}

#[test]
fn redirect_requests_verify_the_query_signature_over_the_exact_octets() {
    let url = Idp::default()
        .request()
        .signed_redirect_url(Some("rs"), &signer("idp.key"))
        .unwrap();
    let query = url.split_once('?').unwrap().1;
    let v = verifier();
    let s = session(Some("_s1"));
    assert!(
        v.verify_request(Received::Redirect(query), &s, t0(), &InMemoryReplayCache::new())
            .is_ok()
    );
    let tampered = query.replace("RelayState=rs", "RelayState=rt");
    rejected(
        v.verify_request(
            Received::Redirect(&tampered),
            &s,
            t0(),
            &InMemoryReplayCache::new(),
        ),
        Check::QuerySignature,
    );
    // A request presented as a response is refused by kind, not silently verified.
    rejected(
        v.verify_response(Received::Redirect(query), t0(), &InMemoryRequestStore::new()),
        Check::Schema,
    );
}

#[test]
fn responses_consume_their_outstanding_request_once() {
    let v = verifier();
    let sp = ServiceProvider::new(SP, "https://sp.example/saml/acs");
    let ours = LogoutRequestBuilder::new(&sp, IDP_SLO, session(Some("_s1")))
        .build(t0(), &SeededRandom::new(3))
        .unwrap();
    let requests = InMemoryRequestStore::new();
    ours.record(&requests, Duration::from_secs(600)).unwrap();
    let answer = Idp::default().response(ours.id(), LogoutStatus::Success);
    let url = answer.signed_redirect_url(None, &signer("idp.key")).unwrap();
    let query = url.split_once('?').unwrap().1;
    let verified = v
        .verify_response(Received::Redirect(query), t0(), &requests)
        .unwrap();
    assert_eq!(verified.in_response_to, ours.id());
    assert!(!verified.partial);
    rejected(
        v.verify_response(Received::Redirect(query), t0(), &requests),
        Check::InResponseTo,
    );

    let unknown = Idp::default().response("_never-sent", LogoutStatus::Success);
    let post = unknown.signed_post_value(&signer("idp.key")).unwrap();
    rejected(
        v.verify_response(Received::Post(post.as_bytes()), t0(), &requests),
        Check::InResponseTo,
    );
}

#[test]
fn response_status_is_checked() {
    let v = verifier();
    let requests = InMemoryRequestStore::new();
    for (status, expected) in [
        (LogoutStatus::PartialLogout, Ok(true)),
        (LogoutStatus::Responder, Err(Check::Status)),
        (LogoutStatus::Requester, Err(Check::Status)),
    ] {
        assert!(requests.insert("_mine", t0() + Duration::from_secs(60), t0()));
        let xml = Idp::default()
            .response("_mine", status)
            .signed_xml(&signer("idp.key"))
            .unwrap();
        let result = v.verify_response(Received::Xml(xml.as_bytes()), t0(), &requests);
        assert_eq!(
            result.map(|r| r.partial).map_err(|e| e.check().unwrap()),
            expected,
            "{status:?}"
        );
        let _ = requests.take("_mine", t0());
    }
}

#[test]
fn a_verifier_needs_the_sp_slo_url() {
    let idp = IdentityProvider::new(IDP, vec![]);
    let sp = ServiceProvider::new(SP, "https://sp.example/saml/acs");
    assert!(matches!(
        LogoutVerifier::new(ResponseVerifier::new(idp, sp)),
        Err(Error::Config { .. })
    ));
}

#[test]
fn debug_never_shows_the_name_id() {
    let request = Idp::default().request();
    assert!(request.xml().contains(NAME_ID));
    let xml = request.xml().to_owned();
    let debug = format!(
        "{request:?} {:?} {:?}",
        session(Some("_s1")),
        Received::Xml(xml.as_bytes())
    );
    assert!(!debug.contains(NAME_ID), "{debug}");
}

#[test]
fn sp_messages_are_signed_where_the_verifier_expects_it() {
    // The SP's own signed request verifies under the SP's certificate: the signature sits after
    // the Issuer, references the root and follows the profile this crate enforces.
    let sp_cert = IdpCertificate::from_pem(include_bytes!("../../tests/fixtures/keys/sp.crt")).unwrap();
    let as_idp = IdentityProvider::new(SP, vec![sp_cert]);
    let receiver = ServiceProvider::new(IDP, "-").with_slo_url(IDP_SLO);
    let v = LogoutVerifier::new(ResponseVerifier::new(as_idp, receiver)).unwrap();
    let sp = ServiceProvider::new(SP, "https://sp.example/saml/acs");
    let xml = LogoutRequestBuilder::new(&sp, IDP_SLO, session(Some("_s1")))
        .build(t0(), &SeededRandom::new(4))
        .unwrap()
        .signed_xml(&signer("sp.key"))
        .unwrap();
    assert!(
        v.verify_request(
            Received::Xml(xml.as_bytes()),
            &session(Some("_s1")),
            t0(),
            &InMemoryReplayCache::new()
        )
        .is_ok()
    );
}

#[test]
fn metadata_carries_the_slo_endpoints() {
    let sp = ServiceProvider::new(SP, "https://sp.example/saml/acs").with_slo_url(SP_SLO);
    let written = crate::SpMetadata::default().to_xml(&sp).unwrap();
    for binding in ["HTTP-Redirect", "HTTP-POST"] {
        let element = format!(
            r#"<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" Location="{SP_SLO}"/>"#
        );
        assert!(written.contains(&element), "{written}");
    }
    let without = crate::SpMetadata::default()
        .to_xml(&ServiceProvider::new(SP, "https://sp.example/saml/acs"))
        .unwrap();
    assert!(!without.contains("SingleLogoutService"), "{without}");

    let cert: String = std::str::from_utf8(key("idp.crt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let idp = format!(
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example/post-slo"/><md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{IDP_SLO}"/></md:IDPSSODescriptor></md:EntityDescriptor>"#
    );
    let parsed = crate::parse_idp_metadata(&idp).unwrap();
    assert_eq!(parsed.slo_url.as_deref(), Some(IDP_SLO));
}
