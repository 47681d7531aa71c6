//! SIM Swap 2.1.0 (`{apiRoot}/sim-swap/v2`).
//!
//! Spec: `sim-swap.yaml`, <https://github.com/camaraproject/SimSwap>.
//!
//! Differences from 1.0.0: `monitoredPeriod` in the retrieve-date answer; 422 codes
//! `SERVICE_NOT_APPLICABLE`, `MISSING_IDENTIFIER`, `UNNECESSARY_IDENTIFIER`; 429; no documented 5xx.

crate::swap::check_operation!(
    crate::profile::Api::SimSwap,
    crate::profile::SpecVersion::SimSwap2_1_0,
    "`sim-swap.yaml`, path `/check`",
    "SIM"
);

crate::swap::retrieve_date_operation!(
    crate::profile::Api::SimSwap,
    crate::profile::SpecVersion::SimSwap2_1_0,
    "`sim-swap.yaml`, path `/retrieve-date`",
    "SIM",
    latest_sim_change,
    "latestSimChange"
);
