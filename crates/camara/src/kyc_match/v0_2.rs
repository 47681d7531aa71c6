//! KYC Match 0.2.1 (`{apiRoot}/kyc-match/v0.2`), `POST /match`.
//!
//! Spec: `kyc-match_v0.2.1.yaml`, <https://github.com/camaraproject/KnowYourCustomerMatch>. Scores
//! run from 0 to 100, only beside a `"false"` result; the middle-names score is `middleNamesScore`.
//! After the profile's tolerated quirks are rewritten, `netid_core`'s strict decoder enforces the
//! 0.2.1 schema.

crate::kyc_match::match_operation!(
    crate::profile::SpecVersion::KycMatch0_2_1,
    netid_core::kyc::KycVersion::V0_2,
    normalize_v0_2
);
