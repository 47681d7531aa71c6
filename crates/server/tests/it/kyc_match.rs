//! KYC Match.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{ANNA, FRAUD, PETER, TARO, start};

#[tokio::test]
async fn kyc_match_v0_2_orange_france_page_example() {
    let env = start().await;
    let token = env
        .ciba_token("33699901040", &format!("{FRAUD} kyc-match:match"))
        .await;
    // The request of the Orange France page, verbatim.
    let answer = env
        .api(
            "/camara/ofr/kyc-match/v0.2/match",
            token["access_token"].as_str(),
            Some(json!({
                "phoneNumber": "+33699901040",
                "givenName": "Pet er",
                "familyName": "Lefebvre",
                "address": "14 blevard de Perrier",
                "locality": "Gilbert",
                "email": "peter.lefebvre@sfr.fr",
                "country": "FR",
                "postalCode": "44000",
                "gender": "FEMALE"
            })),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.header("x-correlator"),
        Some("b4333c46-49c0-4f62-80d7-f0ef930f1c46")
    );
    // The response of the same page, verbatim.
    assert_eq!(
        answer.body,
        json!({
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
        })
    );
}

#[tokio::test]
async fn kyc_match_v0_4_and_errors() {
    let env = start().await;
    let token = env.access_token(TARO, "kyc-match:match").await;
    let check = async |token: &str, path: &str, body: Value, status: u16, code: &str| {
        let answer = env.api(path, Some(token), Some(body)).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        answer
    };
    let v04 = "/kyc-match/v0.4/match";
    let answer = check(
        &token,
        v04,
        json!({
            "nameKanaZenkaku": "ヤマダ タロウ",
            "nameKanaHankaku": "ﾔﾏﾀﾞ ﾀﾛｳ",
            "familyName": "山田",
            "postalCode": "1028460",
            "birthdate": "1975-09-30",
            "idDocument": "X123"
        }),
        200,
        "",
    )
    .await;
    insta::assert_json_snapshot!(answer.body);
    check(
        &token,
        v04,
        json!({ "phoneNumber": PETER, "givenName": "x" }),
        403,
        "INVALID_TOKEN_CONTEXT",
    )
    .await;
    check(
        &token,
        v04,
        json!({ "phoneNumber": TARO, "givenName": "太郎" }),
        200,
        "",
    )
    .await;
    check(
        &token,
        v04,
        json!({ "birthdate": "30/09/1975" }),
        400,
        "INVALID_ARGUMENT",
    )
    .await;
    check(&token, v04, json!({}), 400, "INVALID_ARGUMENT").await;
    let two_legged = env.two_legged_token("kyc-match:match").await;
    check(
        &two_legged,
        v04,
        json!({ "givenName": "x" }),
        422,
        "MISSING_IDENTIFIER",
    )
    .await;
    check(
        &two_legged,
        v04,
        json!({ "phoneNumber": "+34699999999", "givenName": "x" }),
        404,
        "IDENTIFIER_NOT_FOUND",
    )
    .await;
    let v02 = "/kyc-match/v0.2/match";
    check(
        &two_legged,
        v02,
        json!({ "givenName": "x" }),
        400,
        "INVALID_ARGUMENT",
    )
    .await;
    check(
        &two_legged,
        v02,
        json!({ "phoneNumber": "+34699999999", "givenName": "x" }),
        404,
        "NOT_FOUND",
    )
    .await;
    // Dutch record: name composed from given, middle and birth family names.
    let dutch = check(
        &two_legged,
        v04,
        json!({ "phoneNumber": ANNA, "name": "Anna Maria Jansen", "houseNumberExtension": "a" }),
        200,
        "",
    )
    .await;
    assert_eq!(
        dutch.body,
        json!({ "nameMatch": "true", "houseNumberExtensionMatch": "true" })
    );
    // Spanish record, through the 0.2 key names.
    let spanish = check(
        &two_legged,
        v02,
        json!({ "phoneNumber": "34654654654", "familyName": "Garcia Lopez", "idDocument": "12345678z", "nationality": "ES" }),
        200,
        "",
    )
    .await;
    assert_eq!(
        spanish.body,
        json!({ "idDocumentMatch": "true", "familyNameMatch": "true" })
    );
    // Neither version forbids additional properties: the sandbox ignores one it does not know,
    // although `KycClaims` itself refuses it.
    let extra = check(
        &two_legged,
        v04,
        json!({ "phoneNumber": ANNA, "name": "Anna Maria Jansen", "nickname": "Annie" }),
        200,
        "",
    )
    .await;
    assert_eq!(extra.body, json!({ "nameMatch": "true" }));
}
