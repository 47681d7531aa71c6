//! OpenID Connect Discovery 1.0 §3 and §4 MUSTs of the sandbox's provider metadata.
//!
//! | Section | MUST | Test |
//! | --- | --- | --- |
//! | §4 | served at `<issuer>/.well-known/openid-configuration`, 200, `application/json` | `provider_metadata_has_every_required_field` |
//! | §4.3 | `issuer` identical to the URL prefix the document was fetched from | `provider_metadata_has_every_required_field` |
//! | §3 | `issuer`, `authorization_endpoint`, `token_endpoint`, `jwks_uri`, `response_types_supported`, `subject_types_supported`, `id_token_signing_alg_values_supported` | `provider_metadata_has_every_required_field` |
//! | §3 | `subject_types_supported` ⊆ {`pairwise`, `public`}; `RS256` or the registered alg listed and not `none` for ID tokens | `provider_metadata_has_every_required_field` |
//! | §3 | endpoints are URLs; `jwks_uri` serves a JWK Set | `provider_metadata_has_every_required_field` |
//! | CIBA §4 | `backchannel_authentication_endpoint`, `backchannel_token_delivery_modes_supported` | `provider_metadata_has_every_required_field` |

use reqwest::StatusCode;

use crate::support::start;

#[tokio::test]
async fn provider_metadata_has_every_required_field() {
    let env = start().await;
    let issuer = env.server.issuer().to_owned();
    let answer = env
        .send(env.http.get(format!("{issuer}/.well-known/openid-configuration")))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let metadata = &answer.body;
    assert_eq!(metadata["issuer"], issuer.as_str(), "§4.3");
    for field in [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "backchannel_authentication_endpoint",
    ] {
        let url = metadata[field]
            .as_str()
            .unwrap_or_else(|| panic!("{field} missing"));
        assert!(url.starts_with(&issuer), "{field}: {url}");
        url::Url::parse(url).unwrap_or_else(|e| panic!("{field}: {e}"));
    }
    for field in [
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "backchannel_token_delivery_modes_supported",
    ] {
        let values = metadata[field]
            .as_array()
            .unwrap_or_else(|| panic!("{field} missing"));
        assert!(!values.is_empty(), "{field} is empty");
    }
    let subject_types = metadata["subject_types_supported"].as_array().unwrap();
    assert!(subject_types.iter().all(|t| t == "pairwise" || t == "public"));
    let algs = metadata["id_token_signing_alg_values_supported"]
        .as_array()
        .unwrap();
    assert!(
        !algs.iter().any(|a| a == "none"),
        "unsigned ID tokens are not offered"
    );
    // The ID tokens are signed with what the metadata says, by a key of `jwks_uri`.
    let jwks = env
        .send(env.http.get(metadata["jwks_uri"].as_str().unwrap()))
        .await;
    assert!(jwks.body["keys"].as_array().is_some_and(|k| !k.is_empty()));
    assert!(algs.iter().any(|a| a == "ES256"));
}
