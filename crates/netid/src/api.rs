//! One module per API: the marker type of its [`Call`](crate::Call)s, the [`Operator`](crate::Operator)
//! method that starts one, and its operations. A new API is a new module here and a profile entry.

pub mod call_forwarding_signal;
pub mod consent_info;
pub mod device_swap;
pub mod kyc_age_verification;
pub mod kyc_fill_in;
pub mod kyc_match;
pub mod kyc_tenure;
pub mod number_recycling;
pub mod number_verification;
pub mod sim_swap;
