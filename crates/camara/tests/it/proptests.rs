//! Property tests of the parsers: any input gives a value or a typed error, never a panic.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_camara::sim_swap::{MaxAge, v2};
use netid_camara::{Endpoint, RetryAfter, Tolerance};
use proptest::prelude::*;

use crate::support::response;

proptest! {
    #[test]
    fn retry_after_seconds_round_trip(seconds in 0_u64..=u64::from(u32::MAX)) {
        let parsed = RetryAfter::parse(&seconds.to_string());
        prop_assert_eq!(parsed, Some(RetryAfter::Delay(Duration::from_secs(seconds))));
    }

    #[test]
    fn retry_after_never_panics(text in "\\PC{0,40}") {
        if let Some(retry) = RetryAfter::parse(&text) {
            let _ = retry.delay_from(SystemTime::UNIX_EPOCH);
        }
    }

    #[test]
    fn max_age_accepts_exactly_its_range(hours in 0_u32..5000) {
        prop_assert_eq!(MaxAge::new(hours).is_ok(), (1..=2400).contains(&hours));
    }

}

proptest! {
    // Each case runs 32 decoders: fewer cases keep the debug-mode test fast; the fuzz target goes deeper.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn decoders_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200), status in prop::sample::select(vec![200_u16, 400, 503])) {
        let response = response(status, Bytes::from(body.clone()));
        for tolerance in [Tolerance::lenient(), Tolerance::strict()] {
            let _ = v2::retrieve_date::Request::from_http_response(&response, tolerance);
        }
        netid_camara::fuzz_decode_responses(&body);
    }
}

proptest! {
    #[test]
    fn strict_acceptance_implies_lenient_acceptance(swapped in any::<bool>(), as_string in any::<bool>(), extra in any::<bool>()) {
        let mut body = serde_json::json!({ "swapped": if as_string { serde_json::json!(swapped.to_string()) } else { serde_json::json!(swapped) } });
        if extra {
            body["extra"] = serde_json::json!(1);
        }
        let response = response(200, Bytes::from(serde_json::to_vec(&body).expect("JSON")));
        let lenient = v2::check::Request::from_http_response(&response, Tolerance::lenient()).expect("lenient accepts");
        prop_assert_eq!(lenient.value.swapped, swapped);
        let strict = v2::check::Request::from_http_response(&response, Tolerance::strict());
        prop_assert_eq!(strict.is_ok(), !as_string && !extra);
    }
}
