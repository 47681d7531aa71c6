//! What the session sends: fresh `jti`s, the form bodies (snapshots), login hints and the signed
//! request object.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};

use super::support::{BC_2S, request};
use crate::ciba::{BackchannelRequest, CibaSession};
use crate::testkit::{self, answer, entropy, t0};

#[test]
fn each_request_has_a_fresh_jti() {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request());
    let first = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    let second = session
        .poll_request(t0() + Duration::from_secs(2), entropy(2))
        .unwrap()
        .unwrap();
    let jti = |request: &http::Request<Bytes>| {
        testkit::jws_part(&testkit::form(request)["client_assertion"], 1)["jti"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_ne!(jti(&first), jti(&second));
}

fn snapshot_requests(request: BackchannelRequest) -> String {
    let mut session = CibaSession::new(testkit::client(), testkit::ciba(testkit::provider()), request);
    let bc = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    session.handle_response(t0(), answer(200, BC_2S)).unwrap();
    let poll = session
        .poll_request(t0() + Duration::from_secs(2), entropy(2))
        .unwrap()
        .unwrap();
    format!("{}\n{}", testkit::render(&bc), testkit::render(&poll))
}

#[test]
fn form_bodies() {
    insta::assert_snapshot!("plain", snapshot_requests(request()));
    let full = request()
        .with_binding_message("netid 4711")
        .unwrap()
        .with_requested_expiry(Duration::from_secs(90))
        .unwrap()
        .with_acr_values(vec!["urn:acr:level2".to_owned()]);
    insta::assert_snapshot!("optional_parameters", snapshot_requests(full.clone()));
    insta::assert_snapshot!("signed_request", snapshot_requests(full.signed()));
}

#[test]
fn orange_france_bare_msisdn_hint() {
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::KycMatchMatch)
        .build();
    // The page's login hint, parsed as a login hint: bare digits there are the operator's MSISDN
    // form (country code first), which `LoginHint` keeps as written.
    let hint: LoginHint = "336666666".parse().unwrap();
    assert!(matches!(hint, LoginHint::Msisdn(_)));
    let mut session = CibaSession::new(
        testkit::client(),
        testkit::ciba(testkit::provider()),
        BackchannelRequest::new(scope, hint),
    );
    let bc = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
    let form = testkit::form(&bc);
    assert_eq!(form["login_hint"], "336666666");
    assert_eq!(
        form["scope"],
        "openid dpv:FraudPreventionAndDetection kyc-match:match"
    );
}

/// CIBA Core §7.1.1: the request object carries `iss`, `aud` = the OP's issuer identifier, `exp`,
/// `iat`, `nbf` and `jti`, whatever `aud` policy the client assertions follow.
#[test]
fn signed_request_object_is_addressed_to_the_issuer() {
    use crate::client::{AssertionAudience, ClientConfig};

    let audiences = [
        AssertionAudience::Endpoint,
        AssertionAudience::Issuer,
        AssertionAudience::TokenEndpoint,
        AssertionAudience::Fixed("urn:operator:aud".to_owned()),
    ];
    for audience in audiences {
        let client = Arc::new(
            ClientConfig::new(testkit::CLIENT_ID, Arc::new(testkit::FakeSigner))
                .with_assertion_audience(audience.clone()),
        );
        let mut session = CibaSession::new(client, testkit::ciba(testkit::provider()), request().signed());
        let bc = session.poll_request(t0(), entropy(1)).unwrap().unwrap();
        let form = testkit::form(&bc);
        let claims = testkit::jws_part(&form["request"], 1);
        let iat = t0().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(claims["iss"], testkit::CLIENT_ID, "{audience:?}");
        assert_eq!(claims["aud"], testkit::ISSUER, "{audience:?}");
        assert_eq!(claims["iat"], iat, "{audience:?}");
        assert_eq!(claims["nbf"], iat, "{audience:?}");
        assert_eq!(claims["exp"], iat + 60, "{audience:?}");
        let jti = claims["jti"].as_str().unwrap();
        assert_eq!(jti.len(), 32, "{audience:?}: 128 random bits, hex");
        // The request object and the client assertion have distinct `jti`s.
        let assertion = testkit::jws_part(&form["client_assertion"], 1);
        assert_ne!(assertion["jti"].as_str().unwrap(), jti, "{audience:?}");
        // Parameters travel only inside the signed object.
        assert!(
            !form.contains_key("scope") && !form.contains_key("login_hint"),
            "{audience:?}"
        );
    }
}
