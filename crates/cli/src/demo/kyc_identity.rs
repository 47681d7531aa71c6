//! The KYC Age Verification and KYC Fill-in steps, with the subscriber's token: `fr-peter` is an
//! adult whose line has neither content lock nor parental control, and whose record fills a form.

use netid::{AgeCheck, AgeQuery, AgeThreshold, Operator, Subject};
use netid_core::kyc::{KycClaims, KycField};
use netid_core::token::AccessToken;

use super::record::{Done, StepResult, expect};

/// `kyc-age-verification`: at least 18, with the line's parental control asked for.
pub(super) async fn age_verification(operator: &Operator, token: &AccessToken) -> StepResult {
    let threshold = AgeThreshold::new(18)?;
    let reply = operator
        .kyc_age_verification(Subject::access_token(token.clone()))
        .verify(AgeQuery::new(threshold).with_parental_control())
        .await?;
    let answer = reply.value;
    let control = answer.parental_control.map(|control| control.as_str());
    let done = Done::new(format!(
        "KYC Age Verification 0.2: at least {threshold}: {}, parental control: {}",
        answer.age_check,
        control.unwrap_or("not returned")
    ))
    .detail("age_check", answer.age_check.as_str())
    .detail("verified_status", answer.verified_status)
    .detail("parental_control", control);
    expect(done, answer.age_check == AgeCheck::AtLeast, "an adult on file")
}

/// `kyc-fill-in`: which attributes the operator fills in (their values stay out of the report).
pub(super) async fn fill_in(operator: &Operator, token: &AccessToken) -> StepResult {
    let reply = operator
        .kyc_fill_in(Subject::access_token(token.clone()))
        .fill_in()
        .await?;
    let attributes = filled(&reply.value);
    let done = Done::new(format!(
        "KYC Fill-in 0.4: {} attributes filled in",
        attributes.len()
    ))
    .detail("attributes", attributes.clone());
    expect(
        done,
        attributes.contains(&"givenName") && attributes.contains(&"birthdate"),
        "the subscriber's names and birth date on file",
    )
}

/// The names of the attributes set in `record`, never their values.
fn filled(record: &KycClaims) -> Vec<&'static str> {
    KycField::ALL
        .into_iter()
        .filter(|field| record.has(*field))
        .map(KycField::as_str)
        .collect()
}
