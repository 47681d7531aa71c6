//! The operator side of KYC Match: compare claims with the record on file.

mod prepared;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

pub use prepared::PreparedRecord;
use prepared::{Candidates, Claim, claim_of};

use super::normalize::{Rules, normalize_into, normalizes_to};
use super::{FieldMatch, KycClaims, KycField, KycMatchResult, similarity_score};

/// Compares claimed data with the operator's record, field by field, as a KYC Match operator does.
///
/// For every field set in the claims (the phone number aside: it selects the subscriber), the result
/// is:
/// - `not_available` when the record has no value for the field (or one that normalises to nothing,
///   such as white space and punctuation in a name);
/// - `true` when both values are equal after normalisation;
/// - `false` otherwise, with a score from 0 to 99 (see [`similarity_score`]: Jaro-Winkler, the spec's
///   default) on the fields whose result carries one ([`KycField::has_score`]) when scores are on.
///
/// Normalisation per kind of field:
/// - names, kana readings and address parts (`name`, `givenName`, `familyName`, `middleNames`,
///   `familyNameAtBirth`, `nameKana*`, `address`, `streetName`, `streetNumber`,
///   `houseNumberExtension`, `region`, `locality`, `cityOfBirth`): [`normalize_name`](super::normalize_name) (NFKC, case
///   folded, diacritics removed, white space collapsed, punctuation ignored);
/// - `idDocument` and `postalCode`: letters and digits only, case folded (`102-8460` = `1028460`);
/// - `email`: trimmed, domain compared without regard to case, local part exactly;
/// - `idDocumentType`, `gender`: the enum value, without regard to case for unknown values;
/// - dates and country codes: equal values.
///
/// Composite fields follow the spec's descriptions. When the record has no complete `name` but has its
/// parts, the claimed `name` is compared with `givenName middleNames familyName`, with the family-first
/// order `familyName givenName middleNames` (Japan, Hungary) and with `givenName middleNames
/// familyNameAtBirth` (the Netherlands); when it has no complete `address`, the claimed `address` is
/// compared with `streetName streetNumber houseNumberExtension` (Spain, the Netherlands) and with the
/// number first (`14 boulevard de Perrier`, France). The best candidate gives the result and the score.
///
/// # Cost
///
/// An operator normalises its records once, when it loads them ([`PreparedRecord`]), and matches
/// with [`Matcher::match_prepared`]; [`Matcher::match_claims`] prepares the fields it needs on every
/// call. On the claims' side, a claim equal byte for byte to the record's value matches at once;
/// other ASCII text is normalised with one table look-up per byte, without NFKC or case-folding
/// tables, into one buffer that every field of the request reuses; and Jaro-Winkler runs only for a
/// mismatch whose result carries a score, on bytes when both sides are ASCII. The result is the same
/// whichever way is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matcher {
    scores: bool,
    composites: bool,
}

impl Default for Matcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Matcher {
    /// A matcher that computes scores and composes `name` and `address` from their parts.
    pub const fn new() -> Self {
        Self {
            scores: true,
            composites: true,
        }
    }

    /// Whether mismatches carry a score (default on). An operator without scoring sends none.
    pub const fn with_scores(mut self, scores: bool) -> Self {
        self.scores = scores;
        self
    }

    /// Whether a record without a complete `name` or `address` is compared through its parts (default
    /// on). Off, such a claim is `not_available`.
    pub const fn with_composites(mut self, composites: bool) -> Self {
        self.composites = composites;
        self
    }

    /// Matches every field set in `claims` against `record`, normalising the record's side on the
    /// way. An operator holding its records should prepare them once and call
    /// [`Matcher::match_prepared`], which gives the same result.
    pub fn match_claims(&self, claims: &KycClaims, record: &KycClaims) -> KycMatchResult {
        let mut result = KycMatchResult::new();
        for field in KycField::ALL {
            if let Some(outcome) = self.match_field(field, claims, record) {
                result.insert(field, outcome);
            }
        }
        result
    }

    /// Matches one field; `None` when `claims` does not set it.
    pub fn match_field(&self, field: KycField, claims: &KycClaims, record: &KycClaims) -> Option<FieldMatch> {
        let claim = claim_of(field, claims)?;
        let candidates = Candidates::of(field, record);
        Some(self.compare(field, claim, &candidates, record, &mut String::new()))
    }

    /// Matches every field set in `claims` against a record prepared when it was loaded.
    pub fn match_prepared(&self, claims: &KycClaims, record: &PreparedRecord) -> KycMatchResult {
        let mut result = KycMatchResult::new();
        let mut scratch = String::new();
        for field in KycField::ALL {
            if let Some(claim) = claim_of(field, claims) {
                let outcome = self.compare(
                    field,
                    claim,
                    record.candidates(field),
                    record.record(),
                    &mut scratch,
                );
                result.insert(field, outcome);
            }
        }
        result
    }

    /// Matches one field against a prepared record; `None` when `claims` does not set it.
    pub fn match_field_prepared(
        &self,
        field: KycField,
        claims: &KycClaims,
        record: &PreparedRecord,
    ) -> Option<FieldMatch> {
        let claim = claim_of(field, claims)?;
        Some(self.compare(
            field,
            claim,
            record.candidates(field),
            record.record(),
            &mut String::new(),
        ))
    }

    /// The result of `claim`, the value of `field` in the claims, against the record's `candidates`
    /// for that field (`record` holds its raw value). `scratch` receives the normalised claim when it
    /// has to be built.
    fn compare(
        &self,
        field: KycField,
        claim: Claim<'_>,
        candidates: &Candidates,
        record: &KycClaims,
        scratch: &mut String,
    ) -> FieldMatch {
        let (claimed, rules) = match claim {
            Claim::Text(claimed, rules) => (claimed, rules),
            // Dates and country codes carry no score (`KycField::has_score`): equal or not.
            Claim::Date(_) | Claim::Country(_) => {
                return match claim_of(field, record) {
                    None => FieldMatch::not_available(),
                    Some(on_file) if on_file.is_same_value(claim) => FieldMatch::matched(),
                    Some(_) => FieldMatch::mismatched(None),
                };
            }
        };
        let values = candidates.values(self.composites);
        if values.is_empty() {
            return FieldMatch::not_available();
        }
        // Normalisation is a function: a claim equal to the record's own value, byte for byte,
        // normalises to the same (non-empty) form.
        if candidates.is_own_value()
            && matches!(claim_of(field, record), Some(Claim::Text(on_file, _)) if on_file == claimed)
        {
            return FieldMatch::matched();
        }
        // An email is compared in place (its domain in lower case, its local part as is). An ASCII
        // claim equal to a value but for the case of its letters matches: ASCII normalisation maps
        // both cases alike, and a value on file is already normalised, which normalising again leaves
        // unchanged. Any other claim is normalised once, into the buffer every field reuses, then
        // compared with each value and, on a mismatch, scored from there.
        let email = rules == Rules::Email;
        let equal = if email {
            values.iter().any(|value| normalizes_to(claimed, rules, value))
        } else if claimed.is_ascii() && values.iter().any(|value| value.eq_ignore_ascii_case(claimed)) {
            true
        } else {
            normalize_into(claimed, rules, scratch);
            values.iter().any(|value| value == scratch)
        };
        if equal {
            return FieldMatch::matched();
        }
        if !(self.scores && field.has_score()) {
            return FieldMatch::mismatched(None);
        }
        if email {
            normalize_into(claimed, rules, scratch);
        }
        let score = values.iter().map(|value| similarity_score(scratch, value)).max();
        FieldMatch::mismatched(score)
    }
}
