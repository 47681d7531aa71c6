//! Shared helpers: fixtures, replayed clients, schema validation against the official specs.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_camara::{CamaraClient, OperatorProfile};
use netid_core::test_util::{ManualClock, SeededRandom};
use netid_core::token::AccessToken;
use netid_transport::test_util::InstantSleep;
use netid_transport::{HttpRequest, HttpResponse, HttpTransport};
use serde_json::{Value, json};

/// The bytes of `tests/fixtures/<path>`.
pub(crate) fn fixture(path: &str) -> Bytes {
    let full = format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    Bytes::from(std::fs::read(&full).unwrap_or_else(|error| panic!("fixture {full}: {error}")))
}

/// The JSON value of a fixture.
pub(crate) fn fixture_json(path: &str) -> Value {
    serde_json::from_slice(&fixture(path)).unwrap_or_else(|error| panic!("fixture {path}: {error}"))
}

/// 2025-01-01T00:00:00Z.
pub(crate) fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600)
}

pub(crate) fn token() -> AccessToken {
    AccessToken::new("test-token")
}

/// A client with a manual clock (at [`start`]), a seeded RNG and an instant sleep.
pub(crate) struct Harness {
    pub(crate) client: CamaraClient,
    pub(crate) clock: ManualClock,
    pub(crate) sleep: InstantSleep,
}

pub(crate) fn harness(transport: Arc<dyn HttpTransport>, profile: OperatorProfile) -> Harness {
    let clock = ManualClock::new(start());
    let sleep = InstantSleep::new(clock.clone());
    let client = CamaraClient::with_details(
        transport,
        profile,
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(42)),
        Arc::new(sleep.clone()),
    );
    Harness { client, clock, sleep }
}

pub(crate) fn response(status: u16, body: impl Into<Bytes>) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.into())
        .expect("valid response")
}

/// The request a client must send: bearer token, JSON accept, and a JSON body when given.
pub(crate) fn expected(method: &str, url: &str, body: Option<&str>) -> HttpRequest {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", "Bearer test-token")
        .header("accept", "application/json");
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    builder
        .body(Bytes::copy_from_slice(body.unwrap_or_default().as_bytes()))
        .expect("valid request")
}

/// One official CAMARA spec, to validate bodies against its component schemas.
pub(crate) struct Spec {
    components: Value,
}

impl Spec {
    /// Loads `tests/fixtures/camara-specs/<file>` (copies of the official specs).
    pub(crate) fn load(file: &str) -> Self {
        let path = format!(
            "{}/../../tests/fixtures/camara-specs/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("spec {path}: {error}"));
        let document: Value =
            serde_norway::from_str(&text).unwrap_or_else(|error| panic!("spec {path}: {error}"));
        let mut components = document["components"].clone();
        openapi_to_json_schema(&mut components);
        Self { components }
    }

    /// The whole `components` object (examples included).
    pub(crate) fn components(&self) -> &Value {
        &self.components
    }

    /// Validates `instance` against the schema at `pointer` (`#/components/schemas/X`).
    pub(crate) fn validate(&self, pointer: &str, instance: &Value) -> Result<(), String> {
        let schema = json!({ "$ref": pointer, "components": self.components });
        // `format` is an annotation by default in 2020-12; the specs rely on `date-time`, `date`,
        // `email` and `uri`, so they are asserted here.
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|error| format!("schema {pointer}: {error}"))?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|error| error.to_string())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// The schema of an error response (`Generic400`, ...).
    pub(crate) fn validate_error(&self, response: &str, instance: &Value) -> Result<(), String> {
        self.validate(
            &format!("#/components/responses/{response}/content/application~1json/schema"),
            instance,
        )
    }
}

/// OpenAPI 3.0's `nullable: true` becomes a JSON Schema type union with `null`.
fn openapi_to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                if let Some(Value::String(kind)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([kind, "null"]));
                }
            }
            map.values_mut().for_each(openapi_to_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_to_json_schema),
        _ => {}
    }
}
