//! The `camara.call` span carries ids, status, latency and attempts; never a body, a number or the token.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use netid_camara::sim_swap::v1;
use netid_camara::{CallOptions, OperatorProfile};
use netid_core::phone::PhoneNumber;
use netid_transport::test_util::{ReplayEvent, ReplayTransport};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::{expected, fixture, harness, response, token};

/// Writes every span, field record and event as a line of text.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Recorder {
    fn push(&self, head: &str, fields: impl FnOnce(&mut Line<'_>)) {
        let mut line = head.to_owned();
        fields(&mut Line(&mut line));
        let mut lines = self.lines.lock().expect("not poisoned");
        lines.push_str(&line);
        lines.push('\n');
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.push(&format!("span {}", span.metadata().name()), |line| {
            span.record(line)
        });
        Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        self.push("record", |line| values.record(line));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        self.push(&format!("event {}", event.metadata().level()), |line| {
            event.record(line)
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn spans_carry_ids_and_statuses_only() {
    let number = PhoneNumber::parse_strict("+34654654654").expect("valid");
    let base = "https://api.orange.com/camara/oes/sim-swap/v1";
    let replay = Arc::new(ReplayTransport::new([
        ReplayEvent::new(
            expected(
                "POST",
                &format!("{base}/retrieve-date"),
                Some(r#"{"phoneNumber":"+34654654654"}"#),
            ),
            response(200, fixture("orange-spain/sim-swap/retrieve-date.200.json")),
        ),
        ReplayEvent::new(
            expected(
                "POST",
                &format!("{base}/retrieve-date"),
                Some(r#"{"phoneNumber":"+34654654654"}"#),
            ),
            response(404, fixture("orange-spain/sim-swap/error.404.json")),
        ),
    ]));
    let recorder = Recorder::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    tracing::subscriber::with_default(recorder.clone(), || {
        runtime.block_on(async {
            let h = harness(replay.clone(), OperatorProfile::orange_spain_sim_swap_v1());
            let request = v1::retrieve_date::Request::new().with_phone_number(number);
            let options = || CallOptions::new().with_correlator("trace-1".parse().expect("valid"));
            h.client.send(&token(), &request, options()).await.expect("200");
            h.client
                .send(&token(), &request, options())
                .await
                .expect_err("404");
        });
    });
    let lines = recorder.lines.lock().expect("not poisoned").clone();
    insta::assert_snapshot!(lines);
    // The operator's `message` is body text: it may quote personal data, so it is never logged.
    for secret in [
        "test-token",
        "654654654",
        "2023-09-05",
        "latestSimChange",
        "The specified resource",
    ] {
        assert!(!lines.contains(secret), "{secret} leaked into traces");
    }
}
