//! CAMARA Know Your Customer Match: the claims a caller sends, the per-field result an operator
//! returns, the operator's match semantics, and a decision helper.
//!
//! Covers [KYC Match 0.4.0](https://github.com/camaraproject/KnowYourCustomerMatch) and 0.2.1 (the
//! version Orange France exposes as `v0.2`), in four parts:
//!
//! - [`KycClaims`]: the request body, one public field per spec property, with typed values
//!   ([`time::Date`] for the `YYYY-MM-DD` dates, [`CountryAlpha2`], [`Email`], [`Gender`],
//!   [`IdDocumentType`], [`PhoneNumber`](crate::phone::PhoneNumber)). Every personal value is
//!   redacted in `Debug`.
//! - [`KycMatchResult`]: one [`FieldMatch`] per [`KycField`]: a tri-state [`Match`]
//!   (`true`/`false`/`not_available`) and an optional [`MatchScore`].
//!   [`KycMatchResult::from_json_slice_strict`] accepts exactly the schema of one [`KycVersion`];
//!   what operators send beside it (booleans, scores as strings, unknown keys) is tolerated, and
//!   reported, by `netid-camara` before the body reaches this decoder.
//! - [`Matcher`]: the operator side. It compares claims with the record on file field by field and
//!   produces the result an operator would (see [`Matcher`] for the normalisation and the scores).
//!   A [`PreparedRecord`] holds a record normalised once, when the operator loads it.
//! - [`Policy`]: turns a result into [`Decision::Accept`], [`Decision::Review`] or
//!   [`Decision::Reject`] under stated per-field [`FieldRule`]s.
//!
//! Nothing here does I/O; the HTTP call lives in `netid-camara`.
//!
//! # What is borrowed and what is written here
//!
//! Unicode normalisation comes from `unicode-normalization`, full Unicode case folding from ICU4X's
//! `icu_casemap`, the Jaro-Winkler similarity from `strsim`, dates from `time`. Written here, because
//! no crate does exactly this: the normalisation pipeline (which marks count as diacritics, what
//! punctuation means in a name, the short list of letters without a decomposition that are
//! transliterated, such as `ø` → `o`; see [`normalize_text`]), the mapping of the similarity to the
//! spec's 0–99 score ([`similarity_score`]), and the email check, which is structural on purpose (an
//! operator compares addresses, it does not deliver mail, so an RFC 5322 grammar would refuse data
//! operators hold).
//!
//! # Example
//!
//! ```
//! use netid_core::kyc::{
//!     Decision, FieldRule, KycClaims, KycField, KycMatchResult, KycVersion, Match, MatchScore, Matcher,
//!     Policy,
//! };
//!
//! // The operator's record and the caller's claims (Orange France's example request).
//! let mut record = KycClaims::new();
//! record.given_name = Some(String::from("Peter").into());
//! record.family_name = Some(String::from("Lefebvre").into());
//! let mut claims = KycClaims::new();
//! claims.given_name = Some(String::from("Pet er").into());
//! claims.family_name = Some(String::from("LEFEBVRE").into());
//!
//! let result = Matcher::new().match_claims(&claims, &record);
//! let given = result.get(KycField::GivenName).expect("claimed");
//! assert_eq!(given.result, Match::Mismatched);
//! assert_eq!(given.score.map(MatchScore::value), Some(96));
//! assert_eq!(result.get(KycField::FamilyName).map(|m| m.result), Some(Match::Matched));
//!
//! // What goes on the wire, and back.
//! let json = serde_json::to_string(&result)?;
//! assert_eq!(json, r#"{"givenNameMatch":"false","givenNameMatchScore":96,"familyNameMatch":"true"}"#);
//! assert_eq!(KycMatchResult::from_json_slice_strict(json.as_bytes(), KycVersion::V0_4)?, result);
//!
//! // A caller's decision: family name must match; a given name scoring 90 or more goes to review.
//! let policy = Policy::new()
//!     .with_rule(KycField::FamilyName, FieldRule::require())
//!     .with_rule(KycField::GivenName, FieldRule::review_from(MatchScore::new(90)?));
//! assert_eq!(policy.decide(&result), Decision::Review { fields: vec![KycField::GivenName] });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod claims;
mod field;
mod matcher;
mod normalize;
mod policy;
mod result;

pub use claims::{
    ClaimsError, CountryAlpha2, Email, Gender, IdDocumentType, KycClaims, KycValueError, PrivOwnedStr,
};
pub use field::{KycField, KycVersion};
pub use matcher::{Matcher, PreparedRecord};
pub use normalize::{normalize_name, normalize_text, similarity_score};
pub use policy::{Decision, FieldRule, Policy, Verdict};
pub use result::{FieldMatch, KycMatchResult, KycResultError, Match, MatchScore};

/// Fuzzing entry point: decodes `data` as a KYC Match result of each version and checks that what
/// decodes re-encodes, in that version, to a body that decodes to an equal value.
///
/// Not part of the API; `fuzz/fuzz_targets/kyc_result.rs` calls it.
#[doc(hidden)]
pub fn fuzz_decode_result(data: &[u8]) {
    for version in [KycVersion::V0_2, KycVersion::V0_4] {
        let Ok(result) = KycMatchResult::from_json_slice_strict(data, version) else {
            continue;
        };
        assert!(
            result.iter().all(|(field, _)| field.is_in(version)),
            "decoded a field the version does not define"
        );
        let again = KycMatchResult::from_json_value_strict(&result.to_json_value(version), version);
        assert_eq!(
            again.as_ref().ok(),
            Some(&result),
            "re-encoded result decodes differently"
        );
    }
}
