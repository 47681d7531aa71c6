//! The checks `openidconnect`'s `IdTokenVerifier` made implicitly, kept when it was replaced:
//! token shape, header, audiences, key choice and check order.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::error::{Error, IdTokenError};
use crate::provider::{Jwks, ProviderConfig};
use crate::testkit::{self, t0};
use crate::tokens::{IdTokenContext, validate_id_token};

/// Signs `claims` under `header` (any members) with the provider's ES256 key.
fn sign_raw(header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key = jsonwebtoken::EncodingKey::from_ec_pem(testkit::OP_EC_PEM).unwrap();
    let signature =
        jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::ES256).unwrap();
    format!("{input}.{signature}")
}

fn claims_with(changes: &Value) -> Value {
    let mut claims = testkit::id_claims(t0());
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = value.clone();
        }
    }
    claims
}

fn header_with(changes: &Value) -> Value {
    let mut header = json!({"alg": "ES256", "kid": "op-ec"});
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            header.as_object_mut().unwrap().remove(name);
        } else {
            header[name] = value.clone();
        }
    }
    header
}

/// The variant name of the verdict, as the crate's other ID-token tests report it.
fn verdict(provider: &ProviderConfig, token: &str) -> String {
    match validate_id_token(
        token,
        provider,
        testkit::CLIENT_ID,
        t0(),
        IdTokenContext::default(),
    ) {
        Ok(_) => "ok".to_owned(),
        Err(Error::IdToken(err)) => format!("{err:?}")
            .split('(')
            .next()
            .unwrap_or_default()
            .to_owned(),
        Err(other) => format!("other: {other}"),
    }
}

#[test]
fn header_shape_claims_and_order() {
    let none = json!({});
    let cases: Vec<(&str, Value, Value, &str)> = vec![
        ("plain", none.clone(), none.clone(), "ok"),
        ("typ JWT", json!({"typ": "JWT"}), none.clone(), "ok"),
        (
            "typ application/jwt",
            json!({"typ": "application/jwt"}),
            none.clone(),
            "ok",
        ),
        ("typ JOSE", json!({"typ": "JOSE"}), none.clone(), "ok"),
        (
            "typ of an access token",
            json!({"typ": "at+jwt"}),
            none.clone(),
            "Claims",
        ),
        (
            "typ with a bad media type",
            json!({"typ": "a;b/c"}),
            none.clone(),
            "Claims",
        ),
        ("nested JWT", json!({"cty": "JWT"}), none.clone(), "Claims"),
        ("crit extension", json!({"crit": ["exp"]}), none.clone(), "Claims"),
        (
            "encrypted token",
            json!({"alg": "A128GCM"}),
            none.clone(),
            "Claims",
        ),
        ("unknown alg", json!({"alg": "XS256"}), none.clone(), "Malformed"),
        (
            "alg off the allow-list",
            json!({"alg": "ES384"}),
            none.clone(),
            "Signature",
        ),
        ("kid of a number", json!({"kid": 7}), none.clone(), "Malformed"),
        ("no kid, one EC key", json!({"kid": null}), none.clone(), "ok"),
        ("unknown kid", json!({"kid": "gone"}), none.clone(), "Signature"),
        ("iss not a URL", none.clone(), json!({"iss": "op"}), "Malformed"),
        ("no sub", none.clone(), json!({"sub": null}), "Malformed"),
        ("no exp", none.clone(), json!({"exp": null}), "Malformed"),
        (
            "exp as text",
            none.clone(),
            json!({"exp": "1800000300"}),
            "Malformed",
        ),
        (
            "fractional exp",
            none.clone(),
            json!({"exp": 1_800_000_300.5}),
            "ok",
        ),
        ("no aud", none.clone(), json!({"aud": null}), "Audience"),
        (
            "a second audience, even with azp",
            none.clone(),
            json!({"aud": [testkit::CLIENT_ID, "other"], "azp": testkit::CLIENT_ID}),
            "Audience",
        ),
        (
            "aud as a list of one",
            none.clone(),
            json!({"aud": [testkit::CLIENT_ID]}),
            "ok",
        ),
        ("amr of a number", none.clone(), json!({"amr": 5}), "Malformed"),
        // The issuer is checked before the signature, as before.
        (
            "wrong issuer and alg none",
            json!({"alg": "none"}),
            json!({"iss": "https://evil.example"}),
            "Issuer",
        ),
        (
            "wrong audience and alg none",
            json!({"alg": "none"}),
            json!({"aud": "other"}),
            "Audience",
        ),
    ];
    let provider = testkit::provider();
    for (name, header, claims, expected) in cases {
        let token = sign_raw(&header_with(&header), &claims_with(&claims));
        assert_eq!(verdict(&provider, &token), expected, "case {name}");
    }
}

#[test]
fn several_fitting_keys_need_a_kid() {
    let mut jwks: Value = serde_json::from_str(testkit::OP_JWKS).unwrap();
    let mut twin = jwks["keys"][1].clone();
    twin["kid"] = json!("op-ec-2");
    jwks["keys"].as_array_mut().unwrap().push(twin);
    let provider = testkit::provider().with_jwks(Jwks::from_json(jwks.to_string().as_bytes()).unwrap());
    let claims = claims_with(&json!({}));
    let without_kid = sign_raw(&header_with(&json!({"kid": null})), &claims);
    let with_kid = sign_raw(&header_with(&json!({})), &claims);
    assert_eq!(verdict(&provider, &without_kid), "Signature");
    assert_eq!(verdict(&provider, &with_kid), "ok");
    let err = validate_id_token(
        &without_kid,
        &provider,
        testkit::CLIENT_ID,
        t0(),
        IdTokenContext::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::IdToken(IdTokenError::Signature(
            "ambiguous key identification: 2 eligible keys and no distinguishing kid".to_owned()
        ))
    );
}

#[test]
fn malformed_texts_do_not_quote_the_token() {
    let err = validate_id_token(
        "a.b",
        &testkit::provider(),
        testkit::CLIENT_ID,
        t0(),
        IdTokenContext::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid id token: malformed id token: invalid JSON web token: found 2 parts (expected 3)"
    );
}
