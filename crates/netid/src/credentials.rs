//! The application's client registration: its id and the key that signs its `private_key_jwt`
//! assertions, from the description (a key file, the environment) or given directly.

use std::sync::Arc;

use netid_ciba::client::{AssertionAudience, ClientConfig};
use netid_ciba::jose::{KeyOptions, KeySigner, Signer, SigningAlgorithm};

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

/// A signer from a key's PEM or JWK text; the key's own type chooses the algorithm unless the
/// description names one.
fn signer(
    key: &KeyText,
    algorithm: Option<SigningAlgorithm>,
    kid: Option<String>,
) -> Result<Arc<dyn Signer>, Error> {
    let mut options = KeyOptions::new();
    options.algorithm = algorithm;
    options.key_id = kid;
    KeySigner::from_text(key.expose_secret(), options)
        .map(|signer| Arc::new(signer) as Arc<dyn Signer>)
        .map_err(|error| Error::Credentials(format!("{}: {error}", key.origin())))
}
