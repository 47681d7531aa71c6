//! The CAMARA request bodies under a valid access token (cargo-fuzz target `server_camara_body`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use netid_core::spec::SpecVersion;
use serde_json::Value;

use super::fixture::{NETWORK_TOKEN, NV_TOKEN, TWO_LEGGED_TOKEN, fixture, run};
use crate::camara;
use crate::camara::Served;

const CORRELATOR: &str = "fuzz-correlator-1";

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
