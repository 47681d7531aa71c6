//! Device Swap 1.0.0 (`{apiRoot}/device-swap/v1`).
//!
//! Spec: `device-swap.yaml`, <https://github.com/camaraproject/DeviceSwap>.
//!
//! Errors: 400 `INVALID_ARGUMENT` (and `OUT_OF_RANGE` for a `maxAge` beyond the operator's
//! privacy threshold on `/check`), 401 `UNAUTHENTICATED`, 403 `PERMISSION_DENIED`, 404
//! `NOT_FOUND`/`IDENTIFIER_NOT_FOUND`, 422 `SERVICE_NOT_APPLICABLE`, `MISSING_IDENTIFIER`,
//! `UNNECESSARY_IDENTIFIER` (every one a known [`ErrorCode`](netid_core::error_info::ErrorCode)).
//! Scopes: `device-swap` or `device-swap:check` / `device-swap:retrieve-date`.

crate::swap::check_operation!(
    crate::profile::Api::DeviceSwap,
    crate::profile::SpecVersion::DeviceSwap1_0_0,
    "`device-swap.yaml`, path `/check`",
    "device"
);

crate::swap::retrieve_date_operation!(
    crate::profile::Api::DeviceSwap,
    crate::profile::SpecVersion::DeviceSwap1_0_0,
    "`device-swap.yaml`, path `/retrieve-date`",
    "device",
    latest_device_change,
    "latestDeviceChange"
);
