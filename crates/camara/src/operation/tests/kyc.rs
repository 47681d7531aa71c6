//! KYC Match, KYC Tenure and Number Recycling: claims and calendar dates on the wire.

use std::sync::Arc;

use netid_core::kyc::{KycClaims, KycField, Match};
use netid_transport::test_util::ReplayTransport;

use super::support::{client, exchange, number, token};
use crate::client::CallOptions;
use crate::operation::*;

#[tokio::test]
async fn kyc_match_puts_the_identifier_in_the_claims() {
    let token = token();
    let number = number();
    let mut claims = KycClaims::default();
    claims.given_name = Some("Ana".to_owned().into());
    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/kyc-match/v0.4/match",
        Some(r#"{"phoneNumber":"+34654654654","givenName":"Ana"}"#),
        r#"{"givenNameMatch": "true"}"#,
    )]));
    let answer = client(&replay, SpecVersion::KycMatch0_4_0)
        .kyc_match(Bearer::two_legged(&token, &number), claims, CallOptions::new())
        .await
        .expect("match");
    assert_eq!(
        answer.value.get(KycField::GivenName).map(|found| found.result),
        Some(Match::Matched)
    );
    replay.assert_complete();
}

fn date(text: &str) -> time::Date {
    time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).expect("valid date")
}

#[tokio::test]
async fn number_recycling_and_kyc_tenure_send_calendar_dates() {
    let token = token();
    let number = number();
    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/number-recycling/v0.2/check",
        Some(r#"{"phoneNumber":"+34654654654","specifiedDate":"2024-10-31"}"#),
        r#"{"phoneNumberRecycled": true}"#,
    )]));
    let answer = client(&replay, SpecVersion::NumberRecycling0_2_0)
        .number_recycling_check(
            Bearer::two_legged(&token, &number),
            date("2024-10-31"),
            CallOptions::new(),
        )
        .await
        .expect("check");
    assert_eq!(answer.value, NumberRecycling { recycled: true });
    replay.assert_complete();

    let replay = Arc::new(ReplayTransport::new([exchange(
        "POST",
        "https://op.example/kyc-tenure/v0.2/check-tenure",
        Some(r#"{"tenureDate":"2023-07-03"}"#),
        r#"{"tenureDateCheck": true, "contractType": "PAYM"}"#,
    )]));
    let client = client(&replay, SpecVersion::KycTenure0_2_0);
    let answer = client
        .kyc_tenure_check(
            Bearer::three_legged(&token).with_phone_number(&number),
            date("2023-07-03"),
            CallOptions::new(),
        )
        .await
        .expect("check-tenure");
    assert_eq!(
        answer.value,
        KycTenure {
            tenure_date_check: true,
            contract_type: Some(crate::kyc_tenure::ContractType::PayMonthly),
        }
    );
    replay.assert_complete();
    let negative = time::Date::from_calendar_date(-1, time::Month::January, 1).expect("valid date");
    let error = client
        .kyc_tenure_check(Bearer::three_legged(&token), negative, CallOptions::new())
        .await
        .expect_err("year -1");
    assert_eq!(
        error.to_string(),
        "tenureDate must be a date between years 0000 and 9999"
    );
    assert_eq!(replay.received().len(), 1);
}
