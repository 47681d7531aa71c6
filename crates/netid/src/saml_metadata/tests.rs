//! Refresh timing on a manual clock over a replay transport, with the signed metadata seed of the
//! `saml_metadata` fuzz target (signed by `xmlsec1`; `validUntil` 2026-01-02T00:00:00Z,
//! `cacheDuration` PT6H).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use netid_core::test_util::ManualClock;
use netid_saml::{Check, IdpCertificate, MetadataTrust};
use netid_transport::test_util::{ReplayEvent, ReplayTransport};
use netid_transport::{Bytes, TransportError, http};

use super::{IdpMetadataSource, MetadataError};

const SIGNED: &str = include_str!("../../../../fuzz/seeds/saml_metadata/idp-metadata-signed.xml");
const SIGNER: &[u8] = include_bytes!("../../../saml/tests/fixtures/keys/idp.crt");
const URL: &str = "https://idp.example/saml/metadata";
const HOUR: Duration = Duration::from_secs(3600);

/// 2026-01-01T00:05:00Z.
fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 300)
}

/// 2026-01-02T00:00:00Z, the seed's `validUntil`.
fn valid_until() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_312_000)
}

fn request() -> http::Request<Bytes> {
    http::Request::get(URL)
        .header(http::header::ACCEPT, "application/samlmetadata+xml")
        .body(Bytes::new())
        .unwrap()
}

fn answer(status: u16, body: &str) -> ReplayEvent {
    let response = http::Response::builder()
        .status(status)
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    ReplayEvent::new(request(), response)
}

fn ok() -> ReplayEvent {
    answer(200, SIGNED)
}

fn network_down() -> ReplayEvent {
    ReplayEvent::failing(request(), TransportError::connect())
}

fn source(replay: &Arc<ReplayTransport>, clock: &ManualClock) -> IdpMetadataSource {
    let trust = MetadataTrust::new(vec![IdpCertificate::from_pem(SIGNER).unwrap()]);
    IdpMetadataSource::new(URL, trust, replay.clone(), Arc::new(clock.clone()))
        .retry_after_failure(Duration::from_secs(600))
}

#[tokio::test]
async fn cached_until_cache_duration_then_refetched() {
    let replay = Arc::new(ReplayTransport::new([ok(), ok()]));
    let clock = ManualClock::new(start());
    let source = source(&replay, &clock);
    let idp = source.identity_provider().await.expect("first fetch");
    assert_eq!(idp.certificates.len(), 2, "both rollover keys");
    clock.advance(6 * HOUR - Duration::from_secs(1));
    source.current().await.expect("cached");
    assert_eq!(replay.remaining(), 1, "no fetch before cacheDuration");
    clock.advance(Duration::from_secs(1));
    source.current().await.expect("refetched");
    replay.assert_complete();
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_old_metadata_until_valid_until_never_past() {
    let replay = Arc::new(ReplayTransport::new([
        ok(),
        network_down(),
        answer(503, "down"),
        answer(200, "<not-metadata/>"),
        network_down(),
    ]));
    let clock = ManualClock::new(start());
    let source = source(&replay, &clock);
    source.current().await.expect("first fetch");
    clock.advance(6 * HOUR);
    source.current().await.expect("network down: the old metadata");
    clock.advance(Duration::from_secs(599));
    source
        .current()
        .await
        .expect("no new attempt before the retry wait");
    assert_eq!(replay.remaining(), 3);
    clock.advance(Duration::from_secs(1));
    source.current().await.expect("503: the old metadata");
    clock.advance(Duration::from_secs(600));
    source
        .current()
        .await
        .expect("refused document: the old metadata");
    // Past validUntil, a failed refresh is an error, not stale metadata.
    let now = start() + 6 * HOUR + Duration::from_secs(1200);
    clock.advance(valid_until().duration_since(now).unwrap());
    let error = source.current().await.unwrap_err();
    assert!(matches!(error, MetadataError::Transport(_)), "{error:?}");
    replay.assert_complete();
}

#[tokio::test]
async fn expired_or_refused_metadata_is_an_error() {
    let replay = Arc::new(ReplayTransport::new([ok(), answer(404, "")]));
    let clock = ManualClock::new(valid_until());
    let source = source(&replay, &clock);
    match source.current().await.unwrap_err() {
        MetadataError::Refused(e) => assert_eq!(e.check(), Some(Check::MetadataValidity)),
        other => panic!("{other:?}"),
    }
    let error = source.current().await.unwrap_err();
    assert!(matches!(error, MetadataError::Status(404)), "{error:?}");
    assert_eq!(error.to_string(), "the IdP metadata URL answered HTTP 404");
    replay.assert_complete();
}
