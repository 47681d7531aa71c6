//! The walk on a nested schema no vendored file has yet.

use super::*;
use crate::negative::targets::Token;

/// No vendored file nests an object in a request body yet (CAMARA's newer `device` objects
/// would): a schema of that shape, behind a `$ref` and split over `allOf` parts.
const NESTED: &str = r##"
paths:
  /check:
    post:
      parameters:
        - name: x-correlator
          in: header
          schema: { type: string }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Body" }
components:
  schemas:
    Body:
      type: object
      required: [device]
      properties:
        device: { $ref: "#/components/schemas/Device" }
    Device:
      allOf:
        - type: object
          minProperties: 1
          properties:
            phoneNumber: { type: string, pattern: '^\+[1-9][0-9]{4,14}$' }
        - $ref: "#/components/schemas/Address"
    Address:
      type: object
      required: [ipv4Address]
      properties:
        ipv4Address: { type: string, minLength: 7, maxLength: 15 }
        tags: { type: array, minItems: 1, maxItems: 2, items: { type: string, enum: [a, b] } }
"##;

fn nested_body() -> Value {
    json!({ "device": { "phoneNumber": MAIN, "ipv4Address": "84.125.93.10", "tags": ["a"] } })
}

#[test]
fn nested_objects_arrays_and_all_of_parts_are_walked() {
    let document = Document(serde_norway::from_str(NESTED).expect("test schema"));
    let target = Target {
        file: "nested.yaml",
        operation: "/check",
        method: "POST",
        base: "/nested/v1",
        token: Token::Main,
        valid: Some(nested_body),
    };
    let cases = cases(&document, &target, &document.0["paths"]["/check"]["post"]);
    let found: Vec<(&str, Option<String>)> = cases
        .iter()
        .map(|c| (c.what.as_str(), c.body.as_ref().map(Value::to_string)))
        .collect();
    let device = |value: Value| {
        let mut body = nested_body();
        body["device"] = value;
        Some(body.to_string())
    };
    let member = |name: &str, value: Value| {
        let mut body = nested_body();
        body["device"][name] = value;
        Some(body.to_string())
    };
    let expected: Vec<(&str, Option<String>)> = vec![
        (
            "x-correlator \"order 42\" (pattern declared: false)",
            Some(nested_body().to_string()),
        ),
        ("requestBody.required: no body", None),
        ("/device: type", device(json!(["not an object"]))),
        ("/device/ipv4Address: type", member("ipv4Address", json!(12345))),
        (
            "/device/ipv4Address: minLength",
            member("ipv4Address", json!("aaaaaa")),
        ),
        (
            "/device/ipv4Address: maxLength",
            member("ipv4Address", json!("a".repeat(16))),
        ),
        ("/device/phoneNumber: type", member("phoneNumber", json!(12345))),
        (
            "/device/phoneNumber: pattern",
            member("phoneNumber", json!("not a match!")),
        ),
        ("/device/tags: type", member("tags", json!("not an array"))),
        ("/device/tags: minItems", member("tags", json!([]))),
        ("/device/tags: maxItems", member("tags", json!(["a", "a", "a"]))),
        ("/device/tags/0: type", member("tags", json!([12345]))),
        ("/device/tags/0: enum", member("tags", json!(["NOT_A_MEMBER"]))),
        ("/device/ipv4Address: required member removed", {
            let mut body = nested_body();
            body["device"].as_object_mut().unwrap().remove("ipv4Address");
            Some(body.to_string())
        }),
        ("/device: minProperties: {}", device(json!({}))),
        ("/device: required member removed", Some(json!({}).to_string())),
    ];
    assert_eq!(found, expected);
    assert!(cases.iter().skip(1).all(|c| c.refused && c.correlator.is_none()));
}
