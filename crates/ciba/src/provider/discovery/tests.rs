use serde_json::{Value, json};

use crate::provider::ProviderConfig;

/// A verdict on `document` as a line: the configuration's discovered values, or the error kind
/// (with the JSON path of a decoding failure).
fn discovery_verdict(document: &Value) -> String {
    let response = http::Response::builder()
        .status(200)
        .body(bytes::Bytes::from(document.to_string()))
        .unwrap();
    match ProviderConfig::from_discovery_response("https://op.example", &response) {
        Ok(config) => format!(
            "ok token={} authz={:?} jwks={:?} bc={:?} id_algs={:?} auth_algs={:?} req_algs={:?} modes={:?}",
            config.token_endpoint(),
            config.authorization_endpoint().map(url::Url::as_str),
            config.jwks_uri().map(url::Url::as_str),
            config.backchannel_endpoint().map(url::Url::as_str),
            config.id_token_algorithms(),
            config.token_auth_signing_algs(),
            config.request_signing_algs(),
            config.delivery_modes(),
        ),
        Err(crate::Error::Decode(decode)) => format!("decode at {}", decode.path),
        Err(other) => format!("error {other}"),
    }
}

#[test]
fn discovery_verdicts_match_the_openidconnect_baseline() {
    let base = serde_json::json!({
        "issuer": "https://op.example",
        "authorization_endpoint": "https://op.example/authorize",
        "token_endpoint": "https://op.example/token",
        "jwks_uri": "https://op.example/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"]
    });
    let changes = [
        json!({}),
        json!({"issuer": "op.example"}),
        json!({"issuer": null}),
        json!({"authorization_endpoint": null}),
        json!({"authorization_endpoint": "not a url"}),
        json!({"authorization_endpoint": "http://op.example/a"}),
        json!({"token_endpoint": null}),
        json!({"token_endpoint": 5}),
        json!({"token_endpoint": "x"}),
        json!({"jwks_uri": null}),
        json!({"jwks_uri": "https://op.example/j#f"}),
        json!({"response_types_supported": null}),
        json!({"response_types_supported": "code"}),
        json!({"response_types_supported": [5]}),
        json!({"response_types_supported": ["code id_token", "weird"]}),
        json!({"subject_types_supported": null}),
        json!({"subject_types_supported": ["x"]}),
        json!({"id_token_signing_alg_values_supported": null}),
        json!({"id_token_signing_alg_values_supported": []}),
        json!({"id_token_signing_alg_values_supported": ["XX", 5, "PS256"]}),
        json!({"id_token_signing_alg_values_supported": "RS256"}),
        json!({"id_token_signing_alg_values_supported": ["none", "HS256"]}),
        json!({"token_endpoint_auth_signing_alg_values_supported": ["ES256", "XX", 5, "none", "EdDSA"]}),
        json!({"token_endpoint_auth_signing_alg_values_supported": null}),
        json!({"token_endpoint_auth_signing_alg_values_supported": "ES256"}),
        json!({"backchannel_authentication_endpoint": "https://op.example/bc"}),
        json!({"backchannel_authentication_endpoint": "http://op.example/bc"}),
        json!({"backchannel_authentication_endpoint": 5}),
        json!({"backchannel_token_delivery_modes_supported": ["poll", "x"]}),
        json!({"backchannel_token_delivery_modes_supported": [5]}),
        json!({"backchannel_authentication_request_signing_alg_values_supported": ["ES256", "XX"]}),
        json!({"backchannel_user_code_parameter_supported": "yes"}),
        json!({"userinfo_endpoint": "x"}),
        json!({"userinfo_endpoint": null}),
        json!({"registration_endpoint": 5}),
        json!({"scopes_supported": ["openid", 5]}),
        json!({"scopes_supported": "openid"}),
        json!({"response_modes_supported": ["query", "x"]}),
        json!({"grant_types_supported": ["urn:openid:params:grant-type:ciba"]}),
        json!({"grant_types_supported": [5]}),
        json!({"acr_values_supported": [5]}),
        json!({"token_endpoint_auth_methods_supported": ["private_key_jwt", "x"]}),
        json!({"token_endpoint_auth_methods_supported": "private_key_jwt"}),
        json!({"display_values_supported": [5]}),
        json!({"claim_types_supported": ["normal", "x"]}),
        json!({"claims_supported": ["sub", 5]}),
        json!({"service_documentation": "x"}),
        json!({"claims_locales_supported": ["en", 5]}),
        json!({"ui_locales_supported": "en"}),
        json!({"claims_parameter_supported": "true"}),
        json!({"request_parameter_supported": 1}),
        json!({"request_uri_parameter_supported": null}),
        json!({"require_request_uri_registration": true}),
        json!({"op_policy_uri": "x"}),
        json!({"op_tos_uri": "https://op.example/tos"}),
        json!({"id_token_encryption_alg_values_supported": ["XX", 5]}),
        json!({"id_token_encryption_alg_values_supported": "RSA-OAEP"}),
        json!({"id_token_encryption_enc_values_supported": [5]}),
        json!({"userinfo_signing_alg_values_supported": "x"}),
        json!({"request_object_signing_alg_values_supported": [1, 2]}),
        json!({"request_object_encryption_enc_values_supported": {}}),
        json!({"userinfo_encryption_alg_values_supported": null}),
        json!({"code_challenge_methods_supported": 5}),
        json!({"end_session_endpoint": 5}),
        json!({"issuer": "https://op.example", "extra": {"a": [1]}}),
        json!({"mtls_endpoint_aliases": {"token_endpoint": 5}}),
    ];
    let mut out = String::new();
    for (index, change) in changes.iter().enumerate() {
        let mut document = base.clone();
        for (name, value) in change.as_object().unwrap() {
            if value.is_null() {
                document.as_object_mut().unwrap().remove(name);
            } else {
                document[name] = value.clone();
            }
        }
        out.push_str(&format!("{index} {}\n", discovery_verdict(&document)));
    }
    // Null members, as opposed to absent ones.
    for name in [
        "token_endpoint",
        "scopes_supported",
        "backchannel_authentication_endpoint",
        "issuer",
        "claims_parameter_supported",
        "id_token_signing_alg_values_supported",
    ] {
        let mut document = base.clone();
        document[name] = Value::Null;
        out.push_str(&format!("null {name} {}\n", discovery_verdict(&document)));
    }
    insta::assert_snapshot!("discovery_openidconnect_baseline", out);
}
