//! The walk of one operation's request schema: every broken request it implies, nested objects and
//! arrays included.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::targets::Target;
use crate::sandbox::MAIN;

/// A vendored OpenAPI file as JSON.
pub(super) struct Document(pub(super) Value);

impl Document {
    pub(super) fn load(file: &str) -> Self {
        let path = format!("{}/fixtures/camara-specs/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Self(serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    /// `value`, or what its `$ref` points at (followed until a value has none).
    pub(super) fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let pointer = reference.trim_start_matches('#');
            value = self
                .0
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {reference}"));
        }
        value
    }

    /// `schema` with its `$ref`s followed and its `allOf` parts merged into one schema: the union
    /// of their `properties` and `required`, the other keywords of the first part naming them.
    fn flatten(&self, schema: &Value) -> Map<String, Value> {
        let schema = self.resolve(schema);
        let mut out = Map::new();
        let mut parts = vec![schema];
        let mut index = 0;
        while let Some(part) = parts.get(index).copied() {
            index += 1;
            parts.extend(
                part["allOf"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| self.resolve(p)),
            );
            for (key, value) in part.as_object().into_iter().flatten() {
                match key.as_str() {
                    "allOf" => {}
                    "properties" => {
                        let properties = out.entry(key.clone()).or_insert_with(|| json!({}));
                        for (name, property) in value.as_object().into_iter().flatten() {
                            properties[name] = property.clone();
                        }
                    }
                    "required" => {
                        let required = out.entry(key.clone()).or_insert_with(|| json!([]));
                        if let (Some(all), Some(more)) = (required.as_array_mut(), value.as_array()) {
                            all.extend(
                                more.iter()
                                    .filter(|n| !all.contains(n))
                                    .cloned()
                                    .collect::<Vec<_>>(),
                            );
                        }
                    }
                    _ => {
                        out.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
        }
        out
    }

    /// The codes the operation's `400` response allows: its schema's `code` enum, its examples.
    pub(super) fn codes_400(&self, operation: &Value) -> BTreeSet<String> {
        let response = self.resolve(&operation["responses"]["400"]);
        let content = &response["content"]["application/json"];
        let mut codes = BTreeSet::new();
        let schema = self.flatten(&content["schema"]);
        for code in schema["properties"]["code"]["enum"]
            .as_array()
            .into_iter()
            .flatten()
        {
            codes.extend(code.as_str().map(str::to_owned));
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
pub(super) struct Case {
    pub(super) what: String,
    pub(super) body: Option<Value>,
    pub(super) correlator: Option<&'static str>,
    /// 400 with one of the listed codes, or (`false`) accepted with the correlator echoed.
    pub(super) refused: bool,
}

impl Case {
    fn refused(what: String, body: Option<Value>) -> Self {
        Self {
            what,
            body,
            correlator: None,
            refused: true,
        }
    }
}

/// `pattern` as the `regex` crate reads it: OpenAPI patterns are ECMA-262, where `\/` is an
/// escaped slash.
fn regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(&pattern.replace("\\/", "/")).unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

/// A string `pattern` refuses: the first candidate it does not match.
fn breaking(pattern: &str) -> Option<&'static str> {
    let regex = regex(pattern);
    ["not a match!", "", "0"].into_iter().find(|c| !regex.is_match(c))
}

/// The broken values of one schema, each with what it breaks.
fn broken_values(schema: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut push = |what: &str, value: Value| out.push((what.to_owned(), value));
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => push("type", json!(12345)),
        Some("integer" | "number") => push("type", json!("240")),
        Some("boolean") => push("type", json!("true")),
        Some("array") => push("type", json!("not an array")),
        Some("object") => push("type", json!(["not an object"])),
        _ => {}
    }
    if schema.get("enum").is_some_and(Value::is_array) {
        push("enum", json!("NOT_A_MEMBER"));
    }
    if let Some(bad) = schema.get("pattern").and_then(Value::as_str).and_then(breaking) {
        push("pattern", json!(bad));
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("date") => push("format date", json!("31/12/1990")),
        Some("email") => push("format email", json!("no-at-sign")),
        Some("uri") => push("format uri", json!("not a uri")),
        _ => {}
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_i64) {
        push("minimum", json!(min - 1));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_i64) {
        push("maximum", json!(max + 1));
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|n| *n > 0) {
        push(
            "minLength",
            json!("a".repeat(usize::try_from(min - 1).unwrap_or(0))),
        );
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        push(
            "maxLength",
            json!("a".repeat(usize::try_from(max + 1).unwrap_or(0))),
        );
    }
    out
}

/// One JSON Pointer token (RFC 6901 §3 escaping).
fn token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `body` with the value at `pointer` replaced (or inserted into its parent object).
fn with(body: &Value, pointer: &str, value: Value) -> Value {
    let mut body = body.clone();
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer below the root");
    let last = last.replace("~1", "/").replace("~0", "~");
    match body.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(last, value);
        }
        Some(Value::Array(items)) => {
            let index: usize = last.parse().expect("an array index");
            items[index] = value;
        }
        _ => panic!("no object or array at {parent}"),
    }
    body
}

/// `body` without the member at `pointer`.
fn without(body: &Value, pointer: &str) -> Value {
    let mut body = body.clone();
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer below the root");
    if let Some(map) = body.pointer_mut(parent).and_then(Value::as_object_mut) {
        map.remove(&last.replace("~1", "/").replace("~0", "~"));
    }
    body
}

/// The walk of one request body: `valid` is the accepted body every mutation starts from.
struct Walk<'a> {
    document: &'a Document,
    valid: Value,
    cases: Vec<Case>,
}

impl Walk<'_> {
    fn push(&mut self, pointer: &str, what: &str, body: Value) {
        let at = if pointer.is_empty() { "body" } else { pointer };
        self.cases
            .push(Case::refused(format!("{at}: {what}"), Some(body)));
    }

    /// Every mutation of the value at `pointer`, which `schema` describes and `valid` holds.
    fn value(&mut self, schema: &Value, pointer: &str) {
        let schema = self.document.flatten(schema);
        let present = self.valid.pointer(pointer).cloned();
        for (what, value) in broken_values(&schema) {
            let body = with(&self.valid, pointer, value);
            self.push(pointer, &what, body);
        }
        match present {
            Some(Value::Object(_)) => self.object(&schema, pointer, false),
            Some(Value::Array(items)) => self.array(&schema, pointer, &items),
            _ => {}
        }
    }

    /// The properties of the object at `pointer` (`single`: at most one property, so a broken one
    /// replaces the others), its `required` members and its property counts.
    fn object(&mut self, schema: &Map<String, Value>, pointer: &str, single: bool) {
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let at = format!("{pointer}/{}", token(name));
            if single {
                let property = self.document.flatten(property);
                for (what, value) in broken_values(&property) {
                    let body = with(&json!({}), &at, value);
                    self.push(&at, &what, body);
                }
            } else {
                self.value(property, &at);
            }
        }
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = name.as_str() else { continue };
            let at = format!("{pointer}/{}", token(name));
            let body = without(&self.valid, &at);
            self.push(&at, "required member removed", body);
        }
        if schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .is_some_and(|n| n > 0)
        {
            let body = if pointer.is_empty() {
                json!({})
            } else {
                with(&self.valid, pointer, json!({}))
            };
            self.push(pointer, "minProperties: {}", body);
        }
    }

    /// The items of the array at `pointer`: too few, too many, and the first one broken.
    fn array(&mut self, schema: &Map<String, Value>, pointer: &str, items: &[Value]) {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64).filter(|n| *n > 0) {
            let fewer: Vec<Value> = items
                .iter()
                .take(usize::try_from(min - 1).unwrap_or(0))
                .cloned()
                .collect();
            let body = with(&self.valid, pointer, Value::Array(fewer));
            self.push(pointer, "minItems", body);
        }
        let Some(first) = items.first() else { return };
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
            let more = vec![first.clone(); usize::try_from(max + 1).unwrap_or(0)];
            let body = with(&self.valid, pointer, Value::Array(more));
            self.push(pointer, "maxItems", body);
        }
        if let Some(item) = schema.get("items") {
            self.value(item, &format!("{pointer}/0"));
        }
    }
}

/// Every generated request of `target` in `document`.
pub(super) fn cases(document: &Document, target: &Target, operation: &Value) -> Vec<Case> {
    let mut cases = Vec::new();
    let valid = target.valid.map(|f| f());
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
    let constrained = correlator_schema["pattern"]
        .as_str()
        .is_some_and(|p| breaking(p).is_some() && !regex(p).is_match(loose));
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
        cases.push(Case::refused("requestBody.required: no body".to_owned(), None));
    }
    let schema = document.flatten(&request_body["content"]["application/json"]["schema"]);
    let single = schema.get("maxProperties").and_then(Value::as_u64) == Some(1);
    let mut walk = Walk {
        document,
        valid: valid.unwrap_or_else(|| json!({})),
        cases,
    };
    walk.object(&schema, "", single);
    if single {
        let both = json!({ "phoneNumber": MAIN, "hashedPhoneNumber": "a".repeat(64) });
        walk.push("", "maxProperties: two properties", both);
    }
    walk.cases
}

#[cfg(test)]
mod tests;
