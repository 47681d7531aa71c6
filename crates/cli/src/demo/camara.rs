//! The CAMARA steps: KYC Match, SIM Swap `check` and `retrieve-date`, Call Forwarding Signal, Consent
//! Info, Number Verification `verify` (plain and hashed) and `device-phone-number`, each one facade
//! call (two for Call Forwarding Signal) with a token a CIBA step obtained, checked against the
//! sandbox's reference data.

use std::time::Duration;

use netid::crates::camara::sim_swap::MaxAge;
use netid::{ConsentQuery, NumberToVerify, Operator, Subject};
use netid_core::kyc::{KycClaims, KycField, Match};
use netid_core::phone::PhoneNumber;
use netid_core::scope::ApiScope;
use netid_core::token::AccessToken;
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use super::data;
use super::record::{Done, Failed, StepResult, expect};

/// `kyc-match`: the claims of a customer claiming to be `fr-peter`, with the device's number.
pub(super) async fn kyc_match(operator: &Operator, token: &AccessToken) -> StepResult {
    let claims = data::peter_claims()?;
    let sent = claims_count(&claims);
    let number = PhoneNumber::parse_strict(data::DEVICE_NUMBER)?;
    let subject = Subject::access_token(token.clone()).with_phone_number(number);
    let reply = operator.kyc_match(subject).match_claims(claims).await?;
    let result = reply.value;
    let mut table = vec![[
        String::from("field"),
        String::from("result"),
        String::from("score"),
    ]];
    let mut fields = Vec::new();
    let mut matched = 0;
    for (field, found) in result.iter() {
        let score = found.score.map(|score| score.value());
        if found.result == Match::Matched {
            matched += 1;
        }
        table.push([
            field.as_str().to_owned(),
            found.result.as_str().to_owned(),
            score.map_or_else(|| String::from("-"), |score| score.to_string()),
        ]);
        fields.push(json!({ "field": field.as_str(), "result": found.result.as_str(), "score": score }));
    }
    let done = Done {
        summary: format!("KYC Match 0.4: {matched} of {} fields match", result.len()),
        table,
        ..Done::default()
    }
    .detail("version", reply.spec.as_str())
    .detail("fields", fields)
    .detail("correlator", reply.correlator.as_str());
    let expected_matches = data::PETER_EXPECTED_MATCHES;
    if result.len() != sent || matched != expected_matches {
        return Err(Failed {
            message: format!(
                "expected {sent} answered fields with {expected_matches} matches, got {} with {matched}",
                result.len()
            ),
            details: done.details,
        });
    }
    Ok(done)
}

fn claims_count(claims: &KycClaims) -> usize {
    KycField::ALL
        .into_iter()
        .filter(|field| claims.has(*field))
        .count()
}

/// `sim-swap-check`: no swap within the default period (240 h).
pub(super) async fn sim_swap_check(operator: &Operator, token: &AccessToken) -> StepResult {
    let hours = MaxAge::DEFAULT.hours();
    let reply = operator
        .sim_swap(Subject::access_token(token.clone()))
        .check(Duration::from_secs(u64::from(hours) * 3600))
        .await?;
    let swapped = reply.value.swapped;
    let done = Done::new(format!("SIM Swap 2.1: swapped within {hours} h: {swapped}"))
        .detail("max_age_hours", hours)
        .detail("swapped", swapped);
    expect(
        done,
        !swapped,
        "the subscriber's last SIM change is older than 240 h",
    )
}

/// `sim-swap-retrieve-date`: the reference data's SIM change day.
pub(super) async fn sim_swap_retrieve_date(operator: &Operator, token: &AccessToken) -> StepResult {
    let reply = operator
        .sim_swap(Subject::access_token(token.clone()))
        .retrieve_date()
        .await?;
    let latest = reply
        .value
        .latest_sim_change
        .and_then(|at| at.format(&Rfc3339).ok());
    let done = Done::new(format!(
        "SIM Swap 2.1: latest SIM change {}",
        latest.as_deref().unwrap_or("unknown")
    ))
    .detail("latest_sim_change", latest.clone())
    .detail("monitored_period_days", reply.value.monitored_period);
    let found = latest
        .as_deref()
        .is_some_and(|at| at.starts_with(data::PETER_SIM_CHANGE_DAY));
    expect(done, found, "the reference data's SIM change date")
}

/// `call-forwarding-signal`: `fr-peter`'s calls are forwarded unconditionally and when busy.
pub(super) async fn call_forwarding(operator: &Operator, token: &AccessToken) -> StepResult {
    let subject = || Subject::access_token(token.clone());
    let unconditional = operator
        .call_forwarding_signal(subject())
        .unconditional()
        .await?
        .value
        .active;
    let reply = operator
        .call_forwarding_signal(subject())
        .call_forwardings()
        .await?;
    let services: Vec<String> = reply.value.services.iter().map(ToString::to_string).collect();
    let done = Done::new(format!(
        "Call Forwarding Signal 0.4: unconditional {}, active: {}",
        unconditional.map_or("unknown", |active| if active { "on" } else { "off" }),
        services.join(", ")
    ))
    .detail("unconditional_active", unconditional)
    .detail("services", services.clone());
    expect(
        done,
        unconditional == Some(true) && services == data::PETER_FORWARDINGS,
        "the reference data's call forwardings",
    )
}

/// `consent-info`: `fr-peter`'s SIM Swap consent runs until a date, the KYC Match one ran out,
/// so a capture URL comes back.
pub(super) async fn consent_info(operator: &Operator, token: &AccessToken) -> StepResult {
    let query = ConsentQuery::new(
        vec![ApiScope::SimSwapCheck, ApiScope::KycMatchMatch],
        operator.purpose().clone(),
    )
    .with_capture_url();
    let reply = operator
        .consent_info(Subject::access_token(token.clone()))
        .retrieve(query)
        .await?;
    let statuses: Vec<String> = reply
        .value
        .status_info
        .iter()
        .map(|status| {
            let scopes: Vec<&str> = status.scopes.iter().map(ApiScope::as_str).collect();
            let state = status
                .status_reason
                .as_ref()
                .map_or_else(|| String::from("valid"), ToString::to_string);
            format!("{}: {state}", scopes.join(" "))
        })
        .collect();
    let captured = reply.value.capture_url.is_some();
    let done = Done::new(format!(
        "Consent Info 0.2: {}{}",
        statuses.join(" · "),
        if captured { " · capture URL given" } else { "" }
    ))
    .detail("statuses", statuses.clone())
    .detail("capture_url", captured);
    expect(
        done,
        statuses == data::PETER_CONSENTS && captured,
        "the reference data's consents and a capture URL",
    )
}

/// `number-verification-verify` and `-verify-hashed`: the device's own number is verified.
pub(super) async fn nv_verify(operator: &Operator, device: Subject, hashed: bool) -> StepResult {
    let number = PhoneNumber::parse_strict(data::DEVICE_NUMBER)?;
    let to_verify = if hashed {
        NumberToVerify::Hashed(number.hashed())
    } else {
        NumberToVerify::Plain(number.clone())
    };
    let reply = operator.number_verification(device).verify(to_verify).await?;
    let verified = reply.value.verified;
    let form = if hashed { "hashed SHA-256" } else { "plain" };
    let done = Done::new(format!(
        "Number Verification 2.1: {number} ({form}) verified: {verified}"
    ))
    .detail("phone_number", number.to_string())
    .detail("hashed", hashed)
    .detail("verified", verified);
    expect(done, verified, "the device's own number to verify")
}

/// `number-verification-device-phone-number`: the number the network attributes to the device.
pub(super) async fn nv_device_phone_number(operator: &Operator, device: Subject) -> StepResult {
    let reply = operator.number_verification(device).device_phone_number().await?;
    let number = reply.value;
    let done = Done::new(format!(
        "Number Verification 2.1: the device's number is {number}"
    ))
    .detail("device_phone_number", number.to_string());
    let same = number.expose_e164() == data::DEVICE_NUMBER;
    expect(
        done,
        same,
        "the number the sandbox's network attributes to the device",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claims_sent_are_counted_field_by_field() {
        let check = |claims: &KycClaims, expected: usize| assert_eq!(claims_count(claims), expected);
        check(&KycClaims::new(), 0);
        let peter = data::peter_claims().expect("the reference claims build");
        // Nine personal fields; the number names the subject and is not matched. Two of them do
        // not match.
        check(&peter, 9);
        assert!(data::PETER_EXPECTED_MATCHES < claims_count(&peter));
    }
}
