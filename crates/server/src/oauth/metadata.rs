//! The provider's metadata: OpenID discovery and the JWKS of its signing key.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::CIBA_GRANT;
use crate::state::Shared;

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn discovery(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({
        "issuer": shared.issuer,
        "authorization_endpoint": shared.endpoint("/authorize"),
        "token_endpoint": shared.endpoint("/token"),
        "jwks_uri": shared.endpoint("/jwks"),
        "backchannel_authentication_endpoint": shared.endpoint("/bc-authorize"),
        "backchannel_token_delivery_modes_supported": ["poll"],
        "backchannel_user_code_parameter_supported": false,
        "grant_types_supported": ["authorization_code", CIBA_GRANT, "client_credentials"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "prompt_values_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported":
            ["ES256", "ES384", "RS256", "RS384", "PS256", "EdDSA"],
        "scopes_supported": [
            "openid",
            "dpv:FraudPreventionAndDetection",
            "kyc-match:match",
            "sim-swap",
            "sim-swap:check",
            "sim-swap:retrieve-date",
            "number-verification:verify",
            "number-verification:device-phone-number:read",
            "device-swap",
            "device-swap:check",
            "device-swap:retrieve-date",
            "number-recycling:check",
            "kyc-tenure:check-tenure",
            "kyc-age-verification:verify",
            "kyc-fill-in:set-all"
        ],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce"],
    }))
}

/// `GET /jwks`.
pub(crate) async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "keys": [&shared.signing_key.public_jwk] }))
}
