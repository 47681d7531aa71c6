//! Steps of the KYC Age Verification 0.2.1 and KYC Fill-in 0.4.1 test definitions. They come before
//! the general body steps, whose "is set to a valid …" entry would otherwise take them.

use serde_json::{Value, json};

use super::setup::set;
use super::{Kind, Step, fail, step};
use crate::sandbox::{MAIN, OTHER};
use crate::world::{MAIN_KYC, World, at, on_file, property};

/// A threshold every adult on file reaches (the main subscriber was born in 1978).
const ADULT: i64 = 18;
/// A threshold no one on file reaches.
const OLDEST: i64 = 120;

fn about(world: &mut World, number: &str) {
    let token = world.conformance.tokens.two_legged.clone();
    world.authorize(&token);
    world
        .json_body()
        .insert("phoneNumber".to_owned(), Value::from(number));
}

/// The values of a step's `[a, b, …]` list, read as JSON.
fn one_of(list: &str) -> Result<Vec<Value>, super::Verdict> {
    serde_json::from_str::<Vec<Value>>(&format!("[{list}]"))
        .map_err(|error| super::Verdict::Failed(format!("unreadable list [{list}]: {error}")))
}

fn check_one_of(world: &World, path: &str, list: &str, required: bool) -> super::StepResult {
    let response = world.response()?;
    match at(&response.body, path) {
        None if required => fail(format!("{path} missing from {}", response.body)),
        None => Ok(()),
        Some(value) if one_of(list)?.contains(value) => Ok(()),
        Some(value) => fail(format!("{path} is {value}, expected one of [{list}]")),
    }
}

pub(super) fn steps() -> Vec<Step> {
    use Kind::{Check, Send, Setup};
    vec![
        // KYC Age Verification.
        step(
            Setup,
            r#"^the request body property "\$\.ageThreshold" is set to a valid value compliant with the OAS schema at "[^"]*"$"#,
            |w, _| {
                set(w, "$.ageThreshold", json!(ADULT));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the age information associated with the mobile subscription is equal or greater that the age threshold provided$",
            |w, _| {
                set(w, "$.ageThreshold", json!(ADULT));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the age information associated with the mobile subscription is lower that the age threshold provided$",
            |w, _| {
                set(w, "$.ageThreshold", json!(OLDEST));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the API Provider cannot verify the age information$",
            |w, _| {
                // The second subscriber has no birthdate on file.
                about(w, OTHER);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body optionally contains the property "([^"]+)" with a value compliant with OAS schema at "[^"]*"$"#,
            |w, a| {
                let name = property(&a[0]);
                let value = on_file(&name).map_or_else(|| json!("x"), Value::from);
                set(w, &a[0], value);
                Ok(())
            },
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
            r#"^the request body property "\$\.ageThreshold" is set to a value that is not withing the range defined in OAS schema "[^"]*"$"#,
            |w, _| {
                set(w, "$.ageThreshold", json!(OLDEST + 1));
                Ok(())
            },
        ),
        // KYC Fill-in.
        step(
            Setup,
            r#"^the header "Authorization" is set to a valid access token with the "kyc-fill-in:set-all" scope$"#,
            |w, _| {
                let t = w.conformance.tokens.main.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the access token contains the scope "kyc-fill-in:([^"]+)" and does not contain the "kyc-fill-in:set-all" scope$"#,
            |w, a| match w.conformance.tokens.fill_in.get(&a[0]).cloned() {
                Some(t) => {
                    w.authorize(&t);
                    Ok(())
                }
                None => fail(format!("no token for attribute {}", a[0])),
            },
        ),
        step(
            Setup,
            r#"^the header "Authorization" is set to a valid access which does not identify a single phone number$"#,
            |w, _| {
                let t = w.conformance.tokens.two_legged.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Send,
            r#"^the HTTPS? "([A-Z]+)" request "[^"]+" is sent$"#,
            |w, a| {
                w.method = Some(a[0].clone());
                Ok(())
            },
        ),
        // Checks.
        step(
            Check,
            r#"^the response property "([^"]+)" is "([^"]*)" or "([^"]*)"$"#,
            |w, a| {
                let response = w.response()?;
                match at(&response.body, &a[0]).and_then(Value::as_str) {
                    Some(value) if value == a[1] || value == a[2] => Ok(()),
                    other => fail(format!("{} is {other:?}, expected {} or {}", a[0], a[1], a[2])),
                }
            },
        ),
        step(
            Check,
            r#"^the response contains property "([^"]+)" whose value is one of \[(.*)\]$"#,
            |w, a| check_one_of(w, &a[0], &a[1], true),
        ),
        step(
            Check,
            r#"^if the response contains property "([^"]+)", the value is one of \[(.*)\]$"#,
            |w, a| check_one_of(w, &a[0], &a[1], false),
        ),
        step(
            Check,
            r##"^if the response contains property "([^"]+)", the value is compliant with OAS schema at "#?/components/schemas/([^"]+)"$"##,
            |w, a| {
                let response = w.response()?;
                match at(&response.body, &a[0]) {
                    None => Ok(()),
                    Some(value) => w
                        .spec
                        .validate(&format!("/components/schemas/{}", a[1]), value)
                        .or_else(|error| fail(format!("{}: {error}", a[0]))),
                }
            },
        ),
        step(
            Check,
            r"^the response body contains all the available properties defined in the schema$",
            |w, _| {
                let response = w.response()?;
                let missing: Vec<&str> = MAIN_KYC
                    .iter()
                    .map(|(name, _)| *name)
                    .chain(["phoneNumber"])
                    .filter(|name| response.body.get(*name).is_none())
                    .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    fail(format!("on file but not returned: {missing:?}"))
                }
            },
        ),
        step(
            Check,
            r#"^the response body only contains the property "([^"]+)" if it is available$"#,
            |w, a| {
                let response = w.response()?;
                let name = property(&a[0]);
                let Some(object) = response.body.as_object() else {
                    return fail("the response body is not an object");
                };
                let others: Vec<&String> = object.keys().filter(|key| **key != name).collect();
                let available = name == "phoneNumber" || on_file(&name).is_some();
                match (others.is_empty(), object.contains_key(&name), available) {
                    (false, ..) => fail(format!("properties beside {name}: {others:?}")),
                    (true, false, true) => fail(format!("{name} is on file but not returned")),
                    _ => Ok(()),
                }
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_subscriber_is_an_adult_and_the_oldest_threshold_is_in_range() {
        assert_eq!(on_file("birthdate"), Some("1978-08-22"));
        assert_eq!(MAIN, "+33699901040");
        assert!((0..=120).contains(&ADULT) && (0..=120).contains(&OLDEST));
    }
}
