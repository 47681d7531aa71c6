//! Steps that check the response: status, headers, properties, schema.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Kind, Step, StepResult, fail, step};
use crate::sandbox::{MAIN, OTHER};
use crate::world::{World, at};

/// The property at `path`, or a failure naming the body.
fn prop<'a>(world: &'a World, path: &str) -> Result<&'a Value, super::Verdict> {
    let response = world.response()?;
    at(&response.body, path).ok_or_else(|| super::Verdict::Failed(format!("no {path} in {}", response.body)))
}

fn expect_eq(world: &World, path: &str, expected: &Value) -> StepResult {
    let actual = prop(world, path)?;
    if actual == expected {
        Ok(())
    } else {
        fail(format!("{path} is {actual}, expected {expected}"))
    }
}

fn timestamp(value: &Value) -> Option<OffsetDateTime> {
    value
        .as_str()
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

#[allow(clippy::too_many_lines)] // one table, read top to bottom
pub(super) fn steps() -> Vec<Step> {
    use Kind::Check;
    vec![
        step(Check, r#"^the response status code is "?(\d+)"?$"#, |w, a| {
            let status = w.response()?.status;
            if status.to_string() == a[0] {
                Ok(())
            } else {
                fail(format!("status {status}, body {}", w.response()?.body))
            }
        }),
        step(
            Check,
            r#"^the response header "([^"]+)" has same value as the request header "([^"]+)"$"#,
            |w, a| {
                let sent = w.headers.get(&a[1].to_lowercase());
                let echoed = w
                    .response()?
                    .headers
                    .get(a[0].as_str())
                    .and_then(|v| v.to_str().ok());
                if sent.map(String::as_str) == echoed {
                    Ok(())
                } else {
                    fail(format!("sent {sent:?}, answered {echoed:?}"))
                }
            },
        ),
        step(
            Check,
            r#"^the response header "([^"]+)" is "([^"]*)"$"#,
            |w, a| {
                let value = w
                    .response()?
                    .headers
                    .get(a[0].as_str())
                    .and_then(|v| v.to_str().ok());
                // Media types may carry parameters (`; charset=utf-8`).
                let media = value.and_then(|v| v.split(';').next()).map(str::trim);
                if media == Some(a[1].as_str()) {
                    Ok(())
                } else {
                    fail(format!("{} is {value:?}", a[0]))
                }
            },
        ),
        step(
            Check,
            r#"^the response body complies with the OAS schema at "([^"]+)"$"#,
            |w, a| {
                let body = &w.response()?.body;
                w.spec.validate(&a[0], body).or_else(fail)
            },
        ),
        // NV 2.0.0's background states the success schema before any request; error answers have
        // their own schema (`ErrorInfo`).
        step(
            Check,
            r"^the response body is compliant with the schema (\w+)$",
            |w, a| {
                let response = w.response()?;
                // The share file copies the verify file's background, naming the verify response
                // schema: the share operation's own success schema is checked instead.
                let schema = match (200..300).contains(&response.status) {
                    false => "ErrorInfo",
                    true if w.operation.method == "GET" => "NumberVerificationShareResponse",
                    true => a[0].as_str(),
                };
                w.spec
                    .validate(&format!("/components/schemas/{schema}"), &response.body)
                    .or_else(fail)
            },
        ),
        step(
            Check,
            r#"^the response property "([^"]+)" contains a user friendly text$"#,
            |w, a| match prop(w, &a[0])?.as_str() {
                Some(text) if !text.trim().is_empty() => Ok(()),
                other => fail(format!("{} is {other:?}", a[0])),
            },
        ),
        step(Check, r#"^the response property "([^"]+)" is (\d+)$"#, |w, a| {
            let expected = json!(a[1].parse::<u64>().unwrap_or_default());
            expect_eq(w, &a[0], &expected)
        }),
        step(
            Check,
            r#"^(?:the value of )?(?:the )?response property "([^"]+)" (?:==|is) (true|false)$"#,
            |w, a| expect_eq(w, &a[0], &json!(a[1] == "true")),
        ),
        step(Check, r#"^the response property "([^"]+)" is null$"#, |w, a| {
            expect_eq(w, &a[0], &Value::Null)
        }),
        step(
            Check,
            r#"^the response property "([^"]+)" is "([^"]*)"$"#,
            |w, a| expect_eq(w, &a[0], &json!(a[1])),
        ),
        // KYC Match results are the strings "true", "false", "not_available".
        step(
            Check,
            r#"^the response property "([^"]+)" is equal to "([^"]*)"$"#,
            |w, a| expect_eq(w, &a[0], &json!(a[1])),
        ),
        step(
            Check,
            r#"^the response property "([^"]+)" is equal to an integer value between (\d+) and (\d+)$"#,
            |w, a| {
                let value = prop(w, &a[0])?;
                let (low, high): (u64, u64) = (a[1].parse().unwrap_or(0), a[2].parse().unwrap_or(0));
                match value.as_u64() {
                    Some(v) if (low..=high).contains(&v) => Ok(()),
                    _ => fail(format!("{} is {value}", a[0])),
                }
            },
        ),
        step(
            Check,
            r#"^the response contains the property "([^"]+)"$"#,
            |w, a| prop(w, &a[0]).map(|_| ()),
        ),
        step(
            Check,
            r#"^the response property "([^"]+)" contains (?:a valid timestamp|the sim's activation timestamp|the timestamp of the first time that the SIM is installed in the device)$"#,
            |w, a| {
                let value = prop(w, &a[0])?;
                if timestamp(value).is_some() {
                    Ok(())
                } else {
                    fail(format!("{} is {value}", a[0]))
                }
            },
        ),
        step(
            Check,
            r#"^the response optionally contains the property "([^"]+)" with the value of monitored time frame \(in days\) supported by the MNO$"#,
            |w, a| match w.response()?.body.get(a[0].trim_start_matches("$.")) {
                None => Ok(()),
                Some(v) if v.as_u64().is_some() => Ok(()),
                Some(v) => fail(format!("{} is {v}", a[0])),
            },
        ),
        step(
            Check,
            r#"^the response property "([^"]+)" is (?:set to (NUMBERVERIFY_\w+)|equal to the phone number associated with the access token)$"#,
            |w, a| {
                let expected = if a[1].ends_with('2') { OTHER } else { MAIN };
                expect_eq(w, &a[0], &json!(expected))
            },
        ),
        step(
            Check,
            r"^the correspondent score property, if exists, is not returned$",
            |w, _| {
                let Some(name) = w.matched_property.clone() else {
                    return fail("no property was set to its value on file");
                };
                let score = format!("{name}MatchScore");
                match w.response()?.body.get(&score) {
                    None => Ok(()),
                    Some(v) => fail(format!("{score} is {v}")),
                }
            },
        ),
    ]
}
