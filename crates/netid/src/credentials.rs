//! The application's client registration: its id and the key that signs its `private_key_jwt`
//! assertions, from the description (a key file, the environment) or given directly.

use std::sync::Arc;

use netid_ciba::client::{AssertionAudience, ClientConfig};
use netid_ciba::jose::{KeySigner, Signer, SigningAlgorithm};

use crate::description::{AssertionAud, ClientDescription, EnvLookup, KeyAlgorithm, KeyText};
use crate::error::Error;

impl From<KeyAlgorithm> for SigningAlgorithm {
    fn from(algorithm: KeyAlgorithm) -> Self {
        match algorithm {
            KeyAlgorithm::Rs256 => Self::Rs256,
            KeyAlgorithm::Ps256 => Self::Ps256,
            KeyAlgorithm::Es256 => Self::Es256,
        }
    }
}

impl From<AssertionAud> for AssertionAudience {
    fn from(audience: AssertionAud) -> Self {
        match audience {
            AssertionAud::Endpoint => Self::Endpoint,
            AssertionAud::TokenEndpoint => Self::TokenEndpoint,
            AssertionAud::Issuer => Self::Issuer,
        }
    }
}

/// The client of the description, or `None` when it names no key (a caller that passes its own
/// tokens needs none). `client_id` and `key` replace the description's when given.
pub(crate) fn client_config(
    description: &ClientDescription,
    client_id: Option<String>,
    key: Option<KeyText>,
    env: EnvLookup<'_>,
) -> Result<Option<Arc<ClientConfig>>, Error> {
    let key = match key {
        Some(key) => Some(key),
        None => description.resolve_key(env)?,
    };
    let client_id = match client_id {
        Some(id) => Some(id),
        None => description.resolve_client_id(env)?,
    };
    let (Some(key), Some(client_id)) = (key, client_id) else {
        return Ok(None);
    };
    let signer = signer(&key, description.alg.map(Into::into), description.kid.clone())?;
    let audience = description
        .assertion_aud
        .map_or(AssertionAudience::Endpoint, Into::into);
    Ok(Some(Arc::new(
        ClientConfig::new(client_id, signer).with_assertion_audience(audience),
    )))
}

/// A signer from a key's PEM or JWK text.
fn signer(
    key: &KeyText,
    algorithm: Option<SigningAlgorithm>,
    kid: Option<String>,
) -> Result<Arc<dyn Signer>, Error> {
    let invalid = |error: netid_ciba::Error| Error::Credentials(format!("{}: {error}", key.origin()));
    let text = key.expose_secret();
    if text.trim_start().starts_with('{') {
        // A JWK: the algorithm and kid given override the key's own.
        let mut jwk: serde_json::Value = serde_json::from_str(text)
            .map_err(|_| Error::Credentials(format!("{}: not a JSON Web Key", key.origin())))?;
        if let Some(object) = jwk.as_object_mut() {
            if let Some(algorithm) = algorithm {
                object.insert("alg".to_owned(), algorithm.as_str().into());
            }
            if let Some(kid) = kid {
                object.insert("kid".to_owned(), kid.into());
            }
        }
        return Ok(Arc::new(KeySigner::from_jwk(&jwk.to_string()).map_err(invalid)?));
    }
    let pem = text.as_bytes();
    let signer = match algorithm {
        Some(algorithm) => KeySigner::from_pem(algorithm, pem, kid).map_err(invalid)?,
        // The key's type chooses: P-256 first, then RSA.
        None => KeySigner::from_pem(SigningAlgorithm::Es256, pem, kid.clone())
            .or_else(|_| KeySigner::from_pem(SigningAlgorithm::Rs256, pem, kid))
            .map_err(invalid)?,
    };
    Ok(Arc::new(signer))
}
