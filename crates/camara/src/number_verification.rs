//! CAMARA Number Verification: does the number the user typed belong to the device on the mobile
//! network, or which number is it?
//!
//! - [`v2`]: Number Verification 2.0.0 and 2.1.0 (`{apiRoot}/number-verification/v2`; the bodies
//!   are the same, 2.0.0 adds the 401 code `AUTHENTICATION_REQUIRED`). Served by Open Gateway
//!   (masstack) under `https://opengateway.masstack.com/v2`, without the `number-verification`
//!   segment ([`OperatorProfile::masstack_number_verification_v2`](crate::profile::OperatorProfile::masstack_number_verification_v2)).
//!
//! The token must come from a mobile-network authentication (CIBA with
//! `login_hint=operatortoken:…`, or the OIDC code flow with `prompt=none` over the mobile network);
//! otherwise the operator answers 403 `NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK`.

pub mod v2;
