//! The KYC Match request body and its typed values.
//!
//! This file holds the request body itself ([`KycClaims`]) and the error of its values; the typed
//! values live in `values.rs`, their JSON forms in `wire.rs`, and the claims-file decoder in `json.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::phone::PhoneNumber;
use crate::secret::Pii;

mod json;
mod values;
mod wire;

pub use json::ClaimsError;
pub use values::{CountryAlpha2, Email, Gender, IdDocumentType, PrivOwnedStr};
/// Why a KYC value was refused. Carries none of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KycValueError {
    /// Not two ASCII letters.
    #[error("country must be an ISO 3166-1 alpha-2 code (two letters)")]
    Country,
    /// Not `local-part@domain`.
    #[error("email address must have the form local-part@domain")]
    Email,
    /// Not a `YYYY-MM-DD` calendar date.
    #[error("date must be a calendar date in the form YYYY-MM-DD")]
    Date,
    /// Not `"true"`, `"false"` or `"not_available"`.
    #[error("match result must be \"true\", \"false\" or \"not_available\"")]
    Match,
    /// A score outside 0 to 100.
    #[error("match score must be an integer from 0 to 100")]
    Score,
}

/// The claimed or recorded identity of a customer: the body of a KYC Match request.
///
/// One public field per property of `KYC_MatchRequestBody` (0.4.0, a superset of 0.2.1), serialised
/// with the spec's camelCase names; absent fields are omitted. An unknown property is refused when
/// decoding ([`KycClaims::from_json_str`] names it and lists [`KycClaims::FIELD_NAMES`]), because a
/// misspelt claim would otherwise be dropped without a word; a server that must ignore the
/// properties it does not know keeps only [`KycClaims::FIELD_NAMES`] before decoding. The
/// [`Matcher`](super::Matcher) uses the same type for the operator's record on file.
///
/// Decoding is tolerant where operators are: `phoneNumber` may omit the `+` (the Orange France page
/// documents it "optionally prefixed with '+'"), `gender` and `idDocumentType` are read without regard
/// to case, and country codes may be lowercase.
///
/// # Security
///
/// Names, addresses, document numbers and dates are [`Pii`]; `Debug` prints `[redacted]` for every
/// field that is set (the phone number masked), so logs show which fields were sent but no value.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct KycClaims {
    /// `phoneNumber`: the subscriber, in E.164. Needed with a two-legged token; with a three-legged
    /// token it must equal the token's subject.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::lenient_phone"
    )]
    pub phone_number: Option<PhoneNumber>,
    /// `idDocument`: the number of the official identity document.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "wire::string_or_integer"
    )]
    pub id_document: Option<Pii<String>>,
    /// `idDocumentType` (0.4.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_document_type: Option<IdDocumentType>,
    /// `idDocumentExpiryDate` (0.4.0), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "wire::pii_date")]
    pub id_document_expiry_date: Option<Pii<Date>>,
    /// `name`: the complete name, composed as is usual in the country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Pii<String>>,
    /// `givenName`: first or compound given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<Pii<String>>,
    /// `familyName`: last name, family name or surname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<Pii<String>>,
    /// `nameKanaHankaku`: complete name in half-width katakana (Japan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_kana_hankaku: Option<Pii<String>>,
    /// `nameKanaZenkaku`: complete name in full-width katakana (Japan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_kana_zenkaku: Option<Pii<String>>,
    /// `middleNames`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_names: Option<Pii<String>>,
    /// `familyNameAtBirth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_at_birth: Option<Pii<String>>,
    /// `address`: the complete address, composed as is usual in the country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Pii<String>>,
    /// `streetName`, without the type of street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_name: Option<Pii<String>>,
    /// `streetNumber`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "wire::string_or_integer"
    )]
    pub street_number: Option<Pii<String>>,
    /// `postalCode`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "wire::string_or_integer"
    )]
    pub postal_code: Option<Pii<String>>,
    /// `region`: region or prefecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Pii<String>>,
    /// `locality`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<Pii<String>>,
    /// `country`: country of the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryAlpha2>,
    /// `houseNumberExtension`: apartment or other identifier within the building.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "wire::string_or_integer"
    )]
    pub house_number_extension: Option<Pii<String>>,
    /// `birthdate`, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "wire::pii_date")]
    pub birthdate: Option<Pii<Date>>,
    /// `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// `gender`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// `cityOfBirth` (0.4.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city_of_birth: Option<Pii<String>>,
    /// `countryOfBirth` (0.4.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_birth: Option<CountryAlpha2>,
    /// `nationality` (0.4.0): the nationality of the identity document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<CountryAlpha2>,
}

impl KycClaims {
    /// Claims with no field set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether no matchable field is set (the phone number aside). The spec answers such a request
    /// with `400 KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION`.
    pub fn is_empty(&self) -> bool {
        super::KycField::ALL.into_iter().all(|field| !self.has(field))
    }

    /// Whether `field` is set.
    pub fn has(&self, field: super::KycField) -> bool {
        use super::KycField as F;
        match field {
            F::IdDocument => self.id_document.is_some(),
            F::IdDocumentType => self.id_document_type.is_some(),
            F::IdDocumentExpiryDate => self.id_document_expiry_date.is_some(),
            F::Name => self.name.is_some(),
            F::GivenName => self.given_name.is_some(),
            F::FamilyName => self.family_name.is_some(),
            F::NameKanaHankaku => self.name_kana_hankaku.is_some(),
            F::NameKanaZenkaku => self.name_kana_zenkaku.is_some(),
            F::MiddleNames => self.middle_names.is_some(),
            F::FamilyNameAtBirth => self.family_name_at_birth.is_some(),
            F::Address => self.address.is_some(),
            F::StreetName => self.street_name.is_some(),
            F::StreetNumber => self.street_number.is_some(),
            F::PostalCode => self.postal_code.is_some(),
            F::Region => self.region.is_some(),
            F::Locality => self.locality.is_some(),
            F::Country => self.country.is_some(),
            F::HouseNumberExtension => self.house_number_extension.is_some(),
            F::Birthdate => self.birthdate.is_some(),
            F::Email => self.email.is_some(),
            F::Gender => self.gender.is_some(),
            F::CityOfBirth => self.city_of_birth.is_some(),
            F::CountryOfBirth => self.country_of_birth.is_some(),
            F::Nationality => self.nationality.is_some(),
        }
    }
}

/// Prints the set fields only, each as `[redacted]` (the phone number masked).
impl fmt::Debug for KycClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured exhaustively: a new field does not compile until it is classified here.
        let Self {
            phone_number,
            id_document,
            id_document_type,
            id_document_expiry_date,
            name,
            given_name,
            family_name,
            name_kana_hankaku,
            name_kana_zenkaku,
            middle_names,
            family_name_at_birth,
            address,
            street_name,
            street_number,
            postal_code,
            region,
            locality,
            country,
            house_number_extension,
            birthdate,
            email,
            gender,
            city_of_birth,
            country_of_birth,
            nationality,
        } = self;
        let mut out = f.debug_struct("KycClaims");
        if let Some(phone_number) = phone_number {
            out.field("phone_number", phone_number);
        }
        let redacted = [
            ("id_document", id_document.is_some()),
            ("id_document_type", id_document_type.is_some()),
            ("id_document_expiry_date", id_document_expiry_date.is_some()),
            ("name", name.is_some()),
            ("given_name", given_name.is_some()),
            ("family_name", family_name.is_some()),
            ("name_kana_hankaku", name_kana_hankaku.is_some()),
            ("name_kana_zenkaku", name_kana_zenkaku.is_some()),
            ("middle_names", middle_names.is_some()),
            ("family_name_at_birth", family_name_at_birth.is_some()),
            ("address", address.is_some()),
            ("street_name", street_name.is_some()),
            ("street_number", street_number.is_some()),
            ("postal_code", postal_code.is_some()),
            ("region", region.is_some()),
            ("locality", locality.is_some()),
            ("country", country.is_some()),
            ("house_number_extension", house_number_extension.is_some()),
            ("birthdate", birthdate.is_some()),
            ("email", email.is_some()),
            ("gender", gender.is_some()),
            ("city_of_birth", city_of_birth.is_some()),
            ("country_of_birth", country_of_birth.is_some()),
            ("nationality", nationality.is_some()),
        ];
        for (field, _) in redacted.iter().filter(|(_, set)| *set) {
            out.field(field, &Redacted);
        }
        out.finish()
    }
}

/// Prints `[redacted]`.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests;
