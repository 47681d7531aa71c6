//! Device Swap, Number Recycling and KYC Tenure through the facade, against the sandbox: one call per
//! operation on the `camara-*` profile of each, the scope CAMARA names for it, and the caller's
//! input refused before any flow starts.

use std::time::Duration;

use netid::{ContractType, Error, SpecVersion};
use netid_core::phone::PhoneNumber;
use netid_server::ServerConfig;
use time::macros::date;

use crate::support::{operator, sandbox};

const FRAUD: &str = "openid dpv:FraudPreventionAndDetection";

fn peter() -> PhoneNumber {
    PhoneNumber::parse_strict("+33699901040").expect("valid number")
}

#[tokio::test(flavor = "multi_thread")]
async fn one_call_per_operation() {
    let server = sandbox(ServerConfig::demo()).await;
    let (operator, counting) = operator(
        &server,
        "issuer = \"{issuer}\"\n\
         [device-swap]\nprofile = \"camara-1.0.0\"\nbase-url = \"{issuer}/device-swap/v1\"\n\
         [number-recycling]\nprofile = \"camara-0.2.0\"\nbase-url = \"{issuer}/number-recycling/v0.2\"\n\
         [kyc-tenure]\nprofile = \"camara-0.2.0\"\nbase-url = \"{issuer}/kyc-tenure/v0.2\"",
    );
    let scope = |reply_scope: Option<&netid_core::scope::Scope>| reply_scope.map(ToString::to_string);

    // Peter's device changed on 2023-07-03: not within 240 hours, within 2400 is before 2023 too.
    let reply = operator
        .device_swap(peter())
        .check(Duration::from_secs(240 * 3600))
        .await
        .expect("check");
    assert!(!reply.value.swapped);
    assert_eq!((reply.status, reply.spec), (200, SpecVersion::DeviceSwap1_0_0));
    assert_eq!(
        scope(reply.token.scope.as_ref()),
        Some(format!("{FRAUD} device-swap:check"))
    );
    let reply = operator
        .device_swap(peter())
        .retrieve_date()
        .await
        .expect("retrieve-date");
    assert_eq!(
        reply.value.latest_device_change.map(|at| at.unix_timestamp()),
        Some(1_688_387_228)
    );
    assert_eq!(
        scope(reply.token.scope.as_ref()),
        Some(format!("{FRAUD} device-swap:retrieve-date"))
    );

    let reply = operator
        .number_recycling(peter())
        .check(date!(2023 - 12 - 22))
        .await
        .expect("number recycling");
    assert!(!reply.value.recycled);
    assert_eq!(reply.spec, SpecVersion::NumberRecycling0_2_0);
    assert_eq!(
        scope(reply.token.scope.as_ref()),
        Some(format!("{FRAUD} number-recycling:check"))
    );

    let reply = operator
        .kyc_tenure(peter())
        .check_tenure(date!(2020 - 01 - 01))
        .await
        .expect("kyc tenure");
    assert!(reply.value.tenure_date_check);
    assert_eq!(reply.value.contract_type, Some(ContractType::PayMonthly));
    assert_eq!(reply.spec, SpecVersion::KycTenure0_2_0);
    assert_eq!(
        scope(reply.token.scope.as_ref()),
        Some(format!("{FRAUD} kyc-tenure:check-tenure"))
    );
    // One CIBA flow per scope.
    assert_eq!(counting.count("/bc-authorize"), 4);

    // A max age that is not whole hours in range is refused before any flow starts.
    let refused = operator
        .device_swap(peter())
        .check(Duration::from_secs(90 * 60))
        .await
        .expect_err("not whole hours");
    assert!(matches!(refused, Error::Input(_)), "{refused:?}");
    assert_eq!(counting.count("/bc-authorize"), 4);
    server.shutdown().await;
}
