//! The transport contract suite: one script of operator exchanges, driven through the client over any
//! `Arc<dyn HttpTransport>`. It runs over the replay transport and over `netid-reqwest` against a
//! loopback server answering the same script; the reference server can be plugged in the same way.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use netid_camara::kyc_match::v0_2;
use netid_camara::number_verification::v2::{device_phone_number, verify};
use netid_camara::sim_swap::{MaxAge, v1, v2};
use netid_camara::{
    CallOptions, CamaraError, CorrelatorEcho, DecodeErrorKind, OperatorProfile, RetryPolicy, SpecVersion,
};
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_core::phone::PhoneNumber;
use netid_reqwest::ReqwestTransport;
use netid_reqwest::test_util::{LoopbackServer, Reply};
use netid_transport::test_util::{ReplayEvent, ReplayTransport};
use netid_transport::{HttpResponse, HttpTransport};

use crate::support::{expected, fixture, harness, response, token};

/// Builds one scripted answer.
type Answer = fn() -> HttpResponse;

/// One exchange: what the operator must receive (method, path under the base URL, JSON body) and
/// what it answers.
pub(crate) struct Exchange {
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) body: Option<&'static str>,
    pub(crate) answer: Answer,
}

fn with_header(mut response: HttpResponse, name: &'static str, value: &'static str) -> HttpResponse {
    response
        .headers_mut()
        .insert(name, http::HeaderValue::from_static(value));
    response
}

const CHECK_BODY: &str = r#"{"phoneNumber":"+34654654654","maxAge":240}"#;
const KYC_BODY: &str = r#"{"phoneNumber":"+33699901040","givenName":"Pet er","familyName":"Lefebvre","address":"14 blevard de Perrier","locality":"Gilbert","email":"peter.lefebvre@sfr.fr","country":"FR","postalCode":"44000","gender":"FEMALE"}"#;
const HASHED_BODY: &str =
    r#"{"hashedPhoneNumber":"5d0e8a0b9e0fbd7c52fbd5ad76ef1a2c1bc4a15bbf1a4a1c06ee3b0a7a7a7a7a"}"#;

/// The operator side of the contract, in the order [`drive`] calls it.
pub(crate) fn script() -> Vec<Exchange> {
    vec![
        Exchange {
            method: "POST",
            path: "/sim-swap/v1/check",
            body: Some(CHECK_BODY),
            answer: || response(200, fixture("orange-spain/sim-swap/check.200.json")),
        },
        Exchange {
            method: "POST",
            path: "/sim-swap/v1/retrieve-date",
            body: Some(r#"{"phoneNumber":"+34654654654"}"#),
            answer: || response(200, fixture("orange-spain/sim-swap/retrieve-date.200.json")),
        },
        Exchange {
            method: "POST",
            path: "/sim-swap/v2/retrieve-date",
            body: Some("{}"),
            answer: || {
                response(
                    200,
                    fixture("camara/sim-swap/retrieve-date.200.monitored-period.json"),
                )
            },
        },
        Exchange {
            method: "POST",
            path: "/sim-swap/v1/check",
            body: Some(CHECK_BODY),
            answer: || {
                with_header(
                    response(429, fixture("orange-spain/sim-swap/error.429.json")),
                    "retry-after",
                    "2",
                )
            },
        },
        Exchange {
            method: "POST",
            path: "/sim-swap/v1/check",
            body: Some(CHECK_BODY),
            answer: || response(200, fixture("orange-spain/sim-swap/check.200.json")),
        },
        Exchange {
            method: "POST",
            path: "/sim-swap/v1/check",
            body: Some(CHECK_BODY),
            answer: || response(503, fixture("orange-spain/sim-swap/error.503.json")),
        },
        Exchange {
            method: "POST",
            path: "/sim-swap/v1/check",
            body: Some(CHECK_BODY),
            answer: || response(502, fixture("quirks/sim-swap/error.502.html")),
        },
        Exchange {
            method: "POST",
            path: "/sim-swap/v1/check",
            body: Some(CHECK_BODY),
            answer: || with_header(response(302, Bytes::new()), "location", "/elsewhere"),
        },
        Exchange {
            method: "POST",
            path: "/v2/verify",
            body: Some(HASHED_BODY),
            answer: || response(200, fixture("masstack/number-verification/verify.200.json")),
        },
        Exchange {
            method: "POST",
            path: "/kyc-match/v0.2/match",
            body: Some(KYC_BODY),
            answer: || response(200, fixture("orange-france/kyc-match/match.200.json")),
        },
        Exchange {
            method: "POST",
            path: "/kyc-match/v0.2/match",
            body: Some(KYC_BODY),
            answer: || response(200, fixture("quirks/kyc-match/match.200.booleans.json")),
        },
        Exchange {
            method: "GET",
            path: "/v2/device-phone-number",
            body: None,
            answer: || {
                response(
                    200,
                    fixture("quirks/number-verification/device-phone-number.200.no-plus.json"),
                )
            },
        },
    ]
}

/// Runs the client side of the contract over `transport`, the operator being at `base_url`.
pub(crate) async fn drive(transport: Arc<dyn HttpTransport>, base_url: &str) {
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid");
    let spain = OperatorProfile::orange_spain_sim_swap_v1().with_base_url(format!("{base_url}/sim-swap/v1"));
    let h = harness(transport.clone(), spain.clone());
    let client = h.client.with_retry(RetryPolicy::exponential(2));
    let check = v1::check::Request::new(MaxAge::DEFAULT).with_phone_number(number.clone());

    let answer = client
        .send(&token(), &check, CallOptions::new())
        .await
        .expect("check");
    assert!(answer.value.swapped);
    assert_eq!(answer.echo, CorrelatorEcho::Echoed);
    let date = v1::retrieve_date::Request::new().with_phone_number(number.clone());
    let answer = client
        .send(&token(), &date, CallOptions::new())
        .await
        .expect("retrieve-date");
    assert_eq!(
        answer
            .value
            .latest_sim_change
            .map(time::OffsetDateTime::unix_timestamp),
        Some(1_693_922_275)
    );

    let strict_v2 = harness(
        transport.clone(),
        OperatorProfile::camara(SpecVersion::SimSwap2_1_0, base_url),
    );
    let answer = strict_v2
        .client
        .send(&token(), &v2::retrieve_date::Request::new(), CallOptions::new())
        .await
        .expect("v2");
    assert_eq!(
        (answer.value.latest_sim_change, answer.value.monitored_period),
        (None, Some(120))
    );

    // 429 with Retry-After, then success.
    let answer = client
        .send(&token(), &check, CallOptions::new())
        .await
        .expect("after 429");
    assert_eq!(answer.attempts, 2);
    assert_eq!(h.sleep.recorded(), [Duration::from_secs(2)]);

    let plain = harness(transport.clone(), spain);
    let error = plain
        .client
        .send(&token(), &check, CallOptions::new())
        .await
        .expect_err("503");
    assert_eq!(
        error.as_operator().map(|e| e.code().as_str().to_owned()),
        Some("UNAVAILABLE".to_owned())
    );
    let error = plain
        .client
        .send(&token(), &check, CallOptions::new())
        .await
        .expect_err("502");
    assert!(
        matches!(&error, CamaraError::Decode(e) if e.status() == 502 && e.kind() == DecodeErrorKind::Syntax),
        "{error:?}"
    );
    let error = plain
        .client
        .send(&token(), &check, CallOptions::new())
        .await
        .expect_err("302 not followed");
    assert_eq!(error.status(), Some(302));

    let masstack = OperatorProfile::masstack_number_verification_v2().with_base_url(format!("{base_url}/v2"));
    let kyc_transport = Arc::clone(&transport);
    let nv_transport = Arc::clone(&transport);
    let nv = harness(transport, masstack);
    let hash = HASHED_BODY[22..86].parse().expect("valid hash");
    let answer = nv
        .client
        .send(&token(), &verify::Request::hashed(hash), CallOptions::new())
        .await
        .expect("verify");
    assert!(answer.value.device_phone_number_verified);
    let france =
        OperatorProfile::orange_france_kyc_match_v0_2().with_base_url(format!("{base_url}/kyc-match/v0.2"));
    let kyc = harness(kyc_transport, france.clone());
    let claims: KycClaims = serde_json::from_str(KYC_BODY).expect("claims");
    let answer = kyc
        .client
        .send(&token(), &v0_2::Request::new(claims.clone()), CallOptions::new())
        .await
        .expect("match");
    assert_eq!(
        answer.value.result.get(KycField::Gender).map(|m| m.result),
        Some(Match::NotAvailable)
    );
    let strict = harness(
        Arc::clone(&nv_transport),
        france.with_tolerance(netid_camara::Tolerance::strict()),
    );
    let error = strict
        .client
        .send(&token(), &v0_2::Request::new(claims), CallOptions::new())
        .await
        .expect_err("booleans");
    assert!(
        matches!(&error, CamaraError::Decode(e) if e.kind() == DecodeErrorKind::Quirk(netid_camara::Quirk::MatchAsBoolean)),
        "{error:?}"
    );

    let answer = nv
        .client
        .send(&token(), &device_phone_number::Request::new(), CallOptions::new())
        .await
        .expect("share");
    assert_eq!(answer.value.device_phone_number.expose_e164(), "+34666111333");
    assert_eq!(answer.tolerated.len(), 1);
}

#[tokio::test]
async fn contract_over_the_replay_transport() {
    let base = "https://operator.example";
    let events = script().into_iter().map(|exchange| {
        ReplayEvent::new(
            expected(
                exchange.method,
                &format!("{base}{}", exchange.path),
                exchange.body,
            ),
            (exchange.answer)(),
        )
    });
    let replay = Arc::new(ReplayTransport::new(events));
    drive(replay.clone(), base).await;
    replay.assert_complete();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_over_reqwest_on_loopback() {
    let answers: Arc<Mutex<VecDeque<Answer>>> = Arc::new(Mutex::new(
        script().into_iter().map(|exchange| exchange.answer).collect(),
    ));
    let queue = Arc::clone(&answers);
    let server = LoopbackServer::start(move |request| {
        let next = queue.lock().expect("not poisoned").pop_front();
        let Some(answer) = next else {
            return Reply::json(500, "{}");
        };
        let mut answer = answer();
        if let Some(correlator) = request.headers().get("x-correlator") {
            answer.headers_mut().insert("x-correlator", correlator.clone());
        }
        Reply::Response(answer)
    })
    .await
    .expect("bind loopback");
    let transport = Arc::new(ReqwestTransport::new().expect("client"));
    drive(transport, &server.base_url()).await;

    assert!(answers.lock().expect("not poisoned").is_empty());
    let received = server.received();
    let script = script();
    assert_eq!(received.len(), script.len());
    for (got, want) in received.iter().zip(&script) {
        assert_eq!(got.method(), want.method);
        assert_eq!(got.uri().path(), want.path);
        assert_eq!(got.headers()["authorization"], "Bearer test-token");
        assert_eq!(got.headers()["x-correlator"].len(), 36);
        let body: Option<serde_json::Value> = want.body.map(|body| serde_json::from_str(body).expect("JSON"));
        let sent: Option<serde_json::Value> = if got.body().is_empty() {
            None
        } else {
            Some(serde_json::from_slice(got.body()).expect("JSON"))
        };
        assert_eq!(sent, body, "{}", want.path);
    }
}
