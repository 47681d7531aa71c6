//! The operator side of KYC Match: compare claims with the record on file.

use super::normalize::{normalize_code, normalize_email};
use super::{
    FieldMatch, KycClaims, KycField, KycMatchResult, normalize_name, normalize_text, similarity_score,
};
use crate::secret::Pii;

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
///   `houseNumberExtension`, `region`, `locality`, `cityOfBirth`): [`normalize_name`] (NFKC, case
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

    /// Matches every field set in `claims` against `record`.
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
        let claimed = value_of(field, claims)?;
        let candidates = self.candidates(field, record);
        if candidates.is_empty() {
            return Some(FieldMatch::not_available());
        }
        if candidates.contains(&claimed) {
            return Some(FieldMatch::matched());
        }
        let score = (self.scores && field.has_score())
            .then(|| {
                candidates
                    .iter()
                    .map(|candidate| similarity_score(&claimed, candidate))
                    .max()
            })
            .flatten();
        Some(FieldMatch::mismatched(score))
    }

    /// The normalised values of `field` in the record; several for composed fields. Empty values are
    /// left out, so an empty list means `not_available`.
    fn candidates(&self, field: KycField, record: &KycClaims) -> Vec<String> {
        let mut candidates = Vec::new();
        if let Some(value) = value_of(field, record) {
            // A value that normalises to nothing (`"-"`) counts as absent, without falling back to the
            // parts: the record does say something about the field.
            candidates.push(value);
        } else if self.composites && field == KycField::Name {
            let part = |value: &Option<Pii<String>>| value.as_ref().map(|v| normalize_name(v.expose_pii()));
            let given = part(&record.given_name);
            let middle = part(&record.middle_names);
            let family = part(&record.family_name);
            let at_birth = part(&record.family_name_at_birth);
            if given.is_some() || family.is_some() {
                candidates.push(join(&[&given, &middle, &family]));
                candidates.push(join(&[&family, &given, &middle]));
                if at_birth.is_some() {
                    candidates.push(join(&[&given, &middle, &at_birth]));
                }
            }
        } else if self.composites && field == KycField::Address {
            let part = |value: &Option<Pii<String>>| value.as_ref().map(|v| normalize_name(v.expose_pii()));
            let street = part(&record.street_name);
            let number = part(&record.street_number);
            let extension = part(&record.house_number_extension);
            if street.is_some() {
                candidates.push(join(&[&street, &number, &extension]));
                candidates.push(join(&[&number, &street, &extension]));
            }
        }
        candidates.retain(|candidate| !candidate.is_empty());
        candidates.dedup();
        candidates
    }
}

/// Joins the present, non-empty parts with one space.
fn join(parts: &[&Option<String>]) -> String {
    let words: Vec<&str> = parts
        .iter()
        .filter_map(|part| part.as_deref())
        .filter(|part| !part.is_empty())
        .collect();
    words.join(" ")
}

/// The normalised value of `field` in `claims`, if set and not empty after normalisation.
fn value_of(field: KycField, claims: &KycClaims) -> Option<String> {
    use KycField as F;
    let name = |value: &Option<Pii<String>>| value.as_ref().map(|v| normalize_name(v.expose_pii()));
    let code = |value: &Option<Pii<String>>| value.as_ref().map(|v| normalize_code(v.expose_pii()));
    // A claimed value that normalises to nothing is still a claim (it mismatches any record value);
    // `candidates` drops empty values on the record side only.
    match field {
        F::IdDocument => code(&claims.id_document),
        F::IdDocumentType => claims
            .id_document_type
            .as_ref()
            .map(|t| normalize_text(t.as_str())),
        F::IdDocumentExpiryDate => claims
            .id_document_expiry_date
            .as_ref()
            .map(|d| d.expose_pii().to_string()),
        F::Name => name(&claims.name),
        F::GivenName => name(&claims.given_name),
        F::FamilyName => name(&claims.family_name),
        F::NameKanaHankaku => name(&claims.name_kana_hankaku),
        F::NameKanaZenkaku => name(&claims.name_kana_zenkaku),
        F::MiddleNames => name(&claims.middle_names),
        F::FamilyNameAtBirth => name(&claims.family_name_at_birth),
        F::Address => name(&claims.address),
        F::StreetName => name(&claims.street_name),
        F::StreetNumber => name(&claims.street_number),
        F::PostalCode => code(&claims.postal_code),
        F::Region => name(&claims.region),
        F::Locality => name(&claims.locality),
        F::Country => claims.country.map(|c| c.as_str().to_owned()),
        F::HouseNumberExtension => name(&claims.house_number_extension),
        F::Birthdate => claims.birthdate.as_ref().map(|d| d.expose_pii().to_string()),
        F::Email => claims.email.as_ref().map(|e| normalize_email(e.expose_pii())),
        F::Gender => claims.gender.as_ref().map(|g| normalize_text(g.as_str())),
        F::CityOfBirth => name(&claims.city_of_birth),
        F::CountryOfBirth => claims.country_of_birth.map(|c| c.as_str().to_owned()),
        F::Nationality => claims.nationality.map(|c| c.as_str().to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc::{Match, MatchScore};

    fn text(value: &str) -> Option<Pii<String>> {
        Some(Pii::new(value.to_owned()))
    }

    fn check(
        matcher: Matcher,
        field: KycField,
        claims: &KycClaims,
        record: &KycClaims,
        expected: Option<(Match, Option<u8>)>,
    ) {
        let got = matcher
            .match_field(field, claims, record)
            .map(|m| (m.result, m.score.map(MatchScore::value)));
        assert_eq!(got, expected, "{field}");
    }

    #[test]
    fn spec_example_clara_carla() {
        let mut claims = KycClaims::new();
        claims.given_name = text("Clara");
        let mut record = KycClaims::new();
        record.given_name = text("Carla");
        check(
            Matcher::new(),
            KycField::GivenName,
            &claims,
            &record,
            Some((Match::Mismatched, Some(88))),
        );
        check(
            Matcher::new().with_scores(false),
            KycField::GivenName,
            &claims,
            &record,
            Some((Match::Mismatched, None)),
        );
        check(Matcher::new(), KycField::FamilyName, &claims, &record, None);
        record.given_name = text("  CLÁRA ");
        check(
            Matcher::new(),
            KycField::GivenName,
            &claims,
            &record,
            Some((Match::Matched, None)),
        );
        record.given_name = text("--");
        check(
            Matcher::new(),
            KycField::GivenName,
            &claims,
            &record,
            Some((Match::NotAvailable, None)),
        );
    }

    #[test]
    fn composites() {
        let mut record = KycClaims::new();
        record.given_name = text("Federica");
        record.family_name = text("Sanchez Arjona");
        record.street_name = text("Nicolas Salmeron");
        record.street_number = text("4");
        let mut claims = KycClaims::new();
        claims.name = text("Federica Sánchez Arjona");
        claims.address = text("Nicolás Salmerón 4");
        check(
            Matcher::new(),
            KycField::Name,
            &claims,
            &record,
            Some((Match::Matched, None)),
        );
        check(
            Matcher::new(),
            KycField::Address,
            &claims,
            &record,
            Some((Match::Matched, None)),
        );
        claims.address = text("4 Nicolás Salmerón");
        check(
            Matcher::new(),
            KycField::Address,
            &claims,
            &record,
            Some((Match::Matched, None)),
        );
        claims.name = text("Sanchez Arjona Federica");
        check(
            Matcher::new(),
            KycField::Name,
            &claims,
            &record,
            Some((Match::Matched, None)),
        );
        check(
            Matcher::new().with_composites(false),
            KycField::Name,
            &claims,
            &record,
            Some((Match::NotAvailable, None)),
        );
        // A complete name on file wins over its parts.
        record.name = text("Federica S. Arjona");
        check(
            Matcher::new(),
            KycField::Name,
            &claims,
            &record,
            Some((Match::Mismatched, Some(64))),
        );
    }
}
