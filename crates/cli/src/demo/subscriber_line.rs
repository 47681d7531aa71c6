//! The steps about the subscriber's line, one per API: Device Swap `retrieve-date`, Number
//! Recycling `check` and KYC Tenure `check-tenure`, each one facade call with the token of the `ciba`
//! step, checked against the sandbox's reference data.

use netid::{Operator, Subject};
use netid_core::token::AccessToken;
use time::format_description::well_known::Rfc3339;

use super::data;
use super::record::{Done, StepResult, expect};

/// `device-swap-retrieve-date`: the reference data's device change day.
pub(super) async fn device_swap_retrieve_date(operator: &Operator, token: &AccessToken) -> StepResult {
    let reply = operator
        .device_swap(Subject::access_token(token.clone()))
        .retrieve_date()
        .await?;
    let latest = reply
        .value
        .latest_device_change
        .and_then(|at| at.format(&Rfc3339).ok());
    let done = Done::new(format!(
        "Device Swap 1.0: latest device change {}",
        latest.as_deref().unwrap_or("unknown")
    ))
    .detail("latest_device_change", latest.clone())
    .detail("monitored_period_days", reply.value.monitored_period);
    let found = latest
        .as_deref()
        .is_some_and(|at| at.starts_with(data::PETER_DEVICE_CHANGE_DAY));
    expect(done, found, "the reference data's device change date")
}

/// `number-recycling-check`: the number has not changed hands since the day the customer signed up.
pub(super) async fn number_recycling_check(operator: &Operator, token: &AccessToken) -> StepResult {
    let since = data::PETER_SIGNED_UP;
    let reply = operator
        .number_recycling(Subject::access_token(token.clone()))
        .check(since)
        .await?;
    let recycled = reply.value.recycled;
    let done = Done::new(format!(
        "Number Recycling 0.2: subscriber changed since {since}: {recycled}"
    ))
    .detail("specified_date", since.to_string())
    .detail("phone_number_recycled", recycled);
    expect(
        done,
        !recycled,
        "the subscriber's contract is older than the date asked",
    )
}

/// `kyc-tenure-check`: a customer since before the date asked, on a monthly contract.
pub(super) async fn kyc_tenure_check(operator: &Operator, token: &AccessToken) -> StepResult {
    let since = data::PETER_TENURE_ASKED;
    let reply = operator
        .kyc_tenure(Subject::access_token(token.clone()))
        .check_tenure(since)
        .await?;
    let held = reply.value.tenure_date_check;
    let contract = reply
        .value
        .contract_type
        .as_ref()
        .map(|kind| kind.as_str().to_owned());
    let done = Done::new(format!(
        "KYC Tenure 0.2: customer since {since}: {held} ({} contract)",
        contract.as_deref().unwrap_or("unknown")
    ))
    .detail("tenure_date", since.to_string())
    .detail("tenure_date_check", held)
    .detail("contract_type", contract.clone());
    expect(
        done,
        held && contract.as_deref() == Some(data::PETER_CONTRACT_TYPE),
        "tenure since the date asked, on the reference data's contract type",
    )
}
