//! KYC Match 0.4.0 (`{apiRoot}/kyc-match/v0.4`), `POST /match`.
//!
//! Spec: `kyc-match.yaml`, <https://github.com/camaraproject/KnowYourCustomerMatch>. Scores run from
//! 0 to 99 and only beside a `"false"` result; after the profile's tolerated quirks are rewritten,
//! `netid_core`'s strict decoder enforces the whole 0.4.0 schema.

crate::kyc_match::match_operation!(
    crate::profile::SpecVersion::KycMatch0_4_0,
    netid_core::kyc::KycVersion::V0_4,
    normalize_v0_4
);
