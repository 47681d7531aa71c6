//! The matcher as it was before records were prepared and ASCII took a shortcut, kept as the
//! reference the property tests compare [`Matcher`](super::Matcher) with.
//!
//! It normalises both sides on every call, through the Unicode pipeline only (no ASCII shortcut), so
//! that a divergence of the shortcut shows up here too.

use unicode_normalization::UnicodeNormalization;

use super::super::normalize::{normalize_email, normalize_unicode};
use super::super::{FieldMatch, KycClaims, KycField, KycMatchResult, similarity_score};
use crate::secret::Pii;

/// The reference matcher, with the same two settings as [`Matcher`](super::Matcher).
#[derive(Debug, Clone, Copy)]
pub(super) struct ReferenceMatcher {
    pub(super) scores: bool,
    pub(super) composites: bool,
}

impl ReferenceMatcher {
    pub(super) fn match_claims(&self, claims: &KycClaims, record: &KycClaims) -> KycMatchResult {
        let mut result = KycMatchResult::new();
        for field in KycField::ALL {
            if let Some(outcome) = self.match_field(field, claims, record) {
                result.insert(field, outcome);
            }
        }
        result
    }

    fn match_field(&self, field: KycField, claims: &KycClaims, record: &KycClaims) -> Option<FieldMatch> {
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

    fn candidates(&self, field: KycField, record: &KycClaims) -> Vec<String> {
        let mut candidates = Vec::new();
        if let Some(value) = value_of(field, record) {
            candidates.push(value);
        } else if self.composites && field == KycField::Name {
            let part = |value: &Option<Pii<String>>| value.as_ref().map(|v| norm_name(v.expose_pii()));
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
            let part = |value: &Option<Pii<String>>| value.as_ref().map(|v| norm_name(v.expose_pii()));
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

fn norm_name(input: &str) -> String {
    normalize_unicode(input, true)
}

fn norm_text(input: &str) -> String {
    normalize_unicode(input, false)
}

fn norm_code(input: &str) -> String {
    norm_text(input)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .nfc()
        .collect()
}

fn join(parts: &[&Option<String>]) -> String {
    let words: Vec<&str> = parts
        .iter()
        .filter_map(|part| part.as_deref())
        .filter(|part| !part.is_empty())
        .collect();
    words.join(" ")
}

fn value_of(field: KycField, claims: &KycClaims) -> Option<String> {
    use KycField as F;
    let name = |value: &Option<Pii<String>>| value.as_ref().map(|v| norm_name(v.expose_pii()));
    let code = |value: &Option<Pii<String>>| value.as_ref().map(|v| norm_code(v.expose_pii()));
    match field {
        F::IdDocument => code(&claims.id_document),
        F::IdDocumentType => claims.id_document_type.as_ref().map(|t| norm_text(t.as_str())),
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
        F::Gender => claims.gender.as_ref().map(|g| norm_text(g.as_str())),
        F::CityOfBirth => name(&claims.city_of_birth),
        F::CountryOfBirth => claims.country_of_birth.map(|c| c.as_str().to_owned()),
        F::Nationality => claims.nationality.map(|c| c.as_str().to_owned()),
    }
}
