//! The sandbox's reference subscribers the demo uses (`crates/server/data/subscribers.toml`) and
//! what the demo expects the operator to answer about them.

use netid_core::kyc::{Gender, KycClaims};
use netid_core::phone::PhoneNumber;
use netid_core::secret::Pii;
use time::macros::date;

/// `fr-peter`: approves CIBA requests; the person of the Orange France KYC Match page.
pub(super) const PETER: &str = "tel:+33699901040";
/// `fr-camille`: refuses every CIBA request.
pub(super) const CAMILLE: &str = "tel:+33612345678";
/// `es-never`: never answers, so the request expires.
pub(super) const NEVER: &str = "tel:+34600000002";
/// The operator the sandbox hosts beside itself (under `/operators/sandbox-jp`) for the numbers
/// of [`HOSTED_PREFIX`], with the sandbox's subscribers there.
pub(super) const HOSTED_OPERATOR_ID: &str = "sandbox-jp";
/// The prefix the Telco Finder routes to [`HOSTED_OPERATOR_ID`].
pub(super) const HOSTED_PREFIX: &str = "+81";
/// Taro, a subscriber of the hosted operator.
pub(super) const TARO: &str = "+819012345678";
/// A device on the sandbox's mobile network (an address from TEST-NET-2, RFC 5737); the network
/// attributes it to `fr-peter`.
pub(super) const DEVICE_IPPORT: &str = "ipport:198.51.100.7:40404";
/// The number of that device.
pub(super) const DEVICE_NUMBER: &str = "+33699901040";
/// `fr-peter`'s active call forwardings.
pub(super) const PETER_FORWARDINGS: [&str; 2] = ["unconditional", "conditional_busy"];
/// `fr-peter`'s consents for SIM Swap `check` and KYC Match, as the demo shows them.
pub(super) const PETER_CONSENTS: [&str; 2] = ["sim-swap:check: valid", "kyc-match:match: EXPIRED"];
/// The day of `fr-peter`'s latest SIM change.
pub(super) const PETER_SIM_CHANGE_DAY: &str = "2023-09-05";
/// The day of `fr-peter`'s latest device change (in UTC; the reference data gives it at +02:00).
pub(super) const PETER_DEVICE_CHANGE_DAY: &str = "2023-07-03";
/// When `fr-peter` signed up with the demo's business: his contract with the operator (since his
/// line's activation, 2019-03-01) is older, so the number has not been recycled since.
pub(super) const PETER_SIGNED_UP: time::Date = date!(2023 - 12 - 22);
/// The tenure the demo asks of `fr-peter`: a customer since 2020.
pub(super) const PETER_TENURE_ASKED: time::Date = date!(2020 - 01 - 01);
/// `fr-peter`'s contract type on file.
pub(super) const PETER_CONTRACT_TYPE: &str = "PAYM";

/// What a customer claiming to be `fr-peter` types in: the right names, postal code, town, country,
/// birth date and e-mail, an abbreviated street address (a mismatch with a score), and a gender
/// the operator does not hold (`not_available`).
pub(super) fn peter_claims() -> Result<KycClaims, netid_core::phone::PhoneNumberError> {
    let mut claims = KycClaims::new();
    claims.phone_number = Some(PhoneNumber::parse_strict(DEVICE_NUMBER)?);
    claims.given_name = Some(Pii::new(String::from("Peter")));
    claims.family_name = Some(Pii::new(String::from("Lefebvre")));
    claims.address = Some(Pii::new(String::from("14 bd de Perrier")));
    claims.postal_code = Some(Pii::new(String::from("44000")));
    claims.locality = Some(Pii::new(String::from("Gilbert")));
    claims.country = "FR".parse().ok();
    claims.birthdate = Some(Pii::new(date!(1985 - 04 - 12)));
    claims.email = "peter.lefebvre@sfr.fr".parse().ok();
    claims.gender = Some(Gender::Male);
    Ok(claims)
}

/// How many of [`peter_claims`] match: all but the address and the gender.
pub(super) const PETER_EXPECTED_MATCHES: usize = 7;
