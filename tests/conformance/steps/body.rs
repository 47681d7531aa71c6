//! Steps that set the request body: identifiers, whole bodies, KYC Match properties.

use netid_core::phone::PhoneNumber;
use serde_json::{Value, json};

use super::setup::{asset, hashed, invalid_value, set};
use super::{Kind, Step, fail, step};
use crate::sandbox::{MAIN, OTHER, UNKNOWN};
use crate::world::{Body, kyc_combination, mismatch, on_file, property};

#[allow(clippy::too_many_lines)] // one table, read top to bottom
pub(super) fn steps() -> Vec<Step> {
    use Kind::Setup;
    vec![
        // Phone numbers in the body.
        step(
            Setup,
            r#"^the request body property "([^"]+)" does not comply with the OAS schema at "[^"]*"$"#,
            |w, a| {
                set(w, &a[0], invalid_value(&a[0]));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is compliant with the schema but does not identify a valid (?:phone number|subscription managed by the API provider)$"#,
            |w, a| {
                set(w, &a[0], json!(UNKNOWN));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is not included$"#,
            |w, a| {
                w.json_body().remove(&property(&a[0]));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a valid testing phoneNumber that does not match the one associated with the token$"#,
            |w, a| {
                set(w, &a[0], json!(OTHER));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "(\$\.(?:phoneNumber|hashedPhoneNumber))" (?:is set to a valid (?:testing )?phone number(?: compliant with OAS schema at "[^"]*")?|set to a valid formatted value)$"#,
            |w, a| {
                let value = if a[0].contains("hashed") {
                    hashed(MAIN)
                } else {
                    MAIN.to_owned()
                };
                set(w, &a[0], json!(value));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the same phone number is compliant with OAS schema at "([^"]*)"$"#,
            |w, a| {
                // Number Verification 2.1.0 names a `PhoneNumber` schema its OpenAPI file lacks
                // (it has `DevicePhoneNumber`): the number is then checked in the strict E.164 form.
                if w.spec.has_schema(a[0].rsplit('/').next().unwrap_or_default()) {
                    w.spec.validate(&a[0], &json!(MAIN)).or_else(fail)
                } else {
                    PhoneNumber::parse_strict(MAIN)
                        .map(|_| ())
                        .or_else(|e| fail(e.to_string()))
                }
            },
        ),
        step(
            Setup,
            r#"^the body property "([^"]+)" is set to the phone number identified by the access token(, hashed in SHA-256 \(in hexadecimal representation\))?$"#,
            |w, a| {
                let value = if a[1].is_empty() {
                    MAIN.to_owned()
                } else {
                    hashed(MAIN)
                };
                set(w, &a[0], json!(value));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the body property "([^"]+)" is set to a valid phone number different from the one identified by the access token(, hashed in SHA-256 \(in hexadecimal representation\))?$"#,
            |w, a| {
                let value = if a[1].is_empty() {
                    OTHER.to_owned()
                } else {
                    hashed(OTHER)
                };
                set(w, &a[0], json!(value));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the request body has the field (phoneNumber|hashedPhoneNumber) with a value of (NUMBERVERIFY_\w+?)(?:_HASHED)?(\d?)$",
            |w, a| {
                let number = asset(&format!("{}{}", a[1], a[2])).unwrap_or(MAIN);
                let value = if a[0] == "phoneNumber" {
                    number.to_owned()
                } else {
                    hashed(number)
                };
                set(w, &a[0], json!(value));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^(?:the request body has NO the field phoneNumber or hashedPhoneNumber|the request body does not contain neither "[^"]+" nor "[^"]+")$"#,
            |w, _| {
                w.json_body().remove("phoneNumber");
                w.json_body().remove("hashedPhoneNumber");
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to: (.*)$"#,
            |w, a| {
                set(w, &a[0], json!(a[1].trim()));
                Ok(())
            },
        ),
        // Whole bodies.
        step(
            Setup,
            r#"^the request body (?:is set by default to a request body compliant with the schema(?: at "[^"]*")?|is set to a valid request body|is compliant with the schema \w+|contains valid required properties|is set to a valid parameter combination)$"#,
            |w, _| {
                // Keep an identifier a previous step chose.
                let number = match &w.body {
                    Body::Json(map) => map.get("phoneNumber").cloned(),
                    _ => None,
                };
                w.body = w.default_body();
                if let Some(number) = number {
                    w.json_body().insert("phoneNumber".to_owned(), number);
                }
                Ok(())
            },
        ),
        step(Setup, r"^the request body is not included$", |w, _| {
            w.body = Body::Absent;
            Ok(())
        }),
        step(Setup, r#"^the request body is set to "([^"]*)"$"#, |w, a| {
            w.body = Body::Raw(a[0].clone());
            Ok(())
        }),
        step(
            Setup,
            r#"^the request body is set to any value which is not compliant with the (?:OAS )?schema at "[^"]*"$"#,
            |w, _| {
                w.body = Body::Raw("[\"not\", \"an\", \"object\"]".to_owned());
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body contains only the property "([^"]+)"$"#,
            |w, a| {
                let keep = property(&a[0]);
                w.json_body().retain(|k, _| *k == keep);
                Ok(())
            },
        ),
        // KYC Match properties.
        step(
            Setup,
            r"^(?:the request body contains a random combination of valid optional parameters.*|the given request body is populated with any random combination of afore mention optional parameters)$",
            |w, _| {
                // A fixed combination, so the run is reproducible.
                let extra =
                    kyc_combination(&["idDocument", "name", "address", "country", "birthdate", "email"]);
                w.json_body().extend(extra);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body is set to a valid parameter combination with property "([^"]+)" set to a valid formatted value that does (perfectly match|not match) the value stored in the MNO system$"#,
            |w, a| {
                w.body = w.default_body();
                let name = property(&a[0]);
                let value = if a[1] == "perfectly match" {
                    w.matched_property = Some(name.clone());
                    on_file(&name).map(Value::from).unwrap_or_default()
                } else {
                    mismatch(&name)
                };
                w.json_body().insert(name, value);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body is set to a valid parameter combination with property "([^"]+)" set to "([^"]*)"$"#,
            |w, a| {
                w.body = w.default_body();
                set(w, &a[0], json!(a[1]));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body is set to a valid parameter combination without property "([^"]+)"$"#,
            |w, a| {
                w.body = w.default_body();
                w.json_body().remove(&property(&a[0]));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a valid idDocument that is not as?sociated with the identified phone number$"#,
            |w, a| {
                set(w, &a[0], mismatch("idDocument"));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to (\d+)$"#,
            |w, a| {
                set(w, &a[0], json!(a[1].parse::<u64>().unwrap_or_default()));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to "([^"]*)"$"#,
            |w, a| {
                set(w, &a[0], json!(a[1]));
                Ok(())
            },
        ),
        // Any other "is set to a valid …" / "a … value that complies with …": the value on file.
        step(
            Setup,
            r#"^the request body property "([^"]+)" (?:is )?set to (?:a valid|a|an|the) .*$"#,
            |w, a| {
                let name = property(&a[0]);
                let Some(value) = on_file(&name) else {
                    return fail(format!("no value on file for {name}"));
                };
                w.matched_property = Some(name.clone());
                w.json_body().insert(name, json!(value));
                Ok(())
            },
        ),
    ]
}
