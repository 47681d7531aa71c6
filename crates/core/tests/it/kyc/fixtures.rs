//! Claims and records shared by the example and realistic-record tests: the spec's 0.4.0 example
//! and Orange France's published request, response and implied record.

use netid_core::kyc::KycClaims;
use netid_core::secret::Pii;
use time::Date;

pub(super) fn text(value: &str) -> Option<Pii<String>> {
    Some(Pii::new(value.to_owned()))
}

pub(super) fn day(text: &str) -> Option<Pii<Date>> {
    let date: Date = serde_json::from_value(serde_json::json!({ "birthdate": text }))
        .map(|c: KycClaims| *c.birthdate.expect("set").expose_pii())
        .expect("valid date");
    Some(Pii::new(date))
}

/// Every field set: the spec's 0.4.0 example with Federica Sanchez Arjona.
pub(crate) fn spec_example_claims() -> KycClaims {
    let json = serde_json::json!({
        "phoneNumber": "+34629255833",
        "idDocument": "66666666q",
        "idDocumentType": "passport",
        "idDocumentExpiryDate": "2027-07-12",
        "name": "Federica Sanchez Arjona",
        "givenName": "Federica",
        "familyName": "Sanchez Arjona",
        "nameKanaHankaku": "federica",
        "nameKanaZenkaku": "Ｆｅｄｅｒｉｃａ",
        "middleNames": "Sanchez",
        "familyNameAtBirth": "YYYY",
        "address": "Tokyo-to Chiyoda-ku Iidabashi 3-10-10",
        "streetName": "Nicolas Salmeron",
        "streetNumber": "4",
        "postalCode": "1028460",
        "region": "Tokyo",
        "locality": "ZZZZ",
        "country": "JP",
        "houseNumberExtension": "VVVV",
        "birthdate": "1978-08-22",
        "email": "abc@example.com",
        "gender": "OTHER",
        "cityOfBirth": "Madrid",
        "countryOfBirth": "ES",
        "nationality": "ES"
    });
    serde_json::from_value(json).expect("the spec example decodes")
}

/// Orange France's KYC Match v0.2 page: its example request, verbatim.
pub(super) const ORANGE_REQUEST: &str = r#"{
"phoneNumber": "+33699901040",
"givenName": "Pet er",
"familyName": "Lefebvre",
"address": "14 blevard de Perrier",
"locality": "Gilbert",
"email": "peter.lefebvre@sfr.fr",
"country": "FR",
"postalCode": "44000",
"gender": "FEMALE"
}"#;

/// Orange France's KYC Match v0.2 page: its example response, verbatim.
pub(super) const ORANGE_RESPONSE: &str = r#"{
"givenNameMatch": "false",
"givenNameMatchScore": 96,
"familyNameMatch": "true",
"addressMatch": "false",
"addressMatchScore": 98,
"postalCodeMatch": "true",
"localityMatch": "true",
"countryMatch": "true",
"emailMatch": "true",
"genderMatch": "not_available"
}"#;

/// The record the Orange example implies: the request corrected, and no gender on file.
pub(super) fn orange_record() -> KycClaims {
    let mut record = KycClaims::new();
    record.given_name = text("Peter");
    record.family_name = text("Lefebvre");
    record.address = text("14 boulevard de Perrier");
    record.locality = text("Gilbert");
    record.email = Some("peter.lefebvre@sfr.fr".parse().expect("well-formed"));
    record.country = Some("FR".parse().expect("two letters"));
    record.postal_code = text("44000");
    record
}
