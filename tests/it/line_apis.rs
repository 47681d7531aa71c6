//! Device Swap, Number Recycling and KYC Tenure against the reference operator: each outcome the
//! default subscriber set gives, through the version-independent operations of `netid-camara`, with
//! three-legged (CIBA) and two-legged (client credentials) tokens.

use netid_camara::device_swap::MaxAge;
use netid_camara::kyc_tenure::ContractType;
use netid_camara::operation::Bearer;
use netid_camara::{CallOptions, CamaraClient, CamaraError, SpecVersion};
use netid_core::error_info::ErrorCode;
use netid_core::phone::PhoneNumber;
use netid_core::scope::ApiScope;
use time::macros::date;

use crate::support::Sandbox;

const PETER: &str = "tel:+33699901040";
const ALL: [ApiScope; 4] = [
    ApiScope::DeviceSwapCheck,
    ApiScope::DeviceSwapRetrieveDate,
    ApiScope::NumberRecyclingCheck,
    ApiScope::KycTenureCheckTenure,
];

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse_strict(text).expect("valid number")
}

/// The operator's error code, or a panic naming what came instead.
fn code<T: std::fmt::Debug>(result: Result<T, CamaraError>) -> (u16, ErrorCode) {
    match result {
        Err(CamaraError::Operator(error)) => (error.status(), error.code().clone()),
        other => panic!("expected an operator error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_swap_outcomes_of_the_default_subscribers() {
    let sandbox = Sandbox::start().await;
    let client = sandbox.camara(SpecVersion::DeviceSwap1_0_0);
    let options = CallOptions::new;
    // Peter, three-legged: a new device on 2023-07-03, so none within the default 240 h.
    let token = sandbox.token(PETER, &ALL).await;
    let peter = Bearer::three_legged(&token);
    let check = client
        .device_swap_check(peter, MaxAge::DEFAULT, options())
        .await
        .expect("check");
    assert!(!check.value.swapped);
    let date = client
        .device_swap_retrieve_date(peter, options())
        .await
        .expect("retrieve-date");
    assert_eq!(
        date.value.latest_device_change.map(|at| at.unix_timestamp()),
        Some(1_688_387_228),
        "2023-07-03T14:27:08.312+02:00"
    );
    assert_eq!(date.value.monitored_period, None);

    let token = sandbox.two_legged_token(&ALL).await;
    let about = |text: &str| number(text);
    let (camille, maria, taro, unknown) = (
        about("+33612345678"),
        about("+34654654654"),
        about("+819012345678"),
        about("+33699999999"),
    );
    // Camille's device changed 20 hours ago.
    let check = client
        .device_swap_check(Bearer::two_legged(&token, &camille), MaxAge::DEFAULT, options())
        .await
        .expect("check");
    assert!(check.value.swapped);
    // Maria never changed device; her first use is older than her 30-day window.
    let date = client
        .device_swap_retrieve_date(Bearer::two_legged(&token, &maria), options())
        .await
        .expect("retrieve-date");
    assert_eq!(date.value.latest_device_change, None);
    assert_eq!(date.value.monitored_period, Some(30));
    // Beyond that window, a check is out of range.
    let wide = MaxAge::new(31 * 24).expect("in range");
    let refused = client
        .device_swap_check(Bearer::two_legged(&token, &maria), wide, options())
        .await;
    assert_eq!(code(refused), (400, ErrorCode::OutOfRange));
    // Taro's line is not covered; an unknown number is not found.
    let refused = client
        .device_swap_check(Bearer::two_legged(&token, &taro), MaxAge::DEFAULT, options())
        .await;
    assert_eq!(code(refused), (422, ErrorCode::ServiceNotApplicable));
    let refused = client
        .device_swap_retrieve_date(Bearer::two_legged(&token, &unknown), options())
        .await;
    assert_eq!(code(refused), (404, ErrorCode::IdentifierNotFound));
    sandbox.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn number_recycling_and_kyc_tenure_outcomes_of_the_default_subscribers() {
    let sandbox = Sandbox::start().await;
    let recycling = sandbox.camara(SpecVersion::NumberRecycling0_2_0);
    let tenure = sandbox.camara(SpecVersion::KycTenure0_2_0);
    let options = CallOptions::new;
    let token = sandbox.token(PETER, &ALL).await;
    let peter = Bearer::three_legged(&token);
    // Peter's contract dates from his activation, 2019-03-01, on a monthly contract.
    let answer = recycling
        .number_recycling_check(peter, date!(2023 - 12 - 22), options())
        .await
        .expect("check");
    assert!(!answer.value.recycled);
    let answer = tenure
        .kyc_tenure_check(peter, date!(2019 - 03 - 01), options())
        .await
        .expect("check-tenure");
    assert!(answer.value.tenure_date_check);
    assert_eq!(answer.value.contract_type, Some(ContractType::PayMonthly));

    let two_legged = sandbox.two_legged_token(&ALL).await;
    // Javier took his number on 2024-02-26: recycled since 2023-12-22, not since 2024-02-26; no
    // tenure since 2023; no contract type on file.
    let javier = number("+34600000002");
    let bearer = Bearer::two_legged(&two_legged, &javier);
    let check = |client: &CamaraClient, date: time::Date| {
        let client = client.clone();
        async move { client.number_recycling_check(bearer, date, options()).await }
    };
    assert!(
        check(&recycling, date!(2023 - 12 - 22))
            .await
            .expect("check")
            .value
            .recycled
    );
    assert!(
        !check(&recycling, date!(2024 - 02 - 26))
            .await
            .expect("check")
            .value
            .recycled
    );
    let answer = tenure
        .kyc_tenure_check(bearer, date!(2023 - 01 - 01), options())
        .await
        .expect("check-tenure");
    assert!(!answer.value.tenure_date_check);
    assert_eq!(answer.value.contract_type, None);
    // A date in the future, a line not covered, a token without the scope.
    let refused = check(&recycling, date!(2999 - 12 - 31)).await;
    assert_eq!(code(refused), (400, ErrorCode::OutOfRange));
    let taro = number("+819012345678");
    let refused = tenure
        .kyc_tenure_check(
            Bearer::two_legged(&two_legged, &taro),
            date!(2020 - 01 - 01),
            options(),
        )
        .await;
    assert_eq!(code(refused), (422, ErrorCode::ServiceNotApplicable));
    let narrow = sandbox.two_legged_token(&[ApiScope::NumberRecyclingCheck]).await;
    let refused = tenure
        .kyc_tenure_check(
            Bearer::two_legged(&narrow, &javier),
            date!(2020 - 01 - 01),
            options(),
        )
        .await;
    assert_eq!(code(refused), (403, ErrorCode::PermissionDenied));
    sandbox.server.shutdown().await;
}

/// The sandbox enforces the Commonalities 0.6 identifier rules the client follows: a number beside
/// a three-legged token is refused, none beside a two-legged one too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_enforces_the_identifier_rules() {
    use netid_camara::Endpoint as _;
    use netid_camara::number_recycling::v0_2::check;

    let sandbox = Sandbox::start().await;
    let client = sandbox.camara(SpecVersion::NumberRecycling0_2_0);
    let token = sandbox.token(PETER, &ALL).await;
    // Sent as is: the version-independent operation would leave the number out.
    let with_number = check::Request::new(date!(2023 - 12 - 22)).with_phone_number(number("+33699901040"));
    let refused = client.send(&token, &with_number, CallOptions::new()).await;
    assert_eq!(code(refused), (422, ErrorCode::UnnecessaryIdentifier));
    let two_legged = sandbox.two_legged_token(&ALL).await;
    let refused = client
        .send(
            &two_legged,
            &check::Request::new(date!(2023 - 12 - 22)),
            CallOptions::new(),
        )
        .await;
    assert_eq!(code(refused), (422, ErrorCode::MissingIdentifier));
    assert_eq!(check::Request::METADATA.path, "/check");
    sandbox.server.shutdown().await;
}
