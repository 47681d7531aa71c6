//! The client over a replay transport on a manual clock: requests as published, outcomes typed,
//! answers cached for their lifetime.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use netid_core::phone::PhoneNumber;
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_transport::TransportError;
use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};

use super::*;

const BASE: &str = "https://finder.example/telco-finder/v1";

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

fn search_request(body: &str) -> HttpRequest {
    http::Request::post(format!("{BASE}/search"))
        .header("authorization", "Bearer tf")
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .expect("request")
}

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from(body.to_owned())).expect("response")
}

fn client(events: Vec<ReplayEvent>) -> (TelcoFinderClient, Arc<ReplayTransport>, ManualClock) {
    let transport = Arc::new(ReplayTransport::new(events));
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
    let client = TelcoFinderClient::with_details(
        transport.clone(),
        format!("{BASE}/"),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(3)),
        Arc::new(InstantSleep::new(clock.clone())),
    );
    (client, transport, clock)
}

fn number() -> SearchTarget {
    SearchTarget::PhoneNumber(PhoneNumber::parse_strict("+447709558432").expect("number"))
}

#[test]
fn request_bodies_follow_the_published_examples() {
    let check = |request: SearchRequest, expected: &str| {
        let expected: serde_json::Value = serde_json::from_str(expected).expect("json");
        assert_eq!(request.to_json(), expected);
    };
    check(
        SearchRequest::new(number()),
        r#"{"target":{"phoneNumber":"+447709558432"}}"#,
    );
    check(
        SearchRequest::new(number()).with_portability_search_mode(PortabilitySearchMode::Shallow),
        r#"{"target":{"phoneNumber":"+447709558432"},"portabilitySearchMode":"SHALLOW"}"#,
    );
    check(
        SearchRequest::full(SearchTarget::Ipv4 {
            public_address: "84.125.93.10".parse().expect("v4"),
            public_port: Some(59765),
        }),
        r#"{"target":{"ipv4Address":{"publicAddress":"84.125.93.10","publicPort":59765}},"includeApiRoot":true,"includeAuthProviderConfiguration":true}"#,
    );
    check(
        SearchRequest::new(SearchTarget::Ipv6 {
            public_address: "2001:db8::1".parse().expect("v6"),
            public_port: None,
        })
        .with_portability_search_mode(PortabilitySearchMode::Deep),
        r#"{"target":{"ipv6Address":{"publicAddress":"2001:db8::1"}},"portabilitySearchMode":"DEEP"}"#,
    );
}

#[test]
fn targets_are_redacted_in_debug() {
    let check = |target: SearchTarget, expected: &str| assert_eq!(format!("{target:?}"), expected);
    check(number(), r#"PhoneNumber(PhoneNumber("+44********32"))"#);
    check(
        SearchTarget::Ipv4 {
            public_address: "84.125.93.10".parse().expect("v4"),
            public_port: Some(1),
        },
        "Ipv4([redacted])",
    );
}

#[test]
fn answers_decode_to_outcomes() {
    let check = |response: HttpResponse, expected: Result<(SearchOutcome, Option<u64>), &str>| {
        let decoded = search::from_http_response(&response)
            .map(|answer| (answer.value, answer.ttl.map(|ttl| ttl.as_secs())))
            .map_err(|error| error.kind());
        assert_eq!(decoded, expected.map_err(|kind: &str| kind));
    };
    let found = |id: &str, root: Option<&str>| {
        SearchOutcome::Found(SearchResult {
            operator_id: OperatorId::new(id).expect("id"),
            api_root: root.map(str::to_owned),
            auth_provider_configuration: None,
        })
    };
    check(
        answer(200, &[], r#"{"operatorId":"OPERATOR_ID"}"#),
        Ok((found("OPERATOR_ID", None), None)),
    );
    check(
        answer(
            200,
            &[("cache-control", "public, max-age=600")],
            r#"{"operatorId":"a","apiRoot":"https://a.example/","ttl":5}"#,
        ),
        Ok((found("a", Some("https://a.example")), Some(600))),
    );
    check(
        answer(200, &[], r#"{"operatorId":"a","ttl":5}"#),
        Ok((found("a", None), Some(5))),
    );
    check(
        answer(200, &[("cache-control", "no-store")], r#"{"operatorId":"a"}"#),
        Ok((found("a", None), Some(0))),
    );
    let not_supported = search::not_supported_info();
    check(
        answer(404, &[], &serde_json::to_string(&not_supported).expect("json")),
        Ok((SearchOutcome::NotSupported(Some(not_supported)), None)),
    );
    check(
        answer(404, &[], "<html>not found</html>"),
        Ok((SearchOutcome::NotSupported(None), None)),
    );
    let unprocessable = r#"{"status":422,"code":"NOT_SUPPORTED","message":"non-OGW brand"}"#;
    assert!(matches!(
        search::from_http_response(&answer(422, &[], unprocessable)).map(|a| a.value),
        Ok(SearchOutcome::NotSupported(Some(_)))
    ));
    check(
        answer(
            403,
            &[],
            r#"{"status":403,"code":"PERMISSION_DENIED","message":"scope"}"#,
        ),
        Err("operator"),
    );
    check(answer(200, &[], r#"{"operatorId":""}"#), Err("decode"));
    check(
        answer(200, &[], r#"{"apiRoot":"https://a.example"}"#),
        Err("decode"),
    );
    // A second-level finder instead of an operator: the routing rule's dynamic action.
    let delegated = DynamicRoute::new("https://brands.example/telco-finder/v1")
        .with_auth_provider_configuration("https://brands.example/.well-known/openid-configuration");
    check(
        answer(
            200,
            &[("cache-control", "max-age=30")],
            r#"{"telcoFinder":"https://brands.example/telco-finder/v1/","authProviderConfiguration":"https://brands.example/.well-known/openid-configuration"}"#,
        ),
        Ok((SearchOutcome::Delegated(delegated), Some(30))),
    );
    // An operator id wins over a stray telcoFinder member.
    check(
        answer(
            200,
            &[],
            r#"{"operatorId":"a","telcoFinder":"https://b.example"}"#,
        ),
        Ok((found("a", None), None)),
    );
}

#[test]
fn search_answers_are_cached_for_their_lifetime_and_the_bound() {
    let body = r#"{"target":{"phoneNumber":"+447709558432"},"includeApiRoot":true,"includeAuthProviderConfiguration":true}"#;
    let found = r#"{"operatorId":"a","apiRoot":"https://a.example","authProviderConfiguration":"https://a.example/.well-known/openid-configuration"}"#;
    let events = vec![
        ReplayEvent::new(
            search_request(body),
            answer(200, &[("cache-control", "max-age=3600")], found),
        ),
        ReplayEvent::new(
            search_request(body),
            answer(200, &[("cache-control", "max-age=3600")], found),
        ),
    ];
    let (finder, transport, clock) = client(events);
    let finder = finder.with_cache(CachePolicy::new(Duration::from_secs(60)));
    let token = AccessToken::new("tf");
    let request = SearchRequest::full(number());
    let search = || block_on(finder.search(&token, &request, CallOptions::new())).expect("search");
    let first = search();
    assert!(!first.from_cache);
    assert_eq!(
        first.expires,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(60)),
        "bounded to 60 s"
    );
    clock.advance(Duration::from_secs(59));
    assert!(search().from_cache);
    assert_eq!(transport.remaining(), 1);
    clock.advance(Duration::from_secs(1));
    let refreshed = search();
    assert!(!refreshed.from_cache, "expired after the bound");
    assert_eq!(refreshed.value, first.value);
    transport.verify().expect("both exchanges");
}

#[test]
fn not_supported_is_an_outcome_and_errors_are_typed() {
    let body = r#"{"target":{"phoneNumber":"+447709558432"}}"#;
    let events = vec![
        ReplayEvent::new(
            search_request(body),
            answer(
                404,
                &[],
                r#"{"status":404,"code":"NOT_SUPPORTED","message":"no"}"#,
            ),
        ),
        ReplayEvent::new(
            search_request(body),
            answer(
                401,
                &[],
                r#"{"status":401,"code":"UNAUTHENTICATED","message":"no"}"#,
            ),
        ),
        ReplayEvent::failing(search_request(body), TransportError::Connect { cause: None }),
    ];
    let (finder, transport, _) = client(events);
    let token = AccessToken::new("tf");
    let request = SearchRequest::new(number());
    let outcome = block_on(finder.search(&token, &request, CallOptions::new())).expect("not supported");
    assert!(matches!(outcome.value, SearchOutcome::NotSupported(Some(_))));
    assert_eq!(outcome.expires, None, "no cache configured");
    let error = block_on(finder.search(&token, &request, CallOptions::new())).expect_err("401");
    assert_eq!(error.status(), Some(401));
    let error = block_on(finder.search(&token, &request, CallOptions::new())).expect_err("transport");
    assert_eq!(error.kind(), "transport");
    transport.verify().expect("three exchanges");
}

#[test]
fn routing_tables_are_fetched_and_decoded() {
    let expected = http::Request::get("https://op.example/telco-routing/v1/routing")
        .header("authorization", "Bearer tf")
        .header("accept", "application/json")
        .body(Bytes::new())
        .expect("request");
    let table = r#"[{"msisdnPrefix":["+4477"],"static":{"operatorId":"uk","apiRoot":"https://uk.example"}}]"#;
    let (finder, transport, _) = client(vec![
        ReplayEvent::new(
            expected.clone(),
            answer(200, &[("cache-control", "max-age=900")], table),
        ),
        ReplayEvent::new(
            expected,
            answer(
                503,
                &[],
                r#"{"status":503,"code":"UNAVAILABLE","message":"later"}"#,
            ),
        ),
    ]);
    let token = AccessToken::new("tf");
    let fetched =
        block_on(finder.routing_table("https://op.example/telco-routing/v1/", &token, CallOptions::new()))
            .expect("table");
    assert_eq!(fetched.ttl, Some(Duration::from_secs(900)));
    let resolved = fetched.value.resolve(&number());
    assert!(matches!(resolved, Some(RoutingAction::Static(route)) if route.operator_id.as_str() == "uk"));
    let error =
        block_on(finder.routing_table("https://op.example/telco-routing/v1", &token, CallOptions::new()))
            .expect_err("503");
    assert_eq!(error.status(), Some(503));
    transport.verify().expect("two exchanges");
}
