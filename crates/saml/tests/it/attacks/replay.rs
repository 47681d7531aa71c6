//! Replay and timing: a consumed assertion ID is remembered, a request ID is single-use, and
//! `NotBefore` bounds hold beyond the allowed clock skew.

use std::time::Duration;

use netid_saml::{Check, InMemoryReplayCache, InMemoryRequestStore, RequestStore as _};

use super::signed;
use crate::support::{REQ, Resp, Sign, check_rejected, now, verifier};

#[test]
fn subject_confirmation_not_before_beyond_clock_skew() {
    // now is 00:05:00 and the skew 60 s: NotBefore 00:06:01 is refused.
    let resp = Resp {
        scd_not_before: Some("2026-01-01T00:06:01Z".into()),
        ..Resp::default()
    };
    check_rejected(&verifier(), &resp.signed(), Check::SubjectConfirmation);
    let resp = Resp {
        scd_not_before: Some("2026-01-01T00:05:01Z".into()),
        ..Resp::default()
    };
    check_rejected(
        &verifier().clock_skew(Duration::ZERO),
        &resp.signed(),
        Check::SubjectConfirmation,
    );
}

#[test]
fn conditions_not_before_beyond_clock_skew() {
    let resp = Resp {
        not_before: "2026-01-01T00:06:01Z".into(),
        ..Resp::default()
    };
    check_rejected(&verifier(), &resp.signed(), Check::Conditions);
    let resp = Resp {
        not_before: "2026-01-01T00:05:01Z".into(),
        ..Resp::default()
    };
    check_rejected(
        &verifier().clock_skew(Duration::ZERO),
        &resp.signed(),
        Check::Conditions,
    );
}

#[test]
fn replay_is_refused() {
    let xml = signed(Sign::Assertion);
    let v = verifier();
    let requests = InMemoryRequestStore::new();
    let replay = InMemoryReplayCache::new();
    assert!(requests.insert(REQ, now() + Duration::from_secs(600), now()));
    v.verify_xml(xml.as_bytes(), now(), &requests, &replay)
        .expect("first use");
    // Even if the request were outstanding again, the assertion ID is remembered.
    assert!(requests.insert(REQ, now() + Duration::from_secs(600), now()));
    let e = v
        .verify_xml(xml.as_bytes(), now() + Duration::from_secs(1), &requests, &replay)
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::Replay));
}

#[test]
fn request_is_single_use() {
    let v = verifier().insecure_allow_unsolicited(true);
    let requests = InMemoryRequestStore::new();
    assert!(requests.insert(REQ, now() + Duration::from_secs(600), now()));
    v.verify_xml(
        signed(Sign::Assertion).as_bytes(),
        now(),
        &requests,
        &InMemoryReplayCache::new(),
    )
    .unwrap();
    let other = Resp {
        assertion_id: "_assert2".into(),
        ..Resp::default()
    }
    .signed();
    let e = v
        .verify_xml(other.as_bytes(), now(), &requests, &InMemoryReplayCache::new())
        .unwrap_err();
    assert_eq!(e.check(), Some(Check::InResponseTo));
}
