//! The matchable fields of KYC Match and their JSON names in each spec version.

use std::fmt;

/// A version of the KYC Match specification, for the fields and key names that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum KycVersion {
    /// KYC Match 0.2.x (0.2.1; Orange France's `v0.2`): no document type, document expiry date, city
    /// and country of birth or nationality; the middle-names score is spelt `middleNamesScore`.
    V0_2,
    /// KYC Match 0.4.x (0.4.0): every field of [`KycField`].
    V0_4,
}

/// Declares [`KycField`] and its per-field table from one list, so that the names cannot drift apart.
macro_rules! kyc_fields {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $claim:literal, $match_key:literal, $score_key:expr, $since:ident;
    )*) => {
        /// A field of a KYC Match request that gets a match result, in the order of the 0.4.0 spec.
        ///
        /// The subscriber's `phoneNumber` identifies the subject and is not matched, so it is not a
        /// `KycField`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum KycField {
            $( $(#[$doc])* $variant, )*
        }

        impl KycField {
            /// Every field, in spec order.
            pub const ALL: [KycField; 24] = [$(KycField::$variant,)*];

            /// The request property name (`givenName`).
            pub const fn as_str(self) -> &'static str {
                match self { $(KycField::$variant => $claim,)* }
            }

            /// The response property carrying the tri-state result (`givenNameMatch`).
            pub const fn match_key(self) -> &'static str {
                match self { $(KycField::$variant => $match_key,)* }
            }

            /// The 0.4.0 response property carrying the score (`givenNameMatchScore`), if the field has
            /// one.
            pub const fn score_key(self) -> Option<&'static str> {
                match self { $(KycField::$variant => $score_key,)* }
            }

            /// The first spec version that defines the field.
            pub const fn since(self) -> KycVersion {
                match self { $(KycField::$variant => KycVersion::$since,)* }
            }
        }
    };
}

kyc_fields! {
    /// `idDocument`: the number of the identity document.
    IdDocument => "idDocument", "idDocumentMatch", None, V0_2;
    /// `idDocumentType` (0.4.0).
    IdDocumentType => "idDocumentType", "idDocumentTypeMatch", None, V0_4;
    /// `idDocumentExpiryDate` (0.4.0).
    IdDocumentExpiryDate => "idDocumentExpiryDate", "idDocumentExpiryDateMatch", None, V0_4;
    /// `name`: the complete name.
    Name => "name", "nameMatch", Some("nameMatchScore"), V0_2;
    /// `givenName`.
    GivenName => "givenName", "givenNameMatch", Some("givenNameMatchScore"), V0_2;
    /// `familyName`.
    FamilyName => "familyName", "familyNameMatch", Some("familyNameMatchScore"), V0_2;
    /// `nameKanaHankaku`: the reading of the name in half-width katakana (Japan).
    NameKanaHankaku => "nameKanaHankaku", "nameKanaHankakuMatch", Some("nameKanaHankakuMatchScore"), V0_2;
    /// `nameKanaZenkaku`: the reading of the name in full-width katakana (Japan).
    NameKanaZenkaku => "nameKanaZenkaku", "nameKanaZenkakuMatch", Some("nameKanaZenkakuMatchScore"), V0_2;
    /// `middleNames`.
    MiddleNames => "middleNames", "middleNamesMatch", Some("middleNamesMatchScore"), V0_2;
    /// `familyNameAtBirth`.
    FamilyNameAtBirth => "familyNameAtBirth", "familyNameAtBirthMatch", Some("familyNameAtBirthMatchScore"), V0_2;
    /// `address`: the complete address.
    Address => "address", "addressMatch", Some("addressMatchScore"), V0_2;
    /// `streetName`.
    StreetName => "streetName", "streetNameMatch", Some("streetNameMatchScore"), V0_2;
    /// `streetNumber`.
    StreetNumber => "streetNumber", "streetNumberMatch", Some("streetNumberMatchScore"), V0_2;
    /// `postalCode`.
    PostalCode => "postalCode", "postalCodeMatch", None, V0_2;
    /// `region`.
    Region => "region", "regionMatch", Some("regionMatchScore"), V0_2;
    /// `locality`.
    Locality => "locality", "localityMatch", Some("localityMatchScore"), V0_2;
    /// `country`: ISO 3166-1 alpha-2 country of the address.
    Country => "country", "countryMatch", None, V0_2;
    /// `houseNumberExtension`.
    HouseNumberExtension => "houseNumberExtension", "houseNumberExtensionMatch", None, V0_2;
    /// `birthdate`.
    Birthdate => "birthdate", "birthdateMatch", None, V0_2;
    /// `email`.
    Email => "email", "emailMatch", Some("emailMatchScore"), V0_2;
    /// `gender`.
    Gender => "gender", "genderMatch", None, V0_2;
    /// `cityOfBirth` (0.4.0).
    CityOfBirth => "cityOfBirth", "cityOfBirthMatch", Some("cityOfBirthMatchScore"), V0_4;
    /// `countryOfBirth` (0.4.0).
    CountryOfBirth => "countryOfBirth", "countryOfBirthMatch", None, V0_4;
    /// `nationality` (0.4.0).
    Nationality => "nationality", "nationalityMatch", None, V0_4;
}

impl KycField {
    /// Whether the result of this field may carry a score (a `*MatchScore` property in the spec).
    pub const fn has_score(self) -> bool {
        self.score_key().is_some()
    }

    /// The position of the field in [`KycField::ALL`].
    pub(crate) const fn index(self) -> usize {
        // A field-less enum declared in `ALL` order: the discriminant is the position.
        self as usize
    }

    /// Whether `version` of the spec defines this field.
    pub fn is_in(self, version: KycVersion) -> bool {
        self.since() <= version
    }

    /// The score property as `version` spells it: 0.2.1 names the middle-names score
    /// `middleNamesScore`, every other score is `<field>MatchScore`.
    pub fn score_key_in(self, version: KycVersion) -> Option<&'static str> {
        match (self, version) {
            (KycField::MiddleNames, KycVersion::V0_2) => Some("middleNamesScore"),
            _ => self.score_key(),
        }
    }

    /// The field whose result property is `key` (`givenNameMatch`).
    pub fn from_match_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.match_key() == key)
    }

    /// The field whose score property is `key`, in either version's spelling (`givenNameMatchScore`,
    /// `middleNamesScore`).
    pub fn from_score_key(key: &str) -> Option<Self> {
        if key == "middleNamesScore" {
            return Some(KycField::MiddleNames);
        }
        Self::ALL.into_iter().find(|field| field.score_key() == Some(key))
    }
}

/// The request property name (`givenName`).
impl fmt::Display for KycField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_spec_naming() {
        for field in KycField::ALL {
            assert_eq!(field.match_key(), format!("{}Match", field.as_str()));
            if let Some(score) = field.score_key() {
                assert_eq!(score, format!("{}MatchScore", field.as_str()));
            }
            assert_eq!(KycField::from_match_key(field.match_key()), Some(field));
            if let Some(score) = field.score_key_in(KycVersion::V0_2) {
                assert_eq!(KycField::from_score_key(score), Some(field));
            }
        }
        assert_eq!(KycField::from_match_key("phoneNumberMatch"), None);
        assert_eq!(KycField::from_score_key("postalCodeMatchScore"), None);
    }

    #[test]
    fn versions_and_scores_match_the_specs() {
        let v0_4_only: Vec<_> = KycField::ALL
            .into_iter()
            .filter(|f| !f.is_in(KycVersion::V0_2))
            .collect();
        assert_eq!(
            v0_4_only,
            [
                KycField::IdDocumentType,
                KycField::IdDocumentExpiryDate,
                KycField::CityOfBirth,
                KycField::CountryOfBirth,
                KycField::Nationality
            ]
        );
        assert_eq!(KycField::ALL.into_iter().filter(|f| f.has_score()).count(), 14);
        assert_eq!(
            KycField::MiddleNames.score_key_in(KycVersion::V0_4),
            Some("middleNamesMatchScore")
        );
        assert_eq!(
            KycField::MiddleNames.score_key_in(KycVersion::V0_2),
            Some("middleNamesScore")
        );
        // Sorted as declared, so results serialise in spec order.
        let mut sorted = KycField::ALL;
        sorted.sort();
        assert_eq!(sorted, KycField::ALL);
        for (position, field) in KycField::ALL.into_iter().enumerate() {
            assert_eq!(field.index(), position, "{field}");
        }
    }
}
