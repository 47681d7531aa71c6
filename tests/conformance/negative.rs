//! Negative requests generated from the vendored OpenAPI files (`tests/fixtures/camara-specs/`), per
//! served version and operation, and the answer each file's error responses allow.
//!
//! For every operation of every version the sandbox serves, the file is walked, not a hand-kept list
//! (`negative/generate.rs`), following `$ref`s and merging `allOf` parts at every level:
//! - `requestBody.required`: the request without a body;
//! - every property of the request body, and of every object or array nested in the accepted body:
//!   a value of the wrong JSON type, an `enum` value outside the enumeration, a string breaking its
//!   `pattern`, its `date`/`email`/`uri` `format`, its `minLength` or `maxLength`, an integer below
//!   `minimum` or above `maximum`;
//! - every `required` member removed, at every level; `minProperties` (an empty object),
//!   `maxProperties` (every property at once);
//! - arrays: fewer items than `minItems`, more than `maxItems`, and their first item broken as above;
//! - the `x-correlator` parameter: a value breaking its `pattern` where the version declares one
//!   (refused), accepted and echoed where it declares a plain string.
//!
//! A broken body must get status 400 and one of the codes the operation's `400` response lists for
//! that version (its `code` enum or examples). Each request starts from a body the sandbox accepts
//! (checked first, so a mutation that "fails" for another reason is caught). How many requests each
//! file yields is kept in the README (`UPDATE_CONFORMANCE=1` rewrites it), so a generator change that
//! silently drops cases shows as a diff.

mod generate;
mod targets;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bytes::Bytes;
use serde_json::Value;

use crate::report;
use crate::sandbox::{Conformance, NUMBER_VERIFICATION};
use generate::{Case, Document};
use targets::{TARGETS, Target, Token};

const BEGIN: &str = "<!-- negative-counts:begin (generated: UPDATE_CONFORMANCE=1 cargo test -p netid-tests --test conformance) -->";
const END: &str = "<!-- negative-counts:end -->";

async fn send(conformance: &Conformance, target: &Target, case: &Case) -> (u16, Value, Option<String>) {
    let token = match target.token {
        Token::Main => &conformance.tokens.main,
        Token::TwoLegged => &conformance.tokens.two_legged,
    };
    let correlator = case.correlator.unwrap_or("b4333c46-49c0-4f62-80d7-f0ef930f1c46");
    // Number Verification spends its token with each answer: send the copy not spent yet.
    let single_use = target.base.starts_with(NUMBER_VERIFICATION);
    let authorization = conformance.unspent(token);
    let mut request = http::Request::builder()
        .method(target.method)
        .uri(conformance.url(&format!("{}{}", target.base, target.operation)))
        .header("authorization", authorization)
        .header("x-correlator", correlator);
    let body = match &case.body {
        Some(body) => {
            request = request.header("content-type", "application/json");
            Bytes::from(body.to_string())
        }
        None => Bytes::new(),
    };
    let response = conformance
        .transport
        .send(request.body(body).expect("request"))
        .await
        .expect("the sandbox answers");
    if single_use && response.status().is_success() {
        conformance.spent(token).await;
    }
    let echoed = response
        .headers()
        .get("x-correlator")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    (response.status().as_u16(), body, echoed)
}

/// The README table: generated requests per vendored file (one API version) and operation.
fn render(counts: &BTreeMap<(&str, String), usize>) -> String {
    let mut out = String::from("| OpenAPI file | operation | generated requests |\n|---|---|---|\n");
    for ((file, operation), count) in counts {
        let _ = writeln!(out, "| {file} | {operation} | {count} |");
    }
    let total: usize = counts.values().sum();
    let _ = writeln!(out, "| **total** | | {total} |");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_negative_paths() {
    let conformance = Conformance::start().await;
    let mut mismatches = Vec::new();
    let mut counts = BTreeMap::new();
    for target in TARGETS {
        let document = Document::load(target.file);
        let operation = &document.0["paths"][target.operation][target.method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{} has no {} {}",
            target.file,
            target.method,
            target.operation
        );
        let codes = document.codes_400(operation);
        let label = format!("{} {} {}", target.file, target.method, target.operation);
        // The starting point must be accepted, or every mutation would pass for another reason.
        let valid = Case {
            what: "valid".to_owned(),
            body: target.valid.map(|f| f()),
            correlator: None,
            refused: false,
        };
        let (status, body, _) = send(&conformance, target, &valid).await;
        assert_eq!(status, 200, "{label}: the valid request is refused: {body}");
        let cases = generate::cases(&document, target, operation);
        counts.insert(
            (target.file, format!("{} {}", target.method, target.operation)),
            cases.len(),
        );
        for case in cases {
            let (status, body, echoed) = send(&conformance, target, &case).await;
            let code = body["code"].as_str().unwrap_or_default();
            let fine = if case.refused {
                status == 400 && body["status"] == 400 && codes.contains(code)
            } else {
                status == 200 && echoed.as_deref() == case.correlator
            };
            if !fine {
                mismatches.push(format!(
                    "{label}: {}: got {status} {code}, expected {}",
                    case.what,
                    if case.refused {
                        format!("400 with one of {codes:?}")
                    } else {
                        "200 with the correlator echoed".to_owned()
                    }
                ));
            }
        }
    }
    let generated: usize = counts.values().sum();
    // The count per file, in the test output too (`--nocapture`), beside the README's copy.
    #[allow(clippy::print_stdout, reason = "reports what was generated")]
    {
        println!("{}", render(&counts));
    }
    assert!(generated > 60, "only {generated} requests generated");
    assert!(
        mismatches.is_empty(),
        "{} of {generated} generated requests answered against the spec:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    report::check_block(&crate::here().join("README.md"), BEGIN, END, &render(&counts));
}
