//! The OpenAPI file of a spec version, to validate bodies against its component schemas.

use serde_json::{Value, json};

/// One vendored CAMARA OpenAPI file (`tests/fixtures/camara-specs/`).
#[derive(Debug)]
pub(crate) struct Spec {
    components: Value,
}

impl Spec {
    /// Loads `tests/fixtures/camara-specs/<file>`.
    pub(crate) fn load(file: &str) -> Self {
        let path = format!("{}/fixtures/camara-specs/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("spec {path}: {error}"));
        let document: Value =
            serde_norway::from_str(&text).unwrap_or_else(|error| panic!("spec {path}: {error}"));
        let mut components = document["components"].clone();
        openapi_to_json_schema(&mut components);
        Self { components }
    }

    /// Validates `instance` against the schema at `pointer` (`/components/schemas/X`, with or
    /// without a leading `#`).
    pub(crate) fn validate(&self, pointer: &str, instance: &Value) -> Result<(), String> {
        let pointer = self.resolve_case(&format!("#{}", pointer.trim_start_matches('#')));
        let schema = json!({ "$ref": pointer, "components": self.components });
        // `format` is an annotation by default in 2020-12; the specs rely on `date-time`, so it is
        // asserted here.
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|error| format!("schema {pointer}: {error}"))?;
        let errors: Vec<String> = validator.iter_errors(instance).map(|e| e.to_string()).collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{pointer}: {}", errors.join("; ")))
        }
    }
}

impl Spec {
    /// `pointer` with its schema name spelt as the spec spells it: Consent Info 0.2.0's test
    /// definitions write `retrieveStatusResponseBody` for the spec's `RetrieveStatusResponseBody`.
    fn resolve_case(&self, pointer: &str) -> String {
        let Some(name) = pointer.strip_prefix("#/components/schemas/") else {
            return pointer.to_owned();
        };
        if self.has_schema(name) {
            return pointer.to_owned();
        }
        self.components["schemas"]
            .as_object()
            .and_then(|schemas| schemas.keys().find(|key| key.eq_ignore_ascii_case(name)))
            .map_or_else(|| pointer.to_owned(), |key| format!("#/components/schemas/{key}"))
    }

    /// Whether the spec defines `/components/schemas/<name>`.
    pub(crate) fn has_schema(&self, name: &str) -> bool {
        self.components["schemas"].get(name).is_some()
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
