//! One KYC Match call through `CamaraClient` over `netid-reqwest`, against the same request made with
//! bare reqwest, both to a loopback HTTP/1.1 server answering Orange France's example.
//!
//! Run: `CARGO_TARGET_DIR=... cargo bench -p netid-camara --bench kyc_match_loopback`.
//! The overhead ratio is `client / bare_reqwest_decoded`.

use std::sync::Arc;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use netid_camara::kyc_match::v0_2;
use netid_camara::{CallOptions, CamaraClient, OperatorProfile};
use netid_core::kyc::{KycClaims, KycMatchResult, KycVersion};
use netid_core::token::AccessToken;
use netid_reqwest::test_util::{LoopbackServer, Reply};
use netid_reqwest::{ReqwestTransport, TokioSleep};

const REQUEST: &[u8] = include_bytes!("../../../tests/fixtures/orange-france/kyc-match/match.request.json");
const ANSWER: &[u8] = include_bytes!("../../../tests/fixtures/orange-france/kyc-match/match.200.json");

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime
        .block_on(LoopbackServer::start(|request| {
            let mut reply = http::Response::new(Bytes::from_static(ANSWER));
            reply
                .headers_mut()
                .insert("content-type", http::HeaderValue::from_static("application/json"));
            if let Some(correlator) = request.headers().get("x-correlator") {
                reply.headers_mut().insert("x-correlator", correlator.clone());
            }
            Reply::Response(reply)
        }))
        .expect("bind loopback");
    let base = format!("{}/camara/ofr/kyc-match/v0.2", server.base_url());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let profile = OperatorProfile::orange_france_kyc_match_v0_2().with_base_url(base.clone());
    let client = CamaraClient::new(
        Arc::new(ReqwestTransport::from_client(http.clone())),
        profile,
        Arc::new(TokioSleep),
    );
    let token = AccessToken::new("bench-token");
    let claims: KycClaims = serde_json::from_slice(REQUEST).expect("claims");
    let request = v0_2::Request::new(claims.clone());

    let mut group = c.benchmark_group("kyc_match_loopback");
    group.bench_function("client", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let answer = client
                    .send(&token, &request, CallOptions::new())
                    .await
                    .expect("match");
                assert_eq!(answer.value.result.len(), 8);
            });
        });
    });
    let url = format!("{base}/match");
    group.bench_function("bare_reqwest_decoded", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let body = serde_json::to_vec(&claims).expect("body");
                let response = http
                    .post(&url)
                    .header("authorization", "Bearer bench-token")
                    .header("accept", "application/json")
                    .header("content-type", "application/json")
                    .header("x-correlator", "b4333c46-49c0-4f62-80d7-f0ef930f1c46")
                    .body(body)
                    .send()
                    .await
                    .expect("response");
                let bytes = response.bytes().await.expect("body");
                let result =
                    KycMatchResult::from_json_slice_strict(&bytes, KycVersion::V0_2).expect("result");
                assert_eq!(result.len(), 8);
            });
        });
    });
    group.bench_function("bare_reqwest_bytes", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = http
                    .post(&url)
                    .header("authorization", "Bearer bench-token")
                    .header("content-type", "application/json")
                    .body(REQUEST)
                    .send()
                    .await
                    .expect("response");
                let bytes = response.bytes().await.expect("body");
                assert_eq!(bytes.len(), ANSWER.len());
            });
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
