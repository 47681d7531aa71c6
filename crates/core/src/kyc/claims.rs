//! The KYC Match request body and its typed values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;
use time::macros::format_description;

use crate::phone::PhoneNumber;
use crate::secret::Pii;

mod json;

pub use json::ClaimsError;

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
    #[serde(default, skip_serializing_if = "Option::is_none", with = "lenient_phone")]
    pub phone_number: Option<PhoneNumber>,
    /// `idDocument`: the number of the official identity document.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "string_or_integer"
    )]
    pub id_document: Option<Pii<String>>,
    /// `idDocumentType` (0.4.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_document_type: Option<IdDocumentType>,
    /// `idDocumentExpiryDate` (0.4.0), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "pii_date")]
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
        deserialize_with = "string_or_integer"
    )]
    pub street_number: Option<Pii<String>>,
    /// `postalCode`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "string_or_integer"
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
        deserialize_with = "string_or_integer"
    )]
    pub house_number_extension: Option<Pii<String>>,
    /// `birthdate`, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "pii_date")]
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

/// A raw value outside a spec enum, kept verbatim so that it round-trips. Not constructible outside
/// this crate: match on the known variants and treat the rest as unknown.
#[doc(hidden)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PrivOwnedStr(Box<str>);

impl fmt::Debug for PrivOwnedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The unknown value may be personal (a gender an operator invented): only its size is shown.
        write!(f, "[{} bytes]", self.0.len())
    }
}

/// Declares a spec string enum with a hidden catch-all, read without regard to ASCII case.
macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$doc:meta])* $variant:ident => $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$doc])* $variant, )*
            /// A value outside the spec's enum, kept verbatim.
            #[doc(hidden)]
            _Custom(PrivOwnedStr),
        }

        impl $name {
            /// The wire form: the spec's spelling, or the unknown value as received.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::_Custom(raw) => &raw.0,
                }
            }
        }

        /// Never fails: an unknown value becomes the hidden catch-all.
        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $( if s.eq_ignore_ascii_case($wire) { return Ok($name::$variant); } )*
                Ok($name::_Custom(PrivOwnedStr(s.into())))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s.parse() {
                    Ok(value) => value,
                    Err(never) => match never {},
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(&*text))
            }
        }
    };
}

spec_enum! {
    /// `idDocumentType` (0.4.0): the kind of identity document.
    pub enum IdDocumentType {
        /// `passport`.
        Passport => "passport",
        /// `national_id_card`.
        NationalIdCard => "national_id_card",
        /// `residence_permit`.
        ResidencePermit => "residence_permit",
        /// `diplomatic_id`.
        DiplomaticId => "diplomatic_id",
        /// `driver_licence`.
        DriverLicence => "driver_licence",
        /// `social_security_id`.
        SocialSecurityId => "social_security_id",
        /// `other`: a document type the spec does not list.
        Other => "other",
    }
}

spec_enum! {
    /// `gender`: `MALE`, `FEMALE` or `OTHER`.
    ///
    /// Read without regard to case: the Orange France page's table writes `Male/Female/Other` while its
    /// example and the spec send `FEMALE`. Always written in the spec's upper case.
    pub enum Gender {
        /// `MALE`.
        Male => "MALE",
        /// `FEMALE`.
        Female => "FEMALE",
        /// `OTHER`.
        Other => "OTHER",
    }
}

/// An ISO 3166-1 alpha-2 country code (`FR`), stored in upper case.
///
/// Any two ASCII letters are accepted: whether a code is currently assigned is the operator's
/// business, and the spec's schema checks nothing more.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryAlpha2([u8; 2]);

impl CountryAlpha2 {
    /// The code in upper case (`FR`).
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters (checked in `from_str`), so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryAlpha2 {
    type Err = KycValueError;

    /// Accepts two ASCII letters in either case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(KycValueError::Country),
        }
    }
}

impl fmt::Debug for CountryAlpha2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CountryAlpha2").field(&self.as_str()).finish()
    }
}

impl fmt::Display for CountryAlpha2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryAlpha2 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryAlpha2 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Longest address SMTP carries (RFC 5321 §4.5.3.1.3 path limit, less the angle brackets).
const MAX_EMAIL_LEN: usize = 254;
/// Longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL_LEN: usize = 64;

/// An email address of the form `local-part@domain`.
///
/// The check is structural (RFC 5321 lengths; a non-empty local part; a domain of non-empty
/// dot-separated labels; no white space or control character), not a full RFC 5322 grammar: operators
/// compare addresses, they do not deliver mail to them. Internationalised addresses are accepted.
///
/// # Security
///
/// Personal data: `Debug` prints `Email([redacted])`; the address is reachable through
/// [`Email::expose_pii`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Returns the address as given.
    ///
    /// # Security
    ///
    /// The address is personal data: do not log it or put it in an error message.
    pub fn expose_pii(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = KycValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (local, domain) = s.rsplit_once('@').ok_or(KycValueError::Email)?;
        let well_formed = s.len() <= MAX_EMAIL_LEN
            && !local.is_empty()
            && local.len() <= MAX_LOCAL_LEN
            && !domain.is_empty()
            && domain.split('.').all(|label| !label.is_empty())
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err(KycValueError::Email)
        }
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email([redacted])")
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses the spec's `YYYY-MM-DD` (RFC 3339 `full-date`): four-digit year, two-digit month and day.
pub(crate) fn parse_date(s: &str) -> Result<Date, KycValueError> {
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(KycValueError::Date);
    }
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(|_| KycValueError::Date)
}

/// Formats a date as `YYYY-MM-DD`.
///
/// # Errors
///
/// [`KycValueError::Date`] for a year outside 0000–9999, which the spec's format cannot carry.
pub(crate) fn format_date(date: Date) -> Result<String, KycValueError> {
    if !(0..=9999).contains(&date.year()) {
        return Err(KycValueError::Date);
    }
    Ok(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// `#[serde(with)]` for `Option<Pii<Date>>` in the spec's `YYYY-MM-DD`.
mod pii_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    use crate::secret::Pii;

    pub(super) fn serialize<S: Serializer>(
        date: &Option<Pii<Date>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => {
                let text = super::format_date(*date.expose_pii()).map_err(serde::ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Pii<Date>>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        text.map(|text| {
            super::parse_date(&text)
                .map(Pii::new)
                .map_err(serde::de::Error::custom)
        })
        .transpose()
    }
}

/// Reads a string, or a JSON integer as its decimal digits.
///
/// The 0.2.1 spec's own request example sends `streetNumber: 4` and `postalCode: 1028460` as YAML
/// integers, so a server reading such a body accepts integers for the fields that are often numeric
/// (`idDocument`, `streetNumber`, `postalCode`, `houseNumberExtension`). Leading zeros lost by the
/// sender cannot be restored.
fn string_or_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Pii<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StringOrInteger {
        String(String),
        Unsigned(u64),
        Signed(i64),
    }
    let value = <Option<StringOrInteger>>::deserialize(deserializer)
        .map_err(|_| serde::de::Error::custom("expected a string or an integer"))?;
    Ok(value.map(|value| match value {
        StringOrInteger::String(text) => Pii::new(text),
        StringOrInteger::Unsigned(number) => Pii::new(number.to_string()),
        StringOrInteger::Signed(number) => Pii::new(number.to_string()),
    }))
}

/// `#[serde(with)]` for `Option<PhoneNumber>`: written in E.164, read with
/// [`PhoneNumber::parse_lenient`] (Orange France's v0.2 page: "optionally prefixed with '+'").
mod lenient_phone {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::phone::PhoneNumber;

    pub(super) fn serialize<S: Serializer>(
        number: &Option<PhoneNumber>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        number.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PhoneNumber>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        text.map(|text| PhoneNumber::parse_lenient(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_country(input: &str, expected: Result<&str, KycValueError>) {
        let got = input.parse::<CountryAlpha2>();
        assert_eq!(
            got.as_ref().map(CountryAlpha2::as_str),
            expected.as_ref().map(|s| *s),
            "{input:?}"
        );
    }

    #[test]
    fn country_codes() {
        check_country("FR", Ok("FR"));
        check_country("jp", Ok("JP"));
        check_country("Es", Ok("ES"));
        check_country("F", Err(KycValueError::Country));
        check_country("FRA", Err(KycValueError::Country));
        check_country("F1", Err(KycValueError::Country));
        check_country("É", Err(KycValueError::Country));
        check_country("", Err(KycValueError::Country));
    }

    fn check_email(input: &str, ok: bool) {
        assert_eq!(input.parse::<Email>().is_ok(), ok, "{input:?}");
    }

    #[test]
    fn email_addresses() {
        check_email("peter.lefebvre@sfr.fr", true);
        check_email("abc@example.com", true);
        check_email("\"a@b\"@example.com", true);
        check_email("josé@correo.es", true);
        check_email("abc", false);
        check_email("@example.com", false);
        check_email("abc@", false);
        check_email("abc@example..com", false);
        check_email("a b@example.com", false);
        check_email(&format!("{}@example.com", "a".repeat(65)), false);
        check_email(&format!("a@{}.com", "b".repeat(250)), false);
    }

    fn check_date(input: &str, expected: Option<(i32, u8, u8)>) {
        let got = parse_date(input)
            .ok()
            .map(|d| (d.year(), u8::from(d.month()), d.day()));
        assert_eq!(got, expected, "{input:?}");
    }

    #[test]
    fn dates() {
        check_date("1978-08-22", Some((1978, 8, 22)));
        check_date("2027-07-12", Some((2027, 7, 12)));
        check_date("2024-02-29", Some((2024, 2, 29)));
        check_date("2023-02-29", None);
        check_date("1978-8-22", None);
        check_date("22/08/1978", None);
        check_date("+1978-08-22", None);
        check_date("1978-08-22T00:00:00Z", None);
        check_date("", None);
    }

    #[test]
    fn dates_outside_four_digit_years_are_not_formatted() {
        let ancient = Date::from_calendar_date(-1, time::Month::January, 1).expect("valid date");
        assert_eq!(format_date(ancient), Err(KycValueError::Date));
        let early = Date::from_calendar_date(33, time::Month::March, 3).expect("valid date");
        assert_eq!(format_date(early).as_deref(), Ok("0033-03-03"));
    }

    #[test]
    fn spec_enums_read_any_case_and_keep_unknown_values() {
        assert_eq!(Gender::from("FEMALE"), Gender::Female);
        assert_eq!(Gender::from("Female"), Gender::Female);
        assert_eq!(Gender::Female.as_str(), "FEMALE");
        let unknown = Gender::from("NON_BINARY");
        assert_eq!(unknown.as_str(), "NON_BINARY");
        assert_eq!(format!("{unknown:?}"), "_Custom([10 bytes])");
        assert_eq!(IdDocumentType::from("PASSPORT"), IdDocumentType::Passport);
        assert_eq!(IdDocumentType::from("other"), IdDocumentType::Other);
        assert_eq!(IdDocumentType::from("dni").as_str(), "dni");
    }

    #[test]
    fn is_empty_ignores_the_phone_number() {
        let mut claims = KycClaims::new();
        claims.phone_number = Some(PhoneNumber::parse_strict("+33699901040").expect("valid number"));
        assert!(claims.is_empty());
        claims.nationality = Some("FR".parse().expect("valid code"));
        assert!(!claims.is_empty());
        assert!(claims.has(super::super::KycField::Nationality));
    }
}
