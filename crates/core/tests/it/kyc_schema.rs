//! KYC Match JSON against the official CAMARA schemas (0.4.0 and 0.2.1).
//!
//! The YAML specs are read from `$NETID_CAMARA_SPECS`, by default the copies vendored in
//! `tests/fixtures/camara-specs/` (see `SOURCES.md` there). `$ref`s into `#/components/schemas/...` resolve because
//! each validated schema is a document `{"$ref": "#/components/schemas/<name>", "components": ...}`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use netid_core::kyc::{KycClaims, KycField, KycMatchResult, KycVersion, Matcher};
use serde_json::{Value, json};

use crate::kyc::spec_example_claims;

fn spec_path(file: &str) -> PathBuf {
    let dir = std::env::var_os("NETID_CAMARA_SPECS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/camara-specs")
        });
    dir.join(file)
}

/// A spec version: its YAML file and which [`KycVersion`] it is.
#[derive(Clone, Copy)]
struct Spec {
    file: &'static str,
    version: KycVersion,
}

const V0_4_0: Spec = Spec {
    file: "kyc-match.yaml",
    version: KycVersion::V0_4,
};
const V0_2_1: Spec = Spec {
    file: "kyc-match_v0.2.1.yaml",
    version: KycVersion::V0_2,
};

impl Spec {
    fn document(self) -> Value {
        let path = spec_path(self.file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn schema(self, name: &str) -> Value {
        let document = self.document();
        document["components"]["schemas"][name].clone()
    }

    fn validator(self, name: &str) -> jsonschema::Validator {
        let document = self.document();
        let schema = json!({
            "$ref": format!("#/components/schemas/{name}"),
            "components": document["components"],
        });
        // OpenAPI 3.0 schema objects are a dialect of draft 4; formats (`date`, `email`) are checked.
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{} {name}: {e}", self.file))
    }

    fn property_names(self, name: &str) -> BTreeSet<String> {
        let schema = self.schema(name);
        schema["properties"]
            .as_object()
            .expect("schema has properties")
            .keys()
            .cloned()
            .collect()
    }
}

fn check_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {instance}\n{}", errors.join("\n"));
}

/// The 0.2.1 subset of a claim: the fields 0.2.1 defines.
fn v0_2_claims(mut claims: KycClaims) -> KycClaims {
    claims.id_document_type = None;
    claims.id_document_expiry_date = None;
    claims.city_of_birth = None;
    claims.country_of_birth = None;
    claims.nationality = None;
    claims
}

fn stringify_integers(object: &Value) -> Value {
    let object = object.as_object().expect("example is an object");
    Value::Object(
        object
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if v.is_u64() {
                        Value::from(v.to_string())
                    } else {
                        v.clone()
                    },
                )
            })
            .collect(),
    )
}

#[test]
fn field_lists_match_both_specs() {
    for spec in [V0_4_0, V0_2_1] {
        let request: BTreeSet<String> = KycField::ALL
            .into_iter()
            .filter(|f| f.is_in(spec.version))
            .map(|f| f.as_str().to_owned())
            .chain(["phoneNumber".to_owned()])
            .collect();
        assert_eq!(
            spec.property_names("KYC_MatchRequestBody"),
            request,
            "{} request",
            spec.file
        );
        let response: BTreeSet<String> = KycField::ALL
            .into_iter()
            .filter(|f| f.is_in(spec.version))
            .flat_map(|f| [Some(f.match_key()), f.score_key_in(spec.version)])
            .flatten()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            spec.property_names("KYC_MatchResponse"),
            response,
            "{} response",
            spec.file
        );
    }
}

#[test]
fn claims_json_validates_against_both_request_schemas() {
    let full = spec_example_claims();
    let request = V0_4_0.validator("KYC_MatchRequestBody");
    check_valid(
        &request,
        &serde_json::to_value(&full).expect("serialises"),
        "0.4.0 full claims",
    );

    // What a client re-encodes from tolerant input is valid too.
    let tolerant: KycClaims = serde_json::from_value(json!({
        "phoneNumber": "33699901040",
        "gender": "Female",
        "country": "fr",
        "birthdate": "1985-03-14",
        "email": "peter.lefebvre@sfr.fr",
        "givenName": "Pet er"
    }))
    .expect("decodes");
    let tolerant = serde_json::to_value(&tolerant).expect("serialises");
    check_valid(&request, &tolerant, "0.4.0 re-encoded tolerant claims");

    let request = V0_2_1.validator("KYC_MatchRequestBody");
    check_valid(
        &request,
        &serde_json::to_value(v0_2_claims(full)).expect("serialises"),
        "0.2.1 claims",
    );
    check_valid(&request, &tolerant, "0.2.1 re-encoded tolerant claims");
}

#[test]
fn schema_refuses_what_the_tolerant_decoder_repairs() {
    // Negative controls: the validator really checks, and these are the inputs we normalise.
    let request = V0_4_0.validator("KYC_MatchRequestBody");
    for bad in [
        json!({"phoneNumber": "33699901040"}),
        json!({"gender": "Female"}),
        json!({"idDocumentType": "dni"}),
        json!({"birthdate": "22/08/1978"}),
    ] {
        assert!(!request.is_valid(&bad), "{bad}");
    }
    let response = V0_4_0.validator("KYC_MatchResponse");
    assert!(!response.is_valid(&json!({"nameMatch": true})));
    assert!(!response.is_valid(&json!({"nameMatch": "false", "nameMatchScore": 100})));
    assert!(
        V0_2_1
            .validator("KYC_MatchResponse")
            .is_valid(&json!({"nameMatch": "false", "nameMatchScore": 100}))
    );
}

#[test]
fn matcher_output_validates_against_both_response_schemas() {
    let claims = spec_example_claims();
    let mut record = spec_example_claims();
    record.given_name = Some(String::from("Frederica").into());
    record.middle_names = Some(String::from("Sanches").into());
    record.email = Some("abd@example.com".parse().expect("well-formed"));
    record.city_of_birth = None;
    record.gender = Some("FEMALE".into());
    let result = Matcher::new().match_claims(&claims, &record);
    assert_eq!(result.len(), 24);
    assert!(result.iter().any(|(_, m)| m.score.is_some()), "some scores");
    for spec in [V0_4_0, V0_2_1] {
        let body = result.to_json_value(spec.version);
        check_valid(&spec.validator("KYC_MatchResponse"), &body, spec.file);
    }
}

#[test]
fn spec_examples_decode_and_round_trip() {
    for spec in [V0_4_0, V0_2_1] {
        let document = spec.document();
        let operation = &document["paths"]["/match"]["post"];
        let requests = operation["requestBody"]["content"]["application/json"]["examples"]
            .as_object()
            .expect("request examples");
        for (name, example) in requests {
            // 0.2.1's example sends `streetNumber` and `postalCode` as integers; we write strings.
            let value = &stringify_integers(&example["value"]);
            let claims: KycClaims =
                serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                &serde_json::to_value(&claims).expect("serialises"),
                value,
                "{} {name}",
                spec.file
            );
        }
        let responses = operation["responses"]["200"]["content"]["application/json"]["examples"]
            .as_object()
            .expect("response examples");
        for (name, example) in responses {
            let value = &example["value"];
            let body = serde_json::to_vec(value).expect("serialises");
            let result = KycMatchResult::from_json_slice_strict(&body, spec.version);
            let result = result.unwrap_or_else(|e| panic!("{} {name}: {e}", spec.file));
            assert_eq!(&result.to_json_value(spec.version), value, "{} {name}", spec.file);
        }
    }
}
