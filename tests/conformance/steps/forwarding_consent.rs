//! Steps of the Call Forwarding Signal 0.4.0 and Consent Info 0.2.0 files: their own wording of
//! paths, tokens and bodies, the consent situations the testing assets hold, and the checks over
//! `$.statusInfo[*]`. They come before the general entries, so the first match is theirs.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::setup::{about, invalid_value, set};
use super::{Kind, Step, StepResult, fail, not_applicable, step};
use crate::sandbox::{CAPTURE_LIMITED, MAIN, UNKNOWN};
use crate::world::{Body, World, property};

const NO_QUOTA: &str = "the sandbox sets no business quota nor rate limit per consumer";
const NO_CAPTURE_JOURNEY: &str =
    "the sandbox answers a consent capture URL but serves no capture journey to redirect from";

/// Sets the scopes of the Consent Info body to one whose status for [`MAIN`] is `status`
/// (`tests/conformance/subscribers.toml`).
fn scopes_with(world: &mut World, scope: &str) -> StepResult {
    world.json_body().insert("scopes".to_owned(), json!([scope]));
    Ok(())
}

#[allow(clippy::too_many_lines)] // one table, read top to bottom
pub(super) fn setup_steps() -> Vec<Step> {
    use Kind::Setup;
    vec![
        step(Setup, r#"^the path "[^"]*"$"#, |_, _| Ok(())),
        // Tokens, in these files' words.
        step(
            Setup,
            r#"^The header "Authorization" is set to a valid access token identifying (?:a|same) phone number$"#,
            |w, _| {
                let t = w.conformance.tokens.main.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(Setup, r"^an invalid authentication token$", |w, _| {
            w.authorize("Bearer bm90LWEtdG9rZW4tb2YtdGhpcy1zYW5kYm94");
            Ok(())
        }),
        step(Setup, r"^an access token with an invalid context$", |w, _| {
            let t = w.conformance.tokens.kyc_only.clone();
            w.authorize(&t);
            Ok(())
        }),
        step(
            Setup,
            r#"^the header "x-correlator" is set to a value which is not compliant with the schema at "[^"]*"$"#,
            |w, _| {
                w.headers
                    .insert("x-correlator".to_owned(), "not a correlator!".to_owned());
                Ok(())
            },
        ),
        // Phone numbers.
        step(
            Setup,
            r#"^the request body property "\$\.phoneNumber" is set to a valid phone number (?:supported by the service|for which the call forwarding service status could be retrieved)$"#,
            |w, _| {
                about(w, MAIN);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "\$\.phoneNumber" is set to a valid phone number for which the (?:unconditional )?call forwarding status could not be retrieved$"#,
            |w, _| {
                about(w, UNKNOWN);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "\$\.phoneNumber" is set to a proper value$"#,
            |w, _| {
                set(w, "phoneNumber", json!(MAIN));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "(\$\.phoneNumber)" is not set to a value$"#,
            |w, a| {
                w.json_body().remove(&property(&a[0]));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "(\$\.phoneNumber)" does not comply with the OAS schema at "[^"]*"$"#,
            |w, a| {
                set(w, &a[0], invalid_value(&a[0]));
                Ok(())
            },
        ),
        step(Setup, r"^the request body is set to \{\}$", |w, _| {
            w.body = Body::Raw("{}".to_owned());
            Ok(())
        }),
        // Consent Info bodies.
        step(
            Setup,
            r#"^the request body property "\$\.scopes" is set to a valid scope list$"#,
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r#"^the request body property "\$\.purpose" is set to a valid purpose for the requested scope\(s\)$"#,
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to (true|false)$"#,
            |w, a| {
                set(w, &a[0], json!(a[1] == "true"));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "\$\.scopes" and "\$\.purpose" are set to a value which is not allowed for the API Consumer$"#,
            |w, _| scopes_with(w, "location-verification:verify"),
        ),
        step(
            Setup,
            r#"^the request body property "(\$\.callbackUrl)" is set to an invalid URL$"#,
            |w, a| {
                // Plain http off loopback: the spec requires https there.
                set(w, &a[0], json!("http://consumer.example.com/consent/callback"));
                Ok(())
            },
        ),
        // The consent situations of MAIN's records.
        step(
            Setup,
            r"^the data processing is allowed for the requested scope\(s\) and purpose$",
            |w, _| scopes_with(w, "sim-swap:check"),
        ),
        step(
            Setup,
            r"^the data processing is allowed for the requested scope\(s\) and purpose with an expiration date$",
            |w, _| scopes_with(w, "sim-swap:retrieve-date"),
        ),
        step(
            Setup,
            r"^the data processing is not allowed for the requested scope\(s\) and purpose$",
            |w, _| scopes_with(w, "kyc-match:match"),
        ),
        step(
            Setup,
            r"^the data processing is not allowed for the requested scope\(s\) and purpose because it has expired$",
            |w, _| scopes_with(w, "number-verification:verify"),
        ),
        step(
            Setup,
            r"^the data processing is not allowed for the requested scope\(s\) and purpose because Consent is pending, requested or expired$",
            |w, _| scopes_with(w, "call-forwarding-signal:call-forwardings:read"),
        ),
        step(
            Setup,
            r"^the API Consumer has exceeded the maximum number of captureUrl requests for the same phone number within a certain time period$",
            |w, _| {
                about(w, CAPTURE_LIMITED);
                Ok(())
            },
        ),
        // What the sandbox does not have.
        step(
            Setup,
            r"^(?:the number of endpoints calls is equal to the business limit|the number of endpoints calls from any API Consumer is equal to the server limit)$",
            |_, _| not_applicable(NO_QUOTA),
        ),
        step(
            Setup,
            r"^(?:a new endpoint invocation is done|the endpoint is invoked)$",
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^the API Producer doesn't offer general information on the call forwarding service status$",
            |_, _| not_applicable("the sandbox offers the general call forwarding status"),
        ),
        step(
            Setup,
            r#"^a prior "retrieveStatus" request where the API Consumer requested a Consent capture URL$"#,
            |_, _| not_applicable(NO_CAPTURE_JOURNEY),
        ),
        step(
            Setup,
            r#"^the request body property "\$\.callbackUrl" was set to a valid URL belonging to the API Consumer$"#,
            |_, _| not_applicable(NO_CAPTURE_JOURNEY),
        ),
        step(
            Setup,
            r#"^(?:the User is redirected to the Consent capture URL.*|the Consent Capture process reach a final state)$"#,
            |_, _| not_applicable(NO_CAPTURE_JOURNEY),
        ),
    ]
}

/// Every item of `$.statusInfo`, or a failure.
fn status_info(world: &World) -> Result<Vec<&Value>, super::Verdict> {
    let body = &world.response()?.body;
    match body.get("statusInfo").and_then(Value::as_array) {
        Some(items) if !items.is_empty() => Ok(items.iter().collect()),
        _ => Err(super::Verdict::Failed(format!("no statusInfo in {body}"))),
    }
}

/// Checks `field` of every `$.statusInfo` item.
fn each(world: &World, field: &str, ok: impl Fn(Option<&Value>) -> bool) -> StepResult {
    for item in status_info(world)? {
        if !ok(item.get(field)) {
            return fail(format!(
                "statusInfo item {item}: {field} is {:?}",
                item.get(field)
            ));
        }
    }
    Ok(())
}

fn requested(world: &World, field: &str) -> Option<Value> {
    match &world.body {
        Body::Json(map) => map.get(field).cloned(),
        _ => None,
    }
}

fn timestamp(value: Option<&Value>) -> Option<OffsetDateTime> {
    value
        .and_then(Value::as_str)
        .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
}

#[allow(clippy::too_many_lines)] // one table, read top to bottom
pub(super) fn check_steps() -> Vec<Step> {
    use Kind::Check;
    vec![
        step(
            Check,
            r#"^the response body is a string with the value "([^"]*)"$"#,
            |w, a| {
                let body = &w.response()?.body;
                if *body == json!(a[0]) {
                    Ok(())
                } else {
                    fail(format!("the body is {body}"))
                }
            },
        ),
        step(
            Check,
            r"^the response body is an array of strings with the possible values \[(.*)\]$",
            |w, a| {
                let allowed: Vec<String> = a[0]
                    .split(',')
                    .map(|value| value.trim().trim_matches('"').to_owned())
                    .collect();
                let body = &w.response()?.body;
                match body.as_array() {
                    Some(items)
                        if !items.is_empty()
                            && items.iter().all(|item| {
                                item.as_str().is_some_and(|s| allowed.iter().any(|a| a == s))
                            }) =>
                    {
                        Ok(())
                    }
                    _ => fail(format!("the body is {body}")),
                }
            },
        ),
        step(
            Check,
            r#"^the response body property "\$\.(\w+)" is one of: \[(.*)\]$"#,
            |w, a| {
                // The listed values are JSON literals written in quotes (`["true", "false"]`).
                let allowed: Vec<String> = a[1]
                    .split(',')
                    .map(|value| value.trim().trim_matches('"').to_owned())
                    .collect();
                let body = &w.response()?.body;
                match body.get(&a[0]) {
                    Some(value) if allowed.contains(&value.to_string()) => Ok(()),
                    other => fail(format!("{} is {other:?}", a[0])),
                }
            },
        ),
        step(
            Check,
            r#"^the response property "\$\.statusInfo\[\*\]\.scopes" is either equal to or a subset of the requested scopes$"#,
            |w, _| {
                let asked = requested(w, "scopes").unwrap_or_default();
                let asked: Vec<&Value> = asked.as_array().into_iter().flatten().collect();
                each(w, "scopes", |scopes| {
                    scopes
                        .and_then(Value::as_array)
                        .is_some_and(|scopes| !scopes.is_empty() && scopes.iter().all(|s| asked.contains(&s)))
                })
            },
        ),
        step(
            Check,
            r#"^the response property "\$\.statusInfo\[\*\]\.purpose" matches the requested purpose$"#,
            |w, _| {
                let purpose = requested(w, "purpose");
                each(w, "purpose", |value| value.is_some() && value == purpose.as_ref())
            },
        ),
        step(
            Check,
            r#"^the response property "\$\.statusInfo\[\*\]\.(\w+)" is (true|false)$"#,
            |w, a| {
                let expected = json!(a[1] == "true");
                each(w, &a[0], |value| value == Some(&expected))
            },
        ),
        step(
            Check,
            r#"^the response property "\$\.statusInfo\[\*\]\.(\w+)" is present$"#,
            |w, a| each(w, &a[0], |value| value.is_some()),
        ),
        step(
            Check,
            r#"^the response property "\$\.statusInfo\[\*\]\.(\w+)" is ("[^"]*"(?:, "[^"]*")*(?: or "[^"]*")?)$"#,
            |w, a| {
                let allowed: Vec<Value> = a[1]
                    .replace(" or ", ", ")
                    .split(", ")
                    .map(|value| json!(value.trim_matches('"')))
                    .collect();
                each(w, &a[0], |value| value.is_some_and(|v| allowed.contains(v)))
            },
        ),
        step(
            Check,
            r#"^the response property "\$\.statusInfo\[\*\]\.(\w+)" is present and its value is in the (future|past)$"#,
            |w, a| {
                let now = OffsetDateTime::now_utc();
                let future = a[1] == "future";
                each(w, &a[0], |value| {
                    timestamp(value).is_some_and(|at| if future { at > now } else { at < now })
                })
            },
        ),
        step(
            Check,
            r#"^the response property "\$\.captureUrl" is present and it contains a valid URL$"#,
            |w, _| {
                let body = &w.response()?.body;
                match body.get("captureUrl").and_then(Value::as_str) {
                    Some(text) if url::Url::parse(text).is_ok() => Ok(()),
                    _ => fail(format!("no valid captureUrl in {body}")),
                }
            },
        ),
        step(
            Check,
            r#"^(?:the API Consumer receives a redirection to the callback URL provided in the original "retrieveStatus" request|the redirection includes a query parameter "\w+" with .*)$"#,
            |_, _| not_applicable(NO_CAPTURE_JOURNEY),
        ),
    ]
}
