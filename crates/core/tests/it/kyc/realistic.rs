//! The matcher's output on realistic records from several countries, snapshotted.

use netid_core::kyc::{
    CountryAlpha2, Gender, IdDocumentType, KycClaims, KycField, KycMatchResult, KycVersion, Matcher,
};

use super::fixtures::{ORANGE_REQUEST, day, orange_record, spec_example_claims, text};

struct Case {
    name: &'static str,
    claims: KycClaims,
    record: KycClaims,
}

fn country_code(code: &str) -> Option<CountryAlpha2> {
    Some(code.parse().expect("two letters"))
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();

    let claims: KycClaims = serde_json::from_str(ORANGE_REQUEST).expect("decodes");
    cases.push(Case {
        name: "fr: Orange France page example",
        claims,
        record: orange_record(),
    });

    let mut claims = KycClaims::new();
    claims.name = text("Marie-Hélène Dupont-Aignan");
    claims.given_name = text("Marie Hélène");
    claims.family_name = text("DUPONT AIGNAN");
    claims.address = text("12, rue de l'Église");
    claims.postal_code = text("75 008");
    claims.locality = text("Paris 8e");
    claims.country = country_code("fr");
    claims.birthdate = day("1985-03-14");
    claims.email = Some("Marie.Dupont@Orange.FR".parse().expect("well-formed"));
    claims.gender = Some(Gender::Female);
    claims.city_of_birth = text("Saint-Étienne");
    claims.nationality = country_code("FR");
    let mut record = KycClaims::new();
    record.given_name = text("Marie-Helene");
    record.family_name = text("Dupont-Aignan");
    record.street_name = text("Rue de l’Eglise");
    record.street_number = text("12");
    record.postal_code = text("75008");
    record.locality = text("Paris");
    record.country = country_code("FR");
    record.birthdate = day("1985-03-15");
    record.email = Some("Marie.Dupont@orange.fr".parse().expect("well-formed"));
    record.gender = Some(Gender::from("female"));
    record.city_of_birth = text("St Etienne");
    cases.push(Case {
        name: "fr: accents, hyphens, composed address, close birth date",
        claims,
        record,
    });

    let claims = spec_example_claims();
    let mut record = spec_example_claims();
    record.id_document = text("66666666-Q");
    record.id_document_type = Some(IdDocumentType::NationalIdCard);
    record.name = None;
    record.given_name = text("Federica");
    record.family_name = text("Sánchez Arjona");
    record.middle_names = None;
    record.name_kana_hankaku = None;
    record.address = None;
    record.street_name = text("Nicolás Salmerón");
    record.region = text("Madrid");
    record.email = Some("ABC@example.com".parse().expect("well-formed"));
    record.city_of_birth = text("Sevilla");
    cases.push(Case {
        name: "es: the spec's 0.4.0 example against a Spanish record",
        claims,
        record,
    });

    let mut claims = KycClaims::new();
    claims.name = text("Jan Pieter van der Berg");
    claims.given_name = text("Jan");
    claims.middle_names = text("Pieter");
    claims.family_name = text("van der Berg");
    claims.family_name_at_birth = text("de Vries");
    claims.address = text("Prinsengracht 263-A");
    claims.street_name = text("Prinsengracht");
    claims.street_number = text("263");
    claims.house_number_extension = text("A");
    claims.postal_code = text("1016 GV");
    claims.locality = text("Amsterdam");
    claims.country = country_code("NL");
    claims.id_document = text("SPECI2014");
    claims.id_document_type = Some(IdDocumentType::Passport);
    claims.id_document_expiry_date = day("2031-01-31");
    let mut record = KycClaims::new();
    record.given_name = text("Jan");
    record.middle_names = text("Pieter");
    record.family_name = text("van den Berg");
    record.family_name_at_birth = text("de Vries");
    record.street_name = text("Prinsengracht");
    record.street_number = text("263");
    record.house_number_extension = text("a");
    record.postal_code = text("1016GV");
    record.locality = text("Amsterdam");
    record.country = country_code("NL");
    record.id_document = text("SPECI2014");
    record.id_document_type = Some(IdDocumentType::Passport);
    record.id_document_expiry_date = day("2031-01-30");
    cases.push(Case {
        name: "nl: tussenvoegsel, name at birth, house number extension",
        claims,
        record,
    });

    let mut claims = KycClaims::new();
    claims.name = text("山田 太郎");
    claims.given_name = text("太郎");
    claims.family_name = text("山田");
    claims.name_kana_hankaku = text("ﾔﾏﾀﾞ ﾀﾛｳ");
    claims.name_kana_zenkaku = text("ヤマダ　タロウ");
    claims.address = text("東京都千代田区飯田橋3-10-10");
    claims.postal_code = text("102-8460");
    claims.region = text("東京都");
    claims.locality = text("千代田区");
    claims.country = country_code("JP");
    claims.birthdate = day("1990-12-01");
    claims.gender = Some(Gender::Male);
    claims.email = Some("taro.yamada@example.co.jp".parse().expect("well-formed"));
    let mut record = KycClaims::new();
    record.name = text("山田太郎");
    record.given_name = text("太郎");
    record.family_name = text("山田");
    record.name_kana_hankaku = text("ﾔﾏﾀﾞ ﾀﾛｳ");
    record.name_kana_zenkaku = text("ヤマダ タロウ");
    record.address = text("東京都千代田区飯田橋3丁目10-10");
    record.postal_code = text("1028460");
    record.region = text("Tokyo");
    record.country = country_code("JP");
    record.birthdate = day("1990-12-01");
    record.gender = Some(Gender::Male);
    record.email = Some("taro.yamada@example.co.jp".parse().expect("well-formed"));
    cases.push(Case {
        name: "jp: kana widths, ideographic space, chome address, romanised region",
        claims,
        record,
    });

    let claims = spec_example_claims();
    cases.push(Case {
        name: "every field claimed, nothing on file",
        claims,
        record: KycClaims::new(),
    });

    cases
}

#[test]
fn matcher_output_on_realistic_records() {
    let matcher = Matcher::new();
    let mut shown = String::new();
    for case in cases() {
        let result = matcher.match_claims(&case.claims, &case.record);
        // Every claimed field, and only those, is answered; the output is valid 0.4.0.
        for field in KycField::ALL {
            assert_eq!(
                result.get(field).is_some(),
                case.claims.has(field),
                "{}: {field}",
                case.name
            );
        }
        let body = serde_json::to_vec(&result).expect("serialises");
        assert_eq!(
            KycMatchResult::from_json_slice_strict(&body, KycVersion::V0_4).as_ref(),
            Ok(&result),
            "{}",
            case.name
        );
        shown.push_str(&format!(
            "## {}\n{}\n\n",
            case.name,
            serde_json::to_string_pretty(&result).expect("serialises")
        ));
    }
    insta::assert_snapshot!(shown);
}
