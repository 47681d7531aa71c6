//! The record on file, normalised once: what [`Matcher`](super::Matcher) compares claims with.

use std::fmt;

use time::Date;

use super::super::normalize::{Rules, normalize};
use super::super::{CountryAlpha2, KycClaims, KycField};
use crate::secret::Pii;

/// An operator's record on file with the normalised form of every field, computed once.
///
/// A KYC Match request normalises only the claims; the record's side is done here, when the record
/// is loaded. One prepared record serves every [`Matcher`](super::Matcher) setting: the forms of
/// `name` and `address` composed from their parts are kept apart and used only when composites are
/// on.
///
/// # Security
///
/// Holds personal data. `Debug` prints the record's redacted `Debug` (which fields are set), never a
/// value or a normalised form.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRecord {
    record: KycClaims,
    /// The normalised values of each text field, in [`KycField::ALL`] order.
    candidates: [Candidates; KycField::ALL.len()],
}

impl PreparedRecord {
    /// Normalises every field of `record`.
    pub fn new(record: KycClaims) -> Self {
        let candidates = KycField::ALL.map(|field| Candidates::of(field, &record));
        Self { record, candidates }
    }

    /// The record as loaded.
    pub fn record(&self) -> &KycClaims {
        &self.record
    }

    /// Gives the record back.
    pub fn into_record(self) -> KycClaims {
        self.record
    }

    /// The prepared values of `field`.
    pub(super) fn candidates(&self, field: KycField) -> &Candidates {
        &self.candidates[field.index()]
    }
}

impl From<KycClaims> for PreparedRecord {
    fn from(record: KycClaims) -> Self {
        Self::new(record)
    }
}

/// Prints the record's redacted `Debug`, never a normalised value.
impl fmt::Debug for PreparedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            record,
            candidates: _,
        } = self;
        f.debug_tuple("PreparedRecord").field(record).finish()
    }
}

/// The normalised values a claimed text field is compared with: none (`not_available`), the
/// record's value, or the forms composed from the parts of `name` or `address`.
#[derive(Clone, Default, PartialEq, Eq)]
pub(super) struct Candidates {
    /// Non-empty normalised values; several only for composed fields.
    values: Vec<String>,
    /// Whether `values` were composed from parts, the record having no value of its own.
    composed: bool,
}

impl Candidates {
    /// The values of `field` in `record`. Empty values are left out, so no value means
    /// `not_available`; dates and country codes are compared as values and have none here.
    pub(super) fn of(field: KycField, record: &KycClaims) -> Self {
        match claim_of(field, record) {
            Some(Claim::Text(value, rules)) => {
                // A value that normalises to nothing (`"-"`) counts as absent, without falling back
                // to the parts: the record does say something about the field.
                let value = normalize(value, rules);
                let values = if value.is_empty() { Vec::new() } else { vec![value] };
                return Self {
                    values,
                    composed: false,
                };
            }
            Some(Claim::Date(_) | Claim::Country(_)) => return Self::default(),
            None => {}
        }
        let part =
            |value: &Option<Pii<String>>| value.as_ref().map(|v| normalize(v.expose_pii(), Rules::Name));
        let mut values = Vec::new();
        if field == KycField::Name {
            let given = part(&record.given_name);
            let middle = part(&record.middle_names);
            let family = part(&record.family_name);
            let at_birth = part(&record.family_name_at_birth);
            if given.is_some() || family.is_some() {
                values.push(join(&[&given, &middle, &family]));
                values.push(join(&[&family, &given, &middle]));
                if at_birth.is_some() {
                    values.push(join(&[&given, &middle, &at_birth]));
                }
            }
        } else if field == KycField::Address {
            let street = part(&record.street_name);
            let number = part(&record.street_number);
            let extension = part(&record.house_number_extension);
            if street.is_some() {
                values.push(join(&[&street, &number, &extension]));
                values.push(join(&[&number, &street, &extension]));
            }
        }
        values.retain(|value| !value.is_empty());
        values.dedup();
        Self {
            values,
            composed: true,
        }
    }

    /// The values to compare with; composed ones only when `composites` is on.
    pub(super) fn values(&self, composites: bool) -> &[String] {
        if self.composed && !composites {
            &[]
        } else {
            &self.values
        }
    }

    /// Whether the values are the normalised form of the record's own value of the field (not
    /// composed, not empty): then a claim equal to that value, byte for byte, matches.
    pub(super) fn is_own_value(&self) -> bool {
        !self.composed && !self.values.is_empty()
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

/// The value of a field, as the matcher compares it.
#[derive(Clone, Copy)]
pub(super) enum Claim<'a> {
    /// Text, equal to another when both normalise alike under the rules.
    Text(&'a str, Rules),
    /// A date, equal to the same date.
    Date(Date),
    /// A country code, equal to the same code.
    Country(CountryAlpha2),
}

/// The value of `field` in `claims`, if set.
pub(super) fn claim_of(field: KycField, claims: &KycClaims) -> Option<Claim<'_>> {
    use KycField as F;
    fn text(value: &Option<Pii<String>>, rules: Rules) -> Option<Claim<'_>> {
        value
            .as_ref()
            .map(|v| Claim::Text(v.expose_pii().as_str(), rules))
    }
    let date = |value: &Option<Pii<Date>>| value.as_ref().map(|d| Claim::Date(*d.expose_pii()));
    let country = |value: Option<CountryAlpha2>| value.map(Claim::Country);
    match field {
        F::IdDocument => text(&claims.id_document, Rules::Code),
        F::IdDocumentType => claims
            .id_document_type
            .as_ref()
            .map(|t| Claim::Text(t.as_str(), Rules::Text)),
        F::IdDocumentExpiryDate => date(&claims.id_document_expiry_date),
        F::Name => text(&claims.name, Rules::Name),
        F::GivenName => text(&claims.given_name, Rules::Name),
        F::FamilyName => text(&claims.family_name, Rules::Name),
        F::NameKanaHankaku => text(&claims.name_kana_hankaku, Rules::Name),
        F::NameKanaZenkaku => text(&claims.name_kana_zenkaku, Rules::Name),
        F::MiddleNames => text(&claims.middle_names, Rules::Name),
        F::FamilyNameAtBirth => text(&claims.family_name_at_birth, Rules::Name),
        F::Address => text(&claims.address, Rules::Name),
        F::StreetName => text(&claims.street_name, Rules::Name),
        F::StreetNumber => text(&claims.street_number, Rules::Name),
        F::PostalCode => text(&claims.postal_code, Rules::Code),
        F::Region => text(&claims.region, Rules::Name),
        F::Locality => text(&claims.locality, Rules::Name),
        F::Country => country(claims.country),
        F::HouseNumberExtension => text(&claims.house_number_extension, Rules::Name),
        F::Birthdate => date(&claims.birthdate),
        F::Email => claims
            .email
            .as_ref()
            .map(|e| Claim::Text(e.expose_pii(), Rules::Email)),
        F::Gender => claims
            .gender
            .as_ref()
            .map(|g| Claim::Text(g.as_str(), Rules::Text)),
        F::CityOfBirth => text(&claims.city_of_birth, Rules::Name),
        F::CountryOfBirth => country(claims.country_of_birth),
        F::Nationality => country(claims.nationality),
    }
}

impl Claim<'_> {
    /// Whether two dates, or two country codes, are equal. Text is compared through its normalised
    /// form, never here.
    pub(super) fn is_same_value(self, other: Claim<'_>) -> bool {
        match (self, other) {
            (Claim::Date(a), Claim::Date(b)) => a == b,
            (Claim::Country(a), Claim::Country(b)) => a == b,
            _ => false,
        }
    }
}
