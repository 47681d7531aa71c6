use serde_json::json;

use super::*;

fn set(keys: Value) -> Jwks {
    serde_json::from_value(json!({ "keys": keys })).unwrap()
}

fn ec(kid: Option<&str>) -> Value {
    let mut key = json!({"kty": "EC", "crv": "P-256", "x": "AQ", "y": "Ag"});
    if let Some(kid) = kid {
        key["kid"] = json!(kid);
    }
    key
}

#[test]
fn unreadable_keys_are_skipped() {
    let jwks = set(json!([
        ec(Some("ok")),
        {"kty": "XYZ"},
        {"kty": "EC", "alg": "RSA-OAEP"},
        {"kty": 5},
        {"kty": "RSA", "kid": 7},
        "not an object",
    ]));
    assert_eq!(jwks.0.len(), 1);
}

/// A case: name, keys, the token's `kid` and `alg`, the choice expected.
type Case<'a> = (
    &'a str,
    Value,
    Option<&'a str>,
    SigningAlgorithm,
    Result<(), &'a str>,
);

#[test]
fn key_choice_follows_kid_use_kty_and_alg() {
    let es = SigningAlgorithm::Es256;
    let choose = |keys: Value, kid: Option<&str>, alg| {
        set(keys)
            .key_for(kid, alg)
            .map(|_| ())
            .map_err(|err| err.to_string())
    };
    let cases: Vec<Case<'_>> = vec![
        (
            "kid names the key",
            json!([ec(Some("a")), ec(Some("b"))]),
            Some("b"),
            es,
            Ok(()),
        ),
        (
            "one key, token without kid",
            json!([ec(Some("a"))]),
            None,
            es,
            Ok(()),
        ),
        (
            "several keys, token without kid",
            json!([ec(Some("a")), ec(Some("b"))]),
            None,
            es,
            Err("ambiguous key identification: 2 eligible keys and no distinguishing kid"),
        ),
        (
            "unknown kid",
            json!([ec(Some("a"))]),
            Some("z"),
            es,
            Err("no matching key found"),
        ),
        (
            "encryption key",
            json!([{"kty": "EC", "crv": "P-256", "x": "AQ", "y": "Ag", "use": "enc"}]),
            None,
            es,
            Err("no matching key found"),
        ),
        (
            "RSA key for ES256",
            json!([{"kty": "RSA", "n": "AQ", "e": "AQAB"}]),
            None,
            es,
            Err("no matching key found"),
        ),
        (
            "key bound to another alg",
            json!([{"kty": "RSA", "n": "AQ", "e": "AQAB", "alg": "RS256"}]),
            None,
            SigningAlgorithm::Ps256,
            Err("no matching key found"),
        ),
        (
            "key bound to an encryption alg",
            json!([{"kty": "EC", "crv": "P-256", "x": "AQ", "y": "Ag", "alg": "A128GCM"}]),
            None,
            es,
            Err("no matching key found"),
        ),
        (
            "P-384 key for ES256",
            json!([{"kty": "EC", "crv": "P-384", "x": "AQ", "y": "Ag"}]),
            None,
            es,
            Err("invalid cryptographic key: key uses another curve than the token"),
        ),
        (
            "RSA key without e",
            json!([{"kty": "RSA", "n": "AQ"}]),
            None,
            SigningAlgorithm::Rs256,
            Err("invalid cryptographic key: RSA key lacks `n` or `e`"),
        ),
    ];
    for (name, keys, kid, alg, expected) in cases {
        assert_eq!(choose(keys, kid, alg), expected.map_err(str::to_owned), "{name}");
    }
}
