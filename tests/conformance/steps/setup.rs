//! Steps that set up the request: resource, headers, token, body, and the subscriber the scenario
//! is about.

use netid_core::phone::PhoneNumber;
use serde_json::{Value, json};

use super::{Kind, Step, fail, not_applicable, step};
use crate::sandbox::{
    KYC_NOT_APPLICABLE, LIMITED, LIMITED_DAYS, MAIN, NEVER_CONNECTED, NEVER_SWAPPED, NOT_APPLICABLE,
    OLD_SWAP, OLD_SWAP_HOURS, OTHER, OUT_OF_SERVICE,
};
use crate::world::{World, property};

const NOT_OFFERED: &str = "the sandbox offers this API to every subscriber: no number is outside the service";
/// The APIs whose subscriber data names lines outside the service (`[subscribers.line]`).
const LINE_APIS: [&str; 3] = ["device-swap", "number-recycling", "kyc-tenure"];
/// A value matching `XCorrelator` of every version.
const CORRELATOR: &str = "b4333c46-49c0-4f62-80d7-f0ef930f1c46";

/// Scenarios about a specific subscriber send its number with a two-legged token ("identified by the
/// token or provided in the request body").
pub(super) fn about(world: &mut World, number: &str) {
    let token = world.conformance.tokens.two_legged.clone();
    world.authorize(&token);
    world
        .json_body()
        .insert("phoneNumber".to_owned(), Value::from(number));
}

/// The asset behind a `NUMBERVERIFY_*` name: `…1` the token's device, `…2` another one.
pub(super) fn asset(name: &str) -> Option<&'static str> {
    match name.chars().last() {
        Some('1') => Some(MAIN),
        Some('2') => Some(OTHER),
        _ => None,
    }
}

pub(super) fn hashed(number: &str) -> String {
    PhoneNumber::parse_strict(number)
        .map(|n| n.hashed().as_str().to_owned())
        .unwrap_or_default()
}

/// Sets a property of the JSON body. The first identifier a scenario names replaces the one of
/// the default body (Number Verification takes exactly one of `phoneNumber`, `hashedPhoneNumber`).
pub(super) fn set(world: &mut World, path: &str, value: Value) {
    let name = property(path);
    if world.default_identifier && (name == "phoneNumber" || name == "hashedPhoneNumber") {
        world.default_identifier = false;
        world.json_body().remove("phoneNumber");
    }
    world.json_body().insert(name, value);
}

/// A value the property's schema refuses.
pub(super) fn invalid_value(path: &str) -> Value {
    match property(path).as_str() {
        "maxAge" => json!("ten"),
        "phoneNumber" => json!("not-a-phone-number"),
        "hashedPhoneNumber" => json!("not-a-sha256"),
        _ => json!(true),
    }
}

#[allow(clippy::too_many_lines)] // one table, read top to bottom
pub(super) fn steps() -> Vec<Step> {
    use Kind::Setup;
    vec![
        // Where the request goes: the operation of the feature file decides the path.
        step(Setup, r#"^an environment at "[^"]*"$"#, |_, _| Ok(())),
        step(
            Setup,
            r#"^the resource (?:is )?"[^"]*"(?: as (?:base url|BaseURL))?$"#,
            |_, _| Ok(()),
        ),
        step(Setup, r"^they use the base url$", |_, _| Ok(())),
        // Headers.
        step(Setup, r#"^the header "([^"]+)" is set to "([^"]*)"$"#, |w, a| {
            w.headers.insert(a[0].to_lowercase(), a[1].clone());
            Ok(())
        }),
        step(
            Setup,
            r#"^the header "([^"]+)" complies with the schema at "[^"]*"$"#,
            |w, a| {
                w.headers.insert(a[0].to_lowercase(), CORRELATOR.to_owned());
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the header "([^"]+)" is set to a UUID value$"#,
            |w, a| {
                w.headers.insert(a[0].to_lowercase(), CORRELATOR.to_owned());
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the header "([^"]+)" is (?:removed|not sent)$"#,
            |w, a| {
                w.headers.remove(&a[0].to_lowercase());
                Ok(())
            },
        ),
        // Tokens.
        step(
            Setup,
            r#"^the header "Authorization" is set to a valid access(?: token)? which does not identify a single phone number$"#,
            |w, _| {
                let t = w.conformance.tokens.two_legged.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the header "Authorization" is set to a valid access token from which the phone number cannot be deducted$"#,
            |w, _| {
                let t = w.conformance.tokens.two_legged.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the header "Authorization" is set to a valid access token emitted for a different phone number$"#,
            |w, _| {
                // A device other than the one the body names, whichever step came first.
                let tokens = &w.conformance.tokens;
                let t = if w.body_number() == Some(OTHER) {
                    tokens.main.clone()
                } else {
                    tokens.other.clone()
                };
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the (?:request )?header "Authorization" is set to a valid access token(?: identifying a phone number| from which a valid testing phone number can be deducted)?$"#,
            |w, _| {
                let t = w.conformance.tokens.main.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the header "Authorization" is set to an invalid access token(?: which is invalid for reasons other than lifetime expiry)?$"#,
            |w, _| {
                w.authorize("Bearer bm90LWEtdG9rZW4tb2YtdGhpcy1zYW5kYm94");
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^(?:the header "Authorization" is set to an expired access token|the access token has expired)$"#,
            |w, _| {
                let t = w.conformance.tokens.expired.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^(?:the header "Authorization" is set to an access token without the required scope|none of the scopes associated with the access token is \S+)$"#,
            |w, _| {
                let tokens = &w.conformance.tokens;
                let t = if w.operation.api() == "kyc-match" {
                    tokens.without_kyc.clone()
                } else {
                    tokens.kyc_only.clone()
                };
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^(?:the header "Authorization" is set to a token for which neither Network-based nor SIM-based authentication was used|the information, e\.g\. authentication method reference, associated with the access token indicates that neither Network-based nor SIM-based authentication was used)$"#,
            |w, _| {
                let t = w.conformance.tokens.by_phone_number.clone();
                w.authorize(&t);
                Ok(())
            },
        ),
        step(
            Setup,
            r"^one of the scopes associated with the access token is \S+$",
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^the token has been obtained by a supported authentication method$",
            |_, _| Ok(()),
        ),
        // The default token identifies MAIN by network-based authentication, like the code flow.
        step(
            Setup,
            r"^they acquired a valid access token associated with (NUMBERVERIFY_\w+) through OIDC authorization code flow$",
            |w, a| match asset(&a[0]) {
                Some(MAIN) => Ok(()),
                _ => {
                    let t = w.conformance.tokens.other.clone();
                    w.authorize(&t);
                    Ok(())
                }
            },
        ),
        step(
            Setup,
            r"^the connection the request is sent over originates from a device with (NUMBERVERIFY_\w+)$",
            |w, a| {
                // The sandbox's "device" is the subscriber of the network-authenticated token; a
                // token another step chose (narrower scope, other method) is kept.
                let tokens = &w.conformance.tokens;
                if asset(&a[0]) == Some(OTHER) && w.headers.get("authorization") == Some(&tokens.main) {
                    let t = tokens.other.clone();
                    w.authorize(&t);
                }
                Ok(())
            },
        ),
        step(
            Setup,
            r"^(NUMBERVERIFY_\w+) is compliant with the schema (\w+)$",
            |w, a| {
                let number = asset(&a[0]).unwrap_or_default();
                w.spec
                    .validate(&format!("/components/schemas/{}", a[1]), &json!(number))
                    .or_else(fail)
            },
        ),
        step(
            Setup,
            r"^(NUMBERVERIFY_\w+) is different to (NUMBERVERIFY_\w+)$",
            |_, a| {
                if asset(&a[0]) == asset(&a[1]) {
                    fail("same asset")
                } else {
                    Ok(())
                }
            },
        ),
        // The subscriber the scenario is about.
        step(
            Setup,
            r"^a valid (?:testing )?(?:phone number|phoneNumber)(?: supported by the service)?, identified by the (?:access )?token(?: or provided in the request body)?$",
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^a valid (?:testing )?phone number (?:supported by the service, )?identified by the (?:access )?token or provided in the request body$",
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^a valid phone number identified by the token and provided in the request body$",
            |w, _| {
                w.json_body().insert("phoneNumber".to_owned(), json!(MAIN));
                Ok(())
            },
        ),
        step(
            Setup,
            r"^(?:that the service is not available for all phone numbers commercialized by the operator|a valid phone number, identified by the token or provided in the request body, for which the service is not applicable)$",
            |w, _| {
                if LINE_APIS.contains(&w.operation.api()) {
                    about(w, NOT_APPLICABLE);
                    Ok(())
                } else if matches!(w.operation.api(), "kyc-age-verification" | "kyc-fill-in") {
                    // The KYC identity APIs do not apply to a line without identity data on file.
                    about(w, KYC_NOT_APPLICABLE);
                    Ok(())
                } else if matches!(w.operation.api(), "call-forwarding-signal" | "consent-info") {
                    // Call Forwarding Signal and Consent Info have a line outside the service.
                    about(w, OUT_OF_SERVICE);
                    Ok(())
                } else {
                    not_applicable(NOT_OFFERED)
                }
            },
        ),
        step(
            Setup,
            r#"^the request body property "[^"]+" is set to a phone number for which the service is not available$"#,
            |_, _| not_applicable(NOT_OFFERED),
        ),
        step(
            Setup,
            r"^(?:the sim for that device has never been connected to the Operator's network|the phone number is not associated to any sim card)$",
            |w, _| {
                // Device Swap answers 422 for a number never used in a device; SIM Swap has no such
                // subscriber.
                if w.operation.api() == "device-swap" {
                    about(w, NEVER_CONNECTED);
                    Ok(())
                } else {
                    not_applicable(
                        "every subscriber of the sandbox has an active SIM; an unknown number is answered 404",
                    )
                }
            },
        ),
        // SIM histories.
        step(
            Setup,
            r#"^the SIM for this phone number has been swapped in the last "?\d+"?(?: hours)?$"#,
            |_, _| {
                Ok(()) // MAIN's SIM was swapped two hours ago.
            },
        ),
        step(
            Setup,
            r"^the SIM for this phone number has been swapped$",
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^the SIM for this phone number has been swapped more than 240 hours ago$",
            |w, _| {
                about(w, OLD_SWAP);
                Ok(())
            },
        ),
        step(
            Setup,
            r"^the SIM for this phone number has been swapped before the limited history window threshold$",
            |w, _| {
                about(w, LIMITED);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "(?:\$\.)?maxAge" is set to the number of hours since the last SIM swap minus 1$"#,
            |w, _| {
                about(w, OLD_SWAP);
                set(w, "maxAge", json!(OLD_SWAP_HOURS - 1));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the last swap for this phone number's SIM was more than "maxAge" hours ago$"#,
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r"^the SIM for this phone number has never been swapped$",
            |w, _| {
                about(w, NEVER_SWAPPED);
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the activation of the SIM occurred more than "?\d+"? hours ago$"#,
            |_, _| Ok(()),
        ),
        step(
            Setup,
            r#"^(?:the "maxAge" request body property|the request body property "\$?\.?maxAge") is set to a value equal or greater than "(\d+)" within the allowed range$"#,
            |w, a| {
                let hours: u64 = a[0].parse().unwrap_or(240);
                set(w, "maxAge", json!(hours.clamp(1, 2400)));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a value less than "(\d+)" within the allowed range$"#,
            |w, a| {
                let hours: u64 = a[1].parse().unwrap_or(2);
                set(w, &a[0], json!(hours.saturating_sub(1).max(1)));
                Ok(())
            },
        ),
        step(
            Setup,
            r#"^the request body property "([^"]+)" is set to a valid value above the supported monitored period of the API Provider$"#,
            |w, a| {
                about(w, LIMITED);
                set(w, &a[0], json!(LIMITED_DAYS * 24 + 1));
                Ok(())
            },
        ),
    ]
}
