//! Entry points for the cargo-fuzz targets `server_authn_request`, `server_query_signature`,
//! `server_oauth_form`, `server_camara_body` and `server_subscribers`. Not part of the API.
//!
//! The OAuth and CAMARA entry points run the handlers themselves on the state
//! [`Server::start`](crate::Server::start) serves, built once without a socket: the OAuth forms
//! with a freshly signed client assertion when the input asks for one (so mutations reach past
//! client authentication), the CAMARA bodies under a valid access token.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use netid_core::phone::PhoneNumber;
use netid_core::spec::SpecVersion;
use serde_json::Value;

use crate::camara::Served;
use crate::config::{DEMO_CLIENT_ID, ServerConfig};
use crate::keys::DemoClient;
use crate::state::{AuthMethod, Grant, Shared};
use crate::subscribers::SubscriberStore;
use crate::{camara, oauth, saml};

const ISSUER: &str = "http://127.0.0.1:9";
/// The access token of a three-legged grant on the mobile network (the network's subscriber).
const NETWORK_TOKEN: &str = "fuzz-network-token";
/// A single-use copy of [`NETWORK_TOKEN`], issued again before each Number Verification call.
const NV_TOKEN: &str = "fuzz-number-verification-token";
/// The access token of a two-legged grant.
const TWO_LEGGED_TOKEN: &str = "fuzz-two-legged-token";
const ALL_SCOPES: &str = "openid dpv:FraudPreventionAndDetection sim-swap sim-swap:check \
    sim-swap:retrieve-date kyc-match:match number-verification:verify \
    number-verification:device-phone-number:read \
    call-forwarding-signal:unconditional-call-forwardings:read \
    call-forwarding-signal:call-forwardings:read consent-info:retrieve";
const CORRELATOR: &str = "fuzz-correlator-1";
/// The `error` codes the OAuth endpoints answer with (RFC 6749 §5.2, CIBA §13, OIDC Core §3.1.2.6).
const OAUTH_ERRORS: [&str; 12] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "invalid_scope",
    "unsupported_grant_type",
    "unknown_user_id",
    "access_denied",
    "authorization_pending",
    "slow_down",
    "expired_token",
    "login_required",
    "server_error",
];

struct Fixture {
    shared: Arc<Shared>,
    demo: DemoClient,
}

/// Built once: key generation is not what is under test.
fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let config = ServerConfig::new();
            let subscriber = config.network_subscriber.clone()?;
            let (shared, demo) = Shared::build(config, ISSUER.to_owned()).ok()?;
            let now = shared.now();
            let expires = now + Duration::from_secs(100 * 365 * 86_400);
            let scope = ALL_SCOPES.parse().ok()?;
            let grant = |subscriber: Option<PhoneNumber>, method| Grant {
                client_id: DEMO_CLIENT_ID.to_owned(),
                subscriber,
                scope: Clone::clone(&scope),
                method,
                expires,
            };
            let store = &shared.store;
            run(store.insert_token(
                NETWORK_TOKEN,
                grant(Some(subscriber), AuthMethod::MobileNetwork),
                now,
            ))?
            .ok()?;
            run(store.insert_token(TWO_LEGGED_TOKEN, grant(None, AuthMethod::TwoLegged), now))?.ok()?;
            Some(Fixture {
                shared: Arc::new(shared),
                demo: demo?,
            })
        })
        .as_ref()
}

/// Runs a handler future that never waits (the in-memory store answers at once, and the handlers
/// hold no other `.await` on I/O) to its end.
fn run<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// A `private_key_jwt` client assertion of the demo client for `path`, with a fresh `jti`.
fn client_assertion(demo: &DemoClient, path: &str, now: SystemTime) -> Option<String> {
    static JTI: AtomicU64 = AtomicU64::new(0);
    let exp = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs() + 300;
    let claims = serde_json::json!({
        "iss": DEMO_CLIENT_ID, "sub": DEMO_CLIENT_ID, "aud": format!("{ISSUER}{path}"),
        "exp": exp, "jti": format!("fuzz-{}", JTI.fetch_add(1, Ordering::Relaxed)),
    });
    let (kid, key) = demo.signing_key();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, &claims, key).ok()
}

/// The `AuthnRequest` the IdP parses, directly and through the HTTP-Redirect binding; and the
/// logout messages of its SLO endpoint.
pub fn fuzz_authn_request(data: &[u8]) {
    saml::fuzz(data);
    saml::fuzz_logout(data);
}

/// The HTTP-Redirect query signature the sandbox IdP checks on an SP's messages: no panic on any
/// query; a query signed with the test key verifies, and a change to any signed octet fails.
pub fn fuzz_query_signature(data: &[u8]) {
    saml::fuzz_query_signature(data);
}

/// The subscriber documents (TOML and JSON) and the sandbox configuration document. Property:
/// every subscriber of an accepted document is found by its phone number, and the two forms agree
/// on a text both accept; the configuration parser gives a value or a typed error.
pub fn fuzz_subscribers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ServerConfig::from_toml_str(text);
    let toml = SubscriberStore::from_toml_str(text);
    let json = SubscriberStore::from_json_str(text);
    for store in [&toml, &json].into_iter().flatten() {
        for subscriber in store.iter() {
            let found = store.by_phone_number(subscriber.phone_number());
            assert_eq!(
                found.map(|s| s.id()),
                Some(subscriber.id()),
                "a subscriber is not found by its phone number"
            );
        }
    }
    if let (Ok(toml), Ok(json)) = (&toml, &json) {
        assert_eq!(toml.len(), json.len(), "TOML and JSON read one text differently");
    }
}

/// The OAuth form bodies of `/bc-authorize` and `/token`. First byte: bit 0 picks the endpoint,
/// bit 1 appends a valid client assertion; the rest is the body.
///
/// Properties: a success carries what the endpoint promises (`auth_req_id`, or a Bearer
/// `access_token`); an error carries a registered `error` code with its status; a repeated
/// parameter is refused as `invalid_request`.
pub fn fuzz_oauth_form(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let Some(fixture) = fixture() else { return };
    let shared = &fixture.shared;
    let path = if selector & 1 == 0 {
        "/bc-authorize"
    } else {
        "/token"
    };
    let mut body = body.to_vec();
    if selector & 2 != 0 {
        let Some(assertion) = client_assertion(&fixture.demo, path, shared.now()) else {
            return;
        };
        body.extend_from_slice(b"&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=");
        body.extend_from_slice(assertion.as_bytes());
    }
    let result = if path == "/bc-authorize" {
        run(oauth::bc_authorize_inner(shared, &body))
    } else {
        run(oauth::token_inner(shared, &body))
    };
    // The in-memory store never waits, so every handler future is ready at its first poll.
    let Some(result) = result else {
        panic!("an OAuth handler waited on the in-memory store");
    };
    let mut names: Vec<_> = url::form_urlencoded::parse(&body).map(|(key, _)| key).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    let repeated = names.len() != count;
    match result {
        Ok(answer) => {
            assert!(!repeated, "accepted a form with a repeated parameter");
            let text = |name: &str| answer.get(name).and_then(Value::as_str).unwrap_or_default();
            if path == "/bc-authorize" {
                assert!(
                    !text("auth_req_id").is_empty(),
                    "bc-authorize answer without auth_req_id"
                );
                assert!(
                    answer.get("expires_in").is_some_and(Value::is_u64),
                    "no expires_in"
                );
            } else {
                assert!(
                    !text("access_token").is_empty(),
                    "token answer without access_token"
                );
                assert!(
                    text("token_type").eq_ignore_ascii_case("bearer"),
                    "token_type is not Bearer"
                );
            }
        }
        Err(error) => {
            assert!(
                OAUTH_ERRORS.contains(&error.code()),
                "unregistered error code {}",
                error.code()
            );
            let expected = match error.code() {
                "invalid_client" => StatusCode::UNAUTHORIZED,
                "access_denied" => error.status(),
                "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::BAD_REQUEST,
            };
            assert_eq!(error.status(), expected, "{} with the wrong status", error.code());
            if repeated {
                assert_eq!(
                    error.code(),
                    "invalid_request",
                    "a repeated parameter is not invalid_request"
                );
            }
        }
    }
}

/// The CAMARA request bodies. First byte: bits 0–2 pick the operation and spec version (with bit 3
/// set: Call Forwarding Signal's two operations and Consent Info's), bit 6 sends an `x-correlator`,
/// bit 7 uses a two-legged token instead of a network one; the rest is the body.
///
/// Properties: every answer is JSON; an error is a CAMARA error body whose `status` is the HTTP
/// status; the correlator is echoed.
pub fn fuzz_camara_body(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let Some(fixture) = fixture() else { return };
    let number_verification = selector & 0x08 == 0 && selector & 7 == 4;
    let token = match (selector & 0x80 == 0, number_verification) {
        // Number Verification spends its token: each input gets a fresh copy of the network grant,
        // so the network token itself stays valid for the other operations.
        (true, true) => {
            let store = &fixture.shared.store;
            let Some(Ok(Some(grant))) = run(store.grant(NETWORK_TOKEN)) else {
                return;
            };
            let Some(Ok(())) = run(store.insert_token(NV_TOKEN, grant, fixture.shared.now())) else {
                return;
            };
            NV_TOKEN
        }
        (true, false) => NETWORK_TOKEN,
        (false, _) => TWO_LEGGED_TOKEN,
    };
    let mut headers = HeaderMap::new();
    let Ok(bearer) = HeaderValue::from_str(&format!("Bearer {token}")) else {
        return;
    };
    headers.insert(header::AUTHORIZATION, bearer);
    let correlated = selector & 0x40 != 0;
    if correlated {
        headers.insert("x-correlator", HeaderValue::from_static(CORRELATOR));
    }
    let body = Bytes::copy_from_slice(body);
    let shared = fixture.shared.clone();
    // Call Forwarding Signal's `call-forwardings` answers a JSON array (its `CallForwardingSignal`
    // schema); every other success and every error is an object.
    let answers_a_list = selector & 0x08 != 0 && (selector & 7) % 3 == 1;
    let response = match selector & 7 {
        pick if selector & 0x08 != 0 => match pick % 3 {
            0 => run(camara::unconditional_call_forwardings(
                State((shared, Served::camara(SpecVersion::CallForwardingSignal0_4_0))),
                headers,
                body,
            )),
            1 => run(camara::call_forwardings(
                State((shared, Served::camara(SpecVersion::CallForwardingSignal0_4_0))),
                headers,
                body,
            )),
            _ => run(camara::consent_info_retrieve(
                State((shared, Served::camara(SpecVersion::ConsentInfo0_2_0))),
                headers,
                body,
            )),
        },
        0 => run(camara::sim_swap::check(
            State((shared, Served::camara(SpecVersion::SimSwap1_0_0))),
            headers,
            body,
        )),
        1 => run(camara::sim_swap::check(
            State((shared, Served::camara(SpecVersion::SimSwap2_1_0))),
            headers,
            body,
        )),
        2 => run(camara::sim_swap::retrieve_date(
            State((shared, Served::camara(SpecVersion::SimSwap1_0_0))),
            headers,
            body,
        )),
        3 => run(camara::sim_swap::retrieve_date(
            State((shared, Served::camara(SpecVersion::SimSwap2_1_0))),
            headers,
            body,
        )),
        4 => run(camara::number_verification::verify(
            State((shared, Served::camara(SpecVersion::NumberVerification2_1_0))),
            headers,
            body,
        )),
        5 => run(camara::kyc_match::match_claims(
            State((shared, Served::camara(SpecVersion::KycMatch0_2_1))),
            headers,
            body,
        )),
        _ => run(camara::kyc_match::match_claims(
            State((shared, Served::camara(SpecVersion::KycMatch0_4_0))),
            headers,
            body,
        )),
    };
    if let Some(response) = response {
        check_camara_answer(response, correlated, answers_a_list);
    }
}

fn check_camara_answer(response: Response, correlated: bool, answers_a_list: bool) {
    let status = response.status();
    if correlated {
        assert_eq!(
            response.headers().get("x-correlator").map(HeaderValue::as_bytes),
            Some(CORRELATOR.as_bytes()),
            "the correlator is not echoed"
        );
    }
    let Some(Ok(body)) = run(axum::body::to_bytes(response.into_body(), 1 << 20)) else {
        panic!("the answer body cannot be read");
    };
    let json: Value = match serde_json::from_slice(&body) {
        Ok(json) => json,
        Err(err) => panic!("the answer is not JSON: {err}"),
    };
    if answers_a_list && status == StatusCode::OK {
        assert!(
            json.as_array().is_some_and(|list| !list.is_empty()),
            "the answer is not a non-empty JSON array"
        );
        return;
    }
    assert!(json.is_object(), "the answer is not a JSON object");
    if status != StatusCode::OK {
        assert_eq!(
            json.get("status").and_then(Value::as_u64),
            Some(u64::from(status.as_u16())),
            "the error body's status is not the HTTP status"
        );
        assert!(
            json.get("code").is_some_and(Value::is_string),
            "the error body has no code"
        );
        assert!(
            json.get("message").is_some_and(Value::is_string),
            "the error body has no message"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each entry point on its seeds' shapes and on edge cases, without a failed property.
    #[test]
    fn entry_points_hold_on_edge_cases() {
        let inputs: [&[u8]; 11] = [
            b"",
            b"\x00",
            // Call Forwarding Signal `call-forwardings` answers a list (a fuzz run found the
            // property wrongly asking for an object), then Consent Info.
            b"\x09{}",
            b"\x0a{\"scopes\":[\"sim-swap:check\"],\"purpose\":\"dpv:FraudPreventionAndDetection\"}",
            b"\x02scope=openid+dpv%3AFraudPreventionAndDetection+sim-swap&login_hint=tel%3A%2B33699901040",
            b"\x03grant_type=client_credentials&scope=openid+sim-swap",
            b"\x01grant_type=a&grant_type=b",
            b"\x40{\"phoneNumber\":\"+33699901040\",\"maxAge\":240}",
            b"\x86{\"phoneNumber\":\"+34629255833\",\"givenName\":\"Federica\"}",
            b"<AuthnRequest ID=\"a\"><Issuer> sp </Issuer></AuthnRequest>",
            &[0xff, 0xfe],
        ];
        for input in inputs {
            fuzz_oauth_form(input);
            fuzz_camara_body(input);
            fuzz_authn_request(input);
            fuzz_subscribers(input);
        }
    }

    /// With a signed assertion the forms reach past client authentication.
    #[test]
    fn signed_forms_reach_the_grants() {
        let fixture = fixture().unwrap();
        let assertion = client_assertion(&fixture.demo, "/token", fixture.shared.now()).unwrap();
        let body = format!(
            "grant_type=client_credentials&scope=openid&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={assertion}"
        );
        let answer = run(oauth::token_inner(&fixture.shared, body.as_bytes()))
            .unwrap()
            .unwrap();
        assert!(answer["access_token"].is_string());
    }

    /// The fixture's network token reaches the operation itself.
    #[test]
    fn the_network_token_reaches_the_operations() {
        let fixture = fixture().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {NETWORK_TOKEN}")).unwrap(),
        );
        let response = run(camara::sim_swap::check(
            State((fixture.shared.clone(), Served::camara(SpecVersion::SimSwap2_1_0))),
            headers,
            Bytes::from_static(b"{\"maxAge\":240}"),
        ))
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}
