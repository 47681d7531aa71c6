//! Negative requests generated from the vendored OpenAPI files (`tests/fixtures/camara-specs/`), per
//! served version and operation, and the answer each file's error responses allow.
//!
//! For every operation of every version the sandbox serves, the file is walked, not a hand-kept list:
//! - `requestBody.required`: the request without a body;
//! - every property of the request body schema: a value of the wrong JSON type, an `enum` value
//!   outside the enumeration, a string breaking its `pattern` or its `date`/`email` `format`, an
//!   integer below `minimum` or above `maximum`;
//! - every `required` property removed; `minProperties` (an empty object), `maxProperties` (every
//!   property at once);
//! - the `x-correlator` parameter: a value breaking its `pattern` where the version declares one
//!   (refused), accepted and echoed where it declares a plain string.
//!
//! A broken body must get status 400 and one of the codes the operation's `400` response lists for
//! that version (its `code` enum or examples). Each request starts from a body the sandbox accepts
//! (checked first, so a mutation that "fails" for another reason is caught).

use std::collections::BTreeSet;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::sandbox::{Conformance, MAIN, NUMBER_VERIFICATION};

/// Which of the conformance tokens an operation is called with.
#[derive(Debug, Clone, Copy)]
enum Token {
    /// [`MAIN`]'s network-based token: the number in the body must be [`MAIN`].
    Main,
    /// Client credentials: the number comes in the body.
    TwoLegged,
}

/// One served operation: the version's file, where the sandbox serves it, and a body it accepts.
struct Target {
    file: &'static str,
    /// `paths` key in the file (`/check`).
    operation: &'static str,
    method: &'static str,
    /// The sandbox's CAMARA base path of that version.
    base: &'static str,
    token: Token,
    /// A body answered with 200, `None` for a `GET`.
    valid: Option<fn() -> Value>,
}

fn kyc_body() -> Value {
    json!({ "givenName": "Francisco" })
}
fn sim_swap_check_body() -> Value {
    json!({ "phoneNumber": MAIN, "maxAge": 240 })
}
fn sim_swap_date_body() -> Value {
    json!({ "phoneNumber": MAIN })
}
fn verify_body() -> Value {
    json!({ "phoneNumber": MAIN })
}

const TARGETS: &[Target] = &[
    target(
        "kyc-match_v0.2.1.yaml",
        "/match",
        "POST",
        "/kyc-match/v0.2",
        Token::Main,
        Some(kyc_body),
    ),
    target(
        "kyc-match.yaml",
        "/match",
        "POST",
        "/kyc-match/v0.4",
        Token::Main,
        Some(kyc_body),
    ),
    target(
        "sim-swap_v1.0.0.yaml",
        "/check",
        "POST",
        "/sim-swap/v1",
        Token::TwoLegged,
        Some(sim_swap_check_body),
    ),
    target(
        "sim-swap_v1.0.0.yaml",
        "/retrieve-date",
        "POST",
        "/sim-swap/v1",
        Token::TwoLegged,
        Some(sim_swap_date_body),
    ),
    target(
        "sim-swap.yaml",
        "/check",
        "POST",
        "/sim-swap/v2",
        Token::TwoLegged,
        Some(sim_swap_check_body),
    ),
    target(
        "sim-swap.yaml",
        "/retrieve-date",
        "POST",
        "/sim-swap/v2",
        Token::TwoLegged,
        Some(sim_swap_date_body),
    ),
    target(
        "number-verification_v2.0.0.yaml",
        "/verify",
        "POST",
        "/number-verification/v2",
        Token::Main,
        Some(verify_body),
    ),
    target(
        "number-verification_v2.0.0.yaml",
        "/device-phone-number",
        "GET",
        "/number-verification/v2",
        Token::Main,
        None,
    ),
    target(
        "number-verification.yaml",
        "/verify",
        "POST",
        "/number-verification/v2",
        Token::Main,
        Some(verify_body),
    ),
    target(
        "number-verification.yaml",
        "/device-phone-number",
        "GET",
        "/number-verification/v2",
        Token::Main,
        None,
    ),
];

const fn target(
    file: &'static str,
    operation: &'static str,
    method: &'static str,
    base: &'static str,
    token: Token,
    valid: Option<fn() -> Value>,
) -> Target {
    Target {
        file,
        operation,
        method,
        base,
        token,
        valid,
    }
}

/// A vendored OpenAPI file as JSON.
struct Document(Value);

impl Document {
    fn load(file: &str) -> Self {
        let path = format!("{}/fixtures/camara-specs/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Self(serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    /// `value`, or what its `$ref` points at (followed until a value has none).
    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let pointer = reference.trim_start_matches('#');
            value = self
                .0
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {reference}"));
        }
        value
    }

    /// The codes the operation's `400` response allows: its schema's `code` enum, its examples.
    fn codes_400(&self, operation: &Value) -> BTreeSet<String> {
        let response = self.resolve(&operation["responses"]["400"]);
        let content = &response["content"]["application/json"];
        let mut codes = BTreeSet::new();
        let schema = self.resolve(&content["schema"]);
        for part in schema["allOf"].as_array().into_iter().flatten() {
            let part = self.resolve(part);
            for code in part["properties"]["code"]["enum"]
                .as_array()
                .into_iter()
                .flatten()
            {
                codes.extend(code.as_str().map(str::to_owned));
            }
        }
        for example in content["examples"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            let example = self.resolve(example);
            codes.extend(example["value"]["code"].as_str().map(str::to_owned));
        }
        codes.extend(content["example"]["code"].as_str().map(str::to_owned));
        codes
    }
}

/// One generated request and what it breaks.
struct Case {
    what: String,
    body: Option<Value>,
    correlator: Option<&'static str>,
    /// 400 with one of the listed codes, or (`None`) accepted with the correlator echoed.
    refused: bool,
}

/// A string `pattern` refuses: the first candidate it does not match.
fn breaking(pattern: &str) -> Option<&'static str> {
    // OpenAPI patterns are ECMA-262; `\/` is an escaped slash there.
    let regex = regex::Regex::new(&pattern.replace("\\/", "/")).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    ["not a match!", "", "0"].into_iter().find(|c| !regex.is_match(c))
}

/// The broken values of one property schema, each with what it breaks.
fn broken_values(schema: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    match schema["type"].as_str() {
        Some("string") => out.push(("type".to_owned(), json!(12345))),
        Some("integer") => out.push(("type".to_owned(), json!("240"))),
        _ => {}
    }
    if schema["enum"].is_array() {
        out.push(("enum".to_owned(), json!("NOT_A_MEMBER")));
    }
    if let Some(bad) = schema["pattern"].as_str().and_then(breaking) {
        out.push(("pattern".to_owned(), json!(bad)));
    }
    match schema["format"].as_str() {
        Some("date") => out.push(("format date".to_owned(), json!("31/12/1990"))),
        Some("email") => out.push(("format email".to_owned(), json!("no-at-sign"))),
        _ => {}
    }
    if let Some(min) = schema["minimum"].as_i64() {
        out.push(("minimum".to_owned(), json!(min - 1)));
    }
    if let Some(max) = schema["maximum"].as_i64() {
        out.push(("maximum".to_owned(), json!(max + 1)));
    }
    out
}

/// Every generated request of `target` in `document`.
fn cases(document: &Document, target: &Target, operation: &Value) -> Vec<Case> {
    let mut cases = Vec::new();
    let valid = target.valid.map(|f| f());
    let refused = |what: String, body: Option<Value>| Case {
        what,
        body,
        correlator: None,
        refused: true,
    };
    // The x-correlator parameter, as this version declares it.
    let parameter = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| document.resolve(p))
        .find(|p| p["name"] == "x-correlator")
        .unwrap_or_else(|| panic!("{} {}: no x-correlator parameter", target.file, target.operation));
    let correlator_schema = document.resolve(&parameter["schema"]);
    let loose = "order 42";
    let constrained = correlator_schema["pattern"].as_str().is_some_and(|p| {
        breaking(p).is_some() && !regex::Regex::new(&p.replace("\\/", "/")).unwrap().is_match(loose)
    });
    cases.push(Case {
        what: format!("x-correlator {loose:?} (pattern declared: {constrained})"),
        body: valid.clone(),
        correlator: Some(loose),
        refused: constrained,
    });
    let Some(request_body) = operation.get("requestBody").map(|b| document.resolve(b)) else {
        return cases;
    };
    if request_body["required"] == true {
        cases.push(refused("requestBody.required: no body".to_owned(), None));
    }
    let schema = document.resolve(&request_body["content"]["application/json"]["schema"]);
    let valid = valid.unwrap_or_else(|| json!({}));
    let single = schema["maxProperties"] == 1;
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let property = document.resolve(property);
        for (breaks, value) in broken_values(property) {
            let mut body = if single {
                Map::new()
            } else {
                valid.as_object().cloned().unwrap_or_default()
            };
            body.insert(name.clone(), value);
            cases.push(refused(format!("{name}: {breaks}"), Some(Value::Object(body))));
        }
    }
    for name in schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let mut body = valid.as_object().cloned().unwrap_or_default();
        body.remove(name);
        cases.push(refused(
            format!("required {name} removed"),
            Some(Value::Object(body)),
        ));
    }
    if schema["minProperties"].as_u64().is_some_and(|n| n > 0) {
        cases.push(refused("minProperties: {}".to_owned(), Some(json!({}))));
    }
    if single {
        let both = json!({ "phoneNumber": MAIN, "hashedPhoneNumber": "a".repeat(64) });
        cases.push(refused("maxProperties: two properties".to_owned(), Some(both)));
    }
    cases
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_negative_paths() {
    let conformance = Conformance::start().await;
    let mut mismatches = Vec::new();
    let mut generated = 0;
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
        for case in cases(&document, target, operation) {
            generated += 1;
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
    assert!(generated > 60, "only {generated} requests generated");
    assert!(
        mismatches.is_empty(),
        "{} of {generated} generated requests answered against the spec:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
